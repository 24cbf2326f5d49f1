"""Figures of the GAN chapters (matplotlib only: adlib.plotting sits above this package).

Every function returns a figure sized for the book's ~700 px column (at most
three panels per row, fonts at least 9 pt at the displayed size).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .data import COMPONENTS

DATA_COLOR, GEN_COLOR = "0.55", "#c0392b"
LABELS = {"simple": "plain GAN", "smoothing": "label smoothing",
          "conditional": "conditional", "infogan": "InfoGAN"}


def plot_mixture_samples(study, n_modes, kinds=None):
    """The original's figure: histograms of generated samples over the data, one panel a variant."""
    kinds = list(kinds or [k for (m, k) in study.samples if m == n_modes])
    rows = int(np.ceil(len(kinds) / 2))
    fig, axes = plt.subplots(rows, 2, figsize=(7.0, 2.6 * rows), sharex=True, squeeze=False,
                             constrained_layout=True)
    X = study.data[n_modes][:, 0]
    bins = np.linspace(X.min() - 2, X.max() + 2, 60)
    for ax, kind in zip(axes.ravel(), kinds, strict=False):
        s = study.samples[n_modes, kind][:, 0]
        ax.hist(X, bins=bins, density=True, color=DATA_COLOR, alpha=0.6, label="data")
        ax.hist(np.clip(s, bins[0], bins[-1]), bins=bins, density=True, histtype="step",
                color=GEN_COLOR, lw=1.8, label="generated")
        for mu, _ in COMPONENTS[:n_modes]:
            ax.axvline(mu, color="k", lw=0.6, ls=":")
        ax.set_title(LABELS.get(kind, kind), fontsize=11)
        ax.tick_params(labelsize=9)
    for ax in axes.ravel()[len(kinds):]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=9, loc="upper left", frameon=False)
    fig.suptitle(f"{n_modes} components: generated samples over the data", fontsize=11)
    return fig


def plot_bic(clusters):
    """BIC against the number of mixture components, one panel per data set; the chosen k marked."""
    keys = list(clusters)
    fig, axes = plt.subplots(1, len(keys), figsize=(2.35 * len(keys), 2.6), squeeze=False,
                             constrained_layout=True)
    for ax, key in zip(axes[0], keys, strict=True):
        c = clusters[key]
        ax.plot(c.ks, c.bic, "o-", color="0.3", ms=4)
        ax.plot([c.n_clusters], [c.bic.min()], "o", color=GEN_COLOR, ms=8)
        ax.set_title(f"{key} components: k = {c.n_clusters}", fontsize=10)
        ax.set_xlabel("mixture components k", fontsize=9)
        ax.tick_params(labelsize=8)
    axes[0, 0].set_ylabel("BIC", fontsize=9)
    return fig


def plot_monitor(gans, title=""):
    """The original's data-likelihood monitor: mean log-likelihood of the data against epochs."""
    fig, ax = plt.subplots(figsize=(5.5, 3.0), constrained_layout=True)
    for kind, g in gans.items():
        h = g.history_
        ax.plot(h["monitor_epoch"], h["log_likelihood"], "o-", ms=3, label=LABELS.get(kind, kind))
    ax.set_xlabel("epoch", fontsize=10)
    ax.set_ylabel("mean log-likelihood of the data", fontsize=10)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=9, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig


def plot_toy_samples(X, samples, y=None):
    """2-D data (grey) and each variant's generated samples (red), one panel a variant."""
    kinds = list(samples)
    rows = int(np.ceil(len(kinds) / 2))
    fig, axes = plt.subplots(rows, 2, figsize=(7.0, 3.2 * rows), sharex=True, sharey=True,
                             squeeze=False, constrained_layout=True)
    for ax, kind in zip(axes.ravel(), kinds, strict=False):
        ax.scatter(X[:, 0], X[:, 1], s=8, color=DATA_COLOR, label="data")
        s = samples[kind]
        ax.scatter(s[:, 0], s[:, 1], s=5, color=GEN_COLOR, alpha=0.5, label="generated")
        ax.set_title(LABELS.get(kind, kind), fontsize=11)
        ax.tick_params(labelsize=9)
    for ax in axes.ravel()[len(kinds):]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=9, loc="lower right", markerscale=2)
    return fig


