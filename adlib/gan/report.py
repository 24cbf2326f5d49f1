"""Sentences and tables of the GAN chapters, built from computed results (no TensorFlow)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._format import fmt, fmt_pm

LABELS = {"simple": "plain GAN", "smoothing": "label smoothing",
          "conditional": "conditional", "infogan": "InfoGAN"}

NAMED = {"simple": "the plain GAN", "smoothing": "label smoothing",
         "conditional": "the conditional GAN", "infogan": "InfoGAN"}

#: A mode with less than this share of the generated samples counts as missed.
MISSED = 0.05


def _mode_cols(df):
    return [c for c in df.columns if c.startswith("mode ")]


def shares_table(shares: pd.DataFrame) -> pd.DataFrame:
    """Per-mode shares of generated samples in percent; one row per (data set, variant)."""
    rows = []
    for _, r in shares.iterrows():
        row = {"data": f"{int(r['modes'])} modes", "variant": LABELS.get(r["variant"], r["variant"]),
               "classes": int(r["classes"]) if r["classes"] else "–"}
        for c in _mode_cols(shares):
            row[c] = "" if pd.isna(r[c]) else fmt(100 * r[c], 0)
        rows.append(row)
    return pd.DataFrame(rows).set_index(["data", "variant"])


def missed_modes(shares: pd.DataFrame, n_modes: int, kind: str) -> list[int]:
    r = shares[(shares.modes == n_modes) & (shares.variant == kind)].iloc[0]
    return [i + 1 for i in range(n_modes) if r[f"mode {i + 1}"] < MISSED]


def _list(items):
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def mixture_sentence(shares: pd.DataFrame) -> str:
    """Which variant misses which mode, per data set (a mode is missed below 5 % of samples)."""
    parts = []
    for m in sorted(shares.modes.unique()):
        sub = shares[shares.modes == m]
        missing = {k: missed_modes(shares, m, k) for k in sub.variant}
        covered = [LABELS[k] for k, v in missing.items() if not v]
        bad = [f"{NAMED[k]} misses mode{'s' if len(v) > 1 else ''} {_list(v)}"
               for k, v in missing.items() if v]
        low = sub.set_index("variant")["min share"]
        s = (f"With {m} components, {('every variant covers every mode' if not bad else '; '.join(bad))}"
             f" (smallest share of a mode: " + ", ".join(
                 f"{LABELS[k]} {fmt(100 * low[k], 0)} %" for k in low.index) + ")")
        if bad and covered:
            s += f"; {_list(covered)} cover{'s' if len(covered) == 1 else ''} all {m}"
        parts.append(s + ".")
    return " ".join(parts) + (f" A mode counts as missed when fewer than {fmt(100 * MISSED, 0)} % "
                              "of the generated samples fall within two standard deviations of it (the windows of "
                              "the components at 4 and 6 overlap, so a sample there counts for both); "
                              f"a perfect generator puts about {fmt(95.4 / 4, 0)} % near each of four "
                              "modes.")


def auc_table(entries: dict, reference: dict) -> pd.DataFrame:
    """AUC on the data: AnoGAN's score and its two parts per GAN kind and variant, then detectors.

    ``reference`` maps a detector's name to ``(mean, sd)`` over its seeds (from
    the detector tour's cached table).
    """
    rows = []
    for kind, e in entries.items():
        for variant, name in (("paper", "paper (λ 0.1)"), ("original", "original (λ 0.5)")):
            a = e[variant + "_auc"]
            rows.append({"method": f"AnoGAN, {LABELS[kind]}", "setting": name,
                         "A(x)": fmt(a["A(x)"], 2), "R only": fmt(a["residual R"], 2),
                         "D only": fmt(a["discrimination D"], 2)})
    for name, (mean, sd) in reference.items():
        rows.append({"method": name, "setting": "tour, 5 seeds",
                     "A(x)": f"{fmt(mean, 2)} ± {fmt(sd, 2)}" if sd else fmt(mean, 2),
                     "R only": "", "D only": ""})
    return pd.DataFrame(rows).set_index(["method", "setting"])


def worth_sentence(entries: dict, reference: dict, seconds: dict) -> str:
    """Is AnoGAN worth its cost on toy2? Its best AUC and time against the best detector's."""
    best = max(((e[v + "_auc"]["A(x)"], k, v) for k, e in entries.items()
                for v in ("paper", "original")))
    det, (d_auc, _) = max(reference.items(), key=lambda kv: kv[1][0])
    gap = d_auc - best[0]
    verdict = ("AnoGAN is not worth its cost on such data" if gap > 0.02 else
               "AnoGAN matches the detectors here, at a far higher cost")
    return (f"The best AnoGAN score (the {LABELS[best[1]]}, {best[2]} variant) reaches an AUC of "
            f"{fmt(best[0], 2)}, against {fmt(d_auc, 2)} for {det}. Training the GAN took "
            f"{fmt(seconds['train'], 0)} s and the latent search for all points "
            f"{fmt(seconds['search'], 1)} s, where the detector tour's Isolation Forest fits and "
            f"scores in well under a second: {verdict}.")


