"""Rules drawn over 2-D data (boxes) and written out (a text panel), in 9-10 pt text."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .discovery import ROW_WIDTH, apply_book_fonts, shared_legend
from .style import AAD_COLOR, ANOMALY_COLOR, _axes, plot_dataset, score_grid


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
        ax.legend(loc="lower right", fontsize=9)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_rule_text(blocks: dict, ax=None, title=None, fontsize=9):
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


def plot_description_panels(boxes: dict, texts: dict, X, y=None, queried=None,
                            text_title="Rules implying anomaly"):
    """Rule sets as boxes over 2-D data (one panel each, at most three) and their rules as text.

    ``boxes`` maps a panel title to rules (a ``RuleSet`` or a list of ``Rule``);
    ``texts`` maps a heading to its rules as text (:func:`plot_rule_text`), in
    a full-width panel below the boxes. One legend below the figure.
    """
    if not 1 <= len(boxes) <= 3:
        raise ValueError(f"{len(boxes)} box panels: the figure has room for 1 to 3")
    n_lines = sum(len([r for r in str(t).splitlines() if r.strip()]) + 2 for t in texts.values())
    fig = plt.figure(figsize=(ROW_WIDTH, 2.7 + 0.17 * n_lines))
    grid = fig.add_gridspec(2, len(boxes), height_ratios=[2.5, 0.17 * n_lines])
    axes = [fig.add_subplot(grid[0, i]) for i in range(len(boxes))]
    for ax, (title, rules) in zip(axes, boxes.items(), strict=True):
        plot_rule_boxes(rules, X, y, queried=queried, ax=ax, title=title)
    plot_rule_text(texts, ax=fig.add_subplot(grid[1, :]), title=text_title)
    apply_book_fonts(fig)
    fig.tight_layout()
    shared_legend(fig, axes, where="below")
    return fig
