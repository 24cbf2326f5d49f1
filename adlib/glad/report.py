"""The GLAD chapter's sentences, built from computed numbers (never typed into the notebook).

The original's figures quoted here are what the issue reports for ten reruns
of the original code on this kind of machine (toy2, budget 60) and what its
README prints for the LIME explanation of the point (6.179, 3.042).
"""

from __future__ import annotations

import numpy as np

from .._format import comparison_word, fmt, fmt_pm, mean_se

#: Ten reruns of the original GLAD on toy2: mean ± s.e. found after 30 and 60 queries,
#: and its LODA baseline (the ranking before feedback).
ORIGINAL_TOY = {30: (18.3, 0.9), 60: (28.0, 0.8)}
ORIGINAL_TOY_BASELINE = {30: 9, 60: 21}
#: The original README's LIME output for the test point.
ORIGINAL_LIME = {"point": (6.179, 3.042), "member": 2, "relevance": 0.867,
                 "conditions": [("2.16 < y <= 3.31", -0.425), ("x > 2.65", 0.341)]}


def at(curves, k: int) -> tuple[float, float]:
    """Mean and standard error over reruns of anomalies found after ``k`` queries."""
    return mean_se(np.asarray(curves)[:, k - 1])


def toy_table(curves: dict, checkpoints=(30, 60)) -> list[dict]:
    """Rows ``{method, found@k ...}`` (formatted ``mean ± s.e.``) plus the original's row."""
    rows = [{"method": name, **{f"after {k}": fmt_pm(*at(c, k)) for k in checkpoints
                                if k <= np.asarray(c).shape[1]}}
            for name, c in curves.items()]
    rows.append({"method": "original GLAD (10 reruns)",
                 **{f"after {k}": fmt_pm(*ORIGINAL_TOY[k]) for k in checkpoints
                    if k in ORIGINAL_TOY}})
    rows.append({"method": "original's LODA baseline",
                 **{f"after {k}": str(ORIGINAL_TOY_BASELINE[k]) for k in checkpoints
                    if k in ORIGINAL_TOY_BASELINE}})
    return rows


def toy_sentence(glad, baseline, loda_aad=None, checkpoints=(30, 60)) -> str:
    """GLAD on toy2 against the unsupervised ranking, LODA-AAD and the original's reruns."""
    budget = np.asarray(glad).shape[1]
    parts = []
    for k in [k for k in checkpoints if k <= budget]:
        g, g_se = at(glad, k)
        b, _ = at(baseline, k)
        text = f"after {k} queries GLAD found {fmt_pm(g, g_se)} anomalies"
        if loda_aad is not None:
            text += f", LODA-AAD {fmt_pm(*at(loda_aad, k))}"
        text += f" and the LODA ranking {fmt(b)}"
        if k in ORIGINAL_TOY:
            o, o_se = ORIGINAL_TOY[k]
            margin = 2 * np.hypot(g_se, o_se)
            word = comparison_word(g, o, margin)
            text += (f" (the original: {fmt_pm(o, o_se)}, baseline {ORIGINAL_TOY_BASELINE[k]}; "
                     f"ours is {word} it"
                     + (f" by {fmt(abs(g - o))}" if word != "level with" else "")
                     + " at two standard errors)")
        parts.append(text)
    n = np.asarray(glad).shape[0]
    return f"Over {n} reruns, " + "; ".join(parts) + "."


def relevance_sentence(P: np.ndarray, y, n_answers: int, bias_prob: float = 0.5) -> str:
    """Which member is most relevant for how many anomalies, and where members are suppressed."""
    y = np.asarray(y)
    best = np.argmax(P, axis=1)
    n_a = int(y.sum())
    shares = np.bincount(best[y == 1], minlength=P.shape[1])
    order = np.argsort(-shares, kind="stable")
    share_txt = ", ".join(f"member {m} for {int(shares[m])}" for m in order if shares[m] > 0)
    supp = [(m, float(np.mean(P[y == 0, m] < bias_prob)), float(np.mean(P[y == 1, m] < bias_prob)))
            for m in range(P.shape[1])]
    supp_txt = "; ".join(f"member {m} on {100 * a:.0f} % of the nominal points and "
                         f"{100 * b:.0f} % of the anomalies" for m, a, b in supp)
    return (f"After {n_answers} answers, the most relevant member of each of the {n_a} "
            f"anomalies is {share_txt}. Relevance fell below the prior {bias_prob:g} "
            f"(suppressed) for {supp_txt}.")


