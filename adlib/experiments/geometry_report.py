"""Sentences and tables of the "geometry of AAD" chapter, built from :mod:`.geometry` results.

Every number the chapter's text states comes from here (formatted with
:mod:`adlib._format`), so the notebook only glues; nothing is typed by hand.
"""

from __future__ import annotations

import pandas as pd

from .._format import fmt, fmt_vs
from ..aad.geometry import SphereView, angle_bound
from .geometry import ENSEMBLE_LABELS, GEOMETRY_ENSEMBLES, TREE_ENSEMBLES, AngleStudy, dataset_label


def sphere_sentence(view: SphereView) -> str:
    """The rotation and the anomalies inside the top-tau cone before and after feedback."""
    v = view.summary()
    pct = f"{view.tau:.0%}"
    return (f"After {v['n_queried']} answers ({v['n_queried_anomalies']} of them anomalies) the "
            f"weights have turned by {fmt(v['rotation'], 0)}° away from the uniform vector. "
            f"Before feedback the top-{pct} cone (half-angle {fmt(v['margin0'], 2)}°, "
            f"{v['n_inside']} instances) held {v['anomalies_inside0']} of the "
            f"{v['n_anomalies']} anomalies; around the learned weights (half-angle "
            f"{fmt(v['margin1'], 2)}°) it holds {v['anomalies_inside1']}, "
            f"{v['unqueried_anomalies_inside1']} of them not yet queried.")


def _names(values) -> str:
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def angle_sentence(mean: pd.DataFrame, ensemble: str = "iforest", toy: str = "toy2") -> str:
    """Medians and AUC on the toy data and the range over the real sets, as one paragraph."""
    m = mean[(mean.ensemble == ensemble) & (mean.variant == "ours")].set_index("dataset")
    label = ENSEMBLE_LABELS.get(ensemble, ensemble)
    parts = []
    if toy in m.index:
        t = m.loc[toy]
        parts.append(f"On {toy} the {label} rows of the anomalies lie at a median angle of "
                     f"{fmt(t.median_anomaly, 2)}° from the uniform weights, those of the "
                     f"nominals at {fmt(t.median_nominal, 2)}°; the angle alone ranks the "
                     f"anomalies with an AUC of "
                     f"{fmt(t.angle_auc, 2)} (the {label} score itself: {fmt(t.score_auc, 2)}).")
    real = m.drop(index=[toy], errors="ignore")
    if len(real):
        gap = real.median_nominal - real.median_anomaly
        closer = int((gap > 0).sum())
        parts.append(f"On the {len(real)} benchmark sets the anomalies' median angle is smaller "
                     f"on {closer} of {len(real)}, by {fmt(gap.min(), 2)}° to {fmt(gap.max(), 2)}°,"
                     f" and the angle AUC ranges from {fmt(real.angle_auc.min(), 2)} "
                     f"({dataset_label(real.angle_auc.idxmin())}) to "
                     f"{fmt(real.angle_auc.max(), 2)} ({dataset_label(real.angle_auc.idxmax())}).")
    return " ".join(parts)


def bound_sentence(study: AngleStudy, dataset: str = "toy2", ensemble: str = "iforest") -> str:
    """The largest angle a row can make with w0, against the measured range, on one data set."""
    res = study.angles(dataset, ensemble)
    s = res.summary()
    bound = angle_bound(s["n_nonzero"], s["n_members"])
    return (f"On {dataset} the forest has {s['n_members']} leaves and every row has "
            f"{s['n_nonzero']} non-zero entries, so no angle can exceed {fmt(bound, 2)}°; the "
            f"measured angles run from {fmt(s['min_angle'], 2)}° to {fmt(s['max_angle'], 2)}°.")


def spread_sentence(mean: pd.DataFrame, ensemble: str = "iforest") -> str:
    """How narrow the band of all angles is (the whole data set, not only the anomalies)."""
    m = mean[(mean.ensemble == ensemble) & (mean.variant == "ours")]
    width = m.max_angle - m.min_angle
    return (f"Every {ENSEMBLE_LABELS.get(ensemble, ensemble)} row, anomaly or not, lies between "
            f"{fmt(m.min_angle.min(), 1)}° and {fmt(m.max_angle.max(), 1)}° from the uniform "
            f"weights; within one data set the band is {fmt(width.min(), 1)}° to "
            f"{fmt(width.max(), 1)}° wide.")


