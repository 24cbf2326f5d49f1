"""Who answers the queries: the ``Analyst`` protocol and its implementations.

An analyst takes instance indices and returns labels (1 = anomaly,
0 = nominal). The :class:`Oracle` answers from ground truth (simulated
feedback, as in the published experiments); a person at the ipywidgets panel
(:mod:`adlib.feedback.widgets`, imported on first use: it needs ipywidgets)
and a saved label file (:class:`LabelStore`) drive the same Session.
"""

from .analyst import Analyst, Oracle
from .labelstore import (
    CorruptLabelStoreError,
    LabelStore,
    LabelStoreError,
    LabelStoreMismatchError,
    default_store_path,
    open_session,
)

__all__ = ["Analyst", "AnalystPanel", "CorruptLabelStoreError", "LabelStore", "LabelStoreError",
           "LabelStoreMismatchError", "Oracle", "default_store_path", "open_session"]


def __getattr__(name):
    if name == "AnalystPanel":  # lazy: ipywidgets is only needed for the widgets
        from .widgets import AnalystPanel

        return AnalystPanel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
