"""The sequence-alignment chapter's tables and sentences, built from computed rows.

Rows come from :func:`adlib.sequence.evaluate.compare` (``method``, ``tau``,
``alignment error``, ``progress R2``, ``phase accuracy``, and ``activity`` for
the simulated series) and :func:`~adlib.sequence.evaluate.anomaly_auc`.
No published number is quoted: the paper's data (videos) are not these.
"""

from __future__ import annotations

import numpy as np

from .._format import fmt

MEASURES = {"tau": ("Kendall's tau", 2), "alignment error": ("alignment error", 3),
            "progress R2": ("progress R²", 2), "phase accuracy": ("phase accuracy (%)", 0)}
KIND_NAMES = {"all": "all frames", "spike": "spike", "flat": "flat stretch",
              "reversed": "reversed phase", "wrong_activity": "wrong activity"}


def _value(row, key):
    v = row[key]
    return 100 * v if key == "phase accuracy" else v


def alignment_table(rows) -> list[dict]:
    """One row per method, the four measures rounded (accuracy in %)."""
    return [{"method": r["method"], **{name: fmt(_value(r, k), d)
                                       for k, (name, d) in MEASURES.items()}} for r in rows]


def series_table(rows, measure: str = "tau") -> list[dict]:
    """Methods as rows, the series' activities as columns, one measure."""
    name, digits = MEASURES[measure]
    methods = list(dict.fromkeys(r["method"] for r in rows))
    return [{"method": m, **{f"activity {r['activity']}": fmt(_value(r, measure), digits)
                             for r in rows if r["method"] == m}} for m in methods]


def auc_table(auc_rows, by_activity: bool = False) -> list[dict]:
    """Frame-level AUC per method, overall and per kind of planted segment."""
    out = []
    for r in auc_rows:
        row = {"activity": r["activity"]} if by_activity else {}
        row["method"] = r["method"]
        row.update({KIND_NAMES[k]: fmt(r[k], 2) for k in KIND_NAMES if k in r})
        out.append(row)
    return out


def _get(rows, method, key):
    return float(np.mean([r[key] for r in rows if r["method"] == method]))


def _best(rows, key, methods, higher=True):
    vals = {m: _get(rows, m, key) for m in methods}
    return (max if higher else min)(vals, key=vals.get)


def alignment_sentence(rows, n_test: int, n_pairs: int) -> str:
    """What the synthetic comparison shows, in words, whichever way it goes."""
    g = {m: {k: _get(rows, m, k) for k in MEASURES} for m in dict.fromkeys(r["method"]
                                                                           for r in rows)}
    emb = ("raw", "PCA", "TCC")
    best_tau = _best(rows, "tau", emb)
    best_err = _best(rows, "alignment error", [m for m in g], higher=False)
    best_r2 = _best(rows, "progress R2", [m for m in g if m != "linear stretch"])
    t = g["TCC"]
    return (
        f"On {n_test} held-out actions ({n_pairs} ordered pairs), the nearest-neighbour "
        f"alignment of TCC's embeddings has Kendall's tau {fmt(t['tau'], 2)}, against "
        f"{fmt(g['raw']['tau'], 2)} for the raw windows and {fmt(g['PCA']['tau'], 2)} for PCA "
        f"({best_tau} is the most orderly of the three). DTW's tau, "
        f"{fmt(g['DTW']['tau'], 2)}, says little: its path is monotone by construction. "
        f"Where the matched frames land is the fairer test: on average "
        f"{fmt(t['alignment error'], 3)} of the action away from the right place with TCC, "
        f"{fmt(g['DTW']['alignment error'], 3)} with DTW, {fmt(g['raw']['alignment error'], 3)} "
        f"with raw windows and {fmt(g['linear stretch']['alignment error'], 3)} for a plain "
        f"linear stretch of time (best: {best_err}). A linear regression reads progress from "
        f"TCC's embedding with R² {fmt(t['progress R2'], 2)} (raw {fmt(g['raw']['progress R2'], 2)}"
        f", PCA {fmt(g['PCA']['progress R2'], 2)}, DTW {fmt(g['DTW']['progress R2'], 2)}; best: "
        f"{best_r2}), and a linear SVM finds the phase of {fmt(100 * t['phase accuracy'], 0)} % "
        f"of the frames (raw {fmt(100 * g['raw']['phase accuracy'], 0)} %, DTW "
        f"{fmt(100 * g['DTW']['phase accuracy'], 0)} %).")


