"""Multiview Isolation Forest: separate forests on groups of features (views).

When the features come in natural groups (say, network counts and timing
statistics), a forest per group lets AAD learn which *view* makes an instance
anomalous: each leaf belongs to one view, so the weights can favour one group
of features over another (Das et al. 2019, the multiview detector of the
original code, e.g. 50 trees on one group and 50 on another).

Members are the leaves of all the forests, view after view; the leaf value is
the one of :class:`IsolationForestRegions` (minus the path length of the
tree the leaf is in). With uniform weights the score is minus the mean path
length over all trees of all views, which ``score_samples`` reproduces.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .base import RegionEnsemble
from .iforest import IsolationForestRegions


class MultiviewIForest(RegionEnsemble):
    """Isolation forests on groups of features, one ensemble of leaves.

    Parameters
    ----------
    feature_groups : list of lists of int, or None
        Column indices of each view. None splits the features into two halves.
    n_trees : int or list of int, default 50
        Trees per view (one number for all views, or one per view).
    max_samples, node_value, normalize, random_state
        As in :class:`IsolationForestRegions` (one seed drives all views).
    """

    def __init__(self, feature_groups=None, n_trees=50, max_samples=256,
                 node_value="neg_path_length", normalize="global", random_state=None):
        self.feature_groups = feature_groups
        self.n_trees = n_trees
        self.max_samples = max_samples
        self.node_value = node_value
        self.normalize = normalize
        self.random_state = random_state

    def _groups(self, d):
        if self.feature_groups is None:
            if d < 2:
                raise ValueError("multiview needs at least 2 features, or explicit "
                                 "feature_groups=[[...], ...]")
            half = d // 2
            return [list(range(half)), list(range(half, d))]
        groups = [list(map(int, g)) for g in self.feature_groups]
        if not groups or any(len(g) == 0 for g in groups):
            raise ValueError("feature_groups must be a non-empty list of non-empty column lists")
        flat = [c for g in groups for c in g]
        if min(flat) < 0 or max(flat) >= d:
            raise ValueError(f"feature_groups refer to columns outside 0..{d - 1}")
        return groups

    def _fit(self, X):
        groups = self._groups(X.shape[1])
        trees = self.n_trees if np.ndim(self.n_trees) else [self.n_trees] * len(groups)
        if len(trees) != len(groups):
            raise ValueError(f"n_trees has {len(trees)} entries for {len(groups)} feature groups")
        rng = np.random.default_rng(self.random_state)
        seeds = rng.integers(0, 2**31 - 1, size=len(groups))
        self.groups_ = groups
        self.views_ = [
            IsolationForestRegions(n_trees=int(t), max_samples=self.max_samples,
                                   node_value=self.node_value, normalize=None,
                                   random_state=int(s)).fit(X[:, g])
            for g, t, s in zip(groups, trees, seeds, strict=True)
        ]
        self.member_view_ = np.concatenate([np.full(v.n_members_, i)
                                            for i, v in enumerate(self.views_)])
        self.member_value_ = np.concatenate([v.member_value_ for v in self.views_])

    def _n_members(self) -> int:
        return int(self.member_value_.shape[0])

    def _member_values(self, X) -> sp.csr_matrix:
        return sp.hstack([v._member_values(X[:, g]) for v, g in
                          zip(self.views_, self.groups_, strict=True)], format="csr")

    def path_lengths(self, X) -> np.ndarray:
        """Mean path length over all trees of all views (lower = more anomalous)."""
        X = np.asarray(X, dtype=np.float64)
        total = sum(v.path_lengths(X[:, g]) * len(v.trees_)
                    for v, g in zip(self.views_, self.groups_, strict=True))
        return total / sum(len(v.trees_) for v in self.views_)

    def score_samples(self, X) -> np.ndarray:
        """Minus the mean path length over all trees (higher = more anomalous)."""
        return -self.path_lengths(X)