def _points(ax, X, y):
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=7, color="white", edgecolor="0.2", lw=0.4)
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=14, color="#f1c40f", edgecolor="k", lw=0.5)


def plot_score_contours(entries, X, y, top=35):
    """AnoGAN score A(x) on a grid, one panel per GAN kind; the top-ranked points circled."""
    kinds = list(entries)
    fig, axes = plt.subplots(1, len(kinds), figsize=(3.5 * len(kinds), 3.4), squeeze=False,
                             constrained_layout=True, sharey=True)
    for ax, kind in zip(axes[0], kinds, strict=True):
        e = entries[kind]
        gx, gy = e["grid"]
        cs = ax.contourf(gx, gy, e["grid_score"].score.reshape(gx.shape), 20, cmap="viridis")
        _points(ax, X, y)
        best = np.argsort(-e["paper"].score, kind="stable")[:top]
        ax.scatter(X[best, 0], X[best, 1], s=60, facecolor="none", edgecolor="#e74c3c", lw=1.2)
        ax.set_title(f"{LABELS.get(kind, kind)}: A(x)", fontsize=10)
        ax.tick_params(labelsize=9)
        fig.colorbar(cs, ax=ax, shrink=0.8).ax.tick_params(labelsize=8)
    return fig


def plot_components(entry, X, y):
    """The two components of A(x) on the data: residual R and discrimination D (feature matching)."""
    res = entry["paper"]
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.2), constrained_layout=True, sharey=True)
    for ax, vals, name in ((axes[0], res.residual_loss, "residual R(x)"),
                           (axes[1], res.discrimination_loss, "discrimination D(x)")):
        sc = ax.scatter(X[:, 0], X[:, 1], c=vals, s=12, cmap="viridis")
        ax.scatter(X[y == 1, 0], X[y == 1, 1], s=40, facecolor="none", edgecolor="#e74c3c", lw=1)
        ax.set_title(name, fontsize=10)
        ax.tick_params(labelsize=9)
        fig.colorbar(sc, ax=ax, shrink=0.8).ax.tick_params(labelsize=8)
    return fig


def plot_digit_residuals(queries, reconstructions, residuals, labels, side=8):
    """Query images, AnoGAN's G(z*) and the residual |x - G(z*)|, one row per query."""
    n = len(queries)
    fig, axes = plt.subplots(n, 3, figsize=(4.2, 1.35 * n), squeeze=False, constrained_layout=True)
    vmax = max(float(np.max(residuals)), 1e-9)
    for i in range(n):
        for j, (img, cmap, vm) in enumerate(((queries[i], "gray_r", 1.0),
                                             (reconstructions[i], "gray_r", 1.0),
                                             (residuals[i], "magma", vmax))):
            ax = axes[i, j]
            ax.imshow(np.reshape(img, (side, side)), cmap=cmap, vmin=0, vmax=vm)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[i, 0].set_ylabel(labels[i], fontsize=9)
    for j, t in enumerate(("query x", "G(z*)", "|x - G(z*)|")):
        axes[0, j].set_title(t, fontsize=10)
    return fig


def plot_digit_auc(table, normal):
    """AUC per held-out digit: AnoGAN against the convolutional autoencoder."""
    t = table[table["normal"] == normal]
    fig, ax = plt.subplots(figsize=(6.0, 2.8), constrained_layout=True)
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["AnoGAN"], 0.4, color=GEN_COLOR, label="AnoGAN")
    ax.bar(x + 0.2, t["conv. autoencoder"], 0.4, color="0.45", label="conv. autoencoder")
    ax.set_xticks(x, [str(k) for k in t["held-out digit"]])
    ax.set_xlabel(f"held-out digit (normal: {normal})", fontsize=10)
    ax.set_ylabel("AUC", fontsize=10)
    ax.set_ylim(0.4, 1.02)
    ax.tick_params(labelsize=9)
    ax.legend(fontsize=9, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig
