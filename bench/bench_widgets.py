"""Benchmark: click -> updated view of the ipywidgets analyst, in plain Python.

For each dataset: a Session recorded in a LabelStore (a temporary file, so the
fsync of every answer is included) and an AnalystPanel with ground truth.
Then ``button.click()`` is timed from the call to its return: the handler
writes the answer to the store, updates the model, picks the next query,
rewrites the texts and redraws the figure into the Image widget's PNG (all
synchronous; what a browser adds is the comm message and the image decode).
The analyst clicks the right answer each time (Anomaly or Nominal by the
ground truth). Also timed: "oracle answers next 5", and Undo (a replay of
every earlier answer, so it grows with the number of answers).
Appends a table to bench/RESULTS.md. Not part of `make test`.

    python bench/bench_widgets.py                 # toy2, ann_thyroid_1v3, shuttle_1v23567
    python bench/bench_widgets.py --clicks 10 --no-write
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import machine, report

from adlib.aad import Session
from adlib.datasets import load_dataset
from adlib.feedback.widgets import AnalystPanel

DATASETS = ("toy2", "ann_thyroid_1v3", "shuttle_1v23567")




def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(name: str, clicks: int, seed: int) -> dict:
    data = load_dataset(name)
    store = Path(tempfile.mkdtemp(prefix="adlib-bench-")) / f"{name}.jsonl"
    t0 = time.perf_counter()
    session = Session.open(store, data.X, ensemble="iforest", seed=seed)
    t_open = time.perf_counter() - t0
    t0 = time.perf_counter()
    panel = AnalystPanel(session, y=data.y, feature_names=data.feature_names, tsne=data.tsne)
    t_panel = time.perf_counter() - t0
    click = []
    for _ in range(clicks):
        (i,) = session.next_queries()
        button = panel.anomaly_button if data.y[i] else panel.nominal_button
        image = panel.image.value
        click.append(_timed(button.click))
        assert panel.image.value != image and session.n_queried == len(click)
    panel.oracle_n.value = 5
    t_oracle5 = _timed(panel.oracle_button.click)
    n_before_undo = session.n_queried
    t_undo = _timed(panel.undo_button.click)
    panel.oracle(100 - session.n_queried)
    t_undo100 = _timed(panel.undo_button.click)
    assert panel.status_html.value == "", panel.status_html.value
    t0 = time.perf_counter()  # a new kernel: fit again and replay every stored answer
    resumed = Session.open(store, data.X, ensemble="iforest", seed=seed)
    t_resume = time.perf_counter() - t0
    assert resumed.queried == session.queried
    click = np.array(click) * 1000
    return {"dataset": name, "rows": data.X.shape[0], "d": data.X.shape[1],
            "view": panel.view_kind, "open_s": t_open, "panel_s": t_panel,
            "median": np.median(click), "p95": np.percentile(click, 95), "max": click.max(),
            "oracle5": t_oracle5 * 1000, "undo_at": n_before_undo, "undo": t_undo * 1000,
            "undo100": t_undo100 * 1000, "resume_s": t_resume, "resume_n": resumed.n_queried, "png_kb": len(panel.image.value) / 1024,
            "clicks": len(click)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows = []
    for name in args.datasets:
        r = run(name, args.clicks, args.seed)
        rows.append(r)
        print(f"{name}: click median {r['median']:.0f} ms, p95 {r['p95']:.0f}, max {r['max']:.0f};"
              f" oracle x5 {r['oracle5']:.0f} ms; undo {r['undo']:.0f} ms at {r['undo_at']},"
              f" {r['undo100']:.0f} ms at 100")
    description = (
        f"Machine: {machine()}. Click -> updated view of `AnalystPanel` in plain Python "
        "(`Button.click()` until it returns: answer written and fsync-ed to the label store, "
        "weight update, next query, texts, figure redrawn to PNG), Isolation Forest AAD "
        f"defaults, seed {args.seed}, {args.clicks} clicks per dataset (each the right answer). "
        "Open = fit + new store; resume = fit + replay of the stored answers (a new kernel); "
        "undo replays every earlier answer. Targets of the issue: under 0.3 s on the toy data, "
        f"under 1 s on 12k rows. 1-minute load average at the start: {load:.1f}."
    )
    lines = [
        "| dataset | rows x d | view | open s | resume s (answers) | panel s | click ms median | p95 | max "
        "| oracle x5 ms | undo ms (answers) | undo ms at 100 | PNG kB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['dataset']} | {r['rows']} x {r['d']} | {r['view']} | {r['open_s']:.2f} | "
            f"{r['resume_s']:.2f} ({r['resume_n']}) | {r['panel_s']:.2f} | {r['median']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | "
            f"{r['oracle5']:.0f} | {r['undo']:.0f} ({r['undo_at']}) | {r['undo100']:.0f} | "
            f"{r['png_kb']:.0f} |")
    report("bench_widgets.py", description, lines, write=not args.no_write)


if __name__ == "__main__":
    main()
