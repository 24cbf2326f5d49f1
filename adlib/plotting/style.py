"""Shared pieces of the figure helpers: colours, saving figures, axes, the 2-D grid, the data scatter."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .._paths import book_root

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


def score_grid(X, n=150, margin=0.08):
    """A regular ``n x n`` grid covering 2-D data (with a margin): ``(xx, yy, points)``."""
    X = np.asarray(X)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = (hi - lo) * margin
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], n)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], n)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


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
