"""Query strategies: which unlabeled instances to show the analyst next.

A strategy is an object with ``select(scores, available, k, rng) -> indices``:
``scores`` are the current anomaly scores (higher = more anomalous),
``available`` a boolean mask of instances that may be asked (not yet labeled
or skipped), ``k`` the batch size. Strategies are made by name with
:func:`make_strategy`; more (batch-top, random-top, diverse) plug in here.
"""

from __future__ import annotations

import numpy as np


def top_k(scores: np.ndarray, available: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest-scoring available instances, best first.

    Ties are broken by the lower index, so a run is reproducible.
    """
    cand = np.flatnonzero(available)
    if cand.size == 0:
        return cand
    k = min(k, cand.size)
    s = scores[cand]
    if k < cand.size:
        part = np.argpartition(-s, k - 1)[:k]
        cand, s = cand[part], s[part]
    order = np.lexsort((cand, -s))
    return cand[order]


class TopStrategy:
    """Greedy: ask about the highest-scoring unlabeled instances (AAD's default)."""

    name = "top"

    def select(self, scores, available, k=1, rng=None) -> np.ndarray:
        return top_k(scores, available, k)


STRATEGIES = {"top": TopStrategy}


def make_strategy(name="top", **params):
    """Build a query strategy from its name (or pass an object with ``select``)."""
    if hasattr(name, "select"):
        return name
    try:
        cls = STRATEGIES[str(name).lower()]
    except KeyError:
        known = ", ".join(sorted(STRATEGIES))
        raise ValueError(f"unknown query strategy {name!r}; choose one of: {known}") from None
    return cls(**params)
