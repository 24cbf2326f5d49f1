"""Synthetic streams for the "Streams and drift" chapter: planted drift, false alarms, a classifier.

:func:`planted_drift_stream` draws windows from a two-component Gaussian
mixture whose second component moves at known windows; :func:`kl_windows`
runs the streaming session's KL check over them (no queries);
:func:`false_alarm_rates` counts alarms on stationary streams over many seeds;
:func:`classifier_drift` applies the same detector to a random forest
classifier's trees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

from .._format import fmt
from .._mpl import book_rc
from ..aad.stream import StreamSession
from ..ensembles.drift import KLDriftDetector, false_alarm_prediction, min_drifted_trees

#: The planted stream: 12 windows of 1024 rows; the second component moves at windows 4 and 8.
N_WINDOWS, WINDOW, DRIFT_AT = 12, 1024, (4, 8)
#: Mean of the second component before, between and after the two drifts.
B_MEANS = ((3.0, 3.0, 0.0, 0.0), (3.0, -1.5, 0.0, 0.0), (-2.0, -1.5, 1.5, 0.0))


def planted_drift_stream(seed=0, n_windows=N_WINDOWS, window=WINDOW, drift_at=DRIFT_AT):
    """``(X, component)``: 70 % N(0, I) and 30 % N(mu_B, I) in 4 dimensions, where ``mu_B``
    steps through :data:`B_MEANS` at the windows ``drift_at`` (none: a stationary stream)."""
    rng = np.random.default_rng(seed)
    n = n_windows * window
    comp = (rng.uniform(size=n) < 0.3).astype(int)
    X = rng.normal(size=(n, 4))
    phase = np.searchsorted(np.asarray(drift_at, dtype=int), np.arange(n) // window, side="right")
    X[comp == 1] += np.asarray(B_MEANS)[phase[comp == 1]]
    return X, comp


def kl_windows(X, window=WINDOW, split="halves", seed=0, alpha=0.05) -> list:
    """The streaming session's window records (KL per tree, threshold, trees replaced) on ``X``:
    KL-adaptive replacement, no queries."""
    s = StreamSession(X[:window], update="kl", retention=0, queries_per_window=0,
                      kl_split=split, alpha=alpha, seed=seed)
    for start in range(window, X.shape[0], window):
        s.add_window(X[start:start + window])
    return s.windows


def detection_table(n_seeds=20, split="halves") -> pd.DataFrame:
    """Over ``n_seeds`` planted-drift streams: per window, the share of seeds whose check fired
    and the mean number of trees above the threshold."""
    fired, drifted = [], []
    for seed in range(n_seeds):
        X, _ = planted_drift_stream(seed)
        recs = kl_windows(X, split=split, seed=seed)[1:]
        fired.append([r.fired for r in recs])
        drifted.append([r.n_drifted for r in recs])
    return pd.DataFrame({"window": np.arange(1, N_WINDOWS),
                         "planted": ["yes" if w in DRIFT_AT else "" for w in range(1, N_WINDOWS)],
                         "declared (% of seeds)": 100 * np.mean(fired, axis=0),
                         "trees above": np.mean(drifted, axis=0)})


def young_tree_share(n_seeds=20, after=DRIFT_AT[-1]) -> dict:
    """At the window after the planted drift ``after``: in the seeds where drift is declared
    (falsely: nothing moved), the share of the trees above the threshold that were grown on
    the window ``after`` itself (the new trees sit at the end of the forest)."""
    young, total, alarms = 0, 0, 0
    for seed in range(n_seeds):
        X, _ = planted_drift_stream(seed)
        s = StreamSession(X[:WINDOW], update="kl", retention=0, queries_per_window=0, seed=seed)
        for w in range(1, after + 1):
            s.add_window(X[w * WINDOW:(w + 1) * WINDOW])
        check = s.detector.check(X[(after + 1) * WINDOW:(after + 2) * WINDOW])
        if check.fired:
            n_old = check.kl.size - s.windows[after].replaced
            alarms += 1
            total += check.n_drifted
            young += int((check.drifted >= n_old).sum())
    return {"window": after + 1, "seeds": n_seeds, "alarms": alarms,
            "young share": young / total if total else float("nan")}


def false_alarm_rates(n_seeds=20, splits=("halves", "random"), alpha=0.05) -> pd.DataFrame:
    """Alarms on stationary streams (12 windows, 11 checks each): measured rate, the share of
    trees above the threshold, and what alpha predicts for both."""
    rows = []
    for split in splits:
        alarms, shares = [], []
        for seed in range(n_seeds):
            X, _ = planted_drift_stream(1000 + seed, drift_at=())
            recs = kl_windows(X, split=split, seed=seed, alpha=alpha)[1:]
            alarms += [r.fired for r in recs]
            shares += [r.n_drifted / r.kl.size for r in recs]
        rows.append({"split": split, "checks": len(alarms), "alarms": int(np.sum(alarms)),
                     "alarm rate %": 100 * float(np.mean(alarms)),
                     "binomial %": 100 * false_alarm_prediction(alpha, 100),
                     "trees above %": 100 * float(np.mean(shares)),
                     "alpha %": 100 * alpha})
    return pd.DataFrame(rows).set_index("split")


def classifier_drift(seed=0, n_trees=100) -> pd.DataFrame:
    """A random forest classifier (which component?) trained on the first window of the planted
    stream, never retrained; per window: trees above the KL threshold, whether drift is
    declared, and the classifier's accuracy on that window."""
    X, comp = planted_drift_stream(seed)
    first = slice(0, WINDOW)
    clf = RandomForestClassifier(n_estimators=n_trees, random_state=seed).fit(X[first], comp[first])
    det = KLDriftDetector(random_state=seed).fit(clf, X[first])
    rows = []
    for w in range(1, N_WINDOWS):
        part = slice(w * WINDOW, (w + 1) * WINDOW)
        check = det.check(X[part])
        rows.append({"window": w, "trees above threshold": check.n_drifted,
                     "drift declared": "yes" if check.fired else "no",
                     "accuracy": float((clf.predict(X[part]) == comp[part]).mean())})
    return pd.DataFrame(rows).set_index("window")


