"""Figure helpers of the book: every function returns a matplotlib Figure.

Nothing here calls ``plt.show()``. Chapters save the figures they reproduce
with :func:`save_figure`, which writes PNGs to ``$ADLIB_FIGURES`` (set by the
tests) or to ``_build/figures`` at the root of the book.

The helpers live in :mod:`~adlib.plotting.style` (colours, :func:`save_figure`,
:func:`score_grid`, :func:`plot_dataset`), :mod:`~adlib.plotting.discovery`
(discovery curves and small multiples of experiment tables),
:mod:`~adlib.plotting.maps` (score maps and other pictures of 2-D data) and
:mod:`~adlib.plotting.rules` (rules as boxes and as text); import them from here.
"""

from .discovery import (
    plot_array_panels,
    plot_discovery_curves,
    plot_discovery_panels,
    plot_measure_curves,
)
from .maps import (
    plot_gaussian_fits,
    plot_partition,
    plot_score_contours,
    plot_score_panels,
    plot_score_space,
)
from .rules import plot_rule_boxes, plot_rule_text
from .style import (
    AAD_COLOR,
    ANOMALY_COLOR,
    BASELINE_COLOR,
    NOMINAL_COLOR,
    PALETTE,
    figure_dir,
    plot_dataset,
    save_figure,
    score_grid,
)

__all__ = [
    "AAD_COLOR", "ANOMALY_COLOR", "BASELINE_COLOR", "NOMINAL_COLOR", "PALETTE", "figure_dir",
    "plot_array_panels", "plot_dataset", "plot_discovery_curves", "plot_discovery_panels",
    "plot_gaussian_fits", "plot_measure_curves", "plot_partition", "plot_rule_boxes",
    "plot_rule_text", "plot_score_contours", "plot_score_panels", "plot_score_space",
    "save_figure", "score_grid",
]
