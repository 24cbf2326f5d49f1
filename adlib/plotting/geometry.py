"""Pictures of the geometry behind AAD: angle histograms and the unit sphere.

Sized for the book's ~700 px column: figures 7 in wide, at most three panels
per row, fonts of 9 pt or more, legends outside the data.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .._mpl import book_rc
from .discovery import BOOK_FONTS, ROW_WIDTH, panel_grid, shared_legend
from .style import AAD_COLOR, ANOMALY_COLOR, NOMINAL_COLOR, PALETTE

FONT = BOOK_FONTS["xtick.labelsize"]   # the smallest text in these figures (points)


def _class_handles():
    return [Patch(facecolor=NOMINAL_COLOR, alpha=0.55, label="nominals"),
            Patch(facecolor=ANOMALY_COLOR, alpha=0.55, label="anomalies"),
            Line2D([], [], color="#444444", ls="--", label="class medians")]


def plot_angle_histograms(panels: dict, ncols: int = 3, bins: int = 30,
                          xlabel: str = "angle to $w_0$ (°)"):
    """One histogram panel per entry of ``panels``: ``title -> (angles, y)``.

    Nominals (blue) and anomalies (red) are each normalised to percentages of
    their own class; dashed lines mark the class medians. At most ``ncols``
    (<= 3) panels per row; the legend takes a spare panel, or sits below.
    """
    if not panels:
        raise ValueError("no panels to draw: pass {title: (angles, y)}")
    fig, axes, spare = panel_grid(len(panels), ncols=ncols, panel_height=2.15)
    ncols = min(ncols, len(panels))
    with book_rc(BOOK_FONTS):
        for ax, (title, (angles, y)) in zip(axes, panels.items(), strict=True):
            angles, y = np.asarray(angles, dtype=float), np.asarray(y)
            edges = np.linspace(angles.min(), angles.max(), bins + 1)
            for label, color in ((0, NOMINAL_COLOR), (1, ANOMALY_COLOR)):
                a = angles[y == label]
                if a.size == 0:
                    continue
                ax.hist(a, bins=edges, weights=np.full(a.size, 100.0 / a.size), color=color,
                        alpha=0.55, lw=0)
                ax.axvline(np.median(a), color=color, lw=1.4, ls="--")
            ax.set_title(title, fontsize=BOOK_FONTS["axes.titlesize"])
            ax.tick_params(labelsize=FONT)
            ax.xaxis.set_major_locator(plt.MaxNLocator(4))
            ax.yaxis.set_major_locator(plt.MaxNLocator(4))
        for i, ax in enumerate(axes):
            if i % ncols == 0:
                ax.set_ylabel("% of class", fontsize=FONT + 1)
            if i + ncols >= len(axes):  # nothing below it
                ax.set_xlabel(xlabel, fontsize=FONT + 1)
        fig.tight_layout()
        shared_legend(fig, axes, spare, extra=_class_handles(), where="below")
    return fig


def _margin_line(ax, q, rotation_deg, color, ls, label):
    """The line ``p . w = q`` in the plane, ``w`` at ``rotation_deg`` from the x axis."""
    r = np.radians(rotation_deg)
    w, t = np.array([np.cos(r), np.sin(r)]), np.array([-np.sin(r), np.cos(r)])
    s = np.linspace(-3.0, 3.0, 2)
    pts = q * w[None, :] + s[:, None] * t[None, :]
    ax.plot(pts[:, 0], pts[:, 1], color=color, ls=ls, lw=1.4, label=label)


def _sphere_points(ax, view, size):
    nom, anom = view.labels == 0, view.labels == 1
    ax.scatter(view.x[nom], view.y[nom], s=size, c=NOMINAL_COLOR, alpha=0.6, lw=0)
    ax.scatter(view.x[anom], view.y[anom], s=size * 1.8, c=ANOMALY_COLOR, marker="^", lw=0)


def plot_sphere(view, title_before="initial weights $w_0$", title_after="learned weights $w$"):
    """The unit sphere in the plane of the initial and learned weights (:class:`SphereView`).

    Left: the whole unit disc, with both weight vectors and their
    tau-quantile margins (rows beyond a margin line are the top ``tau`` of
    that ranking). Right: the same plane, zoomed on the rows, with the two
    axes stretched differently (the rows spread far less along ``w0``);
    queried rows are ringed. The left panel has equal axes, so its angles
    are true.
    """
    with book_rc(BOOK_FONTS):
        fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(ROW_WIDTH, 3.9))
        _draw_sphere(ax0, ax1, view)
        pct = f"top {view.tau:.0%}"
        handles = [
            Line2D([], [], ls="", marker="o", color=NOMINAL_COLOR, label="nominal"),
            Line2D([], [], ls="", marker="^", color=ANOMALY_COLOR, label="anomaly"),
            Line2D([], [], ls="", marker="o", mfc="none", mec="black", label="queried"),
            Line2D([], [], color="black", ls="--", label=f"{pct} margin, {title_before}"),
            Line2D([], [], color=AAD_COLOR, ls="--", label=f"{pct} margin, {title_after}"),
        ]
        fig.tight_layout(rect=(0, 0.15, 1, 1))
        fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False,
                   fontsize=BOOK_FONTS["legend.fontsize"], bbox_to_anchor=(0.5, 0.0))
    return fig


def _draw_sphere(ax0, ax1, view):
    r = np.radians(view.rotation)
    circle = np.linspace(0, 2 * np.pi, 400)
    ax0.plot(np.cos(circle), np.sin(circle), color="#888888", lw=1.0)
    for ax in (ax0, ax1):
        ax.axhline(0, color="#dddddd", lw=0.8, zorder=0)
        ax.axvline(0, color="#dddddd", lw=0.8, zorder=0)
        _margin_line(ax, view.q0, 0.0, "black", "--", None)
        _margin_line(ax, view.q1, view.rotation, AAD_COLOR, "--", None)
    # the weight vectors (unit length: only the left panel shows them whole)
    arrow = dict(width=0.012, head_width=0.06, length_includes_head=True)
    ax0.arrow(0, 0, 1, 0, color="black", **arrow)
    ax0.arrow(0, 0, np.cos(r), np.sin(r), color=AAD_COLOR, **arrow)
    ax0.text(1.02, -0.15, "$w_0$", fontsize=FONT + 2)
    ax0.text(np.cos(r) + 0.03, np.sin(r) + 0.03, "$w$", fontsize=FONT + 2, color=AAD_COLOR)
    _sphere_points(ax0, view, 10)
    ax0.set_xlim(-1.15, 1.2)
    ax0.set_ylim(-1.15, 1.2)
    ax0.set_aspect("equal", adjustable="box")
    ax0.set_title("unit sphere, plane of $w_0$ and $w$")
    # zoom on the rows
    _sphere_points(ax1, view, 16)
    q = np.asarray(view.queried)
    if q.size:
        ax1.scatter(view.x[q], view.y[q], s=70, facecolors="none", edgecolors="black", lw=0.9)
    pad_x = 0.15 * (view.x.max() - view.x.min()) + 1e-3
    pad_y = 0.15 * (view.y.max() - view.y.min()) + 1e-3
    ax1.set_xlim(view.x.min() - pad_x, view.x.max() + pad_x)
    ax1.set_ylim(view.y.min() - pad_y, view.y.max() + pad_y)
    ax1.set_title("zoom on the instances (axes stretched)")
    for ax in (ax0, ax1):
        ax.set_xlabel("$z \\cdot w_0$")
        ax.xaxis.set_major_locator(plt.MaxNLocator(4))
        ax.yaxis.set_major_locator(plt.MaxNLocator(4))
    ax0.set_ylabel("$z \\cdot u$ ($u \\perp w_0$, towards $w$)")


def plot_angle_gain(table, x="angle_auc", y="gain", hue="ensemble", labels=None,
                    xlabel="angle AUC", ylabel="gain"):
    """One point per (data set, ensemble): angle separation against gain, a panel per data set.

    ``table`` has columns ``dataset``, ``hue``, ``x`` and ``y``; ``labels`` maps
    hue values to legend names. Gains differ by orders of magnitude between
    data sets, so each data set gets its own panel (three per row).
    """
    hues = list(dict.fromkeys(table[hue]))
    sets = list(dict.fromkeys(table["dataset"]))
    fig, axes, spare = panel_grid(len(sets), ncols=3, panel_height=2.2)
    ncols = min(3, len(sets))
    markers = "osD^v"
    with book_rc(BOOK_FONTS):
        for ax, ds in zip(axes, sets, strict=True):
            sub = table[table.dataset == ds]
            for i, h in enumerate(hues):
                g = sub[sub[hue] == h]
                ax.scatter(g[x], g[y], s=42, color=PALETTE[i % len(PALETTE)],
                           marker=markers[i % len(markers)], label=(labels or {}).get(h, h))
            ax.set_title(str(ds), fontsize=BOOK_FONTS["axes.titlesize"])
            ax.tick_params(labelsize=FONT)
            ax.xaxis.set_major_locator(plt.MaxNLocator(3))
            ax.yaxis.set_major_locator(plt.MaxNLocator(4))
            lo, hi = sub[x].min(), sub[x].max()
            pad = max(0.02, 0.12 * (hi - lo))
            ax.set_xlim(lo - pad, hi + pad)
        for i, ax in enumerate(axes):
            if i % ncols == 0:
                ax.set_ylabel(ylabel, fontsize=FONT + 1)
            if i + ncols >= len(axes):
                ax.set_xlabel(xlabel, fontsize=FONT + 1)
        fig.tight_layout()
        shared_legend(fig, axes, spare, where="below")
    return fig
