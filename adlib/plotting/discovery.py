"""Discovery curves and small multiples of experiment tables (mean over runs, shaded spread)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import BASELINE_COLOR, PALETTE, _axes


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