def uncertainty_display(table: pd.DataFrame, n_seeds: int) -> pd.DataFrame:
    return pd.DataFrame({
        "λ": [fmt(v, 1) for v in table["lambda"]],
        f"new GAN per seed ({n_seeds})": [fmt_pm(m, s, 2) for m, s in
                                          zip(table.gan_mean, table.gan_sd, strict=True)],
        f"one GAN, new search start ({n_seeds})": [
            fmt_pm(m, s, 2) for m, s in zip(table.search_mean, table.search_sd, strict=True)],
    }).set_index("λ")


def uncertainty_sentence(table: pd.DataFrame) -> str:
    spread_gan = float(table.gan_sd.max())
    spread_search = float(table.search_sd.max())
    rng = float(table.gan_mean.max() - table.gan_mean.min())
    bigger = "training the GAN" if spread_gan > spread_search else "the latent search"
    return (f"Across seeds the AUC moves by up to {fmt(spread_gan, 2)} (standard deviation) when "
            f"the GAN is retrained, and by up to {fmt(spread_search, 2)} when only the search "
            f"starts change; λ moves the mean AUC by {fmt(rng, 2)}. The largest source of "
            f"uncertainty here is {bigger}.")


def digits_sentence(table: pd.DataFrame, details: dict) -> str:
    parts = []
    for d, det in details.items():
        t = table[table["normal"] == d]
        worst = t.loc[t["AnoGAN"].idxmin()]
        wins = int((t["AnoGAN"] > t["conv. autoencoder"]).sum())
        parts.append(
            f"Trained on the digit {d}, AnoGAN separates the held-out digits with a mean AUC of "
            f"{fmt(t['AnoGAN'].mean(), 2)} (residual alone {fmt(t['AnoGAN residual'].mean(), 2)}), "
            f"the convolutional autoencoder with {fmt(t['conv. autoencoder'].mean(), 2)}; AnoGAN "
            f"is ahead for {wins} of {len(t)} digits, and its hardest digit is "
            f"{int(worst['held-out digit'])} (AUC {fmt(worst['AnoGAN'], 2)}). AnoGAN took "
            f"{fmt(det['gan_seconds'], 0)} s (training and search, "
            f"{det['gan_parameters']:,} weights), the autoencoder {fmt(det['ae_seconds'], 0)} s "
            f"({det['ae_parameters']:,} weights).")
    return " ".join(parts)


def digits_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean AUC over held-out digits, one row per normal digit (narrow)."""
    g = table.groupby("normal")[["AnoGAN", "AnoGAN residual", "conv. autoencoder"]].mean()
    return g.map(lambda v: fmt(v, 2)).rename_axis("normal digit")


def digits_per_digit(table: pd.DataFrame, normal: int) -> pd.DataFrame:
    t = table[table["normal"] == normal].set_index("held-out digit")
    return t[["AnoGAN", "AnoGAN residual", "conv. autoencoder"]].map(lambda v: fmt(v, 2)).T


def seconds_sentence(seconds: float, quick: bool, what: str) -> str:
    return (f"{what} took {fmt(seconds, 0)} s here" + (" (quick mode)." if quick else "."))


def mean_or_nan(values) -> float:
    v = np.asarray(list(values), float)
    return float(v.mean()) if v.size else float("nan")


def full_mode_shares(shares: pd.DataFrame) -> dict:
    """The headline numbers of the mixture study, as kept from a full run."""
    return {f"{int(r.modes)}/{r.variant}": float(r["min share"]) for _, r in shares.iterrows()}


def quick_note(full: dict | None, epochs: int) -> str:
    """In quick mode: what the full run reached (read from results/gan/), or that none is kept."""
    if full is None:
        return (f"This page ran in quick mode ({epochs} epochs); no full run is kept under "
                "`results/gan/` to compare with.")
    m = max(int(k.split("/")[0]) for k in full)
    cells = ", ".join(f"{LABELS[k.split('/')[1]]} {fmt(100 * v, 0)} %" for k, v in full.items()
                      if int(k.split("/")[0]) == m)
    return (f"This page ran in quick mode ({epochs} epochs instead of {full.get('epochs', 1000)}),"
            f" so its GANs are less trained. The full run reached these smallest per-mode shares "
            f"on the {m}-component set: {cells}.")


def differences_gans(buggy_shares, fixed_row, epochs: int, quick: bool, full=None) -> str:
    """The chapter's "Differences from the original" section (markdown)."""
    fixed = [float(fixed_row[f"mode {i + 1}"]) for i in range(len(buggy_shares))]
    pct = lambda v: ", ".join(fmt(100 * x, 0) for x in v)  # noqa: E731
    text = [
        "* **TensorFlow 2 / Keras 3 instead of TensorFlow 1.** Same layer sizes, activations, "
        "initialisation (truncated normal, standard deviation 2/sqrt(fan-in)), optimiser, "
        "learning-rate schedule (staircase), L2 penalty on every weight and bias, batch size and "
        "epochs. The random numbers differ (NumPy generators seeded per chunk of epochs instead of "
        "TensorFlow 1's global seed), so individual runs differ from the original's; the loops "
        "over epochs and batches run inside one `tf.function`, and one thread with op "
        "determinism makes a seed reproduce its samples exactly.",
        "* **InfoGAN now feeds its code to the generator.** In the original the generator never "
        "receives the code c, so the head Q can only learn the code's marginal shares and the "
        "information term cannot shape the samples. Rerun with the original's behaviour "
        f"(`feed_code=False`, same seed, {epochs} epochs) on the four-component set, the shares "
        f"per mode are {pct(buggy_shares)} % against {pct(fixed)} % with the code fed.",
        "* **Numbers the original does not print.** The original shows histograms only; the "
        "per-mode shares (within two standard deviations of each mean) are ours, so there is "
        "no published number to compare with: the comparison is with the original's figures, "
        "read by eye.",
        "* **Monitor.** The original averages the data log-likelihood over 10 mixtures fitted "
        "to fresh samples at each check; we fit one per check (ten times cheaper, noisier).",
        "* **Numerically stable losses.** `-log sigmoid` and `-log(1 - sigmoid)` are written as "
        "softplus of the logit; the values are the same, without the original's `log(0)` risk.",
    ]
    out = "\n".join(text)
    if quick:
        out += "\n\n" + quick_note(full, epochs)
    return out


