"""The chapter's figures, drawn with matplotlib directly (``adlib.plotting`` sits above this package).

* :func:`attack_panels`: the original's four panels for one model and one
  target, as a 2 x 2 grid (the book shows at most three panels per row):
  (a) the data, (b) the graph with the target and attackers marked, (c) the
  predictions with each attacker's gradient drawn as an arrow and printed,
  (d) the predictions after the minimal attack.
* :func:`study_figure`: the many-targets study, the share of targets flipped
  by a change of at most ``x`` (one panel per graph).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

COLORS = {-2: "0.45", -1: "0.6", 0: "tab:blue", 1: "tab:red", 2: "tab:green", 3: "tab:orange"}
FONT = 11
MODEL_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))


def _nodes(ax, x, labels, size=22):
    for c in np.unique(labels):
        pts = x[labels == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=size, marker="s" if c == -2 else "o",
                   facecolors="none" if c < 0 else COLORS[c], edgecolors=COLORS[c],
                   linewidths=1.0, zorder=3)


def _edges(ax, x, graph):
    for i, j in graph.edges():
        ax.plot(x[[i, j], 0], x[[i, j], 1], "-", color="0.75", lw=0.6, zorder=1)


def _mark(ax, x, nodes, color, label, size=120):
    nodes = np.atleast_1d(nodes)
    ax.scatter(x[nodes, 0], x[nodes, 1], s=size, facecolors="none", edgecolors=color,
               linewidths=1.8, zorder=4, label=label)


def _frame(ax, title):
    ax.set_title(title, fontsize=FONT + 1, loc="left")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal", adjustable="datalim")


def _legend(fig, graph):
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=COLORS[c], label=name)
               for c, name in enumerate(graph.class_names)]
    handles += [Line2D([], [], marker="o", ls="", mfc="none", mec=COLORS[-1], label="unlabeled"),
                Line2D([], [], marker="s", ls="", mfc="none", mec=COLORS[-2], label="nose"),
                Line2D([], [], marker="o", ls="", mfc="none", mec="green", mew=1.8, ms=10,
                       label="target"),
                Line2D([], [], marker="o", ls="", mfc="none", mec="magenta", mew=1.8, ms=10,
                       label="attacker")]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=FONT, frameon=False,
               bbox_to_anchor=(0.5, -0.02))


def attack_panels(model, result, title: str | None = None, arrow_length: float = 0.1):
    """The four panels of the original's figures for one attack (a 2 x 2 figure).

    ``result`` is an :class:`~adlib.graph.attack.AttackResult`; its attackers'
    gradients are drawn as arrows (the longest ``arrow_length`` long, in the
    features' units) and printed beside them.
    """
    graph = model.graph_
    x = graph.features
    shown = np.where(graph.labels < 0, -2, graph.train_labels)   # -1 unlabeled, -2 nose
    attackers = result.attackers
    fig, axes = plt.subplots(2, 2, figsize=(7.0, 7.4))
    (a, b), (c, d) = axes
    _nodes(a, x, shown)
    _frame(a, "(a) the data (labeled in colour)")
    _edges(b, x, graph)
    _nodes(b, x, shown)
    _mark(b, x, result.target, "green", "target")
    _mark(b, x, attackers, "magenta", "attackers")
    _frame(b, "(b) nearest-neighbour graph")
    pred = model.predict()
    _edges(c, x, graph)
    _nodes(c, x, pred)
    _mark(c, x, result.target, "green", "target")
    _mark(c, x, attackers, "magenta", "attackers")
    longest = max(float(np.linalg.norm(result.gradients, axis=1).max()), 1e-12)
    for node, g in zip(attackers, result.gradients, strict=True):
        c.annotate("", xy=x[node] + arrow_length * g / longest, xytext=x[node],
                   arrowprops=dict(arrowstyle="->", color="black", lw=1.2), zorder=5)
        c.text(x[node, 0] + 0.02, x[node, 1] - 0.05, f"[{g[0]:.3f}, {g[1]:.3f}]",
               fontsize=FONT - 0.5, zorder=6,
               bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    _frame(c, "(c) predictions and gradients")
    if result.flipped:
        xm = x.copy()
        xm[result.attacker] = result.new_features
        new_pred = model.predict(xm)
        _edges(d, xm, graph)
        _nodes(d, xm, new_pred)
        _mark(d, xm, result.target, "green", "target")
        _mark(d, xm, result.attacker, "magenta", "attacker")
        d.annotate("", xy=xm[result.attacker], xytext=x[result.attacker],
                   arrowprops=dict(arrowstyle="->", color="magenta", lw=1.5))
        changed = new_pred[result.target] != result.old_label
        d.text(0.02, 0.02, f"label {'changed' if changed else 'unchanged'}; "
               f"moved {result.distance:.3f}", transform=d.transAxes, fontsize=FONT)
        _frame(d, "(d) after the minimal attack")
    else:
        _edges(d, x, graph)
        _nodes(d, x, pred)
        d.text(0.02, 0.02, "no flip within the search range", transform=d.transAxes,
               fontsize=FONT)
        _frame(d, "(d) no attack found")
    if title:
        fig.suptitle(title, fontsize=FONT + 2)
    _legend(fig, graph)
    fig.tight_layout(rect=(0, 0.07, 1, 0.97 if title else 1))
    return fig


def study_figure(results: dict, xmax: float | None = None):
    """Share of targets flipped by a change of at most ``x``, per model; one panel per graph.

    ``results``: graph name -> the study's per-target frame (columns ``model``
    and ``distance``, NaN where no flip was found).
    """
    fig, axes = plt.subplots(1, len(results), figsize=(3.6 * len(results), 3.6), squeeze=False)
    for ax, (name, frame) in zip(axes[0], results.items(), strict=True):
        top = xmax or 1.02 * float(np.nanmax(frame["distance"]))
        for k, (model, rows) in enumerate(frame.groupby("model", sort=False)):
            dist = np.sort(rows["distance"].to_numpy(dtype=float))
            xs = np.concatenate([[0.0], dist[np.isfinite(dist)], [top]])
            ys = np.concatenate([[0.0], np.arange(1, np.isfinite(dist).sum() + 1) / len(dist)])
            ys = np.concatenate([ys, ys[-1:]])
            ax.step(xs, ys, where="post", ls=MODEL_STYLES[k % len(MODEL_STYLES)], lw=1.6,
                    label=model)
        ax.set_xlim(0, top)
        ax.set_ylim(0, 1.02)
        ax.set_title(name, fontsize=FONT + 1)
        ax.set_xlabel("change of the attacker's feature", fontsize=FONT)
        ax.tick_params(labelsize=FONT - 1)
    axes[0, 0].set_ylabel("share of targets flipped", fontsize=FONT)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=FONT, frameon=False,
               bbox_to_anchor=(0.5, -0.12))
    fig.tight_layout()
    return fig
