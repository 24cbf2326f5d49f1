"""GLAD's figures (matplotlib only: :mod:`adlib.plotting` sits above this package).

Four members fit a 2 x 2 grid (at most three panels per row in the book);
every panel shares the data's scatter and the member's projection direction.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .explain import relevance

NOMINAL, ANOMALY = "#4c72b0", "#dd3333"


def _grid(X, n=80, margin=0.06):
    X = np.asarray(X)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = (hi - lo) * margin
    xx, yy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], n),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], n))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def _panels(n, width=7.0, height_per_row=3.0, share=True):
    ncols = 2 if n == 4 else min(n, 3)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height_per_row * nrows),
                             sharex=share, sharey=share, squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()[:n]


def _scatter(ax, X, y, queried=None, answers=None):
    y = np.zeros(len(X), int) if y is None else np.asarray(y)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=5, c=NOMINAL, alpha=0.6, lw=0)
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=12, c=ANOMALY, marker="^", lw=0)
    if queried is not None and len(queried):
        q = np.asarray(queried)
        a = np.asarray(answers) if answers is not None else np.ones(q.size, int)
        ax.scatter(X[q, 0], X[q, 1], s=30, facecolors="none",
                   edgecolors=np.where(a == 1, "black", "#1f77b4"), lw=0.9)


def _direction(ax, X, w, color="#2a9d3f"):
    """The projection direction ``w`` as a line through the origin, clipped to the data's box."""
    lo, hi = np.asarray(X).min(axis=0), np.asarray(X).max(axis=0)
    t = np.linspace(-2 * np.abs([lo, hi]).max(), 2 * np.abs([lo, hi]).max(), 2)
    ax.plot(t * w[0], t * w[1], color=color, lw=1.6)
    ax.set_xlim(lo[0] - 0.06 * (hi[0] - lo[0]), hi[0] + 0.06 * (hi[0] - lo[0]))
    ax.set_ylim(lo[1] - 0.06 * (hi[1] - lo[1]), hi[1] + 0.06 * (hi[1] - lo[1]))


def _names(ax, names, row_first):
    ax.set_xlabel(names[0])
    if row_first:
        ax.set_ylabel(names[1])


def plot_member_scores(ensemble, X, y, feature_names=("x", "y"), n_grid=80):
    """Each member's normalised score on a grid, with its projection direction (2-D data)."""
    X = np.asarray(X)
    xx, yy, pts = _grid(X, n_grid)
    S = ensemble.member_scores(pts)
    on_data = ensemble.member_scores(X)
    fig, axes = _panels(S.shape[1])
    for m, ax in enumerate(axes):
        # colours span the scores of the data; outside the histograms' range they saturate
        levels = np.linspace(on_data[:, m].min(), on_data[:, m].max(), 13)
        cf = ax.contourf(xx, yy, np.clip(S[:, m], levels[0], levels[-1]).reshape(xx.shape),
                         levels=levels, cmap="YlOrRd")
        fig.colorbar(cf, ax=ax, shrink=0.85, format="%.1f")
        _scatter(ax, X, y)
        _direction(ax, X, ensemble.directions_[m])
        w = ensemble.directions_[m]
        ax.set_title(f"member {m}: direction ({w[0]:.2f}, {w[1]:.2f})", fontsize=9)
        _names(ax, feature_names, m % 2 == 0)
    fig.tight_layout()
    return fig