def loda_sentence(mean: pd.DataFrame) -> str:
    """Where LODA's angles fail to separate, contrasted with its own score."""
    m = mean[(mean.ensemble == "loda") & (mean.variant == "ours")].set_index("dataset")
    below = m[m.angle_auc < 0.5]
    parts = [f"LODA's angles spread over {fmt(m.min_angle.min(), 0)}° to "
             f"{fmt(m.max_angle.max(), 0)}°."]
    if len(below):
        sets = _names(f"{dataset_label(d)} ({fmt(r.angle_auc, 2)}, score AUC {fmt(r.score_auc, 2)})"
                      for d, r in below.iterrows())
        parts.append(f"On {len(below)} of {len(m)} data sets the angle AUC is below 0.5, i.e. "
                     f"the anomalies point away from the uniform weights even though LODA's "
                     f"own score finds them: {sets}. There the anomalies stand out by the "
                     f"length of their rows, not by their direction.")
    return " ".join(parts)


def prediction_sentence(check: dict, full: bool) -> str:
    """The counts of :func:`prediction_check`, as one paragraph."""
    n = check["n_datasets"]
    src = ("the 10 reruns of the benchmark chapter" if full
           else "the quick grid (2 reruns, budget 60; the full grid is not cached here)")
    return (f"Against {src}: LODA gains least on {check['loda_lowest_gain']} of {n} data sets. "
            f"The ensemble with the lowest angle AUC gains least on "
            f"{check['lowest_auc_is_lowest_gain']} of {n}, the one with the highest gains most "
            f"on {check['highest_auc_is_highest_gain']} of {n}, and angle AUC and gain are "
            f"positively rank-correlated across the ensembles of {check['positive_rho']} of {n} "
            f"data sets (median Spearman correlation {fmt(check['median_rho'], 2)}).")


def tree_range_sentence(check: dict) -> str:
    """How far apart the tree ensembles' angle AUCs and gains are within a data set."""
    m = check["merged"]
    trees = m[m.ensemble.isin(TREE_ENSEMBLES)]
    g = trees.groupby("dataset", sort=False)
    auc = g.angle_auc.agg(lambda v: v.max() - v.min())
    rel = g.gain.agg(lambda v: (v.max() - v.min()) / max(abs(v).max(), 1e-9))
    return (f"Within a data set the four tree ensembles' angle AUCs lie within {fmt(auc.median(), 2)}"
            f" of each other (median over the data sets; at most {fmt(auc.max(), 2)}, on "
            f"{dataset_label(auc.idxmax())}), while their smallest gain is typically "
            f"{fmt(100 * rel.median(), 0)} % below their largest.")


def failure_sentence(check: dict) -> str:
    """Where the best-separated ensemble gained least: its baseline, against the others'."""
    m = check["merged"]
    parts = []
    for ds in check["highest_auc_is_lowest_gain"]:
        g = m[m.dataset == ds]
        r = g.loc[g.angle_auc.idxmax()]
        others = g[g.ensemble != r.ensemble]
        parts.append(f"on {dataset_label(ds)}, {ENSEMBLE_LABELS.get(r.ensemble, r.ensemble)} "
                     f"separates best by angle (AUC {fmt(r.angle_auc, 2)}) yet gains least "
                     f"({fmt(r.gain, 1)}); its ranking without feedback already finds "
                     f"{fmt(r.baseline, 1)} anomalies, against {fmt(others.baseline.min(), 1)} to "
                     f"{fmt(others.baseline.max(), 1)} for the other ensembles, so it has less "
                     f"left to gain")
    if not parts:
        return ("The ensemble whose angles separate best never gains least on these data sets.")
    return "The clearest miss: " + "; ".join(parts) + "."


