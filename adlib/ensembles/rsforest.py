"""RS-Forest (Wu, Zhang, Fan, Edwards & Yu 2014) as an ensemble of tree regions.

RS-Forest estimates a density with fully randomised space trees: each tree is
a full binary tree of fixed depth over a work space, every internal node cuts
its box at a uniformly random position of a randomly chosen feature, and a
leaf's density estimate is its mass (share of the tree's sample that falls
into it) divided by its volume (share of the work-space volume: the product of
the cut fractions along its path). Low density = anomalous.

The work space follows the paper's "statistical attribute range estimation"
as the original AAD code implements it: per feature, the 5% and 95% quantiles
of the tree's sample widened by three spreads. The AAD code widens by three
*variances*, which depends on the features' units; here it is three standard
deviations. Points outside the work space fall into the outermost leaves.

The leaves are the AAD ensemble members (one non-zero per tree per row). Leaf
values:

* ``node_value="log"`` (default): ``-log(mass + 1e-16) + log(volume)``, minus
  the log density: the original AAD code's leaf score (``RSF_LOG_SCORE``).
  Uniform weights rank by the *geometric* mean of the tree densities, which
  is what ``score_samples`` returns; it is not RS-Forest's own (arithmetic
  mean) order, which :meth:`RSForest.densities` gives.
* ``node_value="linear"``: ``-mass / volume``, minus the leaf's density. Rows
  sum to minus ``n_trees`` times the RS-Forest score, so uniform weights
  reproduce the RS-Forest ranking exactly.

Defaults, by measurement: greedy top-1 AAD (tau 0.03), 5 reruns (seeds 0-4),
mean anomalies found at the budget (mean unsupervised baseline in brackets):

=================  ===========  ============  ================  ===========
RS-Forest rows     toy2 @35     abalone @300  ann_thyroid @300  yeast @300
=================  ===========  ============  ================  ===========
linear, global     20.2 (13.6)  22.6 (21.6)   62.0 (25.4)       33.0 (25.6)
linear, None       18.4 (13.6)  23.0 (21.6)   61.6 (25.4)       33.6 (25.6)
log, global        13.6 (10.4)  22.6 (23.2)   69.4 (37.4)       33.0 (31.0)
log, None (AAD)    16.6 (10.4)  24.0 (23.2)   71.8 (37.4)       34.6 (31.0)
=================  ===========  ============  ================  ===========

Log values on unnormalised rows, the original AAD configuration, found the
most on abalone, ann_thyroid_1v3 and yeast (toy2 is the exception), from the
best unsupervised start on those three. Leaf volumes span some ten orders of
magnitude (products of eight uniform cut fractions), so linear densities are
dominated by a few tiny leaves: their feedback runs were erratic (one ann_thyroid rerun found 21 of 73 anomalies
where the log value found 69-73).

In-sample caveat (as in the original AAD code, which also scores the points
the trees were built on): a lone point that is in a tree's sample has mass 1
in its leaf, and if that leaf is tiny its density is high. RS-Forest is at its
best scoring points that were not in the tree samples (the papers' streaming
setting).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._validation import check_features
from .hstrees import RandomSplitForest

N_SPREADS = 3.0
QUANTILES = (0.05, 0.95)


class RSForest(RandomSplitForest):
    """RS-Forest whose leaves are the AAD ensemble members.

    Parameters
    ----------
    n_trees : int, default 50
        Number of trees (the original AAD scripts use 50 for RS-Forest).
    max_depth : int, default 8
        Depth of every (full binary) tree: ``2**max_depth`` leaves per tree.
    max_samples : int or None, default 256
        Points drawn without replacement per tree to set its work space and its
        leaf masses (the original AAD code draws ``min(256, n)``); ``None`` uses
        all points.
    node_value : {"log", "linear"}, default "log"
        ``-log(mass + 1e-16) + log(volume)`` (the original AAD code's; uniform
        weights rank by the geometric-mean density) or ``-mass / volume``
        (uniform weights reproduce RS-Forest's arithmetic-mean density).
        ``mass`` is the share of the tree's sample in the leaf, ``volume`` the
        leaf's share of the work space.
    normalize : {"global", "unit", None}, default None
        Row normalisation, see :class:`RegionEnsemble`. Unnormalised rows (as
        in the original AAD scripts) found the most anomalies (module docstring).
    random_state : int, RandomState or None
        Seed of the samples, split features and cut positions.

    ``score_samples`` is the sum of the leaf values over the trees, higher =
    more anomalous, and exactly what uniform weights reproduce. With the
    default ``node_value="log"`` it is minus the sum of the trees' log
    densities, i.e. the order of the *geometric* mean density (the original
    AAD code's); with ``"linear"`` it is minus ``n_trees`` times RS-Forest's
    own score (:meth:`densities`, the arithmetic mean).
    """

    def __init__(self, n_trees=50, max_depth=8, max_samples=256, node_value="log",
                 normalize=None, random_state=None):
        self.n_trees = n_trees
        self.max_depth = max_depth
        self.max_samples = max_samples
        self.node_value = node_value
        self.normalize = normalize
        self.random_state = random_state

    def _work_space(self, Xs, rng):
        lo, hi = np.quantile(Xs, QUANTILES, axis=0)
        spread = N_SPREADS * Xs.std(axis=0)
        return lo - spread, hi + spread

    def _split_fractions(self, rng, size):
        # uniform in (0, 1): both children keep a positive volume
        return np.clip(rng.uniform(0.0, 1.0, size=size), 1e-12, 1.0 - 1e-12)

    def densities(self, X) -> np.ndarray:
        """The RS-Forest score: mean over the trees of mass share / volume share (LOW = anomalous)."""
        check_is_fitted(self, "scale_")
        X = check_features(X, "X", n_features=self.n_features_in_)
        cols = self._leaf_columns(X)
        dens = self.member_size_[cols] / self.n_samples_tree_ / self.member_volume_[cols]
        return dens.mean(axis=1)
