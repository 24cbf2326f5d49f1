"""Benchmark: training each GCN variant on face_top, and attacking every target, batched vs one by one.

For each model variant of the chapter (2 layers, 6 layers, 2 sub-layers, an
ensemble of 10, adversarial training): the time to build and train it on the
original's face_top graph (63 nodes; the first build also traces the
``tf.function``), the epochs it ran, and the time to attack every unlabeled
node, once with :func:`adlib.graph.attack_all` (one backward pass for all
targets, one batched forward pass per halving of the search) and once with
:func:`adlib.graph.attack` in a Python loop over the targets. Each attack is
timed after one warm-up call (tracing). Appends a table to bench/RESULTS.md.
Not part of `make test`.

    python bench/bench_graph.py
    python bench/bench_graph.py --no-write
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _common import machine, report

from adlib.graph import attack, attack_all, face_graph
from adlib.graph.study import MODELS, make_model


def run(name: str, graph) -> dict:
    t0 = time.perf_counter()
    model = make_model(name).fit(graph)
    t_fit = time.perf_counter() - t0
    targets = np.flatnonzero(~graph.labeled)
    attack_all(model, targets[:2])
    attack(model, int(targets[0]))                      # warm-up: tracing
    t0 = time.perf_counter()
    table = attack_all(model, targets)
    t_batched = time.perf_counter() - t0
    t0 = time.perf_counter()
    single = [attack(model, int(t)) for t in targets]
    t_loop = time.perf_counter() - t0
    same = np.allclose(table["step"], [r.step for r in single], equal_nan=True)
    return {"model": name, "epochs": int(np.max(model.epochs_)), "fit_s": t_fit,
            "targets": len(targets), "batched_ms": 1000 * t_batched, "loop_ms": 1000 * t_loop,
            "same": same}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    graph = face_graph()
    t0 = time.perf_counter()
    import adlib.graph._tf as tfmod

    tfmod.tensorflow()
    t_import = time.perf_counter() - t0
    rows = [run(name, graph) for name in MODELS]
    table = ["| model | epochs | train (s) | targets | attack all, batched (ms) | "
             "one by one (ms) | speed-up | same steps |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r['model']} | {r['epochs']} | {r['fit_s']:.2f} | {r['targets']} | "
                     f"{r['batched_ms']:.0f} | {r['loop_ms']:.0f} | "
                     f"{r['loop_ms'] / r['batched_ms']:.0f}x | {'yes' if r['same'] else 'NO'} |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    desc = (f"{machine()}; TensorFlow import {t_import:.1f} s; face_top (63 nodes, the original's "
            f"split), seed 0; load average {load:.1f} at the end. Training includes building the "
            "network and tracing its training loop; the ensemble's 10 members train together; the "
            "adversarial model perturbs about one epoch in ten (a batched Jacobian each).")
    report("bench_graph.py", desc, table, write=not args.no_write)


if __name__ == "__main__":
    main()
