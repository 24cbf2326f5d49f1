"""Discovery curves and small multiples of experiment tables (mean over runs, shaded spread).

Every figure here is sized for the book's content column (about 700 px, i.e.
7 inches at the notebooks' 100 dpi): at most three panels per row, text of
at least 9 pt, and one legend outside the data (in a free panel of the grid,
or beside or below the axes). :func:`panel_grid` and :func:`shared_legend`
give chapters the same layout for figures they compose themselves.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from .style import AAD_COLOR, ANOMALY_COLOR, BASELINE_COLOR, NOMINAL_COLOR, PALETTE, _axes

#: Font sizes (points) of the book's figures: legible at the content width.
BOOK_FONTS = {"font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10,
              "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 9,
              "figure.titlesize": 11}
#: Width (inches) of a full row of panels: the content column at 100 dpi.
ROW_WIDTH = 7.0


def apply_book_fonts(fig):
    """Set the text of ``fig`` to :data:`BOOK_FONTS` sizes (titles, labels, ticks, legends).

    Applied to the finished figure rather than through ``plt.rc_context``: an
    ``rc_context`` around the first figure of a Jupyter kernel restores
    ``rcParams["interactive"]`` on exit and later figures are no longer shown.
    """
    f = BOOK_FONTS
    for ax in fig.axes:
        ax.title.set_fontsize(f["axes.titlesize"])
        ax.xaxis.label.set_fontsize(f["axes.labelsize"])
        ax.yaxis.label.set_fontsize(f["axes.labelsize"])
        ax.tick_params(axis="x", labelsize=f["xtick.labelsize"])
        ax.tick_params(axis="y", labelsize=f["ytick.labelsize"])
        if ax.get_legend() is not None:
            for t in ax.get_legend().get_texts():
                t.set_fontsize(f["legend.fontsize"])
    for legend in fig.legends:
        for t in legend.get_texts():
            t.set_fontsize(f["legend.fontsize"])
    if fig._suptitle is not None:
        fig._suptitle.set_fontsize(f["figure.titlesize"])
    return fig


def panel_grid(n, ncols=3, panel_height=2.2, width=ROW_WIDTH, **subplot_kw):
    """A figure with ``n`` panels, at most ``ncols`` (<= 3) per row, ``width`` inches wide.

    Returns ``(fig, axes, spare)``: the ``n`` axes in reading order and the
    axes left over in the last row (hidden; :func:`shared_legend` puts the
    legend into the first of them).
    """
    if not 1 <= ncols <= 3:
        raise ValueError(f"ncols={ncols}: the book's figures have 1 to 3 panels per row")
    if n < 1:
        raise ValueError("panel_grid needs at least one panel")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, panel_height * nrows + 0.4),
                             squeeze=False, **subplot_kw)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_axis_off()
    return fig, flat[:n], flat[n:]


def data_handles(nominal="nominal", anomaly="anomaly"):
    """Legend entries for the data's two classes, as :func:`~adlib.plotting.plot_dataset` draws them."""
    return [Line2D([], [], ls="", marker="o", ms=5, color=NOMINAL_COLOR, label=nominal),
            Line2D([], [], ls="", marker="^", ms=6, color=ANOMALY_COLOR, label=anomaly)]


def shared_legend(fig, axes=None, spare=None, extra=(), ncol=None, where="right"):
    """One legend for the whole figure, outside the data; the axes' own legends are removed.

    Entries are the labelled artists of ``axes`` (default: all axes of
    ``fig``), each label once, then ``extra`` handles (e.g.
    :func:`data_handles`). The legend goes into the first ``spare`` axes when
    there is one, else to the ``"right"`` of the axes or ``"below"`` them.
    """
    axes = list(fig.axes if axes is None else axes)
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels and not lab.startswith("_"):
                handles.append(h)
                labels.append(lab)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    for h in extra:
        if h.get_label() not in labels:
            handles.append(h)
            labels.append(h.get_label())
    if not handles:
        return None
    size = BOOK_FONTS["legend.fontsize"]
    if spare:   # from the left edge of the first free panel (it may reach into the next one)
        return spare[0].legend(handles, labels, loc="center left", bbox_to_anchor=(-0.1, 0.5),
                               frameon=False, fontsize=size, ncol=ncol or 1)
    if where == "below":
        return fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                          frameon=False, fontsize=size, ncol=ncol or min(3, len(handles)))
    right = max(ax.get_position().x1 for ax in axes) if axes else 1.0
    return fig.legend(handles, labels, loc="center left", bbox_to_anchor=(right + 0.02, 0.5),
                      frameon=False, fontsize=size, ncol=ncol or 1)