def full_anogan_summary(toy_runs: dict, dig_table: pd.DataFrame, epochs: int) -> dict:
    """The AnoGAN chapter's headline numbers, kept from a full run."""
    out = {"epochs": epochs}
    for kind, e in toy_runs.items():
        for v in ("paper", "original"):
            out[f"toy2/{kind}/{v}"] = e[v + "_auc"]["A(x)"]
    out["digits/AnoGAN"] = float(dig_table["AnoGAN"].mean())
    out["digits/conv. autoencoder"] = float(dig_table["conv. autoencoder"].mean())
    out["digits/normal digits"] = int(dig_table["normal"].nunique())
    return out


def differences_anogan(toy_runs: dict, dig_table: pd.DataFrame, quick: bool, full=None) -> str:
    """The AnoGAN chapter's "Differences from the original" section (markdown)."""
    s = toy_runs["simple"]
    text = [
        "* **TensorFlow 2 / Keras 3 instead of TensorFlow 1**, with the GANs of the previous "
        "chapter (same settings; see its differences).",
        "* **All points at once.** The original optimises one query's `z` at a time with the "
        "GAN's gradient descent (learning rate 0.005) and stops when the loss changes by less "
        "than 1e-3, on 8 hand-picked toy2 points. We search for every point (and every grid "
        "cell of the contour plot) together, with Adam (learning rate 0.02) for a fixed number "
        "of steps and 4 random restarts, the best kept. Adam's update is element-wise, so each "
        "row follows exactly the path it would follow alone; restarts can only lower a point's "
        "loss.",
        "* **Both discrimination losses.** The paper's feature matching (λ = 0.1, 500 steps) is "
        "the default; the original code's logit loss (λ = 0.5, 300 steps) is the option "
        f"`variant=\"original\"`. On toy2 with the plain GAN the AUC of A(x) is "
        f"{fmt(s['paper_auc']['A(x)'], 2)} with the paper's settings and "
        f"{fmt(s['original_auc']['A(x)'], 2)} with the original's.",
        "* **Conditional GAN.** The original feeds the class shares as a soft label (its default "
        "`mode_avg`); we try each class in turn (one per restart) and keep the best, so every "
        "query is compared with a class the generator learned. The shares remain available "
        "(`code=\"mean\"`).",
        "* **No published number to compare with.** The original shows AnoGAN's output on its 8 "
        "points as a figure and reports no AUC; the paper's AUCs are on retina images that are "
        "not public. Every AUC here is ours; the detectors beside it come from the detector "
        "tour's cached table.",
        "* **Digits are new.** The original stops at toy2; the digits section, its dense GAN "
        "(Adam, learning rate 5e-4, no L2) and the convolutional autoencoder are ours.",
    ]
    out = "\n".join(text)
    if quick:
        if full is None:
            out += ("\n\nThis page ran in quick mode (fewer epochs, seeds and digits); no full run "
                    "is kept under `results/gan/` to compare with.")
        else:
            out += (f"\n\nThis page ran in quick mode (fewer epochs, seeds and digits). The full run"
                    f" ({full['epochs']} epochs) reached an AUC of "
                    f"{fmt(full['toy2/simple/paper'], 2)} on toy2 (plain GAN, paper's settings; "
                    f"{fmt(full['toy2/simple/original'], 2)} with the original's), and over "
                    f"{full['digits/normal digits']} normal digits a mean AUC of "
                    f"{fmt(full['digits/AnoGAN'], 2)} for AnoGAN against "
                    f"{fmt(full['digits/conv. autoencoder'], 2)} for the autoencoder.")
    return out
