"""Half-Space Trees (Tan, Ting & Liu 2011) as an ensemble of tree regions.

Each tree is a *full* binary tree of fixed depth ``max_depth`` grown without
looking at the data beyond their range: every internal node splits its box at
the mid-point of a randomly chosen feature. The root box is a randomly
perturbed work space: per feature a random ``s`` in ``[min, max]`` of the
tree's sample and the range ``s +- 2 * max(s - min, max - s)``, so it always
covers the data. The "mass" of a leaf is the number of the tree's sample points
that fall into it, and HS-Trees score an instance by ``mass(leaf) * 2**depth``,
summed over the trees (low = anomalous). As every leaf of a full tree has the
same depth, ``2**depth`` is also the inverse of the leaf's share of the
work-space volume: the score is a mass-per-volume (density) estimate.

The leaves are the AAD ensemble members (``n_trees * 2**max_depth`` columns,
one non-zero per tree in every row). Two leaf values are offered:

* ``node_value="linear"`` (default): ``-mass * 2**depth / n_sample``, minus the
  leaf's share of the tree sample divided by its share of the volume. A row
  sums to minus the HS-Trees score divided by the sample size, so uniform
  weights reproduce the HS-Trees ranking exactly (``score_samples`` equals the
  unnormalised row sum bit for bit; scaling or weighting can only reorder
  exact ties, which HS-Trees has many of: its scores are integers).
* ``node_value="log"``: ``-(log(mass / n_sample + 1e-16) + depth * log 2)``, the
  original AAD code's HS-Trees leaf score (Das et al. 2017, ``HST_LOG_SCORE``).
  Uniform weights then rank by the *geometric* mean of the per-tree densities,
  which is not the HS-Trees order; empty leaves get ``-log 1e-16 = 36.8``, so
  an instance that lands in an empty leaf of any tree ranks above all those
  that never do.

Defaults, by measurement: greedy top-1 AAD (tau 0.03), 5 reruns (seeds 0-4),
mean anomalies found at the budget (mean unsupervised baseline in brackets):

=================  ===========  ============  ================  ===========
HS-Trees rows      toy2 @35     abalone @300  ann_thyroid @300  yeast @300
=================  ===========  ============  ================  ===========
linear, global     17.0 (12.8)  19.4 (21.6)   69.4 (20.2)       35.6 (30.4)
linear, None       22.2 (12.8)  22.6 (21.6)   72.4 (20.2)       35.6 (30.4)
log, global        15.6 (12.8)  23.0 (23.8)   67.8 (29.8)       36.0 (32.0)
log, None (AAD)    19.8 (12.8)  23.6 (23.8)   72.2 (29.8)       37.0 (32.0)
=================  ===========  ============  ================  ===========

Unnormalised rows (``normalize=None``, as the original AAD scripts run
HS-Trees) found 1-5 more anomalies than the library's usual "global" scaling
for either leaf value; linear and log values then found the same within noise
(152.8 vs 152.6 in total), and the linear value keeps the detector's own
ranking exact, so it is the default.

Differences from the papers, all as in the original AAD code: the trees are
built in batch on a random sub-sample of ``max_samples`` points (the paper's
reference window), and there is no ``sizeLimit`` (every instance is scored at
its depth-``max_depth`` leaf).

The module also holds :class:`RandomSplitForest`, the machinery shared with
RS-Forest (:mod:`adlib.ensembles.rsforest`): fixed-depth full binary trees kept
as flat arrays (node ``i`` has children ``2i + 1`` and ``2i + 2``), so that
routing instances is one vectorised numpy step per level and tree.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._validation import check_features
from .base import RegionEnsemble, fixed_width_csr, index_dtype

LOG_EPS = 1e-16  # the original AAD code's guard for empty leaves: log(mass / n + 1e-16)
MAX_DEPTH_LIMIT = 20


class RandomSplitForest(RegionEnsemble):
    """Fixed-depth random-split trees whose leaves are the ensemble members.

    Subclasses choose the root box (``_work_space``) and where a node's box is
    cut (``_split_fractions``: the cut sits at ``lower + r * (upper - lower)``
    of the chosen feature). The rest is shared: masses, volumes, leaf values,
    the region features and the ensemble's own score.

    Fitted attributes (``T = n_trees``, ``D = max_depth``, ``L = 2**D`` leaves
    per tree, ``m = T * L`` members):

    * ``feature_``, ``threshold_`` ``(T, L - 1)``: the split of each internal
      node; ``x[feature] <= threshold`` goes left (child ``2i + 1``), ``>``
      right (``2i + 2``).
    * ``work_lower_``, ``work_upper_`` ``(T, d)``: the root box of each tree.
    * ``n_samples_tree_``: points per tree sample (masses count these).
    * per member (column ``t * L + j`` is leaf ``j`` of tree ``t``):
      ``member_tree_``, ``member_node_`` (node index in the tree's layout),
      ``member_depth_`` (always ``D``), ``member_size_`` (the mass),
      ``member_volume_`` (share of the work-space volume),
      ``member_lower_`` / ``member_upper_`` ``(m, d)`` (the region an instance
      must lie in to reach the leaf: ``lower < x <= upper``, ``+-inf`` where a
      side is never cut), and ``member_value_``.
    """

    _node_values = ("linear", "log")

    # -- to implement ----------------------------------------------------------
    def _work_space(self, Xs, rng):
        """Root box ``(lower, upper)`` of one tree from its sample ``Xs``."""
        raise NotImplementedError

    def _split_fractions(self, rng, size):
        """Relative cut positions ``r`` in (0, 1) for ``size`` nodes of one level."""
        raise NotImplementedError

    # -- fitting -----------------------------------------------------------------
    def _check_params(self):
        if not isinstance(self.n_trees, numbers.Integral) or self.n_trees < 1:
            raise ValueError(f"n_trees={self.n_trees!r} must be a positive integer")
        if (not isinstance(self.max_depth, numbers.Integral)
                or not 1 <= self.max_depth <= MAX_DEPTH_LIMIT):
            raise ValueError(f"max_depth={self.max_depth!r} must be an integer between 1 and "
                             f"{MAX_DEPTH_LIMIT}")
        if self.max_samples is not None and (
                not isinstance(self.max_samples, numbers.Integral) or self.max_samples < 1):
            raise ValueError(f"max_samples={self.max_samples!r} must be a positive integer or None")
        if self.node_value not in self._node_values:
            raise ValueError(f"node_value={self.node_value!r}: use one of {self._node_values}")

    def _fit(self, X):
        self._check_params()
        rng = check_random_state(self.random_state)
        n, d = X.shape
        T, D = int(self.n_trees), int(self.max_depth)
        L = 2 ** D
        n_nodes = 2 * L - 1
        n_sub = n if self.max_samples is None else min(int(self.max_samples), n)

        feature = np.empty((T, L - 1), dtype=np.intp)
        threshold = np.empty((T, L - 1))
        work_lower = np.empty((T, d))
        work_upper = np.empty((T, d))
        mass = np.empty((T, L), dtype=np.int64)
        volume = np.empty((T, L))
        lower = np.empty((T, L, d))
        upper = np.empty((T, L, d))
        for t in range(T):
            Xs = X if n_sub == n else X[rng.choice(n, size=n_sub, replace=False)]
            work_lower[t], work_upper[t] = self._work_space(Xs, rng)
            box_lo = np.empty((n_nodes, d))  # boxes inside the work space (for the cuts)
            box_hi = np.empty((n_nodes, d))
            reg_lo = np.full((n_nodes, d), -np.inf)  # regions reached (for descriptions)
            reg_hi = np.full((n_nodes, d), np.inf)
            vol = np.empty(n_nodes)
            box_lo[0], box_hi[0], vol[0] = work_lower[t], work_upper[t], 1.0
            for level in range(D):
                nodes = np.arange(2 ** level - 1, 2 ** (level + 1) - 1)
                f = rng.randint(d, size=nodes.size)
                r = self._split_fractions(rng, nodes.size)
                a, b = box_lo[nodes, f], box_hi[nodes, f]
                thr = a + r * (b - a)
                feature[t, nodes], threshold[t, nodes] = f, thr
                for child, frac in ((2 * nodes + 1, r), (2 * nodes + 2, 1.0 - r)):
                    box_lo[child], box_hi[child] = box_lo[nodes], box_hi[nodes]
                    reg_lo[child], reg_hi[child] = reg_lo[nodes], reg_hi[nodes]
                    vol[child] = vol[nodes] * frac
                left, right = 2 * nodes + 1, 2 * nodes + 2
                box_hi[left, f] = reg_hi[left, f] = thr
                box_lo[right, f] = reg_lo[right, f] = thr
            leaf = _descend(Xs, feature[t], threshold[t], D) - (L - 1)
            mass[t] = np.bincount(leaf, minlength=L)
            volume[t] = vol[L - 1:]
            lower[t], upper[t] = reg_lo[L - 1:], reg_hi[L - 1:]

        self.feature_ = feature
        self.threshold_ = threshold
        self.work_lower_ = work_lower
        self.work_upper_ = work_upper
        self.n_samples_tree_ = n_sub
        self.member_tree_ = np.repeat(np.arange(T), L)
        self.member_node_ = np.tile(np.arange(L - 1, n_nodes), T)
        self.member_depth_ = np.full(T * L, D, dtype=np.int64)
        self.member_size_ = mass.ravel()
        self.member_volume_ = volume.ravel()
        self.member_lower_ = lower.reshape(T * L, d)
        self.member_upper_ = upper.reshape(T * L, d)
        self.member_value_ = leaf_values(self.member_size_, self.member_volume_, n_sub,
                                         self.node_value)

    # -- region features ---------------------------------------------------------
    def _n_members(self) -> int:
        return self.member_value_.shape[0]

    def _leaf_columns(self, X) -> np.ndarray:
        """Member column of the leaf each row reaches in each tree, ``(n, n_trees)``."""
        T, D = self.feature_.shape[0], int(self.max_depth)
        L = 2 ** D
        cols = np.empty((X.shape[0], T), dtype=index_dtype(T * L, X.shape[0] * T))
        for t in range(T):
            cols[:, t] = _descend(X, self.feature_[t], self.threshold_[t], D) + (t * L - (L - 1))
        return cols

    def _member_values(self, X) -> sp.csr_matrix:
        cols = self._leaf_columns(X)
        return fixed_width_csr(self.member_value_[cols], self._n_members(), cols)

    def update_counts(self, X, weight=1.0):
        """Leaf masses from a new window of data: the streaming update of HS-Trees and RS-Forest.

        ``weight=1`` replaces every leaf's mass by the new window's count (the
        published HS-Trees update, which the original AAD code also applies to
        RS-Forest); ``0 < weight < 1`` mixes the shares linearly,
        ``(1 - weight) * old + weight * new`` (the original's experimental
        incremental update uses 0.5). Tree structure and leaf volumes do not
        change, so the member columns (and AAD weights over them) keep their
        meaning; only the leaf values follow the new masses.
        """
        check_is_fitted(self, "scale_")
        X = check_features(X, "X", n_features=self.n_features_in_)
        if not 0.0 < float(weight) <= 1.0:
            raise ValueError(f"weight={weight!r} must lie in (0, 1] (1 = replace the counts)")
        cols = self._leaf_columns(X)
        counts = np.bincount(cols.ravel(), minlength=self._n_members())
        n = X.shape[0]
        if float(weight) == 1.0:
            size = counts
        else:
            share = ((1.0 - weight) * self.member_size_ / self.n_samples_tree_
                     + weight * counts / n)
            size = share * n
        self.n_samples_tree_ = n
        self.member_size_ = size
        self.member_value_ = leaf_values(size, self.member_volume_, n, self.node_value)
        return self

    def apply(self, X) -> np.ndarray:
        """Leaf reached by each row in each tree, ``(n, n_trees)``: node indices in the tree layout."""
        check_is_fitted(self, "scale_")
        X = check_features(X, "X", n_features=self.n_features_in_)
        L = 2 ** int(self.max_depth)
        return self._leaf_columns(X) - (np.arange(self.feature_.shape[0]) * L - (L - 1))

    def score_samples(self, X) -> np.ndarray:
        """The sum of the row's leaf values over the trees (higher = more anomalous).

        This is exactly what uniform weights reproduce. With
        ``node_value="linear"`` it is minus the summed density estimate of the
        detector (see the class docstring for its original scale); with
        ``"log"`` it is minus the sum of the log densities (the geometric-mean
        ranking of the original AAD code), not the detector's original order.
        """
        check_is_fitted(self, "scale_")
        X = check_features(X, "X", n_features=self.n_features_in_)
        cols = self._leaf_columns(X)
        total = np.zeros(X.shape[0])
        for t in range(cols.shape[1]):  # tree order: the same additions as the sparse row sum
            total += self.member_value_[cols[:, t]]
        return total


def leaf_values(mass, volume, n_sample, node_value) -> np.ndarray:
    """Member values from leaf masses and volume shares (higher = more anomalous).

    ``"linear"``: ``-(mass / n_sample) / volume`` (minus the density relative to
    the work space); ``"log"``: ``-log(mass / n_sample + 1e-16) + log(volume)``.
    """
    frac = np.asarray(mass, dtype=np.float64) / n_sample
    volume = np.asarray(volume, dtype=np.float64)
    if node_value == "linear":
        return -frac / volume
    if node_value == "log":
        return -np.log(frac + LOG_EPS) + np.log(volume)
    raise ValueError(f"node_value={node_value!r}: use 'linear' or 'log'")


def _descend(X, feature, threshold, depth) -> np.ndarray:
    """Node index (full binary layout) reached by every row after ``depth`` splits."""
    rows = np.arange(X.shape[0])
    node = np.zeros(X.shape[0], dtype=np.intp)
    for _ in range(depth):
        node = 2 * node + 1 + (X[rows, feature[node]] > threshold[node])
    return node


class HSTrees(RandomSplitForest):
    """Half-Space Trees whose leaves are the AAD ensemble members.

    Parameters
    ----------
    n_trees : int, default 50
        Number of trees (the original AAD scripts use 50 for HS-Trees).
    max_depth : int, default 8
        Depth of every (full binary) tree: ``2**max_depth`` leaves per tree.
    max_samples : int or None, default 256
        Points drawn without replacement per tree to set its work space and its
        leaf masses (the original AAD code draws ``min(256, n)``); ``None`` uses
        all points.
    node_value : {"linear", "log"}, default "linear"
        ``-mass * 2**depth / n_sample`` (uniform weights reproduce HS-Trees) or
        ``-(log(mass / n_sample + 1e-16) + depth * log 2)`` (the original AAD
        code's leaf score; uniform weights rank by the geometric-mean density).
    normalize : {"global", "unit", None}, default None
        Row normalisation, see :class:`RegionEnsemble`. Unnormalised rows (as
        in the original AAD scripts) found more anomalies with feedback than
        "global" ones (module docstring).
    random_state : int, RandomState or None
        Seed of the samples, work spaces and split features.

    ``score_samples`` is the sum of the leaf values over the trees, higher =
    more anomalous: with ``node_value="linear"`` minus the HS-Trees score
    ``sum_t mass_t * 2**depth`` divided by the sample size, i.e. exactly the
    HS-Trees order (and exactly what uniform weights reproduce); the original
    score itself is :meth:`hs_scores`. With ``node_value="log"`` it is minus
    the sum of the log densities (the geometric-mean order of the original
    AAD code), again what uniform weights reproduce.
    """

    def __init__(self, n_trees=50, max_depth=8, max_samples=256, node_value="linear",
                 normalize=None, random_state=None):
        self.n_trees = n_trees
        self.max_depth = max_depth
        self.max_samples = max_samples
        self.node_value = node_value
        self.normalize = normalize
        self.random_state = random_state

    def _work_space(self, Xs, rng):
        mn, mx = Xs.min(axis=0), Xs.max(axis=0)
        s = mn + rng.uniform(0.0, 1.0, size=mn.shape[0]) * (mx - mn)
        half = 2.0 * np.maximum(s - mn, mx - s)
        return s - half, s + half

    def _split_fractions(self, rng, size):
        return np.full(size, 0.5)

    def hs_scores(self, X) -> np.ndarray:
        """The original HS-Trees score ``sum_t mass_t(leaf) * 2**depth`` (LOW = anomalous)."""
        check_is_fitted(self, "scale_")
        X = check_features(X, "X", n_features=self.n_features_in_)
        cols = self._leaf_columns(X)
        return (self.member_size_[cols] * 2.0 ** self.member_depth_[cols]).sum(axis=1)
