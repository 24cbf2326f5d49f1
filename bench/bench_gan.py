"""Benchmark: AnoGAN's latent search, batched (one z matrix) against one point at a time.

toy2 (485 points): a plain GAN (the original's networks, 2000 epochs unless
``--epochs``) is trained once, then every point is scored with the paper's
settings (feature matching, lambda 0.1, 500 Adam steps, 4 restarts), all at
once and one point at a time (the original's way; the same seeds give the
same scores, checked here). Digits (1797 images of 8x8): a small dense GAN
trained on the digit 8 scores every image, batched, and on a sample of
``--digit-points`` one at a time. Appends a table to bench/RESULTS.md.
Not part of `make test`.

    python bench/bench_gan.py
    python bench/bench_gan.py --epochs 500 --no-write
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _common import machine, report

from adlib.datasets import load_dataset
from adlib.gan import GAN, digits, latent_search, latent_search_pointwise
from adlib.gan.networks import image_spec


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=2000)
    p.add_argument("--digit-epochs", type=int, default=200)
    p.add_argument("--digit-points", type=int, default=100)
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args()
    rows = ["| data | points | GAN training (s) | batched (s) | one at a time (s) | speed-up |",
            "|---|---|---|---|---|---|"]
    X = load_dataset("toy2").X
    gan, t_train = timed(lambda: GAN("simple", epochs=a.epochs, seed=0).fit(X))
    latent_search(gan, X[:2])                       # trace the graph function once
    batch, t_b = timed(lambda: latent_search(gan, X))
    one, t_o = timed(lambda: latent_search_pointwise(gan, X))
    diff = float(np.abs(one.score - batch.score).max())
    rows.append(f"| toy2 | {len(X)} | {t_train:.1f} | {t_b:.2f} | {t_o:.1f} | {t_o / t_b:.0f}x |")
    Xd, yd = digits()
    g, t_train = timed(lambda: GAN("simple", spec=image_spec(), optimizer="adam",
                                   learning_rate=5e-4, latent_dim=16, l2=0.0,
                                   epochs=a.digit_epochs, seed=0).fit(Xd[yd == 8]))
    latent_search(g, Xd[:2])
    _, t_b = timed(lambda: latent_search(g, Xd))
    k = a.digit_points
    _, t_o = timed(lambda: latent_search_pointwise(g, Xd[:k]))
    est = t_o / k * len(Xd)
    rows.append(f"| digits | {len(Xd)} | {t_train:.1f} | {t_b:.2f} | {est:.0f} (from {k} points)"
                f" | {est / t_b:.0f}x |")
    desc = (f"{machine()}; load average {os.getloadavg()[0]:.1f}. AnoGAN paper settings "
            f"(feature matching, lambda 0.1, 500 Adam steps, 4 restarts); toy2 GAN {a.epochs} "
            f"epochs, digit GAN {a.digit_epochs} epochs on the 8s. Largest score difference "
            f"batched vs one at a time on toy2: {diff:.1e}.")
    report("bench_gan.py", desc, rows, write=not a.no_write)


if __name__ == "__main__":
    main()
