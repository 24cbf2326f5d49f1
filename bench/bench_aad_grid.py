"""Benchmark: the whole 10-rerun IForest-AAD benchmark of the book, timed end to end.

Runs the seven benchmark data sets of the original experiments (abalone,
ann_thyroid_1v3, cardiotocography_1 and yeast at budget 300, mammography and
shuttle_1v23567 at 1500, weather at 1000), ten seeds each, IForest, greedy
top-1, tau 0.03, through ``adlib.experiments.run_grid`` with a fresh (temporary)
cache, so nothing is read from ``results/``. Reports the wall time of the whole
grid with ``--n-jobs`` processes (default: every core) and, per data set, the
mean seconds per rerun and the anomalies found. Appends a dated table to
bench/RESULTS.md. Not part of `make test`.

    python bench/bench_aad_grid.py                 # all cores
    python bench/bench_aad_grid.py --n-jobs 1 --no-write
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from _common import machine, report

from adlib.experiments import PUBLISHED_IFOREST, benchmark_grid, run_grid, summarize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--ensemble", default="iforest")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    specs = benchmark_grid(ensembles=(args.ensemble,))
    with tempfile.TemporaryDirectory() as cache:
        t0 = time.perf_counter()
        table = run_grid(specs, cache_dir=cache, n_jobs=args.n_jobs, progress=False)
        wall = time.perf_counter() - t0
    summary = summarize(table)
    lines = ["| dataset | budget | found (mean of 10) | published | baseline | s per rerun |",
             "|---|---|---|---|---|---|"]
    for r in summary.itertuples():
        pub = PUBLISHED_IFOREST.get(r.dataset, (float("nan"),))[0] if args.ensemble == "iforest" else float("nan")
        lines.append(f"| {r.dataset} | {r.budget} | {r.found:.1f} ({r.n_anomalies}) | {pub:.1f} "
                     f"| {r.baseline:.1f} | {r.seconds:.1f} |")
    serial = float(table.seconds.sum())
    load = os.getloadavg()[0]
    description = (
        f"Machine: {machine()}; load average {load:.1f} at the end. The whole {args.ensemble}-AAD "
        f"benchmark grid ({len(specs)} runs: 7 data sets x 10 seeds, greedy top-1, tau 0.03, "
        f"fresh cache) with n_jobs={args.n_jobs}: **{wall:.0f} s wall** "
        f"({wall / 60:.1f} min); the runs themselves add up to {serial:.0f} s."
    )
    report("bench_aad_grid.py", description, lines, write=not args.no_write)


if __name__ == "__main__":
    main()