def lime_sentence(result) -> str:
    """Our LIME explanation of the test point beside the original's printout."""
    o = ORIGINAL_LIME
    ours = {c: w for c, w in result.conditions}
    same_member = result.member == o["member"]
    cmp = []
    for cond, w in o["conditions"]:
        if cond in ours:
            sign = "the same sign" if np.sign(ours[cond]) == np.sign(w) else "the opposite sign"
            cmp.append(f"`{cond}` weighs {ours[cond]:+.3f} (original {w:+.3f}, {sign})")
        else:
            cmp.append(f"`{cond}` (original {w:+.3f}) is not among our conditions")
    return (f"At ({o['point'][0]}, {o['point'][1]}) the most relevant member is "
            f"{result.member} with relevance {result.relevance[result.member]:.3f} "
            f"({'as' if same_member else 'the original picked member ' + str(o['member'])} "
            f"{'in the original, whose relevance was' if same_member else 'with'} "
            f"{o['relevance']}). LIME's conditions: " + "; ".join(cmp)
            + f". The local linear model explains R² = {result.r2:.2f} of the member's score "
            "around the point.")


def real_sentence(summary) -> str:
    """GLAD against LODA-AAD and the LODA ranking on each benchmark set, with the margin."""
    parts = []
    for _, r in summary.iterrows():
        margin = 2 * np.hypot(r.glad_se, r.loda_aad_se)
        word = comparison_word(r.glad, r.loda_aad, margin)
        base = comparison_word(r.glad, r.loda, 2 * np.hypot(r.glad_se, r.loda_se))
        parts.append(f"on {r.dataset} GLAD is {word} LODA-AAD ({fmt(r.glad)} vs. "
                     f"{fmt(r.loda_aad)}) and {base} the LODA ranking ({fmt(r.loda)})")
    return ("At two standard errors of the difference, " + "; ".join(parts) + ".")


def differences(glad, glad_raw, primed_baseline, loda_baseline, checkpoints=(30, 60)) -> str:
    """The chapter's "Differences from the original", with the measured effects (Markdown)."""
    budget = np.asarray(glad).shape[1]
    ks = [k for k in checkpoints if k <= budget]

    def cmp(a, b):
        return ", ".join(f"{fmt_pm(*at(a, k))} vs. {fmt_pm(*at(b, k))} after {k}" for k in ks)

    return "\n".join([
        "- **TensorFlow 2 / Keras 3 instead of TensorFlow 1.** The network is a Keras "
        "`Sequential` model trained by our own step (`tf.GradientTape` inside `tf.function`, the "
        "loop over minibatches in the graph); the original builds a TF1 graph with placeholders "
        "and sessions. Same layers, initialisation, losses (including the L2 term counted in both "
        "the AAD part and the prior part), Adam settings, priming with its early stop, and batches.",
        "- **Normalised member scores.** The original multiplies the relevance with the raw "
        "`-log p` of each projection; here each member's score is standardised on the data "
        "(mean 0, standard deviation 1) first. Measured on this data, same seeds, "
        f"standardised vs. raw: {cmp(glad, glad_raw)}.",
        "- **LODA's histograms.** Ours choose the number of bins by Birge and Rozenholc's rule "
        "and give empty bins a pseudo-count; the original builds its histogram with one bin more "
        "than the rule chose and floors densities at 1e-8. The directions are the same.",
        "- **The baseline.** We compare with the unsupervised LODA ranking of the same members; "
        "the original's baseline is the primed network's ranking (relevance about 0.5 everywhere). "
        f"Measured on the first {np.asarray(primed_baseline).shape[0]} seeds: "
        f"{cmp(primed_baseline, loda_baseline)} (primed network vs. LODA ranking).",
        "- **Seeds and determinism.** Every random step is seeded (the network's start from the "
        "seed, update `k` shuffles with its own generator), with TensorFlow's op determinism on "
        "one thread: the same seed gives the same curve bit for bit, and a label store replays "
        "a session exactly. The original draws from global generators.",
        "- **LIME.** A new explainer with a fixed `random_state` for every explanation (one "
        "explainer reused gives different answers on each call).",
    ])
