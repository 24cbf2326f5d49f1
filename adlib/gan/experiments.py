"""The chapters' studies: GAN variants on the 1-D mixtures, AnoGAN on toy2 and on digits.

Each function trains seeded GANs and returns plain NumPy/pandas results; the
notebooks only call them and show the outcome (sentences: :mod:`.report`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from .anogan import latent_search
from .data import bic_clusters, digits, mixture, mode_shares
from .train import GAN, KINDS

#: Plain names of the four variants, as the chapter writes them.
KIND_LABELS = {"simple": "plain GAN", "smoothing": "label smoothing",
               "conditional": "conditional", "infogan": "InfoGAN"}


@dataclass
class MixtureStudy:
    """The four variants on each 1-D mixture: samples, per-mode shares, BIC curves, GANs."""

    data: dict = field(default_factory=dict)       # n_modes -> X
    samples: dict = field(default_factory=dict)    # (n_modes, kind) -> generated samples
    gans: dict = field(default_factory=dict)       # (n_modes, kind) -> GAN
    clusters: dict = field(default_factory=dict)   # n_modes -> Clusters (BIC)
    shares: pd.DataFrame | None = None             # one row per (data set, variant)
    seconds: float = 0.0


def mixture_study(n_modes=(2, 3, 4), kinds=KINDS, epochs=1000, n_samples=2000, seed=0,
                  monitor_every=None) -> MixtureStudy:
    """Train every variant on every mixture; shares of generated samples near each mode."""
    st, rows, t0 = MixtureStudy(), [], time.perf_counter()
    for m in n_modes:
        X, _ = mixture(m, seed=seed)
        st.data[m] = X
        st.clusters[m] = bic_clusters(X, seed=seed)
        for kind in kinds:
            g = GAN(kind, epochs=epochs, seed=seed, monitor_every=monitor_every).fit(X)
            s = g.sample(n_samples, seed=1)
            st.gans[m, kind], st.samples[m, kind] = g, s
            shares = mode_shares(s, m)
            rows.append({"modes": m, "variant": kind, "classes": getattr(g, "n_codes_", 0),
                         **{f"mode {i + 1}": float(v) for i, v in enumerate(shares)},
                         "min share": float(shares.min())})
    st.shares = pd.DataFrame(rows)
    st.seconds = time.perf_counter() - t0
    return st


def auc(y, s) -> float:
    return float(roc_auc_score(y, s))


def toy_anogan(X, y, kinds=("simple", "conditional"), epochs=2000, seed=0, grid_size=40):
    """AnoGAN (paper and original variants) on 2-D data for each GAN kind, with score grids."""
    out = {}
    lo, hi = X.min(axis=0) - 1.0, X.max(axis=0) + 1.0
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], grid_size), np.linspace(lo[1], hi[1], grid_size))
    grid = np.c_[gx.ravel(), gy.ravel()]
    for kind in kinds:
        g = GAN(kind, epochs=epochs, seed=seed).fit(X)
        entry = {"gan": g, "grid": (gx, gy)}
        for variant in ("paper", "original"):
            t0 = time.perf_counter()
            res = latent_search(g, X, variant=variant, seed=seed)
            entry[variant] = res
            entry[variant + "_seconds"] = time.perf_counter() - t0
            entry[variant + "_auc"] = {"A(x)": auc(y, res.score),
                                       "residual R": auc(y, res.residual_loss),
                                       "discrimination D": auc(y, res.discrimination_loss)}
        entry["grid_score"] = latent_search(g, grid, variant="paper", seed=seed)
        out[kind] = entry
    return out


def uncertainty_table(X, y, seeds=range(5), lams=(0.1, 0.5, 0.9), epochs=2000, gan=None):
    """AUC (paper's feature-matching loss) over GAN seeds and over search seeds, per lambda.

    Columns: ``lambda``, ``gan_mean``/``gan_sd`` (a new GAN and search start per
    seed), ``search_mean``/``search_sd`` (one GAN, ``gan`` or seed 0, only the
    search's starting points change).
    """
    seeds = list(seeds)
    gans = {s: (gan if (gan is not None and s == seeds[0]) else
                GAN("simple", epochs=epochs, seed=s).fit(X)) for s in seeds}
    rows = []
    for lam in lams:
        by_gan = [auc(y, latent_search(gans[s], X, lam=lam, seed=s).score) for s in seeds]
        by_search = [auc(y, latent_search(gans[seeds[0]], X, lam=lam, seed=100 + s).score)
                     for s in seeds]
        rows.append({"lambda": lam, "gan_mean": np.mean(by_gan), "gan_sd": np.std(by_gan, ddof=1),
                     "search_mean": np.mean(by_search),
                     "search_sd": np.std(by_search, ddof=1)})
    return pd.DataFrame(rows)


def digit_study(normal_digits=(8,), epochs=200, ae_epochs=200, restarts=2, seed=0,
                train_share=0.8):
    """Train AnoGAN (small dense GAN) and the conv autoencoder on one digit; score the rest.

    For each normal digit: 80 % of its images train both models; the other
    20 % (normal) and every image of the other digits (anomalies) are scored.
    Returns ``(auc_table, details)``: one row per (normal, held-out digit) with
    the AUCs of A(x), of the residual alone and of the autoencoder; details per
    normal digit hold the test indices, search result and autoencoder scores.
    """
    from .convae import ConvAutoencoder
    from .networks import image_spec

    X, y = digits()
    rows, details = [], {}
    for d in normal_digits:
        rng = np.random.default_rng([seed, int(d)])
        idx = rng.permutation(np.flatnonzero(y == d))
        train = np.sort(idx[: int(train_share * len(idx))])
        test = np.setdiff1d(np.arange(len(y)), train)
        t0 = time.perf_counter()
        gan = GAN("simple", spec=image_spec(), optimizer="adam", learning_rate=5e-4,
                  latent_dim=16, l2=0.0, epochs=epochs, seed=seed).fit(X[train])
        res = latent_search(gan, X[test], variant="paper", restarts=restarts, seed=seed)
        t_gan = time.perf_counter() - t0
        t0 = time.perf_counter()
        ae = ConvAutoencoder(epochs=ae_epochs, random_state=seed).fit(X[train])
        s_ae = ae.score_samples(X[test])
        t_ae = time.perf_counter() - t0
        yt = y[test]
        for k in range(10):
            if k == d:
                continue
            m = (yt == d) | (yt == k)
            rows.append({"normal": int(d), "held-out digit": k,
                         "AnoGAN": auc(yt[m] == k, res.score[m]),
                         "AnoGAN residual": auc(yt[m] == k, res.residual_loss[m]),
                         "conv. autoencoder": auc(yt[m] == k, s_ae[m])})
        details[d] = {"test": test, "result": res, "ae": ae, "ae_scores": s_ae, "gan": gan,
                      "gan_seconds": t_gan, "ae_seconds": t_ae,
                      "gan_parameters": int(sum(np.prod(v.shape) for v in
                                                gan.generator_.trainable_variables
                                                + gan.discriminator_.trainable_variables)),
                      "ae_parameters": ae.n_parameters(),
                      "auc_all": {"AnoGAN": auc(yt != d, res.score),
                                  "conv. autoencoder": auc(yt != d, s_ae)}}
    return pd.DataFrame(rows), details


# -- what the full mode reached (written by a full run, read by the quick one) ----------------
def summary_path(name: str):
    from ..cache import default_cache_dir

    return default_cache_dir() / "gan" / f"{name}.json"


def save_full_summary(name: str, values: dict) -> None:
    """Keep the headline numbers of a full (not quick) chapter run under ``results/gan/``."""
    import json
    import os

    from .._format import plain

    path = summary_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(plain(values), indent=1, sort_keys=True))
    os.replace(tmp, path)


def load_full_summary(name: str) -> dict | None:
    """The numbers of the last full run, or None when none was kept."""
    import json

    path = summary_path(name)
    return json.loads(path.read_text()) if path.is_file() else None
