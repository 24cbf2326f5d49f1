"""Benchmark: streaming AAD, one window at a time, and on data the chapter does not use.

1. Processing one window of 1024 rows with 100 trees (weather): the KL check,
   tree replacement when it fires, retention (merge and keep the top 1024) and
   the weight retraining (10 updates on every label), i.e. ``add_window``;
   median and max over the windows of a weather stream, per update mode.
2. ``discover_stream`` against its own no-feedback baseline (the same stream,
   uniform weights) on sets the chapter does not use (windows of 512 on the
   small sets, 1024 on the large ones, as the original), seeds 0-2.

    python bench/bench_stream.py            # appends a block to bench/RESULTS.md
    python bench/bench_stream.py --no-write
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _common import machine, report

from adlib.aad.stream import StreamSession, discover_stream
from adlib.datasets import load_dataset

OTHER_SETS = (("abalone", 512, 300), ("ann_thyroid_1v3", 512, 300),
              ("shuttle_1v23567", 1024, 1500))


def time_windows(update: str, seed: int = 0) -> dict:
    data = load_dataset("weather")
    X, y, w = data.X, data.y, 1024
    stream = StreamSession(X[:w], update=update, retention=1, queries_per_window=20, seed=seed)
    times, replaced = [], []
    for start in range(w, X.shape[0] - w + 1, w):  # full windows only
        while (q := stream.next_queries()).size:
            for i in q:
                stream.answer(i, y[i])
        t = time.perf_counter()
        rec = stream.add_window(X[start:start + w])
        times.append(time.perf_counter() - t)
        replaced.append(rec.replaced)
    times = np.array(times)
    changed = np.array(replaced) > 0
    return {"update": update, "windows": times.size, "median_ms": 1e3 * np.median(times),
            "max_ms": 1e3 * times.max(),
            "changed_ms": 1e3 * np.median(times[changed]) if changed.any() else float("nan"),
            "n_changed": int(changed.sum()), "labels": len(stream.labeled_ids)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    lines = ["| update | windows of 1024 | median ms | max ms | median ms when the forest "
             "changed (windows) | labels at the end |", "|---|---|---|---|---|---|"]
    for update in ("kl", "oldest", "none"):
        r = time_windows(update)
        lines.append(f"| {update} | {r['windows']} | {r['median_ms']:.0f} | {r['max_ms']:.0f} | "
                     f"{r['changed_ms']:.0f} ({r['n_changed']}) | {r['labels']} |")
    lines += ["", "| dataset | window | budget | KL-adaptive found (seeds) | no-feedback "
              "baseline | anomalies | s per run |", "|---|---|---|---|---|---|---|"]
    for name, window, budget in OTHER_SETS:
        data = load_dataset(name)
        t = time.perf_counter()
        runs = [discover_stream(data.X, data.y, window=window, budget=budget, update="kl", seed=s)
                for s in range(args.seeds)]
        sec = (time.perf_counter() - t) / args.seeds
        found = [int(r.found[-1]) for r in runs]
        base = [int(r.baseline[-1]) for r in runs]
        lines.append(f"| {name} | {window} | {budget} | {np.mean(found):.1f} {found} | "
                     f"{np.mean(base):.1f} {base} | {data.n_anomalies} | {sec:.1f} |")
    load = os.getloadavg()[0]
    description = (
        f"Machine: {machine()}; load average {load:.1f} at the end (shared). Streaming AAD, "
        "Isolation Forest 100 trees x 256 samples, tau 0.03, retention 1, 20 queries per "
        "window, 10 weight updates after a forest change. One window = `add_window`: KL check "
        "(100 trees), tree replacement if it fires (or the oldest 20 %), merge and keep the top "
        "1024 by score, 10 weight updates, opening the window's session. Second table: "
        "found at the budget with feedback vs the same stream without it (the last window "
        "spends the rest of the budget).")
    report("bench_stream.py", description, lines, write=not args.no_write)


if __name__ == "__main__":
    main()
