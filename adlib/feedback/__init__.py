"""The analyst at the screen: the ipywidgets panel (:class:`AnalystPanel`).

The panel drives an :class:`adlib.aad.Session`; who answers (``Analyst``,
``Oracle``) and where answers are kept (``LabelStore``) live in the engine,
:mod:`adlib.aad`, and are re-exported here under their old import paths.
``AnalystPanel`` is imported on first use: it needs ipywidgets.
"""

from ..aad.analyst import Analyst, Oracle
from ..aad.labelstore import (
    AnswerNotSavedError,
    CorruptLabelStoreError,
    InconsistentLabelStoreError,
    LabelStore,
    LabelStoreClosedError,
    LabelStoreError,
    LabelStoreLockedError,
    LabelStoreMismatchError,
    default_store_path,
)
from ..aad.session import open_session

__all__ = ["Analyst", "AnalystPanel", "AnswerNotSavedError", "CorruptLabelStoreError",
           "InconsistentLabelStoreError", "LabelStore", "LabelStoreClosedError", "LabelStoreError",
           "LabelStoreLockedError", "LabelStoreMismatchError", "Oracle", "default_store_path",
           "open_session"]


def __getattr__(name):
    if name == "AnalystPanel":  # lazy: ipywidgets is only needed for the widgets
        from .widgets import AnalystPanel

        return AnalystPanel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
