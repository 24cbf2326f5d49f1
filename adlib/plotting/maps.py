"""Pictures of 2-D data: score maps, score space of two ensemble members, tree partitions, Gaussian fits."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import AAD_COLOR, ANOMALY_COLOR, NOMINAL_COLOR, PALETTE, _axes, plot_dataset, score_grid


def plot_score_contours(score_fn, X, y=None, queried=None, labels=None, ax=None, title=None,
                        n_grid=150, levels=20):
    """Filled contours of ``score_fn`` (points -> scores, higher = more anomalous) over 2-D data.

    ``queried`` (indices into ``X``) are circled: black for labeled anomalies,
    white for labeled nominals (``labels`` gives the answers).
    """
    X = np.asarray(X)
    fig, ax = _axes(ax)
    xx, yy, pts = score_grid(X, n=n_grid)
    zz = np.asarray(score_fn(pts)).reshape(xx.shape)
    cs = ax.contourf(xx, yy, zz, levels=levels, cmap="YlOrRd")
    fig.colorbar(cs, ax=ax, label="anomaly score")
    y = np.zeros(X.shape[0], dtype=int) if y is None else np.asarray(y)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=6, c=NOMINAL_COLOR, alpha=0.6)
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=12, c=ANOMALY_COLOR, marker="^")
    if queried is not None and len(queried):
        q = np.asarray(queried)
        lab = np.asarray(labels) if labels is not None else y[q]
        ax.scatter(X[q[lab == 1], 0], X[q[lab == 1], 1], s=60, facecolors="none",
                   edgecolors="black", lw=1.2, label="queried: anomaly")
        ax.scatter(X[q[lab == 0], 0], X[q[lab == 0], 1], s=60, facecolors="none",
                   edgecolors="#1a5fb4", lw=1.2, label="queried: nominal")
        ax.legend(loc="lower right", fontsize=7)
    if title:
        ax.set_title(title)
    return fig


def plot_score_space(Z, y, weights, q, queried=(), answers=(), ax=None, title=None,
                     feature_names=("member 1", "member 2")):
    """Instances in the space of two ensemble-member scores, with the AAD weight vector.

    Draws the weight direction (arrow) and the line ``w . z = q`` (the
    tau-quantile score): instances above it are the ones the analyst would
    see. Queried instances are circled (black: answered anomaly, blue: nominal).
    """
    Z = np.asarray(Z)
    y = np.asarray(y)
    w = np.asarray(weights, dtype=float)
    fig, ax = _axes(ax, figsize=(4, 4))
    lo, hi = Z.min(axis=0) - 0.05, Z.max(axis=0) + 0.05
    above = Z @ w >= q
    ax.scatter(Z[(y == 0) & ~above, 0], Z[(y == 0) & ~above, 1], s=8, c=NOMINAL_COLOR,
               alpha=0.35)
    ax.scatter(Z[(y == 0) & above, 0], Z[(y == 0) & above, 1], s=10, c=NOMINAL_COLOR)
    ax.scatter(Z[y == 1, 0], Z[y == 1, 1], s=16, c=ANOMALY_COLOR, marker="^")
    xs = np.linspace(lo[0], hi[0], 50)
    if abs(w[1]) > 1e-12:
        ax.plot(xs, (q - w[0] * xs) / w[1], color="black", lw=1, ls="--",
                label="$w \\cdot z = q_\\tau$")
    centre = (lo + hi) / 2
    ax.annotate("", xy=centre + 0.3 * w / np.linalg.norm(w), xytext=centre,
                arrowprops=dict(arrowstyle="->", color=AAD_COLOR, lw=2))
    q_idx, ans = np.asarray(queried, dtype=int), np.asarray(answers, dtype=int)
    if q_idx.size:
        for lab, color in ((1, "black"), (0, "#1a5fb4")):
            sel = q_idx[ans == lab]
            ax.scatter(Z[sel, 0], Z[sel, 1], s=70, facecolors="none", edgecolors=color, lw=1.2)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_partition(lower, upper, X, y=None, ax=None, title=None, color="#333333"):
    """The boxes of one tree's leaves (``lower < x <= upper``) over 2-D data.

    Unbounded sides are clipped to the data's range plus a margin.
    """
    from matplotlib.patches import Rectangle

    X = np.asarray(X)
    fig, ax = _axes(ax)
    xx, yy, _ = score_grid(X, n=2)
    x0, x1, y0, y1 = xx.min(), xx.max(), yy.min(), yy.max()
    lo = np.column_stack([np.clip(lower[:, 0], x0, x1), np.clip(lower[:, 1], y0, y1)])
    hi = np.column_stack([np.clip(upper[:, 0], x0, x1), np.clip(upper[:, 1], y0, y1)])
    for (a, b), (c, d) in zip(lo, hi, strict=True):
        ax.add_patch(Rectangle((a, b), c - a, d - b, fill=False, lw=0.6, ec=color))
    plot_dataset(X, y, ax=ax)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_score_panels(score_fns, X, y=None, reference=None, top=None, ncols=5, n_grid=80,
                      panel_size=2.4, title=None):
    """Small multiples: one detector's score map per panel over the same 2-D data.

    ``score_fns`` maps a panel title to a function ``points -> scores``
    (higher = more anomalous). Scores of different detectors live on
    different scales, so every panel is coloured by *rank*: the fraction of
    the data's own scores below the score at that location (``reference``
    maps a title to the scores of ``X`` to rank against; default
    ``score_fn(X)``; pass the leave-one-out scores of neighbour-based
    detectors here). The black line encloses the region where a point would
    be among the ``top`` highest-scored points (default: as many as ``y``
    has anomalies).
    """
    X = np.asarray(X)
    y = np.zeros(X.shape[0], dtype=int) if y is None else np.asarray(y)
    top = int(y.sum()) if top is None else int(top)
    names = list(score_fns)
    nrows = int(np.ceil(len(names) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows),
                             squeeze=False, sharex=True, sharey=True)
    xx, yy, pts = score_grid(X, n=n_grid)
    levels = [0, 0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 1.0]
    cs = None
    for ax, name in zip(axes.flat, names, strict=False):
        fn = score_fns[name]
        ref = np.sort(np.asarray(reference[name] if reference and name in reference else fn(X)))
        rank = np.searchsorted(ref, np.asarray(fn(pts)), side="right") / ref.size
        cs = ax.contourf(xx, yy, rank.reshape(xx.shape), levels=levels, cmap="YlOrRd",
                         extend="neither")
        if 0 < top < ref.size:
            cut = 1.0 - top / ref.size
            ax.contour(xx, yy, rank.reshape(xx.shape), levels=[cut], colors="black",
                       linewidths=0.8)
        ax.scatter(X[y == 0, 0], X[y == 0, 1], s=2, c=NOMINAL_COLOR, alpha=0.5)
        ax.scatter(X[y == 1, 0], X[y == 1, 1], s=6, c=ANOMALY_COLOR, marker="^")
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=6)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    if cs is not None:
        fig.colorbar(cs, ax=axes, shrink=0.6, label="rank of the score among the data")
    if title:
        fig.suptitle(title)
    return fig


def plot_gaussian_fits(X, y, fits, radius=3.0, ax=None, title=None):
    """2-D data with the ellipses ``Mahalanobis distance = radius`` of Gaussian fits.

    ``fits`` maps a label to ``(mean, cov)``; each fit's mean is marked with a
    cross of its colour. With ``radius=3`` an ellipse is the multivariate
    3-sigma boundary.
    """
    X = np.asarray(X)
    fig, ax = _axes(ax, figsize=(5, 4.5))
    plot_dataset(X, y, ax=ax)
    t = np.linspace(0, 2 * np.pi, 200)
    circle = np.column_stack([np.cos(t), np.sin(t)])
    for i, (label, (mean, cov)) in enumerate(fits.items()):
        color = PALETTE[(i + 1) % len(PALETTE)]
        vals, vecs = np.linalg.eigh(np.asarray(cov))
        pts = np.asarray(mean) + radius * circle @ (vecs * np.sqrt(vals)).T
        ax.plot(pts[:, 0], pts[:, 1], color=color, lw=1.5, label=label)
        ax.plot(*np.asarray(mean), marker="x", ms=9, mew=2, color=color)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title)
    return fig
