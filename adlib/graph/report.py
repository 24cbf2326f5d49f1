"""The chapter's tables and sentences, built from computed results (no numbers typed in).

Published values are the original README's (``ad_examples``, section on GCN
attacks), printed there with three decimals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from .._format import fmt, mean_se

#: best-attacker gradients printed in the original README's figures (3 decimals)
PUBLISHED_GRADIENTS = {
    "2 layers": (-3.870, 1.926),
    "ensemble of 10": (-3.548, 1.756),
    "adversarial": (-1.445, 0.704),
}
REFERENCE = "2 layers"
LABELS = {"2 layers": "2-layer", "6 layers": "6-layer"}


def vector(v, digits: int = 3) -> str:
    """``[-3.870, 1.926]``."""
    return "[" + ", ".join(f"{float(x):.{digits}f}" for x in v) + "]"


def single_target_table(results: dict) -> pd.DataFrame:
    """One row per model: the near and far attackers' gradients and the minimal change.

    ``results``: model name -> (AttackResult, near attacker, far attacker).
    """
    rows = []
    for name, (r, near, far) in results.items():
        pub = PUBLISHED_GRADIENTS.get(name)
        rows.append({
            "model": name,
            "near attacker's gradient": vector(r.gradient_of(near)),
            "README": vector(pub) if pub else "–",
            "far attacker's gradient": vector(r.gradient_of(far)),
            "change that flips the target": fmt(r.distance, 3) if r.flipped else "none",
        })
    return pd.DataFrame(rows).set_index("model")


def gradient_comparison(ours, published=PUBLISHED_GRADIENTS[REFERENCE]) -> dict:
    """Relative differences of our gradient's components from the published ones."""
    ours, published = np.asarray(ours, float), np.asarray(published, float)
    rel = (ours - published) / np.abs(published)
    cos = float(ours @ published / np.linalg.norm(ours) / np.linalg.norm(published))
    return {"ours": vector(ours), "published": vector(published),
            "max_relative": float(np.max(np.abs(rel))), "relative": rel.tolist(),
            "cosine": cos,
            "direction_degrees": float(np.degrees(np.arccos(min(1.0, cos))))}


def gradient_sentence(ours, published=PUBLISHED_GRADIENTS[REFERENCE]) -> str:
    c = gradient_comparison(ours, published)
    ratio = np.abs(np.asarray(ours, float)) / np.abs(np.asarray(published, float))
    size = "smaller" if np.all(ratio < 1) else "larger" if np.all(ratio > 1) else "mixed"
    same = int(np.argmax(np.abs(ours))) == int(np.argmax(np.abs(published)))
    feature = (f"the largest component, and so the feature attacked, is the "
               f"{'first' if int(np.argmax(np.abs(ours))) == 0 else 'second'} in both"
               if same else "the largest components differ, so another feature is attacked")
    return (f"Our 2-layer GCN's best attacker gradient is {c['ours']}, the README's "
            f"{c['published']}: both components are within {100 * c['max_relative']:.0f}% "
            f"({'both ' + size if size != 'mixed' else 'one larger, one smaller'} here), the two vectors point "
            f"{c['direction_degrees']:.1f} degrees apart, and {feature}.")


def study_table(frame: pd.DataFrame, graph: str, results=None) -> pd.DataFrame:
    """The many-targets table of one graph: one row per model.

    With the study's ``results`` a column gives each model's accuracy on the
    unlabeled nodes of known class (mean over the seeds).
    """
    acc = {}
    for r in results or ():
        if r["spec"]["dataset"] == graph:
            acc.setdefault(r["spec"]["model"], []).append(r["accuracy_unlabeled"])
    rows = []
    f = frame[frame["graph"] == graph]
    for model, g in f.groupby("model", sort=False):
        d = g["distance"].dropna().to_numpy()
        share, se = mean_se(g.groupby("seed")["flipped"].mean().to_numpy())
        q1, q2, q3 = np.quantile(d, [0.25, 0.5, 0.75]) if d.size else (np.nan,) * 3
        rows.append({"model": model, "targets": int(len(g)),
                     "flipped within range": f"{100 * share:.0f}% ± {100 * se:.0f}",
                     "median change": fmt(q2, 2),
                     "middle half": f"{fmt(q1, 2)} – {fmt(q3, 2)}"})
        if model in acc:
            rows[-1]["accuracy (unlabeled)"] = f"{100 * np.mean(acc[model]):.0f}%"
    return pd.DataFrame(rows).set_index("model")


