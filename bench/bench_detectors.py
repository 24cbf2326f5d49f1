"""Benchmark: fit and score seconds of every detector on every benchmark data set.

For each (detector, data set): ``fit(X)`` then ``score_samples(X)`` on the whole
data set, with the parameters of the book's AUC table
(``adlib.detectors.benchmark.BENCHMARK_PARAMS``: the slow detectors fit on at
most 3000 rows), seed 0, one process. Reports the seconds of fit + score, the
slowest cells, and the total; appends a dated table to bench/RESULTS.md. Not
part of `make test`. (TensorFlow's import is paid before timing starts.)

    python bench/bench_detectors.py
    python bench/bench_detectors.py --detectors lof,iforest --datasets abalone --no-write
"""

from __future__ import annotations

import argparse
import os
import time

from _common import machine, report

from adlib.datasets import load_dataset
from adlib.detectors import DEEP_DETECTORS, DETECTOR_NAMES, make_detector
from adlib.detectors.benchmark import BENCHMARK_DATASETS, BENCHMARK_PARAMS

SHORT = {"ann_thyroid_1v3": "thyroid", "cardiotocography_1": "cardio",
         "shuttle_1v23567": "shuttle", "mammography": "mammo"}




def time_one(name: str, X, seed: int) -> tuple[float, float]:
    det = make_detector(name, random_state=seed, **BENCHMARK_PARAMS.get(name, {}))
    t0 = time.perf_counter()
    det.fit(X)
    t1 = time.perf_counter()
    det.score_samples(X)
    return t1 - t0, time.perf_counter() - t1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--detectors", default=",".join(DETECTOR_NAMES))
    parser.add_argument("--datasets", default=",".join(BENCHMARK_DATASETS))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    detectors = args.detectors.split(",")
    datasets = args.datasets.split(",")
    if set(detectors) & set(DEEP_DETECTORS):
        from adlib.detectors.deep import _tensorflow

        _tensorflow()  # the import (3-6 s) is not part of any detector's time
    load = os.getloadavg()[0]
    data = {ds: load_dataset(ds) for ds in datasets}
    cells, total, slow = {}, 0.0, []
    for name in detectors:
        for ds in datasets:
            fit_s, score_s = time_one(name, data[ds].X, args.seed)
            cells[name, ds] = fit_s + score_s
            total += fit_s + score_s
            slow.append((fit_s + score_s, name, ds, fit_s, score_s))
            print(f"{name:12s} {ds:20s} fit {fit_s:7.3f} s  score {score_s:7.3f} s", flush=True)
    header = "| detector | " + " | ".join(
        f"{SHORT.get(ds, ds)} ({data[ds].n_samples}x{data[ds].n_features})" for ds in datasets) + \
        " | all |"
    lines = [header, "|" + "---|" * (len(datasets) + 2)]
    for name in detectors:
        row = [cells[name, ds] for ds in datasets]
        lines.append(f"| {name} | " + " | ".join(f"{v:.2f}" for v in row) + f" | {sum(row):.1f} |")
    top = sorted(slow, reverse=True)[:3]
    worst = "; ".join(f"{n} on {d} {t:.1f} s (fit {f:.1f}, score {s:.1f})" for t, n, d, f, s in top)
    capped = ", ".join(f"{k} max_train={v['max_train']}" for k, v in BENCHMARK_PARAMS.items())
    description = (
        f"Machine: {machine()}. Seconds of `fit(X)` + `score_samples(X)` on the whole data set "
        f"(rows x features in the header), one process, seed {args.seed}, the AUC table's "
        f"parameters ({capped}; the rest use every row). "
        f"Total {total:.0f} s; slowest: {worst}. "
        f"1-minute load average at the start: {load:.1f}."
    )
    report("bench_detectors.py", description, lines, write=not args.no_write)


if __name__ == "__main__":
    main()