def scale_table(scales: pd.DataFrame) -> pd.DataFrame:
    """Angle AUC per data set under each change of units, LODA and the Isolation Forest."""
    rows = []
    for ds, g in scales.groupby("dataset", sort=False):
        row = {"data set": dataset_label(ds)}
        for ens, h in g.groupby("ensemble", sort=False):
            lab = ENSEMBLE_LABELS.get(ens, ens)
            if ens == "loda":
                for f, v in zip(h.factor, h.angle_auc, strict=True):
                    row[f"{lab}, data ×{f:g}"] = fmt(v, 2)
            else:
                lo, hi = fmt(h.angle_auc.min(), 2), fmt(h.angle_auc.max(), 2)
                row[f"{lab}, all three"] = lo if lo == hi else f"{lo} to {hi}"
        rows.append(row)
    return pd.DataFrame(rows).set_index("data set")


def scale_sentence(scales: pd.DataFrame) -> str:
    """How far LODA's angle AUC moves with the units, and whether the score AUC does."""
    loda = scales[scales.ensemble == "loda"]
    spread = loda.groupby("dataset", sort=False).angle_auc.agg(["min", "max"])
    score = loda.groupby("dataset", sort=False).score_auc.agg(lambda v: v.max() - v.min())
    ds = (spread["max"] - spread["min"]).idxmax()
    iso = scales[scales.ensemble == "iforest"].groupby("dataset").angle_auc.agg(
        lambda v: v.max() - v.min())
    still = ("does not move at all (to three decimals)" if iso.max() < 5e-4
             else f"moves by at most {fmt(iso.max(), 3)}")
    return (f"Changing the units moves LODA's angle AUC by up to "
            f"{fmt(spread.loc[ds, 'max'] - spread.loc[ds, 'min'], 2)} ({dataset_label(ds)}: "
            f"{fmt(spread.loc[ds, 'min'], 2)} to {fmt(spread.loc[ds, 'max'], 2)}), while its "
            f"score AUC moves by at most {fmt(score.max(), 3)}; the Isolation Forest's angle AUC "
            f"{still}.")


def tree_sentence(mean: pd.DataFrame) -> str:
    """How closely the angle AUC follows the score AUC, trees against LODA."""
    m = mean[mean.variant == "ours"].assign(diff=lambda t: (t.angle_auc - t.score_auc).abs())
    trees = m[m.ensemble.isin(TREE_ENSEMBLES)]
    loda = m[m.ensemble == "loda"]
    parts = []
    if len(trees):
        r = trees.loc[trees["diff"].idxmax()]
        parts.append(f"For the four tree ensembles the angle AUC stays within "
                     f"{fmt(r['diff'], 2)} of the ensemble's own score AUC on every data set "
                     f"(the largest gap: {ENSEMBLE_LABELS[r.ensemble]} on "
                     f"{dataset_label(r.dataset)}).")
    if len(loda):
        r = loda.loc[loda["diff"].idxmax()]
        parts.append(f"For LODA the gap reaches {fmt(r['diff'], 2)} ({dataset_label(r.dataset)}).")
    return " ".join(parts)


def verdict_sentence(check: dict) -> str:
    """The prediction's verdict in words, chosen from the counts of :func:`prediction_check`."""
    n = check["n_datasets"]
    coarse = check["loda_lowest_gain"]
    rho = check["median_rho"]
    first = ("The coarse form of the prediction, that LODA gains least, holds on most data sets"
             if coarse * 2 > n else
             "Even the coarse form of the prediction, that LODA gains least, fails on most "
             "data sets")
    second = ("and the angle AUC also orders the ensembles' gains (median rank correlation "
              f"{fmt(rho, 2)})." if rho >= 0.5 else
              "but the fine form does not: within a data set the angle AUC hardly orders the "
              f"ensembles' gains (median rank correlation {fmt(rho, 2)}).")
    return f"{first} ({coarse} of {n}), {second}"


