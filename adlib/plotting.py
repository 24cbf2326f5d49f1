"""Figure helpers of the book: every function returns a matplotlib Figure.

Nothing here calls ``plt.show()``. Chapters save the figures they reproduce
with :func:`save_figure`, which writes PNGs to ``$ADLIB_FIGURES`` (set by the
tests) or to ``_build/figures`` at the root of the book.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ._paths import book_root

NOMINAL_COLOR = "#4c72b0"
ANOMALY_COLOR = "#dd3333"
AAD_COLOR = "#2a9d3f"
BASELINE_COLOR = "#555555"
PALETTE = (AAD_COLOR, "#e07b00", "#7b3fb5", "#1f77b4", "#8c564b", "#d62728")


def figure_dir() -> Path:
    """Where chapters save figures: ``$ADLIB_FIGURES``, else ``<book root>/_build/figures``."""
    env = os.environ.get("ADLIB_FIGURES")
    if env:
        return Path(env)
    return (book_root() or Path.cwd()) / "_build" / "figures"


def save_figure(fig, name: str) -> Path:
    """Save ``fig`` as ``<figure_dir>/<name>.png`` and return the path."""
    out = figure_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    return path


def _axes(ax, figsize=(5, 4)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_dataset(X, y, ax=None, title=None, feature_names=("x", "y")):
    """Scatter of 2-D data, anomalies in red."""
    X = np.asarray(X)
    fig, ax = _axes(ax)
    y = np.zeros(X.shape[0], dtype=int) if y is None else np.asarray(y)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=8, c=NOMINAL_COLOR, label="nominal", alpha=0.7)
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=14, c=ANOMALY_COLOR, marker="^", label="anomaly")
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    return fig


def _mean_curve(ax, curves, color, label, ls="-", lw=1.5, spread="std", alpha=0.15):
    """Plot the mean of ``(n_runs, budget)`` curves, shaded by their spread; return the mean.

    ``spread``: ``"std"`` (mean +/- one standard deviation), ``"range"`` (min to
    max) or ``None`` (no band). A single run gets no band.
    """
    arr = np.atleast_2d(np.asarray(curves, dtype=float))
    x = np.arange(1, arr.shape[1] + 1)
    mean = arr.mean(axis=0)
    ax.plot(x, mean, ls=ls, lw=lw, color=color, label=label and f"{label} ({mean[-1]:.1f})")
    if spread and arr.shape[0] > 1:
        lo, hi = ((mean - arr.std(axis=0), mean + arr.std(axis=0)) if spread == "std"
                  else (arr.min(axis=0), arr.max(axis=0)))
        ax.fill_between(x, lo, hi, color=color, alpha=alpha, lw=0)
    return mean


def plot_discovery_curves(curves: dict, n_anomalies=None, ax=None, title=None, spread="std"):
    """Anomalies found vs. queries, one line per entry of ``curves``.

    Each value is a 1-D curve or a ``(n_reruns, budget)`` array (drawn as the
    mean with a shaded spread: ``"std"`` = mean +/- one standard deviation,
    ``"range"`` = min to max). Keys containing "baseline" are dashed.
    """
    fig, ax = _axes(ax, figsize=(6, 4))
    for i, (label, curve) in enumerate(curves.items()):
        is_base = "baseline" in label.lower()
        _mean_curve(ax, curve, BASELINE_COLOR if is_base else PALETTE[i % len(PALETTE)], label,
                    ls="--" if is_base else "-", spread=spread)
    if n_anomalies is not None:
        ax.axhline(n_anomalies, color="#999999", lw=0.8, ls=":")
    ax.set_xlabel("queries (budget spent)")
    ax.set_ylabel("anomalies found")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def score_grid(X, n=150, margin=0.08):
    """A regular ``n x n`` grid covering 2-D data (with a margin): ``(xx, yy, points)``."""
    X = np.asarray(X)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = (hi - lo) * margin
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], n)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], n)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


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


def _panel_grid(table, panel, ncols):
    """Small-multiples layout: one axes per value of ``table[panel]`` (in order of appearance).

    Returns the figure and ``(ax, value, rows of table with that value)`` per
    panel; axes left over in the last row are hidden.
    """
    panels = list(dict.fromkeys(table[panel]))
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.4 * nrows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    return fig, [(ax, p, table[table[panel] == p])
                 for ax, p in zip(axes.flat, panels, strict=False)]


def plot_discovery_panels(table, panel="dataset", hue="ensemble", ncols=4, baseline_of=None,
                          title=None):
    """Small multiples of discovery curves from an experiments table.

    One panel per value of ``panel``; in each, the mean curve (band: one
    standard deviation) of every value of ``hue``; dashed: the unsupervised
    baseline of ``baseline_of`` (a ``hue`` value; default: each hue's own,
    thin and dashed in the same colour).
    """
    hues = list(dict.fromkeys(table[hue]))
    fig, cells = _panel_grid(table, panel, ncols)
    for ax, p, sub in cells:
        for i, h in enumerate(hues):
            g = sub[sub[hue] == h]
            if g.empty:
                continue
            color = PALETTE[i % len(PALETTE)]
            _mean_curve(ax, np.stack(g["found"].to_list()), color, h, alpha=0.12)
            if baseline_of is None or baseline_of == h:
                _mean_curve(ax, np.stack(g["baseline"].to_list()),
                            BASELINE_COLOR if baseline_of else color,
                            f"{h} baseline" if baseline_of else None, ls="--", lw=1,
                            spread=None)
        ax.axhline(sub.n_anomalies.iloc[0], color="#999999", lw=0.8, ls=":")
        ax.set_title(str(p), fontsize=10)
        ax.set_xlabel("queries")
        ax.set_ylabel("anomalies found")
        ax.legend(fontsize=7, loc="upper left")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_rule_boxes(rules, X, y=None, queried=None, ax=None, title=None, color=ANOMALY_COLOR):
    """Rules (a ``RuleSet`` or a list of ``Rule``) drawn as boxes over 2-D data.

    Unbounded sides are clipped to the data's range plus a margin;
    ``queried`` instances are circled.
    """
    from matplotlib.patches import Rectangle

    X = np.asarray(X)
    fig, ax = _axes(ax)
    plot_dataset(X, y, ax=ax)
    xx, yy, _ = score_grid(X, n=2)
    x0, x1, y0, y1 = xx.min(), xx.max(), yy.min(), yy.max()
    for rule in getattr(rules, "rules", rules):
        lo, hi = rule.to_box(2)
        a, b = np.clip(lo[0], x0, x1), np.clip(lo[1], y0, y1)
        c, d = np.clip(hi[0], x0, x1), np.clip(hi[1], y0, y1)
        ax.add_patch(Rectangle((a, b), c - a, d - b, fill=False, lw=1.2, ec=color))
    if queried is not None and len(queried):
        q = np.asarray(queried)
        ax.scatter(X[q, 0], X[q, 1], s=55, facecolors="none", edgecolors=AAD_COLOR, lw=1.0,
                   label="queried")
        ax.legend(loc="lower right", fontsize=7)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_rule_text(blocks: dict, ax=None, title=None, fontsize=8):
    """A text panel: for each heading, its rules one per line ("predict anomaly if ... or ...")."""
    fig, ax = _axes(ax)
    ax.set_axis_off()
    lines = []
    for heading, text in blocks.items():
        rules = [r for r in str(text).splitlines() if r.strip()]
        lines.append(f"{heading}: predict 'anomaly' if")
        lines.extend(("    " if i == 0 else " or ") + r for i, r in enumerate(rules))
        lines.append("")
    ax.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace",
            fontsize=fontsize, transform=ax.transAxes)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_measure_curves(table, x, measures, hue="method", labels=None, published=None,
                        title=None):
    """One panel per measure: mean over runs against ``x``, one line per ``hue`` value.

    ``published`` maps a hue value to ``{measure: value}``, drawn as a dotted
    horizontal line in the hue's colour (a published figure's end value).
    """
    hues = list(dict.fromkeys(table[hue]))
    fig, axes = plt.subplots(1, len(measures), figsize=(3.3 * len(measures), 3.0),
                             squeeze=False)
    for ax, m in zip(axes.flat, measures, strict=True):
        for i, h in enumerate(hues):
            color = PALETTE[i % len(PALETTE)]
            g = table[table[hue] == h].groupby(x)[m]
            mean, sd = g.mean(), g.std().fillna(0.0)
            name = labels.get(h, h) if labels else h
            ax.plot(mean.index, mean.values, color=color, marker="o", ms=3, label=name)
            ax.fill_between(mean.index, mean - sd, mean + sd, color=color, alpha=0.12)
            if published and h in published and m in published[h]:
                ax.axhline(published[h][m], color=color, ls=":", lw=1.2)
        ax.set_xlabel(x.replace("_", " "))
        ax.set_title(m.replace("_", " "), fontsize=10)
    axes.flat[0].legend(fontsize=7)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_array_panels(table, column, panel="dataset", hue="setting", ncols=3, xlabel="queries",
                      ylabel=None, running_mean=False, x_step=1, title=None):
    """Small multiples of a per-run array column (e.g. classes per batch): mean over runs.

    One panel per value of ``panel``, one line per ``hue`` value (band: one
    standard deviation). ``running_mean`` plots the cumulative mean along the
    array (the original's "average over the batches so far"); ``x_step``
    scales the x axis (e.g. 3 queries per batch).
    """
    hues = list(dict.fromkeys(table[hue]))
    fig, cells = _panel_grid(table, panel, ncols)
    for ax, p, sub in cells:
        for i, h in enumerate(hues):
            g = sub[sub[hue] == h]
            if g.empty:
                continue
            arr = np.stack(g[column].to_list()).astype(float)
            if running_mean:
                arr = np.cumsum(arr, axis=1) / np.arange(1, arr.shape[1] + 1)
            x = (np.arange(arr.shape[1]) + 1) * x_step
            mean, sd = arr.mean(axis=0), arr.std(axis=0)
            color = PALETTE[i % len(PALETTE)]
            ax.plot(x, mean, color=color, lw=1.5, label=h)
            ax.fill_between(x, mean - sd, mean + sd, color=color, alpha=0.1)
        ax.set_title(str(p), fontsize=10)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel or column.replace("_", " "))
        ax.legend(fontsize=7, loc="best")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
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
