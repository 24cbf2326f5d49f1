"""Pictures of 2-D data: score maps, score space of two ensemble members, tree partitions, Gaussian fits."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap

from .style import AAD_COLOR, ANOMALY_COLOR, NOMINAL_COLOR, PALETTE, _axes, plot_dataset, score_grid


def plot_score_contours(score_fn, X, y=None, queried=None, labels=None, ax=None, title=None,
                        n_grid=150, levels=20, colorbar=True):
    """Filled contours of ``score_fn`` (points -> scores, higher = more anomalous) over 2-D data.

    ``queried`` (indices into ``X``) are circled: black for labeled anomalies,
    blue for labeled nominals (``labels`` gives the answers). ``colorbar=False``
    leaves out the score scale (small multiples).
    """
    X = np.asarray(X)
    fig, ax = _axes(ax)
    xx, yy, pts = score_grid(X, n=n_grid)
    zz = np.asarray(score_fn(pts)).reshape(xx.shape)
    cs = ax.contourf(xx, yy, zz, levels=levels, cmap="YlOrRd")
    if colorbar:
        fig.colorbar(cs, ax=ax, label="anomaly score")
    y = np.zeros(X.shape[0], dtype=int) if y is None else np.asarray(y)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=6, c=NOMINAL_COLOR, alpha=0.6)
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=16, c=ANOMALY_COLOR, marker="^",
               edgecolors="black", linewidths=0.4)   # visible on the red end of the map
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


def plot_train_test(X_train, y_train, X_test, y_test, circled=None,
                    circled_label="unseen type", figsize=(8.0, 3.6)):
    """Training and test data side by side, one legend under both; ``circled`` (a mask of the
    test rows) ringed in black."""
    fig, axes = plt.subplots(1, 2, figsize=figsize, sharex=True, sharey=True,
                             layout="constrained")
    plot_dataset(X_train, y_train, ax=axes[0], title="training data")
    plot_dataset(X_test, y_test, ax=axes[1], title="test data")
    if circled is not None:
        pts = np.asarray(X_test)[np.asarray(circled, bool)]
        axes[1].scatter(pts[:, 0], pts[:, 1], s=70, facecolors="none", edgecolors="black",
                        lw=0.9, label=circled_label)
    handles, names = axes[1].get_legend_handles_labels()
    for ax in axes:
        ax.get_legend().remove()
    fig.legend(handles, names, loc="outside lower center", ncols=len(names), fontsize=10)
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


#: Score ranks in greys (light: ranked low, mid-grey: above all the data), so that the
#: blue nominal points and the red anomalies stand out on every shade.
RANK_CMAP = ListedColormap(plt.get_cmap("Greys")(np.linspace(0.04, 0.62, 7)), name="adlib_ranks")
#: The line around the top-ranked region of the score maps.
TOP_LINE_COLOR = "#e07b00"


def plot_score_panels(score_fns, X, y=None, reference=None, top=None, ncols=3, n_grid=80,
                      panel_size=2.3, title=None):
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

    Legible at the book's column width (about 7 inches at 100 dpi): at most
    ``ncols`` (3) panels per row, 7.9 inches wide at the default ``panel_size``,
    ticks of 9 pt, titles of 11 pt, ranks in greys (:data:`RANK_CMAP`) so
    that the blue nominal points and the red, white-rimmed anomaly triangles
    stand out on every shade, the top region outlined in orange. Show more
    detectors as several figures.
    """
    X = np.asarray(X)
    y = np.zeros(X.shape[0], dtype=int) if y is None else np.asarray(y)
    top = int(y.sum()) if top is None else int(top)
    names = list(score_fns)
    ncols = max(1, min(int(ncols), len(names)))
    nrows = int(np.ceil(len(names) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols + 1.0, panel_size * nrows),
                             squeeze=False, sharex=True, sharey=True, layout="constrained")
    xx, yy, pts = score_grid(X, n=n_grid)
    levels = [0, 0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 1.0]
    cs = None
    for ax, name in zip(axes.flat, names, strict=False):
        fn = score_fns[name]
        ref = np.sort(np.asarray(reference[name] if reference and name in reference else fn(X)))
        rank = np.searchsorted(ref, np.asarray(fn(pts)), side="right") / ref.size
        cs = ax.contourf(xx, yy, rank.reshape(xx.shape), levels=levels, cmap=RANK_CMAP,
                         norm=BoundaryNorm(levels, RANK_CMAP.N), extend="neither")
        if 0 < top < ref.size:
            cut = 1.0 - top / ref.size
            ax.contour(xx, yy, rank.reshape(xx.shape), levels=[cut], colors=TOP_LINE_COLOR,
                       linewidths=1.4)
        ax.scatter(X[y == 0, 0], X[y == 0, 1], s=7, c=NOMINAL_COLOR, linewidths=0, alpha=0.8)
        ax.scatter(X[y == 1, 0], X[y == 1, 1], s=30, c=ANOMALY_COLOR, marker="^",
                   edgecolors="white", linewidths=0.6)
        ax.set_title(name, fontsize=11)
        ax.tick_params(labelsize=9)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    if cs is not None:
        cb = fig.colorbar(cs, ax=axes, shrink=0.9 if nrows == 1 else 0.6, aspect=15)
        cb.set_label("score rank among the data", fontsize=9)
        cb.ax.tick_params(labelsize=9)
    if title:
        fig.suptitle(title, fontsize=12)
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