def series_sentence(rows) -> str:
    """The simulated series, averaged over its activities."""
    m = {k: {key: _get(rows, k, key) for key in ("tau", "progress R2")}
         for k in dict.fromkeys(r["method"] for r in rows)}
    return (
        f"Averaged over the three activities, Kendall's tau is {fmt(m['TCC']['tau'], 2)} for "
        f"TCC, {fmt(m['raw']['tau'], 2)} for raw windows and {fmt(m['PCA']['tau'], 2)} for PCA, "
        f"and progress R² {fmt(m['TCC']['progress R2'], 2)}, {fmt(m['raw']['progress R2'], 2)} "
        f"and {fmt(m['PCA']['progress R2'], 2)}: the frames of these segments carry next to "
        f"nothing about how far a segment has run. DTW reaches R² "
        f"{fmt(m['DTW']['progress R2'], 2)} only because its path must start at the first frames "
        f"and end at the last, which is what elapsed time measures: the linear stretch, which "
        f"reads no frame at all, gets {fmt(m['linear stretch']['progress R2'], 2)}.")


def anomaly_sentence(auc_rows, data_name: str) -> str:
    """Frame-level AUC per method (averaged over activities if several), and each one's hardest kind."""
    methods = list(dict.fromkeys(r["method"] for r in auc_rows))

    def mean(m, k):
        return float(np.mean([r[k] for r in auc_rows if r["method"] == m]))

    overall = {m: mean(m, "all") for m in methods}
    kinds = [k for k in KIND_NAMES if k != "all" and k in auc_rows[0]]
    worst = {m: min(kinds, key=lambda k, m=m: mean(m, k)) for m in methods}
    best = max(overall, key=overall.get)
    n_act = len({r.get("activity", 0) for r in auc_rows})
    parts = ", ".join(f"{m} {fmt(overall[m], 2)}" for m in methods)
    hardest = "; ".join(f"{m}: {KIND_NAMES[worst[m]]} ({fmt(mean(m, worst[m]), 2)})"
                        for m in methods)
    avg = f" (mean over {n_act} activities)" if n_act > 1 else ""
    return (f"On {data_name}, the frame-level AUC over all planted segments{avg} is {parts} "
            f"({best} highest; 0.5 is chance). The hardest kind for each method: {hardest}.")


def differences(syn, ser) -> str:
    """The "Differences from the paper" section, with this run's sizes."""
    m = syn.model
    n_params = int(sum(int(np.prod(v.shape)) for v in m.variables))
    return (
        "* **Data.** The paper aligns videos of one action filmed by different people "
        "(Pouring, Penn Action). Here a \"frame\" is one sample of a series: "
        f"{len(syn.train)} synthetic actions of {int(syn.train.lengths.min())}-"
        f"{int(syn.train.lengths.max())} frames with {syn.train.n_channels} channels (two of them "
        f"nuisance), and {len(ser.train)} segments of the simulated series, one channel, "
        f"{int(ser.train.lengths.min())}-{int(ser.train.lengths.max())} frames. The series' "
        "segments have no internal progression, so alignment there can only fail for every "
        "method that reads the frames; the synthetic actions carry a known progress by design.\n"
        "* **Encoder.** The paper's encoder runs an ImageNet-pretrained ResNet-50 on each frame, "
        "then 3-D convolutions over stacked context frames and fully connected layers to a "
        f"128-dimensional embedding. Ours: two 1-D convolutions over {m.context} frames and one "
        f"linear layer to {m.variables[-1].shape[-1]} dimensions, {n_params} weights, trained from "
        f"scratch in {fmt(syn.train_seconds, 0)} s on a CPU. A small encoder fits data this "
        "simple; it also limits how much nuisance it can learn to ignore.\n"
        "* **Training.** The cycle-back regression loss with variance (lambda = 0.001) at "
        "temperature 0.1, as the paper's best setting; random pairs of sequences of one "
        "activity and sorted random frames of each, as in the paper, but "
        f"{len(m.loss_history_)} steps of {m.batch_pairs_} pairs and {m.n_frames_} frames.\n"
        "* **Evaluation.** The paper's measures (phase classification, phase progression, "
        "Kendall's tau) with phases defined by the generator or by elapsed time rather than by "
        "annotated key events; we add an alignment error against the known progress, and "
        "baselines (raw windows, PCA, DTW, a linear stretch) the paper does not report in this "
        "form. The anomaly scores are ours: the paper does not detect anomalies.\n"
        "* **What it does to the numbers.** A frame here is a handful of meaningful values, "
        "not thousands of pixels, so raw windows, PCA and DTW are far stronger baselines than "
        "raw pixels would be (a linear regression reads progress from raw windows with R² "
        f"{fmt(_get(syn.rows, 'raw', 'progress R2'), 2)}): this narrows any advantage of TCC. "
        "The nuisance channels and the changing speed work the other way, against the "
        "baselines that read every channel alike or assume a steady pace.\n"
        "* **Numbers.** No published number is put beside ours: the paper's tables are for "
        "videos and would not be comparable.")
