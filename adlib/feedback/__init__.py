"""Who answers the queries: the ``Analyst`` protocol and its implementations.

An analyst takes instance indices and returns labels (1 = anomaly,
0 = nominal). The :class:`Oracle` answers from ground truth (simulated
feedback, as in the published experiments); a person at an ipywidgets panel
and a saved label file are other analysts driving the same Session.
"""

from .analyst import Analyst, Oracle

__all__ = ["Analyst", "Oracle"]
