"""Query strategies: which unlabeled instances to show the analyst next.

A strategy is an object with ``select(session, k) -> indices``. It reads what
it needs from the session: ``session.scores`` (current anomaly scores, higher
= more anomalous), ``session.available`` (instances not yet labeled or
skipped), ``session.rng`` (seeded), ``session.X`` (the data, for diversity)
and, for the description-diverse strategy, the region features
(``session.features``), weights (``session.model.w_``) and ensemble.
Strategies are made by name with :func:`make_strategy`:

``"top"``
    greedy: the ``k`` highest-scoring instances (``k = 1``: AAD's default;
    ``k > 1``: "batch top-k").
``"random_top"``
    ``k`` chosen at random among the top ``n_explore``.
``"euclidean"``
    diverse batches (BAL-E): start from the top instance, then repeatedly add
    the candidate among the top ``n_explore`` with the largest mean Euclidean
    distance to those already chosen (Das et al. 2019).
``"description"``
    description-diverse batches (BAL-D): among the top ``n_explore``, the
    instances whose compact descriptions (the regions of the ensemble that
    contain them) overlap least (Das et al. 2019).
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


class QueryStrategy:
    """Base class: ``n_explore`` is the size of the candidate pool at the top of the ranking."""

    name = "base"

    def __init__(self, n_explore: int = 10):
        if n_explore < 1:
            raise ValueError(f"n_explore={n_explore} must be at least 1")
        self.n_explore = int(n_explore)

    def select(self, session, k: int) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_explore={self.n_explore})"


class TopStrategy(QueryStrategy):
    """Greedy: the ``k`` highest-scoring unlabeled instances."""

    name = "top"

    def select(self, session, k: int) -> np.ndarray:
        return top_k(session.scores, session.available, k)


class RandomTopStrategy(QueryStrategy):
    """``k`` instances drawn at random (seeded) from the top ``n_explore``."""

    name = "random_top"

    def select(self, session, k: int) -> np.ndarray:
        pool = top_k(session.scores, session.available, max(k, self.n_explore))
        if pool.size <= k:
            return pool
        return np.sort(session.rng.choice(pool, size=k, replace=False))


class EuclideanDiverseStrategy(QueryStrategy):
    """BAL-E: a batch spread out in the data space, from the top ``n_explore``.

    Greedy farthest-point selection on the mean distance, as in the original
    (``QUERY_EUCLIDEAN_DIST_MEAN``). Distances are computed on ``session.X``
    (standardise the data first if its features have very different scales).
    """

    name = "euclidean"

    def select(self, session, k: int) -> np.ndarray:
        pool = top_k(session.scores, session.available, max(k, self.n_explore))
        if pool.size <= 1 or k <= 1:
            return pool[:k]
        if session.X is None:
            raise ValueError("the euclidean strategy needs the data: open the session with "
                             "Session.from_data(X, ...) or pass X=")
        P = np.asarray(session.X)[pool]
        dist = np.sqrt(((P[:, None, :] - P[None, :, :]) ** 2).sum(axis=-1))
        chosen = [0]  # the top instance
        total = dist[0].copy()
        for _ in range(min(k, pool.size) - 1):
            mean = total / len(chosen)
            mean[chosen] = -np.inf
            nxt = int(np.argmax(mean))  # first maximum: ties go to the higher-ranked candidate
            chosen.append(nxt)
            total += dist[nxt]
        return pool[chosen]


class DescriptionDiverseStrategy(QueryStrategy):
    """BAL-D: a batch whose compact descriptions overlap least (Das et al. 2019).

    1. The pool: the top ``n_explore`` unlabeled instances.
    2. Their candidate regions: each pool instance's ``n_top`` members with the
       largest contribution ``w_j * z_ij`` to its current score.
    3. The pool's compact description: the smallest-volume set of those regions
       that contains every pool instance (integer programme, GLPK), as the
       original's ``QueryTopDiverseSubspace`` (volume as the cost; one per
       region when the ensemble has no boxes).
    4. Greedy: start from the top instance, then repeatedly take the pool
       instance whose description regions are shared least with those of the
       instances already chosen (ties: the higher-ranked one).

    Reads ``session.features`` and ``session.model.w_``; the volumes need
    ``session.ensemble`` (with region boxes) and ``session.X``.
    """

    name = "description"

    def __init__(self, n_explore: int = 10, n_top: int = 5):
        super().__init__(n_explore)
        if n_top < 1:
            raise ValueError(f"n_top={n_top} must be at least 1")
        self.n_top = int(n_top)

    def select(self, session, k: int) -> np.ndarray:
        pool = top_k(session.scores, session.available, max(k, self.n_explore))
        if pool.size <= 1 or k <= 1:
            return pool[:k]
        M = self.description_membership(session, pool)
        return pool[diverse_by_membership(M, k)]

    def description_membership(self, session, pool) -> np.ndarray:
        """Boolean ``(len(pool), n_regions)``: pool instance lies in a compact-description region."""
        from ..describe.compact import min_cost_cover
        from ..describe.regions import membership, region_volumes, top_regions

        cand = top_regions(session.features, session.model.w_, pool, self.n_top)
        A = membership(session.features, pool, cand)
        chosen, _ = min_cost_cover(A, region_volumes(session, cand), time_limit_s=10.0)
        return A[:, chosen]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_explore={self.n_explore}, n_top={self.n_top})"


def diverse_by_membership(M, k: int) -> np.ndarray:
    """Greedy batch of ``k`` rows of a boolean membership matrix with the least shared columns.

    Rows are in rank order; the first row is taken first, then each step takes
    the row with the smallest overlap ``M[i] . (sum of chosen rows)`` (first
    such row on ties).
    """
    M = np.asarray(M, dtype=float)
    used = np.zeros(M.shape[1])
    chosen: list[int] = []
    left = np.ones(M.shape[0], dtype=bool)
    for _ in range(min(k, M.shape[0])):
        overlap = np.where(left, M @ used, np.inf)
        i = int(np.argmin(overlap))
        chosen.append(i)
        left[i] = False
        used += M[i]
    return np.array(chosen, dtype=np.int64)


STRATEGIES = {cls.name: cls for cls in (TopStrategy, RandomTopStrategy, EuclideanDiverseStrategy,
                                        DescriptionDiverseStrategy)}


def make_strategy(name="top", **params) -> QueryStrategy:
    """Build a query strategy from its name (or pass an object with ``select``)."""
    if hasattr(name, "select"):
        if params:
            raise ValueError("pass parameters to the strategy's constructor, not to make_strategy")
        return name
    try:
        cls = STRATEGIES[str(name).lower()]
    except KeyError:
        known = ", ".join(sorted(STRATEGIES))
        raise ValueError(f"unknown query strategy {name!r}; choose one of: {known}") from None
    return cls(**params)
