"""Benchmark: one AAD run per (ensemble, dataset), timed step by step.

Measures, for each (dataset, budget): anomalies found, wall seconds for the
whole run (forest fit and feature transform included), seconds per feedback
step (answer -> weight update -> re-score every instance), and peak memory.
Appends a dated table to bench/RESULTS.md. Not part of `make test`.

    python bench/bench_aad.py                          # every ensemble, the default cases
    python bench/bench_aad.py --ensembles iforest --seed 3 --no-write
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np
from _common import machine, report

from adlib.aad import Session
from adlib.aad.discover import baseline_curve
from adlib.datasets import load_dataset
from adlib.experiments import BENCHMARK_BUDGETS
from adlib.feedback import Oracle

# Every benchmark data set of the book at its budget (adlib.experiments.BENCHMARK_BUDGETS).
CASES = list(BENCHMARK_BUDGETS.items())
ENSEMBLES = ("iforest", "hstrees", "rsforest", "loda", "multiview")




def run_case(name: str, budget: int, seed: int, trace_memory: bool = False,
             ensemble: str = "iforest") -> dict:
    """One session; with ``trace_memory`` only the peak of traced allocations is
    meaningful (tracemalloc slows numpy down), so timings come from an untraced run."""
    data = load_dataset(name)
    if trace_memory:
        tracemalloc.start()
    t0 = time.perf_counter()
    session = Session.from_data(data.X, ensemble=ensemble, seed=seed, budget=budget)
    t_fit = time.perf_counter() - t0
    oracle = Oracle(data.y)
    steps = []
    while True:
        batch = session.next_queries()
        if batch.size == 0:
            break
        label = oracle.label(batch)[0]
        t = time.perf_counter()
        session.answer(batch[0], label)
        steps.append(time.perf_counter() - t)
    wall = time.perf_counter() - t0
    peak = 0
    if trace_memory:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    steps = np.array(steps)
    return dict(
        ensemble=ensemble, dataset=name, rows=data.n_samples, budget=budget, seed=seed,
        found=session.n_found, anomalies=data.n_anomalies,
        baseline=int(baseline_curve(session.initial_scores, data.y, budget)[-1]),
        members=session.features.shape[1], fit_s=t_fit, wall_s=wall,
        step_ms_mean=1e3 * steps.mean(), step_ms_median=1e3 * np.median(steps),
        step_ms_p95=1e3 * np.percentile(steps, 95), step_ms_last100=1e3 * steps[-100:].mean(),
        peak_mb=peak / 2**20,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ensembles", default=",".join(ENSEMBLES),
                        help="comma-separated registry names")
    parser.add_argument("--datasets", default=",".join(name for name, _ in CASES),
                        help="comma-separated data sets (budgets as in the book)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    budgets = dict(CASES)
    rows = []
    for ensemble in args.ensembles.split(","):
        for name in args.datasets.split(","):
            budget = budgets[name]
            row = run_case(name, budget, args.seed, ensemble=ensemble)
            row["peak_mb"] = run_case(name, budget, args.seed, trace_memory=True,
                                      ensemble=ensemble)["peak_mb"]
            rows.append(row)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    header = ("| ensemble | dataset | rows | budget | found (of) | baseline | members | fit s | wall s "
              "| step ms mean | median | p95 | last 100 | peak traced MB |")
    lines = [header, "|" + "---|" * 14]
    for r in rows:
        lines.append(
            f"| {r['ensemble']} | {r['dataset']} | {r['rows']} | {r['budget']} | {r['found']} ({r['anomalies']}) "
            f"| {r['baseline']} | {r['members']} | {r['fit_s']:.2f} | {r['wall_s']:.1f} "
            f"| {r['step_ms_mean']:.2f} | {r['step_ms_median']:.2f} | {r['step_ms_p95']:.2f} "
            f"| {r['step_ms_last100']:.2f} | {r['peak_mb']:.0f} |")
    description = (
        f"Machine: {machine()}. AAD with each ensemble's defaults (IForest: 100 trees x 256 "
        "samples), tau 0.03, greedy top-1, "
        f"seed {args.seed}. Step = answer -> weight update -> re-score all rows. "
        "Timings from an untraced run; peak traced MB (numpy + Python allocations) "
        "from a second run under tracemalloc. "
        f"Process peak RSS {rss_mb:.0f} MB."
    )
    report("bench_aad.py", description, lines, write=not args.no_write)


if __name__ == "__main__":
    main()
