"""Detector ensembles that map instances to sparse region features.

Every ensemble here is a :class:`RegionEnsemble`: ``fit(X)`` then ``transform(X)``
gives a sparse ``(n, m)`` matrix with one column per ensemble member (a tree
node, later a LODA projection), which the AAD model weights. Ensembles are made
by name with :func:`make_ensemble` so that ``discover(..., ensemble="iforest")``
and the chapters share one registry.
"""

from .base import RegionEnsemble
from .hstrees import HSTrees
from .iforest import IsolationForestRegions
from .loda import LODA
from .multiview import MultiviewIForest
from .precomputed import PrecomputedScores
from .rsforest import RSForest

ENSEMBLES = {
    "iforest": IsolationForestRegions,
    "multiview": MultiviewIForest,
    "hstrees": HSTrees,
    "rsforest": RSForest,
    "loda": LODA,
    "precomputed": PrecomputedScores,
}


def make_ensemble(name, **params):
    """Build an unfitted ensemble from its registry name (``"iforest"``, ...)."""
    if isinstance(name, RegionEnsemble):
        if params:
            raise ValueError("pass parameters to the ensemble's constructor, not to make_ensemble")
        return name
    try:
        cls = ENSEMBLES[str(name).lower()]
    except KeyError:
        known = ", ".join(sorted(ENSEMBLES))
        raise ValueError(f"unknown ensemble {name!r}; choose one of: {known}") from None
    return cls(**params)


def declared_aad_defaults(name) -> dict:
    """The AAD settings the ensemble registered as ``name`` declares (empty if none or unknown)."""
    cls = ENSEMBLES.get(str(name).lower())
    return dict(getattr(cls, "aad_defaults", {}) or {})


__all__ = ["ENSEMBLES", "HSTrees", "LODA", "IsolationForestRegions", "MultiviewIForest",
           "PrecomputedScores", "RSForest", "RegionEnsemble", "declared_aad_defaults",
           "make_ensemble"]