def representation_sentence(mean: pd.DataFrame, ensemble: str = "iforest",
                            variant: str = "original") -> str:
    """How much the original's leaf values (-depth, unit rows) change the angles and the AUC."""
    ours = mean[(mean.ensemble == ensemble) & (mean.variant == "ours")].set_index("dataset")
    orig = mean[mean.variant == variant].set_index("dataset")
    common = ours.index.intersection(orig.index, sort=False)
    if not len(common):
        return ""
    d_auc = (ours.loc[common].angle_auc - orig.loc[common].angle_auc)
    shift = (orig.loc[common][["median_anomaly", "median_nominal"]]
             - ours.loc[common][["median_anomaly", "median_nominal"]]).abs().to_numpy().max()
    ds = d_auc.abs().idxmax()
    return (f"With the original's leaf values the median angles move by at most {fmt(shift, 2)}°"
            f" and the angle AUC by at most {fmt(abs(d_auc.loc[ds]), 2)} "
            f"({dataset_label(ds)}: {fmt(ours.loc[ds].angle_auc, 2)} with ours, "
            f"{fmt(orig.loc[ds].angle_auc, 2)} with the original's); with unit rows the angle "
            f"AUC and the score AUC coincide, because every score is then a cosine.")


def _by_dataset(frame: pd.DataFrame, ensembles, cells, datasets=None) -> pd.DataFrame:
    """One row per data set (in order of appearance in ``datasets``, default ``frame.dataset``):
    for each ensemble that has a row in ``frame``, the columns ``cells(ensemble, row)`` gives."""
    rows = []
    for ds in dict.fromkeys(frame.dataset if datasets is None else datasets):
        row = {"data set": dataset_label(ds)}
        for e in ensembles:
            r = frame[(frame.dataset == ds) & (frame.ensemble == e)]
            if not r.empty:
                row.update(cells(e, r.iloc[0]))
        rows.append(row)
    return pd.DataFrame(rows).set_index("data set")


def median_table(mean: pd.DataFrame, ensembles=("iforest", "loda")) -> pd.DataFrame:
    """Median angle of anomalies and nominals per data set for each ensemble (degrees).

    Two decimals for the tree ensembles, whose angles differ in the second;
    one for LODA, whose angles spread over tens of degrees.
    """
    def cells(e, r):
        lab = ENSEMBLE_LABELS.get(e, e)
        digits = 2 if e in TREE_ENSEMBLES else 1  # tree angles differ by hundredths
        return {(lab, "anomalies"): fmt(r.median_anomaly, digits),
                (lab, "nominals"): fmt(r.median_nominal, digits)}

    table = _by_dataset(mean[mean.variant == "ours"], ensembles, cells, datasets=mean.dataset)
    table.columns = pd.MultiIndex.from_tuples(table.columns)  # ensemble over class: narrow
    return table


def auc_table(mean: pd.DataFrame, ensembles=GEOMETRY_ENSEMBLES) -> pd.DataFrame:
    """Angle AUC, with the ensemble's own score AUC in brackets, data sets x ensembles."""
    return _by_dataset(mean[mean.variant == "ours"], ensembles, lambda e, r: {
        ENSEMBLE_LABELS.get(e, e): fmt_vs(r.angle_auc, r.score_auc, 2)})


def gain_table(check: dict, ensembles=GEOMETRY_ENSEMBLES) -> pd.DataFrame:
    """Gain from feedback at the budget, with the angle AUC in brackets, data sets x ensembles."""
    return _by_dataset(check["merged"], ensembles, lambda e, r: {
        ENSEMBLE_LABELS.get(e, e): f"{fmt(r.gain, 1)} ({fmt(r.angle_auc, 2)})"})


def representation_table(mean: pd.DataFrame, ensemble: str = "iforest",
                         variant: str = "original") -> pd.DataFrame:
    """Our leaf values against the original's: medians and angle AUC side by side (original in brackets)."""
    ours = mean[(mean.ensemble == ensemble) & (mean.variant == "ours")].set_index("dataset")
    orig = mean[mean.variant == variant].set_index("dataset")
    rows = []
    for ds in ours.index.intersection(orig.index, sort=False):
        a, b = ours.loc[ds], orig.loc[ds]
        rows.append({"data set": dataset_label(ds),
                     "anomalies": fmt_vs(a.median_anomaly, b.median_anomaly, 2),
                     "nominals": fmt_vs(a.median_nominal, b.median_nominal, 2),
                     "angle AUC": fmt_vs(a.angle_auc, b.angle_auc, 2),
                     "score AUC": fmt_vs(a.score_auc, b.score_auc, 2)})
    return pd.DataFrame(rows).set_index("data set")
