"""The per-tree KL drift detector (adlib.ensembles.drift) on our forests and scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest, RandomForestClassifier

from adlib.ensembles import HSTrees, IsolationForestRegions, RSForest
from adlib.ensembles.drift import (
    KLDriftDetector,
    LeafIndex,
    false_alarm_prediction,
    kl_per_tree,
    leaf_distributions,
    min_drifted_trees,
)


def window(rng, n=1024, shift=0.0):
    X = rng.normal(size=(n, 4))
    X[:, 0] += shift
    return X


@pytest.fixture(scope="module")
def forest():
    return IsolationForestRegions(random_state=0).fit(window(np.random.default_rng(0)))


def test_leaf_distributions_are_per_tree_probabilities(forest):
    X = window(np.random.default_rng(1), n=300)
    index = LeafIndex(forest)
    cols = index.columns(X)
    assert cols.shape == (300, forest.n_trees)
    p = leaf_distributions(index, cols)
    sums = np.bincount(index.tree_of_leaf, weights=p)
    np.testing.assert_allclose(sums, 1.0, rtol=1e-12)
    assert (p > 0).all()
    # the columns are the trees' leaves: the same leaves the region features use
    member_cols = forest.transform(X).indices.reshape(300, -1)
    leaf_pos = np.flatnonzero(np.concatenate([t.children_left < 0 for t in forest.trees_]))
    assert index.n_leaves == forest.n_members_ == leaf_pos.size
    np.testing.assert_array_equal(cols, member_cols)


def test_kl_is_zero_for_equal_distributions_and_positive_otherwise(forest):
    index = LeafIndex(forest)
    rng = np.random.default_rng(2)
    p = leaf_distributions(index, index.columns(window(rng)))
    np.testing.assert_allclose(kl_per_tree(p, p, index), 0.0, atol=1e-12)
    q = leaf_distributions(index, index.columns(window(rng, shift=2.0)))
    assert (kl_per_tree(p, q, index) > 0).all()


@pytest.mark.parametrize("split", ["halves", "random"])
def test_no_drift_on_a_stationary_stream_within_what_alpha_predicts(split):
    """Stationary windows (the reference moves on after an alarm, as in a stream).

    alpha predicts the share of trees above the threshold (5 %): measured, it
    must stay below 2 alpha, the share that declares drift. Alarms are then
    rare, but not as rare as a binomial tail (2.8 %) would say: the trees see
    the same windows, so their exceedances come together (the chapter
    measures it); here at most a quarter of the windows may raise one.
    """
    rng = np.random.default_rng(3)
    X0 = window(rng)
    forest = IsolationForestRegions(random_state=1).fit(X0)
    det = KLDriftDetector(split=split, random_state=0).fit(forest, X0)
    shares, fired = [], 0
    for w in range(40):
        X = window(rng)
        check = det.check(X)
        shares.append(check.n_drifted / 100)
        fired += check.fired
        if check.fired:
            forest.replace_trees(check.drifted, X, random_state=w)
            det.fit(forest, X)
    assert np.mean(shares) < 2 * 0.05, f"{np.mean(shares):.3f} of the trees above the threshold"
    assert fired <= 10, f"{fired} false alarms in 40 stationary windows ({split})"
    assert false_alarm_prediction(0.05, 100) == pytest.approx(0.0282, abs=1e-3)
    assert min_drifted_trees(0.05, 100) == 10


@pytest.mark.parametrize("split", ["halves", "random"])
def test_drift_is_detected_on_a_planted_shift(forest, split):
    rng = np.random.default_rng(4)
    det = KLDriftDetector(split=split, random_state=0).fit(forest, window(rng))
    check = det.check(window(rng, shift=1.5))
    assert check.fired and check.n_drifted >= 50
    assert check.threshold == det.threshold_


@pytest.mark.parametrize("make", [
    lambda X: RandomForestClassifier(n_estimators=40, random_state=0).fit(X, X[:, 0] + X[:, 1] > 0),
    lambda X: IsolationForest(n_estimators=40, random_state=0).fit(X),
    lambda X: HSTrees(n_trees=40, random_state=0).fit(X),
    lambda X: RSForest(n_trees=40, random_state=0).fit(X),
], ids=["sklearn-random-forest", "sklearn-isolation-forest", "hstrees", "rsforest"])
def test_detector_works_on_other_tree_ensembles(make):
    rng = np.random.default_rng(5)
    X0 = window(rng)
    det = KLDriftDetector().fit(make(X0), X0)
    assert det.index_.n_trees == 40
    assert det.check(window(rng, shift=2.0)).fired
    assert det.check(window(rng)).n_drifted < 40 * 0.5


def test_sklearn_isolation_forest_uses_each_trees_feature_order():
    """scikit-learn's IsolationForest trains each tree on a permutation of the columns."""
    rng = np.random.default_rng(6)
    X = window(rng, n=500)
    sk = IsolationForest(n_estimators=5, random_state=0).fit(X)
    cols = LeafIndex(sk).columns(X)
    index = LeafIndex(sk)
    for t, (est, feats) in enumerate(zip(sk.estimators_, sk.estimators_features_, strict=True)):
        leaves = est.apply(X[:, feats].astype(np.float32))
        np.testing.assert_array_equal(cols[:, t], index.leaf_of_node[leaves + index.node_offset[t]])


def test_random_splits_are_seeded(forest):
    X = window(np.random.default_rng(7))
    a = KLDriftDetector(split="random", random_state=3).fit(forest, X)
    b = KLDriftDetector(split="random", random_state=3).fit(forest, X)
    assert a.threshold_ == b.threshold_
    Y = window(np.random.default_rng(8))
    np.testing.assert_array_equal(a.score(Y), b.score(Y))


def test_bad_inputs_are_named(forest):
    with pytest.raises(ValueError, match="alpha"):
        KLDriftDetector(alpha=0.7)
    with pytest.raises(ValueError, match="split"):
        KLDriftDetector(split="thirds")
    with pytest.raises(ValueError, match="fit the detector"):
        KLDriftDetector().check(np.zeros((10, 4)))
    with pytest.raises(TypeError, match="not a fitted tree ensemble"):
        KLDriftDetector().fit(object(), np.zeros((10, 4)))
    with pytest.raises(ValueError, match="cannot be halved"):
        KLDriftDetector().fit(forest, np.zeros((1, 4)))
