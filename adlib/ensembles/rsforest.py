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

* ``node_value="linear"`` (default): ``-mass / volume``, minus the leaf's
  density. Rows sum to minus ``n_trees`` times the RS-Forest score (the mean
  density over the trees), so uniform weights reproduce the RS-Forest ranking
  exactly (``normalize="global"`` or ``None``).
* ``node_value="log"``: ``-log(mass + 1e-16) + log(volume)``, the original AAD
  code's leaf score (``RSF_LOG_SCORE``): uniform weights rank by the geometric
  mean of the tree densities instead.

DESIGN.md has the measurements behind the default.
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
    node_value : {"linear", "log"}, default "linear"
        ``-mass / volume`` (uniform weights reproduce RS-Forest) or
        ``-log(mass + 1e-16) + log(volume)`` (the original AAD code's; uniform
        weights rank by the geometric-mean density). ``mass`` is the share of
        the tree's sample in the leaf, ``volume`` the leaf's share of the work
        space.
    normalize : {"global", "unit", None}, default "global"
        Row normalisation, see :class:`RegionEnsemble`.
    random_state : int, RandomState or None
        Seed of the samples, split features and cut positions.

    ``score_samples`` is the sum of the leaf values over the trees, higher =
    more anomalous: with ``node_value="linear"`` minus ``n_trees`` times the
    RS-Forest density score (see :meth:`densities`), i.e. exactly the
    RS-Forest order and exactly what uniform weights reproduce.
    """

    def __init__(self, n_trees=50, max_depth=8, max_samples=256, node_value="linear",
                 normalize="global", random_state=None):
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
