"""Benchmark: GLAD's priming and one feedback round (one epoch), on toy2 and cardiotocography_1.

For each dataset: TensorFlow's import and the network's construction (the
first call only), the LODA members' fit, priming (up to 200 epochs of
minibatches of 25 towards relevance 0.5, with the original's early stop), and
then feedback rounds driven by the ground truth: each round is one epoch over
every row (labeled rows repeated up to 5 times) plus re-scoring all rows.
Rounds are timed from ``session.answer`` to its return, after a few warm-up
rounds (the first call traces the ``tf.function``). Appends a table to
bench/RESULTS.md. Not part of `make test`.

    python bench/bench_glad.py
    python bench/bench_glad.py --rounds 10 --no-write
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _common import machine, report

from adlib.datasets import load_dataset
from adlib.glad import GLAD, GLADEnsemble, session

DATASETS = ("toy2", "cardiotocography_1")


def run(name: str, rounds: int, seed: int) -> dict:
    data = load_dataset(name)
    t0 = time.perf_counter()
    ens = GLADEnsemble(random_state=seed).fit(data.X)
    Z = ens.transform(data.X)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = GLAD(ens.n_members_, seed=seed).init(Z.shape[1])
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.prime(Z)
    t_prime = time.perf_counter() - t0
    epochs = model.prime_epochs_run_
    s = session(data.X, seed=seed)   # the same primed model again, driven by a Session
    times = []
    for k in range(rounds + 3):
        (i,) = s.next_queries()
        t0 = time.perf_counter()
        s.answer(i, int(data.y[i]))
        if k >= 3:   # warm-up: tracing of the tf.function
            times.append(time.perf_counter() - t0)
    times = np.array(times) * 1000
    return {"dataset": name, "rows": data.X.shape[0], "d": data.X.shape[1],
            "members": ens.n_members_, "fit_s": t_fit, "build_s": t_build, "prime_s": t_prime,
            "epochs": epochs, "epoch_ms": 1000 * t_prime / epochs,
            "round_median": float(np.median(times)), "round_max": float(times.max()),
            "rounds": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    from adlib.glad._tf import tensorflow

    tensorflow()
    t_import = time.perf_counter() - t0
    rows = [run(name, args.rounds, args.seed) for name in args.datasets]
    for r in rows:
        print(f"{r['dataset']}: priming {r['prime_s']:.2f} s ({r['epochs']} epochs), "
              f"one feedback round median {r['round_median']:.0f} ms")
    description = (
        f"Machine: {machine()}. GLAD defaults (LODA members: the four fixed directions on "
        "toy2, the stopping rule's random projections elsewhere; hidden max(50, 3M) sigmoid "
        "units; Adam 0.01; batches of 25), TensorFlow single-threaded with op determinism, "
        f"seed {args.seed}. Priming: up to 200 epochs with the original's early stop (epochs "
        "run in brackets). Feedback round: `Session.answer` -> one epoch over all rows (labeled "
        f"ones repeated 5 times) + re-scoring, median and max of {args.rounds} rounds after 3 "
        f"warm-up rounds. `import tensorflow` (once): {t_import:.1f} s. 1-minute load average "
        f"at the start: {load:.1f}."
    )
    lines = ["| dataset | rows x d | members | LODA fit s | network build s | priming s (epochs) "
             "| ms per priming epoch | feedback round ms median | max |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['dataset']} | {r['rows']} x {r['d']} | {r['members']} | "
                     f"{r['fit_s']:.2f} | {r['build_s']:.2f} | {r['prime_s']:.2f} ({r['epochs']}) "
                     f"| {r['epoch_ms']:.0f} | {r['round_median']:.0f} | {r['round_max']:.0f} |")
    report("bench_glad.py", description, lines, write=not args.no_write)


if __name__ == "__main__":
    main()