def _mean_curve(ax, curves, color, label, ls="-", lw=1.5, spread="std", alpha=0.15,
                with_value=True):
    """Plot the mean of ``(n_runs, budget)`` curves, shaded by their spread; return the mean.

    ``spread``: ``"std"`` (mean +/- one standard deviation), ``"range"`` (min to
    max) or ``None`` (no band). A single run gets no band. ``with_value`` adds
    the final mean to the label: ``"AAD (23.4)"``.
    """
    arr = np.atleast_2d(np.asarray(curves, dtype=float))
    x = np.arange(1, arr.shape[1] + 1)
    mean = arr.mean(axis=0)
    if label and with_value:
        label = f"{label} ({mean[-1]:.1f})"
    ax.plot(x, mean, ls=ls, lw=lw, color=color, label=label)
    if spread and arr.shape[0] > 1:
        lo, hi = ((mean - arr.std(axis=0), mean + arr.std(axis=0)) if spread == "std"
                  else (arr.min(axis=0), arr.max(axis=0)))
        ax.fill_between(x, lo, hi, color=color, alpha=alpha, lw=0)
    return mean


def plot_discovery_curves(curves: dict, n_anomalies=None, ax=None, title=None, spread="std"):
    """Anomalies found vs. queries, one line per entry of ``curves``.

    Each value is a 1-D curve or a ``(n_reruns, budget)`` array (drawn as the
    mean with a shaded spread: ``"std"`` = mean +/- one standard deviation,
    ``"range"`` = min to max). Keys containing "baseline" are dashed. The
    legend (with each curve's final mean) sits to the right of the axes.
    """
    fig, ax = _axes(ax, figsize=(4.4, 3.2))
    for i, (label, curve) in enumerate(curves.items()):
        is_base = "baseline" in label.lower()
        _mean_curve(ax, curve, BASELINE_COLOR if is_base else PALETTE[i % len(PALETTE)],
                    label, ls="--" if is_base else "-", spread=spread)
    if n_anomalies is not None:
        ax.axhline(n_anomalies, color="#999999", lw=0.8, ls=":",
                   label=f"all {n_anomalies} anomalies")
    ax.set_xlabel("queries (budget spent)")
    ax.set_ylabel("anomalies found")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    return apply_book_fonts(fig)


def _panel_cells(table, panel, ncols, panel_height=2.2):
    """One axes per value of ``table[panel]`` (in order of appearance) on a :func:`panel_grid`.

    Returns the figure, ``(ax, value, rows of table with that value)`` per
    panel, and the spare axes of the last row.
    """
    panels = list(dict.fromkeys(table[panel]))
    fig, axes, spare = panel_grid(len(panels), ncols=ncols, panel_height=panel_height)
    return fig, [(ax, p, table[table[panel] == p])
                 for ax, p in zip(axes, panels, strict=True)], spare


def _labelled(labels, value):
    return labels.get(value, value) if labels else value


def plot_discovery_panels(table, panel="dataset", hue="ensemble", ncols=3, baseline_of=None,
                          title=None, labels=None):
    """Small multiples of discovery curves from an experiments table.

    One panel per value of ``panel`` (at most three per row); in each, the
    mean curve (band: one standard deviation) of every value of ``hue``;
    dashed: the unsupervised baseline of ``baseline_of`` (a ``hue`` value;
    default: each hue's own, thin and dashed in the same colour). ``labels``
    maps ``hue`` and ``panel`` values to the names shown. One legend for all
    panels, outside the data; the values at the budget belong in a table.
    """
    hues = list(dict.fromkeys(table[hue]))
    fig, cells, spare = _panel_cells(table, panel, ncols)
    for k, (ax, p, sub) in enumerate(cells):
        for i, h in enumerate(hues):
            g = sub[sub[hue] == h]
            if g.empty:
                continue
            color = PALETTE[i % len(PALETTE)]
            _mean_curve(ax, np.stack(g["found"].to_list()), color, _labelled(labels, h),
                        alpha=0.12, with_value=False)
            if baseline_of is None or baseline_of == h:
                name = f"{_labelled(labels, h)}: no feedback" if baseline_of else None
                _mean_curve(ax, np.stack(g["baseline"].to_list()),
                            BASELINE_COLOR if baseline_of else color, name, ls="--", lw=1,
                            spread=None, with_value=False)
        ax.axhline(sub.n_anomalies.iloc[0], color="#999999", lw=0.8, ls=":",
                   label="dotted: all anomalies")
        ax.set_title(str(_labelled(labels, p)))
        ax.set_xlabel("queries")
        if k % ncols == 0:
            ax.set_ylabel("anomalies found")
    extra = ([] if baseline_of else
             [Line2D([], [], color=BASELINE_COLOR, ls="--", lw=1,
                     label="dashed: ranking without feedback")])
    if title:
        fig.suptitle(title)
    apply_book_fonts(fig)
    fig.tight_layout()
    shared_legend(fig, [ax for ax, _, _ in cells], spare, extra=extra,
                  where="below")
    return fig


