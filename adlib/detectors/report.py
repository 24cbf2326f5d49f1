"""Tables and sentences of the two detector chapters, built from computed results.

The chapters "A tour of unsupervised detectors" and "Anomaly detector or
classifier?" show what these functions return: readable column names, values
rounded as the text quotes them, and the numbers their sentences need (a
dict per paragraph, glued into the text by the chapter). Nothing here
computes a detector; the inputs are the results of :mod:`.benchmark` and
:mod:`.demos`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._format import ordinal
from . import DETECTOR_LABELS, DETECTOR_NAMES

#: The score maps of the tour, one figure per family (at most three panels: one row).
SCORE_MAP_FAMILIES = {
    "rules on single features": ("zscore", "boxplot", "hbos"),
    "densities and boundaries": ("gmm", "kde", "ocsvm"),
    "nearest neighbours": ("knn1", "knn", "lof"),
    "clusters": ("kmeans", "dbscan", "cblof"),
    "isolation, subspaces, projections": ("iforest", "pca", "loda"),
    "neural networks": ("autoencoder", "vae"),
}

#: Short column names of the benchmark data sets (the tables must fit the page).
DATASET_SHORT_NAMES = {
    "toy_hard": "toy hard", "ann_thyroid_1v3": "thyroid", "cardiotocography_1": "cardio",
    "mammography": "mammo.", "shuttle_1v23567": "shuttle",
}


def short_name(dataset: str) -> str:
    """The column name of a data set in the chapter's tables (``'thyroid'`` for ``ann_thyroid_1v3``)."""
    return DATASET_SHORT_NAMES.get(dataset, dataset)


def short_name_legend(datasets) -> str:
    """``'thyroid: ann_thyroid_1v3, cardio: cardiotocography_1'``: the short names used, explained."""
    return ", ".join(f"{short_name(d)}: {d}" for d in dict.fromkeys(datasets)
                     if short_name(d) != d) or "none"


def detectors_by_dataset(summary: pd.DataFrame, value: str = "auc",
                         digits: int | None = None) -> pd.DataFrame:
    """One value per detector (rows, readable labels) and data set (columns, short names).

    ``summary``: :func:`adlib.detectors.benchmark.summarize_detectors`. Rows in
    registry order, columns in the order of the runs; rounded to ``digits``
    decimals if given (show the table with :func:`best_in_bold`).
    """
    wide = summary.pivot(index="detector", columns="dataset", values=value)
    rows = [d for d in DETECTOR_NAMES if d in wide.index]
    cols = list(dict.fromkeys(summary.dataset))
    out = wide.loc[rows, cols]
    out = out if digits is None else out.round(digits)
    out.index = [DETECTOR_LABELS[d] for d in rows]
    out.columns = [short_name(c) for c in cols]
    return out


#: The wide detector tables in a smaller font (0.85 of the text's, about 10 pt) with
#: narrower cells than the theme's: seventeen detectors by ten data sets then fit the
#: book's 704-px column at 1300 px (tests/browser/test_book_pages.py measures it).
COMPACT_CELLS = [{"selector": "", "props": "font-size: 0.85em;"},
                 {"selector": "th, td", "props": "padding: 0.25em 0.3em;"}]


def best_in_bold(frame: pd.DataFrame, digits: int = 2):
    """A pandas Styler: values with ``digits`` decimals, the best of each column in bold (ties
    too), compact cells (:data:`COMPACT_CELLS`)."""
    shown = frame.round(digits)
    return (shown.style.format(f"{{:.{digits}f}}").set_table_styles(COMPACT_CELLS)
            .highlight_max(axis=0, props="font-weight: bold; background-color: #d8ecd3"))


