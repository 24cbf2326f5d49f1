"""The chapter's figures (matplotlib only: :mod:`adlib.plotting` sits above this package).

Every figure is 7 inches wide (the book's column at 100 dpi), at most two
panels side by side, fonts of 9 pt or more, legends outside the data.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._mpl import book_rc

PHASE_COLORS = ("#e8eef7", "#f7efe3", "#e9f4e6", "#f4e6ef", "#eeeeee")
METHOD_COLORS = {"TCC": "#c0392b", "raw": "#4c72b0", "DTW": "#2a9d8f", "PCA": "#8172b2"}
STYLE = {"font.size": 11, "axes.titlesize": 11, "legend.fontsize": 11}  # >= 9 pt at 700 px


def _styled(func):
    """Draw inside the chapter's font sizes without changing matplotlib's global settings."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with book_rc(STYLE):
            return func(*args, **kwargs)

    return wrapper


def _standardised(x, normal=None):
    """Each channel centred and scaled by its spread (over the ``normal`` frames if given)."""
    x = np.asarray(x, dtype=float)
    ref = x if normal is None else x[normal]
    return (x - ref.mean(0)) / (ref.std(0) + 1e-9)


def _phase_background(ax, phases):
    edges = np.flatnonzero(np.diff(phases)) + 1
    bounds = np.r_[0, edges, len(phases)]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        ax.axvspan(a - 0.5, b - 0.5, color=PHASE_COLORS[int(phases[a]) % len(PHASE_COLORS)],
                   lw=0)


@_styled
def plot_examples(seqset, indices=(0, 1, 2), n_signal: int | None = None):
    """A few sequences, one panel each, channels standardised and offset, phases shaded."""
    fig, axes = plt.subplots(len(indices), 1, figsize=(7, 1.9 * len(indices)), sharex=True,
                             squeeze=False)
    d = seqset.n_channels
    n_signal = d if n_signal is None else n_signal
    for ax, i in zip(axes[:, 0], indices, strict=True):
        x = _standardised(seqset.sequences[i])
        _phase_background(ax, seqset.phases[i])
        for c in range(d):
            ax.plot(x[:, c] - 4 * c, lw=1.2, color="k" if c < n_signal else "#999999")
        ax.set_yticks([])
        label = (f"activity {int(seqset.labels[i])}\n" if len(np.unique(seqset.labels)) > 1
                 else "")
        ax.set_ylabel(f"{label}{len(x)} frames")
    axes[-1, 0].set_xlabel("frame (shaded: phases" + ("; grey: nuisance channels)"
                                                       if n_signal < d else ")"))
    fig.tight_layout()
    return fig


@_styled
def plot_alignment(u, v, matches: dict, channel: int = 0, every: int = 3):
    """Two sequences (``u`` above, ``v`` below) joined frame to frame, one panel per method."""
    fig, axes = plt.subplots(len(matches), 1, figsize=(7, 2.4 * len(matches)), squeeze=False)
    a, b = np.asarray(u)[:, channel], np.asarray(v)[:, channel]
    span = max(np.ptp(a), np.ptp(b)) + 1e-9
    top, bottom = a - a.mean() + 0.9 * span, b - b.mean() - 0.9 * span
    for ax, (name, m) in zip(axes[:, 0], matches.items(), strict=True):
        for i in range(0, len(a), every):
            ax.plot([i, m[i]], [top[i], bottom[m[i]]], color=METHOD_COLORS.get(name, "C1"),
                    lw=0.7, alpha=0.7)
        ax.plot(top, "k", lw=1.4)
        ax.plot(bottom, "k", lw=1.4)
        ax.set_yticks([])
        ax.set_title(f"{name}: every {every}rd frame of the upper sequence ({len(a)} frames) "
                     f"and its match in the lower one ({len(b)})")
    axes[-1, 0].set_xlabel("frame")
    fig.tight_layout()
    return fig


@_styled
def plot_anomaly(x, mask, scores: dict, title: str = "", n_signal: int | None = None):
    """An anomalous sequence (planted segment shaded) and each method's score over time.

    Each score is divided by its largest value on the sequence, so the curves share an axis.
    """
    x = _standardised(x, ~np.asarray(mask))
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 4.4), sharex=True,
                                   gridspec_kw={"height_ratios": [1.2, 1]})
    n_signal = x.shape[1] if n_signal is None else n_signal
    for ax in (ax1, ax2):
        for i in np.flatnonzero(mask):
            ax.axvspan(i - 0.5, i + 0.5, color="#fbd5d5", lw=0)
    for c in range(x.shape[1]):
        ax1.plot(x[:, c] - 4 * c, lw=1.1, color="k" if c < n_signal else "#999999")
    ax1.set_yticks([])
    ax1.set_title(title)
    for name, s in scores.items():
        s = np.asarray(s, dtype=float)
        ax2.plot(s / (s.max() + 1e-12), lw=1.5, label=name, color=METHOD_COLORS.get(name))
    ax2.set_ylabel("score / max")
    ax2.set_xlabel("frame (shaded: the planted segment)")
    ax2.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


@_styled
def plot_progress_embedding(embeddings: dict, progress):
    """First two principal components of each method's frames, coloured by progress."""
    fig, axes = plt.subplots(1, len(embeddings), figsize=(7, 3.2), squeeze=False)
    p = np.concatenate(progress)
    for ax, (name, z) in zip(axes[0], embeddings.items(), strict=True):
        z = np.concatenate(z)
        z = z - z.mean(0)
        _, _, vt = np.linalg.svd(z, full_matrices=False)
        xy = z @ vt[:2].T
        sc = ax.scatter(xy[:, 0], xy[:, 1], c=p, s=6, cmap="viridis", lw=0)
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(sc, ax=axes[0].tolist(), label="progress through the action", shrink=0.9)
    return fig