def plot_relevance(state, ensemble, X, y, queried=None, answers=None, title=None,
                   feature_names=("x", "y"), n_grid=80):
    """The relevance ``p_m`` of each member on a grid (0 = suppressed, 1 = trusted)."""
    X = np.asarray(X)
    xx, yy, pts = _grid(X, n_grid)
    P = relevance(state, pts)
    fig, axes = _panels(P.shape[1])
    levels = np.linspace(0.0, 1.0, 21)
    for m, ax in enumerate(axes):
        cf = ax.contourf(xx, yy, P[:, m].reshape(xx.shape), levels=levels, cmap="RdYlBu_r")
        ax.contour(xx, yy, P[:, m].reshape(xx.shape), levels=[0.5], colors="k",
                   linewidths=0.7)
        _scatter(ax, X, y, queried, answers)
        _direction(ax, X, ensemble.directions_[m])
        ax.set_title(f"relevance of member {m}", fontsize=9)
        _names(ax, feature_names, m % 2 == 0)
    fig.colorbar(cf, ax=list(axes), shrink=0.8, label="relevance p")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_relevance_regions(rules, ensemble, X, y, point=None, feature_names=("x", "y")):
    """Where each member is the most relevant: its rules' boxes, and the points it wins.

    ``rules``: :func:`adlib.glad.explain.member_rules` (their ``labels`` are the
    points circled); ``point``: an instance to mark.
    """
    X = np.asarray(X)
    fig, axes = _panels(len(rules))
    for r, ax in zip(rules, axes, strict=True):
        _scatter(ax, X, y)
        for rule in r.rules.rules:
            lo, hi = rule.to_box(X.shape[1])
            x0, x1 = max(lo[0], X[:, 0].min() - 1), min(hi[0], X[:, 0].max() + 1)
            y0, y1 = max(lo[1], X[:, 1].min() - 1), min(hi[1], X[:, 1].max() + 1)
            ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, color=ANOMALY, alpha=0.25,
                                       lw=0))
        win = np.asarray(r.labels, dtype=bool)
        ax.scatter(X[win, 0], X[win, 1], s=18, facecolors="none", edgecolors="#2a9d3f", lw=0.7)
        if point is not None:
            ax.scatter([point[0]], [point[1]], marker="*", s=160, c="gold", edgecolors="k",
                       zorder=5)
        _direction(ax, X, ensemble.directions_[r.member])
        ax.set_title(f"member {r.member}: most relevant at {r.n_relevant} points\n"
                     f"{len(r.rules)} rule{'' if len(r.rules) == 1 else 's'}, "
                     f"{100 * r.accuracy:.1f} % accurate", fontsize=9)
        _names(ax, feature_names, r.member % 2 == 0)
    fig.tight_layout()
    return fig


def plot_lime(result, ax=None, title=None):
    """LIME's feature conditions and weights for one explanation (horizontal bars)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, max(2.2, 0.8 + 0.5 * len(result.conditions))))
    else:
        fig = ax.figure
    conds = [c for c, _ in result.conditions][::-1]
    weights = np.array([w for _, w in result.conditions][::-1])
    ax.barh(conds, weights, color=np.where(weights > 0, ANOMALY, NOMINAL))
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel(f"LIME weight on member {result.member}'s score (-log p)")
    ax.set_title(title or f"why member {result.member} scores this point", fontsize=10)
    fig.tight_layout()
    return fig


def plot_benchmark_curves(table, width=7.0):
    """Mean discovery curves per data set (a cached grid table): GLAD, LODA-AAD, LODA ranking."""
    datasets = list(dict.fromkeys(table.dataset))
    fig, axes = _panels(len(datasets), width=width, height_per_row=2.6, share=False)
    for ds, ax in zip(datasets, axes, strict=True):
        part = table[table.dataset == ds]
        curves = {"GLAD": (part[part.method == "glad"].found, "#2a9d3f", "-"),
                  "LODA-AAD": (part[part.method == "loda-aad"].found, "#e07b00", "-"),
                  "LODA baseline": (part[part.method == "glad"].baseline, "#555555", "--")}
        for label, (col, color, ls) in curves.items():
            if len(col):
                arr = np.stack(col.to_list()).astype(float)
                x = np.arange(1, arr.shape[1] + 1)
                ax.plot(x, arr.mean(axis=0), color=color, ls=ls, lw=1.4,
                        label=f"{label} ({arr[:, -1].mean():.1f})")
                if arr.shape[0] > 1:
                    sd = arr.std(axis=0)
                    ax.fill_between(x, arr.mean(axis=0) - sd, arr.mean(axis=0) + sd,
                                    color=color, alpha=0.12, lw=0)
        ax.set_title(f"{ds} ({int(part.n_anomalies.iloc[0])} anomalies)", fontsize=9)
        ax.set_xlabel("queries")
        ax.set_ylabel("anomalies found")
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
