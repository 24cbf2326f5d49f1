"""The description and query-diversity chapters' numbers in words and tables.

As :mod:`.report`: the chapters glue what these functions return, so each
comparison word follows the numbers it compares, and every table is narrow
enough for the book's column (ours and the published value in one cell).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._format import comparison_word, fmt, fmt_vs
from ..datasets import load_dataset
from ..describe import evaluate_rules
from ..describe.regions import tree_precision
from .descriptions import description_cache, run_description_grid, summarize_descriptions
from .grids import (
    DESCRIPTION_TOY,
    DIVERSITY_BUDGETS,
    DIVERSITY_SETTINGS,
    PUBLISHED_DESCRIPTIONS,
    PUBLISHED_DIVERSITY_TOY,
)

#: The two describers' names in the book.
METHOD_LABELS = {"compact": "compact descriptions", "brs": "Bayesian Rule Sets"}
#: Measures of a description as "anomaly if any rule holds": (key, name, decimals).
RULE_MEASURES = (("f1", "F1", 2), ("precision", "precision", 2), ("recall", "recall", 2),
                 ("length", "bounds per rule", 1), ("n_rules", "rules", 1))


def cached_descriptions(specs, cache_dir=None):
    """``run_description_grid(specs)`` when every run is cached (only reading), else ``None``."""
    specs = list(specs)
    cache = description_cache(cache_dir)
    if not specs or any(not cache.path(s).exists() for s in specs):
        return None
    return run_description_grid(specs, cache_dir=cache_dir, n_jobs=1)


def last_checkpoint(table: pd.DataFrame) -> pd.DataFrame:
    """The description summary at the last checkpoint of a run table, indexed by method."""
    summary = summarize_descriptions(table)
    return summary[summary.n_queried == summary.n_queried.max()].set_index("method")


def _longer(ours: float, published: float, margin: float = 0.15) -> str:
    """"longer than", "shorter than" or "about as long as" (rule lengths, one decimal)."""
    return {"above": "longer than", "below": "shorter than",
            "level with": "about as long as"}[comparison_word(ours, published, margin)]


def rules_line(scores: dict) -> str:
    """One evaluated rule set (:func:`adlib.describe.evaluate_rules`) as a rounded line."""
    return (f"precision {fmt(scores['precision'], 2)}, recall {fmt(scores['recall'], 2)}, "
            f"F1 {fmt(scores['f1'], 2)}; {scores['n_rules']} rule{'s' * (scores['n_rules'] != 1)}"
            f" of {fmt(scores['length'])} bounds on average")


def rules_table(scores: dict) -> pd.DataFrame:
    """``{name: evaluate_rules(...)}`` as a rounded table, one row per rule set."""
    rows = {name: {label: (int(s[key]) if key == "n_rules" else fmt(s[key], digits))
                   for key, label, digits in RULE_MEASURES}
            for name, s in scores.items()}
    return pd.DataFrame(rows).T


def description_run_facts(X, y, anomalies, n_candidates: int, descriptions: dict) -> dict:
    """Describing anomalies: what each description keeps, covers and scores, as glue values.

    ``descriptions`` maps ``"cd"`` and ``"brs"`` to fitted descriptions
    (:func:`adlib.describe.describe_session`).
    """
    Xt = tree_precision(X)
    out = {"n_found": int(np.asarray(anomalies).size), "n_candidates": int(n_candidates)}
    for key, d in descriptions.items():
        s = evaluate_rules(d.rules, X, y)
        out[f"{key}_rules"] = len(d.rules)
        out[f"{key}_covered"] = int(d.rules.evaluate(Xt)[anomalies].sum())
        out[f"{key}_len"] = fmt(s["length"])
        for m in ("precision", "recall", "f1"):
            out[f"{key}_{m}"] = fmt(s[m], 2)
    return out


def description_compare_table(last: pd.DataFrame) -> pd.DataFrame:
    """CD and BRS after the last checkpoint, "ours (published)" per measure.

    ``last``: :func:`~adlib.experiments.summarize_descriptions` rows of the
    last checkpoint, indexed by method. The published values (40 queries)
    appear only beside ours at 40 queries; the figure has no rule count.
    """
    at_published = int(last.n_queried.iloc[0]) == DESCRIPTION_TOY[1]
    cols = {}
    for method, label in METHOD_LABELS.items():
        pub = (dict(zip(("f1", "precision", "recall", "length"), PUBLISHED_DESCRIPTIONS[method],
                        strict=True)) if at_published else {})
        cols[label] = [fmt_vs(last.loc[method, key], pub.get(key), digits)
                       for key, _, digits in RULE_MEASURES]
    return pd.DataFrame(cols, index=pd.Index([name for _, name, _ in RULE_MEASURES],
                                              name="ours (published)" if at_published
                                              else "measure"))


def description_facts(last: pd.DataFrame, toy: pd.DataFrame) -> dict:
    """CD vs BRS on the toy data, as glue values and sentences that follow the numbers.

    ``last`` as in :func:`description_compare_table`; ``toy`` the run table
    (for the seconds per fit).
    """
    cd, brs = last.loc["compact"], last.loc["brs"]
    pub = {m: dict(zip(("f1", "precision", "recall", "length"), v, strict=True))
           for m, v in PUBLISHED_DESCRIPTIONS.items()}
    out = {"n_final": int(last.n_queried.iloc[0]), "runs": int(cd.runs),
           "n_candidates": f"{cd.n_candidates:.0f}"}
    for key, row in (("cd", cd), ("brs", brs)):
        for m, _, digits in RULE_MEASURES:
            out[f"{key}_{m}"] = fmt(row[m], digits)
    as_published = cd.recall > brs.recall and brs.precision > cd.precision
    out["tradeoff_claim"] = (
        "As in the original, compact descriptions have the higher recall (they must cover "
        "every discovered anomaly) and Bayesian Rule Sets the higher precision"
        if as_published else
        "Unlike the original, compact descriptions do not have both the higher recall and "
        "Bayesian Rule Sets the higher precision here")
    out["f1_winner"] = METHOD_LABELS["brs" if brs.f1 > cd.f1 else "compact"]
    out["f1_gap"] = fmt(abs(brs.f1 - cd.f1), 2)
    for key, m, row in (("cd", "compact", cd), ("brs", "brs", brs)):
        out[f"{key}_maxdiff"] = fmt(max(abs(row[k] - pub[m][k])
                                        for k in ("f1", "precision", "recall")), 2)
        out[f"{key}_pub_len"] = fmt(pub[m]["length"])
        out[f"{key}_longer"] = _longer(float(row.length), pub[m]["length"])
    p = pub["brs"]
    if brs.precision < p["precision"] and brs.recall > p["recall"]:
        out["brs_tradeoff"] = "ours trade less recall for precision than the original's"
    elif brs.precision > p["precision"] and brs.recall < p["recall"]:
        out["brs_tradeoff"] = "ours trade even more recall for precision than the original's"
    else:
        out["brs_tradeoff"] = ("ours sit on the same side of the precision/recall trade-off "
                               "as the original's")
    seconds = toy.groupby("method").seconds.mean()
    out["cd_ms"] = f"{1000 * seconds['compact']:.0f}"
    out["brs_ms"] = f"{1000 * seconds['brs']:.0f}"
    return out


def description_real_table(rs: pd.DataFrame) -> pd.DataFrame:
    """Real data sets at the budget: one column per measure, each cell "CD / BRS"
    (compact descriptions / Bayesian Rule Sets)."""
    datasets = list(dict.fromkeys(rs.dataset))
    by = rs.set_index(["dataset", "method"])
    cols = {}
    for key, name, digits in RULE_MEASURES[:4]:
        cols[name] = [f"{fmt(by.loc[(ds, 'compact'), key], digits)} / "
                                     f"{fmt(by.loc[(ds, 'brs'), key], digits)}" for ds in datasets]
    return pd.DataFrame(cols, index=pd.Index(datasets, name="data set"))


def description_real_facts(rs: pd.DataFrame, real: pd.DataFrame) -> dict:
    """Counts of data sets where each describer wins, and the budgets and runs behind them."""
    piv = {m: rs.pivot(index="dataset", columns="method", values=m)
           for m in ("f1", "precision", "recall", "length")}
    return {"n_real": len(piv["f1"]), "brs_f1_wins": int((piv["f1"].brs > piv["f1"].compact).sum()),
            "brs_prec_wins": int((piv["precision"].brs > piv["precision"].compact).sum()),
            "cd_rec_wins": int((piv["recall"].compact > piv["recall"].brs).sum()),
            "real_budget": int(real.budget.max()), "real_runs": int(rs.runs.min()),
            "len_min": fmt(piv["length"].to_numpy().min()),
            "len_max": fmt(piv["length"].to_numpy().max())}


# ------------------------------------------------------------------ query diversity


def _setting_order(table):
    present = set(table.setting)
    return [name for name, _, _ in DIVERSITY_SETTINGS if name in present]


def diversity_found_table(summary: pd.DataFrame) -> pd.DataFrame:
    """% of anomalies found at the budget, one row per strategy (and no feedback), one
    column per data set; the toy column "ours (published)" at the published budget."""
    s = summary.assign(pct=100 * summary.found / summary.n_anomalies,
                       base=100 * summary.baseline / summary.n_anomalies)
    datasets = list(dict.fromkeys(s.dataset))
    pct = s.pivot(index="setting", columns="dataset", values="pct")
    settings = [n for n, _, _ in DIVERSITY_SETTINGS if n in pct.index]
    base = s.groupby("dataset").base.first()
    out = {}
    for ds in datasets:
        col = [pct.loc[n, ds] for n in settings] + [base[ds]]
        budget = int(s[s.dataset == ds].budget.iloc[0])
        if ds == "toy2" and budget == DIVERSITY_BUDGETS["toy2"]:
            pub = [PUBLISHED_DIVERSITY_TOY.get(n) for n in settings]
            pub.append(PUBLISHED_DIVERSITY_TOY["baseline"])
            out["toy2: ours (published)"] = [fmt_vs(v, p) for v, p in zip(col, pub, strict=True)]
        else:
            out[ds] = [fmt(v) for v in col]
    return pd.DataFrame(out, index=pd.Index(settings + ["no feedback"], name="strategy"))


def _bald_stats(summary: pd.DataFrame) -> list[tuple[str, float, float, float, float]]:
    """Per data set: BAL-D and batch top-3 found, their difference and its standard error.

    The standard error combines the two settings' spreads over their runs
    (``found_std`` of :func:`~adlib.experiments.summarize`).
    """
    out = []
    for ds, g in summary.groupby("dataset", sort=False):
        g = g.set_index("setting")
        d, t = g.loc["BAL-D"], g.loc["batch top-3"]
        se = float(np.sqrt((d.found_std ** 2 + t.found_std ** 2) / max(d.runs, 1)))
        out.append((ds, float(d.found), float(t.found), float(d.found - t.found), se))
    return out


def bald_vs_top3(summary: pd.DataFrame) -> pd.DataFrame:
    """BAL-D against batch top-3: anomalies found, difference and its standard error."""
    rows = [{"data set": ds, "BAL-D": fmt(d), "batch top-3": fmt(t), "difference": f"{diff:+.1f}",
             "standard error": fmt(se)} for ds, d, t, diff, se in _bald_stats(summary)]
    return pd.DataFrame(rows).set_index("data set")


def diversity_facts(summary: pd.DataFrame) -> dict:
    """Query diversity: the toy percentages beside the published, and BAL-D against batch top-3.

    Also the two toy settings furthest below the published values, in
    anomalies (of the toy set's anomalies), with our standard error.
    """
    toy = summary[summary.dataset == "toy2"].set_index("setting")
    n_anom = int(toy.n_anomalies.iloc[0])
    out = {"toy_budget": int(toy.budget.iloc[0]), "toy_anomalies": n_anom,
           "pp_per_anomaly": fmt(100 / n_anom)}
    keys = {"top-1": "top1", "batch top-3": "top3", "random 3 of top 10": "rand",
            "BAL-D": "bald", "BAL-E": "bale"}
    for name, key in keys.items():
        row = toy.loc[name]
        pub = PUBLISHED_DIVERSITY_TOY[name]
        out[f"toy_{key}"] = f"{fmt(100 * row.found / n_anom)}%"
        out[f"pub_{key}"] = f"{fmt(pub)}%"
        gap = pub / 100 * n_anom - row.found                 # anomalies below the published share
        se = row.found_std / np.sqrt(max(row.runs, 1))
        out[f"gap_{key}"] = fmt(gap)
        out[f"se_{key}"] = fmt(se)
        out[f"ratio_{key}"] = fmt(gap / se) if se > 0 else "–"
        out[f"word_{key}"] = comparison_word(100 * row.found / n_anom, pub, 100 * 0.5 / n_anom)
    out["toy_base"] = f"{fmt(100 * toy.baseline.iloc[0] / n_anom)}%"
    out["pub_base"] = f"{fmt(PUBLISHED_DIVERSITY_TOY['baseline'])}%"
    stats = _bald_stats(summary)
    out["n_ds"] = len(stats)
    out["n_as_many"] = sum(diff > 0 or abs(diff) <= 2 * se for _, _, _, diff, se in stats)
    return out


def class_tables(table: pd.DataFrame, early: int = 15) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Class diversity: distinct classes per batch of 3 and anomaly classes reached.

    ``table``: :func:`~adlib.experiments.diversity_table`. Returns the mean
    classes per batch (strategy x data set), the anomaly classes reached after
    ``early`` queries and at the budget ("early / budget" per cell), and the
    glue values of the chapter's sentences.
    """
    settings = _setting_order(table)
    datasets = list(dict.fromkeys(table.dataset))
    early = min(early, int(table.budget.min()))
    g = table.groupby(["setting", "dataset"], sort=False)
    cpb = g.per_batch.apply(lambda c: float(np.mean([np.mean(a) for a in c]))).unstack()
    cpb = cpb.loc[settings, datasets]
    at_early = g.anomaly_classes.apply(lambda c: float(np.mean([a[early - 1] for a in c])))
    at_end = g.anomaly_classes.apply(lambda c: float(np.mean([a[-1] for a in c])))
    reached = pd.DataFrame({ds: [f"{fmt(at_early[(s, ds)])} / {fmt(at_end[(s, ds)])}"
                                 for s in settings] for ds in datasets},
                           index=pd.Index(settings, name="strategy"))
    n_classes = {}
    for ds in datasets:
        data = load_dataset(ds)
        n_classes[ds] = len(set(data.orig_labels[data.y == 1].tolist()))
    met = g.anomaly_classes.apply(lambda c: all(a[-1] == n_classes[c.name[1]] for a in c))
    facts = {"n_more_classes": int((cpb.loc["BAL-D"] > cpb.loc["batch top-3"]).sum()),
             "n_class_ds": len(datasets), "early": early, "n_met": int(met.sum()),
             "n_cells": len(met),
             "bale_vs_bald": ("more" if (cpb.loc["BAL-E"] > cpb.loc["BAL-D"]).mean() > 0.5
                              else "fewer"),
             "n_classes": ", ".join(f"{n} on {ds}" for ds, n in n_classes.items())}
    if "toy2" in cpb.columns:
        facts["toy_cpb_bald"] = fmt(cpb.loc["BAL-D", "toy2"], 2)
        facts["toy_cpb_top3"] = fmt(cpb.loc["batch top-3", "toy2"], 2)
    table_cpb = cpb.map(lambda v: fmt(v, 2))
    table_cpb.index.name = "strategy"
    table_cpb.columns.name = None
    return table_cpb, reached, facts