def overview(auc: pd.DataFrame, precision: pd.DataFrame, seconds: pd.Series,
             exclude=("toy", "toy2", "toy hard")) -> pd.DataFrame:
    """Mean AUC, mean rank, mean precision, wins and time of every detector over the real data sets.

    ``auc`` / ``precision``: :func:`detectors_by_dataset` tables (detectors x
    data sets); ``seconds``: mean seconds per run by detector label. Data sets
    in ``exclude`` (the toy sets) are left out unless nothing else is left.
    Sorted by mean rank (1 = the best AUC).
    """
    real = [c for c in auc.columns if c not in exclude] or list(auc.columns)
    a = auc[real]
    wins = a.idxmax(axis=0).value_counts().reindex(a.index).fillna(0).astype(int)
    out = pd.DataFrame({
        "mean AUC": a.mean(axis=1).round(2),
        "mean rank": a.rank(axis=0, ascending=False).mean(axis=1).round(1),
        "mean precision": precision[real].mean(axis=1).round(2),
        "best AUC on": wins,
        "seconds per run": seconds.reindex(a.index).round(2),
    })
    return out.sort_values(["mean rank", "mean AUC"], ascending=[True, False])


def overview_summary(table: pd.DataFrame, auc: pd.DataFrame,
                     exclude=("toy", "toy2", "toy hard")) -> dict:
    """The numbers of the paragraph under the overview (plain values, rounded as the table)."""
    real = [c for c in auc.columns if c not in exclude] or list(auc.columns)
    best = auc[real].max(axis=0)
    hardest = str(best.idxmin())
    return {
        "n_real": len(real),
        "n_detectors": len(table),
        "top_rank": str(table.index[0]),
        "top_rank_value": float(table["mean rank"].iloc[0]),
        "top_auc": str(table["mean AUC"].idxmax()),
        "top_auc_value": float(table["mean AUC"].max()),
        "n_winners": int((table["best AUC on"] > 0).sum()),
        "iforest_rank": ordinal(table.index.get_loc(DETECTOR_LABELS["iforest"]) + 1),
        "hardest": hardest,
        "hardest_auc": float(best[hardest]),
    }


def _names(index, mask) -> str:
    return ", ".join(index[np.asarray(mask)]) or "none"


def local_global_summary(ranks: pd.DataFrame, good: float = 95.0, bad: float = 60.0) -> dict:
    """The sentences under the local/global table, rounded as the table (one decimal).

    ``ranks``: detectors (labels) x kinds ("global outlier", "local outlier",
    "clustered anomalies"), mean percentile ranks. Returns the detectors that
    rank the local outliers at ``good`` or above and below ``bad``, those
    below ``bad`` on the cluster, and the k-NN and LOF values the text quotes.
    """
    r = ranks.round(1)
    knn, lof = DETECTOR_LABELS["knn"], DETECTOR_LABELS["lof"]
    return {
        "local_good": _names(r.index, r["local outlier"] >= good),
        "local_bad": _names(r.index, r["local outlier"] < bad),
        "cluster_bad": _names(r.index, r["clustered anomalies"] < bad),
        "knn_local": float(r.loc[knn, "local outlier"]),
        "lof_local": float(r.loc[lof, "local outlier"]),
        "knn_cluster": float(r.loc[knn, "clustered anomalies"]),
    }


def _pair(values) -> str:
    return "(" + ", ".join(f"{v:.2f}" for v in np.asarray(values, float)) + ")"


def influence_table(infl: dict) -> pd.DataFrame:
    """The two Gaussian fits of :func:`adlib.detectors.demos.gaussian_influence`, side by side."""
    rows = {}
    for tag, name in (("all", "fit to all points"), ("clean", "fit to the nominal points")):
        cov = np.asarray(infl[f"cov_{tag}"])
        rows[name] = {
            "mean": _pair(infl[f"mean_{tag}"]),
            "variances": _pair(np.diag(cov)),
            "correlation": round(float(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])), 2),
            "anomalies: Mahalanobis distance": round(float(np.mean(infl[f"maha_{tag}"])), 2),
            "anomalies: largest |z|": round(float(np.mean(infl[f"z_{tag}"])), 2),
            "anomalies flagged (3-sigma)": int(infl[f"flagged_{tag}"]),
        }
    return pd.DataFrame(rows).T