def compare_models(frame: pd.DataFrame, graph: str, reference: str = REFERENCE) -> dict:
    """Per model: in how many seeds it is harder to attack than the reference, and a verdict.

    Targets are paired (a seed's graph is the same for every model): a model
    is harder in a seed when it needs a larger change than the reference on
    more of that seed's targets than a smaller one (a target flipped by
    neither model is a tie). The verdict ("harder", "easier", "no clear
    difference") comes from a two-sided sign test over the seeds at the 5%
    level; tied seeds are left out.
    """
    f = frame[frame["graph"] == graph].assign(d=lambda x: x["distance"].fillna(np.inf))
    wide = f.pivot_table(index=["seed", "target"], columns="model", values="d", aggfunc="first")
    out = {}
    for model in f["model"].unique():
        if model == reference:
            continue
        diff = np.sign(wide[model] - wide[reference]).fillna(0.0)   # inf - inf: a tie
        balance = diff.groupby(level="seed").sum()
        up, down = int(np.sum(balance > 0)), int(np.sum(balance < 0))
        p = binomtest(up, up + down).pvalue if up + down else 1.0
        verdict = ("harder" if up > down else "easier") if p < 0.05 else "no clear difference"
        out[model] = {"larger": up, "smaller": down, "seeds": int(len(balance)), "p": float(p),
                      "share_larger": float(np.mean(diff > 0)),
                      "share_smaller": float(np.mean(diff < 0)), "verdict": verdict}
    return out


GRAPH_NAMES = {"face_top": "face_top", "block_model": "block-model"}


def verdict_sentence(comparison: dict, graph: str, reference: str = REFERENCE) -> str:
    harder = [m for m, c in comparison.items() if c["verdict"] == "harder"]
    easier = [m for m, c in comparison.items() if c["verdict"] == "easier"]
    parts = []
    for what, models, key in (("attacks harder", harder, "larger"),
                              ("them easier", easier, "smaller")):
        if models:
            detail = ", ".join(f"{m} (in {comparison[m][key]} of {comparison[m]['seeds']} seeds)"
                               for m in models)
            parts.append(f"{detail} {'makes' if len(models) == 1 else 'make'} {what}")
    rest = [m for m in comparison if m not in harder + easier]
    text = (f"On the {GRAPH_NAMES.get(graph, graph)} graph, against the "
            f"{LABELS.get(reference, reference)} GCN: ")
    text += "; ".join(parts) if parts else "no variant differs clearly"
    if rest and parts:
        text += f"; {', '.join(rest)}: no clear difference"
    return text + " (paired by target; sign test over the seeds, 5% level)."


def original_observation(comparisons: dict) -> str:
    """Whether the original's single-target observation holds over all targets, per graph.

    ``comparisons``: graph -> :func:`compare_models` of that graph.
    """
    def says(c, expected):
        if c is None:
            return "was not measured"
        if c["verdict"] == expected:
            return "holds"
        if c["verdict"] == "no clear difference":
            return "is not borne out (no clear difference)"
        return "is reversed"

    parts = [f"on the {GRAPH_NAMES.get(g, g)} graph the first "
             f"{says(c.get('ensemble of 10'), 'harder')} and the second "
             f"{says(c.get('adversarial'), 'easier')}" for g, c in comparisons.items()]
    return ("On its single target the original saw the ensemble need a larger change and the "
            "adversarially trained model a smaller one; over all targets, "
            + "; ".join(parts) + ".")
