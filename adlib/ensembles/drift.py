"""Per-tree KL-divergence drift detection for fitted tree ensembles.

Streaming AAD (Das et al. 2019) watches, tree by tree, how a window of data
spreads over the tree's leaves. For a reference window it keeps the leaf
distribution ``P_t`` of every tree ``t`` and a threshold: the ``1 - alpha``
quantile, over the trees, of the KL divergence between two halves of that
window (what sampling noise alone produces). A new window gives ``Q_t``; the
trees with ``KL(P_t || Q_t)`` above the threshold have drifted, and drift is
declared when at least ``2 * alpha * T`` of the ``T`` trees have (10 of 100
at ``alpha = 0.05``). The caller then replaces those trees (or updates their
counts) and fits the detector again on the new window.

Leaf probabilities are smoothed as in the original code: every leaf of a tree
gets ``delta / n`` added to its count of ``n`` rows (``delta = 1e-16``), so a
leaf that is empty in ``Q`` but not in ``P`` contributes about
``p * log(p * n / delta)``: roughly ``40 p``. The KL values are therefore
dominated by the probability mass the new window leaves uncovered.

Two ways to set the threshold (``split=``):

* ``"halves"`` (default, the original code's): the first half of the
  reference window against the second half; a new window's ``Q`` comes from
  its second half, so both statistics compare samples of the same sizes.
* ``"random"`` (the original's design document): the mean over ``n_splits``
  random halvings (seeded), for the threshold and for ``Q`` alike.

Works on any fitted tree ensemble: the library's Isolation Forest, HS-Trees
and RS-Forest regions, and scikit-learn's ``RandomForestClassifier``,
``ExtraTreesClassifier`` or ``IsolationForest`` (anything with fitted
``estimators_``). Leaves are read with ``apply`` for all rows at once; counts
and divergences are one ``bincount`` each over all trees (no loop over rows,
leaves or, except for calling ``apply``, trees).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom

from .._validation import check_features

DELTA = 1e-16  # the original code's smoothing of empty leaves (delta / n per leaf)


class LeafIndex:
    """Maps rows to one leaf column per tree, for any fitted tree ensemble.

    ``columns(X)`` is an ``(n, T)`` integer array: the leaf of each row in each
    tree, numbered across the forest (tree ``t``'s leaves are a contiguous
    block); ``tree_of_leaf`` and ``leaves_per_tree`` describe the blocks.
    """

    def __init__(self, forest):
        self.forest = forest
        if hasattr(forest, "feature_") and hasattr(forest, "member_tree_"):
            # the library's fixed-depth random-split forests: leaves are the members
            self.kind = "random_split"
            T = forest.feature_.shape[0]
            self.leaves_per_tree = np.bincount(forest.member_tree_, minlength=T)
            return
        if hasattr(forest, "trees_") and hasattr(forest, "node_column_"):
            trees, features = list(forest.trees_), None  # the library's Isolation Forest
        elif hasattr(forest, "estimators_"):
            trees = [getattr(est, "tree_", est) for est in forest.estimators_]
            features = getattr(forest, "estimators_features_", None)
        elif isinstance(forest, (list, tuple)) and forest:
            trees, features = [getattr(est, "tree_", est) for est in forest], None
        else:
            raise TypeError(
                f"{type(forest).__name__} is not a fitted tree ensemble: pass one of the "
                "library's forests (fitted), a fitted scikit-learn forest (estimators_), or a "
                "list of fitted trees")
        if not all(hasattr(t, "children_left") and hasattr(t, "apply") for t in trees):
            raise TypeError("every member must be a fitted scikit-learn tree (with tree_.apply)")
        self.kind = "sklearn"
        self.trees = trees
        self.features = features
        node_counts = np.array([t.node_count for t in trees])
        is_leaf = np.concatenate([t.children_left < 0 for t in trees])
        self.node_offset = np.concatenate([[0], np.cumsum(node_counts)[:-1]])
        self.leaf_of_node = np.full(is_leaf.size, -1, dtype=np.int64)
        self.leaf_of_node[is_leaf] = np.arange(int(is_leaf.sum()))
        self.leaves_per_tree = np.array([int((t.children_left < 0).sum()) for t in trees])

    @property
    def n_trees(self) -> int:
        return int(self.leaves_per_tree.size)

    @property
    def n_leaves(self) -> int:
        return int(self.leaves_per_tree.sum())

    @property
    def tree_of_leaf(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_trees), self.leaves_per_tree)

    def columns(self, X) -> np.ndarray:
        """Leaf column of every row in every tree, ``(n, n_trees)``."""
        X = check_features(X, "X")
        if self.kind == "random_split":
            return self.forest._leaf_columns(X)
        X32 = np.ascontiguousarray(X, dtype=np.float32)
        nodes = np.empty((X32.shape[0], self.n_trees), dtype=np.int64)
        for t, tree in enumerate(self.trees):  # one vectorised apply per tree
            Xt = X32 if self.features is None else np.ascontiguousarray(X32[:, self.features[t]])
            nodes[:, t] = tree.apply(Xt)
        return self.leaf_of_node[nodes + self.node_offset]


def leaf_distributions(index: LeafIndex, columns: np.ndarray, delta: float = DELTA) -> np.ndarray:
    """Smoothed leaf probabilities of every tree from ``columns`` (``(n, T)``), one flat vector.

    Each leaf gets ``(count + delta/n) / (n + L_t * delta/n)`` (``L_t`` leaves in
    its tree), so every tree's block sums to 1 and no probability is zero.
    """
    n = columns.shape[0]
    if n == 0:
        raise ValueError("no rows to count: a window needs at least one instance")
    counts = np.bincount(columns.ravel(), minlength=index.n_leaves).astype(np.float64)
    d = delta / n
    denom = n + d * index.leaves_per_tree
    return (counts + d) / np.repeat(denom, index.leaves_per_tree)


def kl_per_tree(p: np.ndarray, q: np.ndarray, index: LeafIndex) -> np.ndarray:
    """``KL(P_t || Q_t)`` for every tree ``t`` (flat leaf vectors as from :func:`leaf_distributions`)."""
    return np.bincount(index.tree_of_leaf, weights=p * (np.log(p) - np.log(q)),
                       minlength=index.n_trees)


def false_alarm_prediction(alpha: float, n_trees: int) -> float:
    """Chance that at least ``2 alpha T`` of ``T`` trees exceed the threshold with no drift,
    if each did so independently with probability ``alpha`` (a binomial tail)."""
    return float(binom.sf(min_drifted_trees(alpha, n_trees) - 1, n_trees, alpha))


def min_drifted_trees(alpha: float, n_trees: int) -> int:
    """How many trees must drift to declare drift: ``int(2 alpha T)``, at least one."""
    return max(1, int(2 * alpha * n_trees))


@dataclass
class DriftCheck:
    """One window checked against the reference: KL per tree, the threshold, what drifted."""

    kl: np.ndarray          # KL(P_t || Q_t) per tree
    threshold: float        # the (1 - alpha) quantile of the reference split KLs
    drifted: np.ndarray     # positions of the trees above the threshold
    fired: bool             # at least min_trees trees drifted
    min_trees: int

    @property
    def n_drifted(self) -> int:
        return int(self.drifted.size)


class KLDriftDetector:
    """Tree-wise KL drift detection (Das et al. 2019, streaming AAD).

    Parameters
    ----------
    alpha : float, default 0.05
        Threshold quantile ``1 - alpha`` over the trees; drift is declared when
        at least ``int(2 * alpha * T)`` trees exceed it.
    split : {"halves", "random"}, default "halves"
        How a window is halved (module docstring): first against second half
        (the original code's default), or the mean over ``n_splits`` random
        halvings.
    n_splits : int, default 10
        Random halvings averaged when ``split="random"``.
    delta : float, default 1e-16
        Smoothing of empty leaves (``delta / n`` per leaf), as in the original.
    random_state : int or None
        Seed of the random halvings.

    ``fit(forest, X)`` sets the reference; ``check(X)`` compares a new window.
    """

    def __init__(self, alpha=0.05, split="halves", n_splits=10, delta=DELTA, random_state=None):
        if not 0.0 < alpha < 0.5:
            raise ValueError(f"alpha={alpha} must lie in (0, 0.5): it is the share of trees "
                             "allowed above the threshold by chance")
        if split not in ("halves", "random"):
            raise ValueError(f"split={split!r}: use 'halves' (first half against second) or "
                             "'random' (mean over random halvings)")
        if int(n_splits) < 1:
            raise ValueError(f"n_splits={n_splits} must be at least 1")
        self.alpha = alpha
        self.split = split
        self.n_splits = int(n_splits)
        self.delta = delta
        self.random_state = random_state
        self._rng = np.random.default_rng(random_state)

    def _halves(self, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
        if n < 2:
            raise ValueError(f"a window of {n} instance(s) cannot be halved; give at least 2")
        h = n // 2
        if self.split == "halves":
            return [(np.arange(h), np.arange(h, n))]
        out = []
        for _ in range(self.n_splits):
            perm = self._rng.permutation(n)
            out.append((perm[:h], perm[h:]))
        return out

    def fit(self, forest, X) -> KLDriftDetector:
        """Reference distributions ``P`` (the whole window) and the threshold (from its halves)."""
        self.index_ = forest if isinstance(forest, LeafIndex) else LeafIndex(forest)
        cols = self.index_.columns(X)
        self.reference_ = leaf_distributions(self.index_, cols, self.delta)
        kls = [kl_per_tree(leaf_distributions(self.index_, cols[a], self.delta),
                           leaf_distributions(self.index_, cols[b], self.delta), self.index_)
               for a, b in self._halves(cols.shape[0])]
        self.reference_kl_ = np.mean(kls, axis=0)
        self.threshold_ = float(np.quantile(self.reference_kl_, 1.0 - self.alpha))
        self.min_trees_ = min_drifted_trees(self.alpha, self.index_.n_trees)
        return self

    def score(self, X) -> np.ndarray:
        """``KL(P_t || Q_t)`` per tree for a new window (``Q`` from its halves, see ``split``)."""
        if not hasattr(self, "reference_"):
            raise ValueError("fit the detector on a reference window first: detector.fit(forest, X)")
        cols = self.index_.columns(X)
        kls = [kl_per_tree(self.reference_, leaf_distributions(self.index_, cols[b], self.delta),
                           self.index_) for _, b in self._halves(cols.shape[0])]
        return np.mean(kls, axis=0)

    def check(self, X) -> DriftCheck:
        """Which trees drifted on the window ``X``, and whether that is enough to declare drift."""
        kl = self.score(X)
        drifted = np.flatnonzero(kl > self.threshold_)
        return DriftCheck(kl=kl, threshold=self.threshold_, drifted=drifted,
                          fired=bool(drifted.size >= self.min_trees_), min_trees=self.min_trees_)