def masking_summary(y, infl: dict) -> dict:
    """The numbers of the masking paragraph (two decimals, as the table)."""
    y = np.asarray(y)
    return {
        "n": int(y.sum()), "n_nominal": int((y == 0).sum()),
        "var_ratio": round(float(np.trace(infl["cov_all"]) / np.trace(infl["cov_clean"])), 2),
        "z_all": round(float(np.mean(infl["z_all"])), 2),
        "z_clean": round(float(np.mean(infl["z_clean"])), 2),
        "maha_all": round(float(np.mean(infl["maha_all"])), 2),
        "maha_clean": round(float(np.mean(infl["maha_clean"])), 2),
        "flag_all": int(infl["flagged_all"]), "flag_clean": int(infl["flagged_clean"]),
    }


#: The measures of :func:`adlib.detectors.demos.detector_vs_classifier`'s rows, as column names.
RECALL_COLUMNS = {
    "seen_at_fpr": "seen type, {fpr} FPR", "unseen_at_fpr": "unseen types, {fpr} FPR",
    "seen_at_top": "seen type, top k", "unseen_at_top": "unseen types, top k",
}


def method_names(budget: int) -> dict:
    """Readable names of the three scorers of the detector-or-classifier runs."""
    return {"iforest": "Isolation Forest (no feedback)", "aad": f"AAD ({budget} answers)",
            "forest": "random forest (all labels)"}


def recall_table(rows, budget: int, fpr: float = 0.05) -> pd.DataFrame:
    """Mean recall in % (no decimals) of every scorer over the runs' ``rows``, readable names."""
    frame = pd.DataFrame(rows)
    mean = frame.groupby("method", sort=False)[list(RECALL_COLUMNS)].mean() * 100
    out = mean.round(0).astype(int).rename(index=method_names(budget))
    out.columns = [c.format(fpr=f"{fpr:.0%}") for c in RECALL_COLUMNS.values()]
    out.index.name = "recall (%)"
    return out


def recall_summary(rows) -> dict:
    """``{"<method>_<measure>": percent}`` of the runs' mean recalls (integers, as the table)."""
    mean = pd.DataFrame(rows).groupby("method")[list(RECALL_COLUMNS)].mean() * 100
    return {f"{m}_{c}": int(round(float(mean.loc[m, c]))) for m in mean.index for c in mean.columns}


def closer_unseen_sentence(before: dict, after: dict) -> str:
    """What moving the unseen types closer to the nominal data did (``recall_summary`` dicts)."""
    def change(key):
        if before[key] == after[key]:
            return f"stays at {before[key]} %"
        return f"goes from {before[key]} % to {after[key]} %"

    return (f"With the unseen types closer to the nominal data, the share of them in AAD's top k "
            f"{change('aad_unseen_at_top')}, in the plain Isolation Forest's "
            f"{change('iforest_unseen_at_top')}, and in the random forest's "
            f"{change('forest_unseen_at_top')}; AAD's share of the seen type "
            f"{change('aad_seen_at_top')}.")


def coverage_by_kind(covered, kind) -> dict:
    """Share (in %) of the nominal points, seen-type and unseen-type anomalies inside a set of rules.

    ``covered``: one boolean per test row (inside any of the rules); ``kind``:
    0 nominal, 1 seen type, 2 unseen type (:class:`~adlib.detectors.demos.SeenUnseen`).
    Nominal points with one decimal, the anomalies without (as the chapter quotes them).
    """
    covered, kind = np.asarray(covered, bool), np.asarray(kind)
    share = {k: 100.0 * float(covered[kind == k].mean()) for k in (0, 1, 2)}
    return {"nominal": round(share[0], 1), "seen": int(round(share[1])),
            "unseen": int(round(share[2]))}