def plot_measure_curves(table, x, measures, hue="method", labels=None, published=None,
                        title=None, measure_names=None, xlabel=None):
    """One panel per measure (three per row): mean over runs against ``x``, one line per ``hue``.

    ``published`` maps a hue value to ``{measure: value}``, drawn as a dotted
    horizontal line in the hue's colour (a published figure's end value).
    ``measure_names`` maps a measure to its panel title.
    """
    hues = list(dict.fromkeys(table[hue]))
    fig, axes, spare = panel_grid(len(measures), ncols=3)
    for ax, m in zip(axes, measures, strict=True):
        for i, h in enumerate(hues):
            color = PALETTE[i % len(PALETTE)]
            g = table[table[hue] == h].groupby(x)[m]
            mean, sd = g.mean(), g.std().fillna(0.0)
            ax.plot(mean.index, mean.values, color=color, marker="o", ms=3,
                    label=_labelled(labels, h))
            ax.fill_between(mean.index, mean - sd, mean + sd, color=color, alpha=0.12)
            if published and h in published and m in published[h]:
                ax.axhline(published[h][m], color=color, ls=":", lw=1.4)
        ax.set_xlabel(xlabel or x.replace("_", " "))
        ax.set_title(_labelled(measure_names, m).replace("_", " "))
    extra = ([Line2D([], [], color="#555555", ls=":", lw=1.4,
                     label="dotted: published")]
             if published else [])
    if title:
        fig.suptitle(title)
    apply_book_fonts(fig)
    fig.tight_layout()
    shared_legend(fig, axes, spare, extra=extra, where="below")
    return fig


def plot_array_panels(table, column, panel="dataset", hue="setting", ncols=3, xlabel="queries",
                      ylabel=None, running_mean=False, x_step=1, title=None, labels=None):
    """Small multiples of a per-run array column (e.g. classes per batch): mean over runs.

    One panel per value of ``panel`` (at most three per row), one line per
    ``hue`` value (band: one standard deviation), one legend outside the data.
    ``running_mean`` plots the cumulative mean along the array (the
    original's "average over the batches so far"); ``x_step`` scales the x
    axis (e.g. 3 queries per batch).
    """
    hues = list(dict.fromkeys(table[hue]))
    fig, cells, spare = _panel_cells(table, panel, ncols)
    for k, (ax, p, sub) in enumerate(cells):
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
            ax.plot(x, mean, color=color, lw=1.5, label=_labelled(labels, h))
            ax.fill_between(x, mean - sd, mean + sd, color=color, alpha=0.1)
        ax.set_title(str(_labelled(labels, p)))
        ax.set_xlabel(xlabel)
        if k % ncols == 0:
            ax.set_ylabel(ylabel or column.replace("_", " "))
    if title:
        fig.suptitle(title)
    apply_book_fonts(fig)
    fig.tight_layout()
    shared_legend(fig, [ax for ax, _, _ in cells], spare, where="below")
    return fig


def score_space_handles():
    """Legend entries for :func:`~adlib.plotting.plot_score_space` panels."""
    return [*data_handles(anomaly="anomaly"),
            Line2D([], [], ls="", marker="o", ms=4, color=NOMINAL_COLOR, alpha=0.35,
                   label="nominal below the line"),
            Line2D([], [], color="black", ls="--", lw=1, label="$w \\cdot z = q_\\tau$"),
            Line2D([], [], color=AAD_COLOR, lw=2, label="direction of $w$"),
            Line2D([], [], ls="", marker="o", ms=8, mfc="none", mec="black",
                   label="answered: anomaly"),
            Line2D([], [], ls="", marker="o", ms=8, mfc="none", mec="#1a5fb4",
                   label="answered: nominal")]
