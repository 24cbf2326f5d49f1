"""Staging copy of a figure helper (moves to adlib/plotting.py)."""

import matplotlib.pyplot as plt
import numpy as np

from ..plotting import ANOMALY_COLOR, NOMINAL_COLOR, score_grid


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
