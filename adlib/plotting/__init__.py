"""Figure helpers of the book: every function returns a matplotlib Figure.

Nothing here calls ``plt.show()``. Chapters save the figures they reproduce
with :func:`save_figure`, which writes PNGs to ``$ADLIB_FIGURES`` (set by the
tests) or to ``_build/figures`` at the root of the book.

The helpers live in :mod:`~adlib.plotting.style` (colours, :func:`save_figure`,
:func:`score_grid`, :func:`plot_dataset`), :mod:`~adlib.plotting.discovery`
(discovery curves and small multiples of experiment tables),
:mod:`~adlib.plotting.maps` (score maps and other pictures of 2-D data) and
:mod:`~adlib.plotting.rules` (rules as boxes and as text) and
:mod:`~adlib.plotting.geometry` (angle histograms, the unit sphere of AAD); import them from here.
"""

from .discovery import (
    BOOK_FONTS,
    apply_book_fonts,
    data_handles,
    panel_grid,
    plot_array_panels,
    plot_discovery_curves,
    plot_discovery_panels,
    plot_measure_curves,
    score_space_handles,
    shared_legend,
)
from .geometry import plot_angle_gain, plot_angle_histograms, plot_sphere
from .maps import (
    plot_gaussian_fits,
    plot_partition,
    plot_score_contours,
    plot_score_panels,
    plot_score_space,
    plot_train_test,
)
from .rules import plot_description_panels, plot_rule_boxes, plot_rule_text
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
    "AAD_COLOR", "ANOMALY_COLOR", "BASELINE_COLOR", "BOOK_FONTS", "NOMINAL_COLOR", "PALETTE",
    "apply_book_fonts",
    "data_handles", "figure_dir", "panel_grid", "plot_description_panels", "shared_legend",
    "plot_angle_gain", "plot_angle_histograms", "plot_array_panels", "plot_dataset",
    "plot_discovery_curves", "plot_discovery_panels", "plot_sphere",
    "plot_gaussian_fits", "plot_measure_curves", "plot_partition", "plot_rule_boxes",
    "plot_rule_text", "plot_score_contours", "plot_score_panels", "plot_score_space", "plot_train_test",
    "save_figure", "score_grid", "score_space_handles",
]
