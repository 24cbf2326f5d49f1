"""Benchmark: how long describing the discovered anomalies takes (ILP and BRS), and BAL-D.

For each (dataset, budget): one greedy top-1 AAD run (Isolation Forest,
seed 0), then the compact description (integer programme, GLPK) and the
Bayesian Rule Set (simulated annealing, 500 steps) fitted on the session's
training set, each timed ``--repeats`` times (median and max reported); and
the seconds one BAL-D batch selection (pool of 10, batch of 3) takes on the
same session. Appends a dated table to bench/RESULTS.md. Not part of `make test`.

    python bench/bench_describe.py
    python bench/bench_describe.py --repeats 3 --no-write
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _common import machine, report

from adlib.aad import Session
from adlib.aad.query import DescriptionDiverseStrategy
from adlib.datasets import load_dataset
from adlib.describe import describe_session, evaluate_rules
from adlib.feedback import Oracle

CASES = [("toy2", 40), ("abalone", 300), ("ann_thyroid_1v3", 300)]




def timed(fn, repeats: int):
    out, times = None, []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, np.array(times)


def run_case(name: str, budget: int, seed: int, repeats: int) -> dict:
    data = load_dataset(name)
    session = Session.from_data(data.X, seed=seed).run(Oracle(data.y), budget=budget)
    cd, t_cd = timed(lambda: describe_session(session, "compact", seed=seed), repeats)
    brs, t_brs = timed(lambda: describe_session(session, "brs", seed=seed), repeats)
    strategy = DescriptionDiverseStrategy(n_explore=10)
    _, t_bald = timed(lambda: strategy.select(session, 3), repeats)
    m_cd = evaluate_rules(cd.rules, data.X, data.y)
    m_brs = evaluate_rules(brs.rules, data.X, data.y)
    return dict(dataset=name, rows=data.n_samples, budget=budget, found=session.n_found,
                candidates=cd.n_candidates, training=2 * budget, status=cd.info["status"],
                cd_ms=1e3 * np.median(t_cd), cd_max=1e3 * t_cd.max(),
                brs_ms=1e3 * np.median(t_brs), brs_max=1e3 * t_brs.max(),
                bald_ms=1e3 * np.median(t_bald), cd_f1=m_cd["f1"], brs_f1=m_brs["f1"],
                cd_rules=m_cd["n_rules"], brs_rules=m_brs["n_rules"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows = [run_case(name, budget, args.seed, args.repeats) for name, budget in CASES]
    header = ("| dataset | rows | budget | found | candidates | training rows | ILP ms (max) "
              "| ILP status | CD rules, F1 | BRS ms (max) | BRS rules, F1 | BAL-D batch ms |")
    lines = [header, "|" + "---|" * 12]
    for r in rows:
        lines.append(
            f"| {r['dataset']} | {r['rows']} | {r['budget']} | {r['found']} | {r['candidates']} "
            f"| {r['training']} | {r['cd_ms']:.1f} ({r['cd_max']:.1f}) | {r['status']} "
            f"| {r['cd_rules']}, {r['cd_f1']:.2f} | {r['brs_ms']:.0f} ({r['brs_max']:.0f}) "
            f"| {r['brs_rules']}, {r['brs_f1']:.2f} | {r['bald_ms']:.1f} |")
    description = (
        f"Machine: {machine()}. Isolation Forest AAD (100 trees x 256 samples), tau 0.03, "
        f"greedy top-1, seed {args.seed}; then the descriptions of the discovered anomalies "
        "(candidates: each anomaly's 5 highest-contributing leaves; training set: the queries "
        "plus as many unlabeled rows as nominal). ILP = compact description (cvxopt GLPK); "
        "BRS = Bayesian Rule Set, 500 annealing steps; BAL-D batch = one description-diverse "
        f"selection of 3 from the top 10. Median of {args.repeats} repeats (max in brackets); "
        f"1-minute load average at the start: {load:.1f}."
    )
    report("bench_describe.py", description, lines, write=not args.no_write)


if __name__ == "__main__":
    main()
