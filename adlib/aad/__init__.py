"""Active Anomaly Discovery (Das et al. 2016, 2017, 2019).

``discover`` is the one-call entry point; ``Session`` the stepwise engine that
widgets, resumed sessions and streaming reuse; ``AAD`` the weight model.
"""

from .discover import DiscoveryResult, Reruns, baseline_curve, discover, discover_reruns
from .model import AAD, tau_margin
from .query import make_strategy
from .session import Session

__all__ = ["AAD", "DiscoveryResult", "Reruns", "Session", "baseline_curve", "discover",
           "discover_reruns", "make_strategy", "tau_margin"]