def false_alarm_sentence(rates: pd.DataFrame, default="halves") -> str:
    """What the stationary streams showed, with the numbers."""
    r = rates.loc[default]
    rate, pred = r["alarm rate %"], r["binomial %"]
    text = (f"On {int(r.checks)} checks of stationary windows, drift was declared "
            f"{int(r.alarms)} times ({fmt(rate)}%). On average "
            f"{fmt(r['trees above %'])}% of the trees were above the threshold, "
            f"where alpha sets {fmt(r['alpha %'], 0)}%; if each tree crossed it independently "
            f"with that chance, at least {min_drifted_trees(0.05, 100)} of 100 would do so in "
            f"{fmt(pred)}% of the windows")
    if rate > 2 * pred:
        text += (". Alarms come more often than that: the trees see the same two windows, "
                 "so their chance exceedances come together")
    elif rate < pred / 2:
        text += ". Alarms come less often than that"
    else:
        text += ", in line with what we measured"
    if "random" in rates.index and default != "random":
        o = rates.loc["random"]
        text += (f". Averaging over random halvings declares drift in {fmt(o['alarm rate %'])}% "
                 f"of the windows ({fmt(o['trees above %'])}% of the trees above "
                 "the threshold)")
    return text + "."


def plot_kl_windows(records, drift_at=DRIFT_AT, title=None):
    """Two panels: KL per tree and window over its threshold (heat map), and the number of
    trees above it per window against the ``2 alpha T`` line, planted drifts marked."""
    import matplotlib.pyplot as plt

    recs = records[1:]
    ratio = np.column_stack([r.kl / r.threshold for r in recs])
    windows = [r.window for r in recs]
    with book_rc({"font.size": 11}):
        fig, (a, b) = plt.subplots(1, 2, figsize=(6.8, 3.3), constrained_layout=True)
        im = a.imshow(np.log2(ratio), aspect="auto", cmap="coolwarm", vmin=-3, vmax=3,
                      extent=(windows[0] - 0.5, windows[-1] + 0.5, ratio.shape[0] - 0.5, -0.5),
                      interpolation="nearest")
        a.set_xlabel("window")
        a.set_ylabel("tree")
        a.set_title("KL / threshold", fontsize=11)
        cb = fig.colorbar(im, ax=a, ticks=[-3, 0, 3])
        cb.ax.set_yticklabels(["1/8", "1", "8"])
        n_min = recs[0].kl.size and min_drifted_trees(0.05, recs[0].kl.size)
        b.bar(windows, [r.n_drifted for r in recs],
              color=["#dd3333" if r.fired else "#4c72b0" for r in recs])
        b.axhline(n_min, color="#333333", ls="--", lw=1)
        b.text(windows[0] - 0.4, n_min + 2, f"{n_min} trees", fontsize=10)
        for w in drift_at:
            b.axvline(w, color="#e07b00", lw=1, ls=":")
        b.set_xlabel("window (dotted: planted drift)")
        b.set_ylabel("trees above threshold")
        b.set_title("red: drift declared", fontsize=11)
        if title:
            fig.suptitle(title, fontsize=11)
    return fig
