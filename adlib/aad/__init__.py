"""Active Anomaly Discovery (Das et al. 2016, 2017, 2019): the engine.

``discover`` is the one-call entry point; ``Session`` the stepwise engine that
widgets, resumed sessions and streaming reuse; ``AAD`` the weight model.
Who answers (the ``Analyst`` protocol, the ground-truth ``Oracle``) and where
the answers are kept (the crash-safe ``LabelStore``) belong to the engine too:
it imports nothing of the screen (the widgets in :mod:`adlib.feedback` drive
a Session, never the reverse).
"""

from .analyst import Analyst, Oracle
from .discover import DiscoveryResult, Reruns, baseline_curve, discover, discover_reruns
from .labelstore import (
    AnswerNotSavedError,
    CorruptLabelStoreError,
    InconsistentLabelStoreError,
    LabelStore,
    LabelStoreClosedError,
    LabelStoreError,
    LabelStoreLockedError,
    LabelStoreMismatchError,
    ReplayError,
    default_store_path,
)
from .model import AAD, tau_margin
from .query import make_strategy
from .session import Session, open_session

__all__ = ["AAD", "Analyst", "AnswerNotSavedError", "CorruptLabelStoreError", "DiscoveryResult",
           "InconsistentLabelStoreError", "LabelStore", "LabelStoreClosedError", "LabelStoreError",
           "LabelStoreLockedError", "LabelStoreMismatchError", "Oracle", "ReplayError", "Reruns",
           "Session", "baseline_curve", "default_store_path", "discover", "discover_reruns",
           "make_strategy", "open_session", "tau_margin"]
