"""Isolation Forest region features: structure, normalisation, and the IForest ranking."""

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.ensemble._iforest import _average_path_length

from adlib.ensembles import IsolationForestRegions, make_ensemble
from adlib.ensembles.iforest import average_path_length, node_depths


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(400, 3)), rng.normal(loc=6.0, scale=0.3, size=(12, 3))])
    return X


def test_average_path_length_matches_sklearn():
    n = np.array([0, 1, 2, 3, 5, 17, 256, 1000])
    np.testing.assert_allclose(average_path_length(n), _average_path_length(n))


def test_node_depths_match_a_recursive_walk(blobs):
    tree = IsolationForestRegions(n_trees=3, random_state=1).fit(blobs).trees_[0]
    expected = {}

    def walk(node, depth):
        expected[node] = depth
        for child in (tree.children_left[node], tree.children_right[node]):
            if child >= 0:
                walk(child, depth + 1)

    walk(0, 0)
    depth = node_depths(tree.children_left, tree.children_right)
    assert [depth[i] for i in sorted(expected)] == [expected[i] for i in sorted(expected)]


@pytest.mark.parametrize("normalize", ["global", None])
def test_uniform_weights_reproduce_isolation_forest_order(blobs, normalize):
    ens = IsolationForestRegions(random_state=0, normalize=normalize).fit(blobs)
    uniform = np.asarray(ens.transform(blobs).sum(axis=1)).ravel()
    iforest = ens.score_samples(blobs)
    order = np.lexsort((np.arange(len(uniform)), -uniform))
    ref = np.lexsort((np.arange(len(iforest)), -iforest))
    np.testing.assert_array_equal(order, ref)
    # and the score itself: the row sum is -n_trees * mean path length (up to the scale)
    np.testing.assert_allclose(uniform * (ens.scale_ if normalize else 1.0),
                               -ens.n_trees * ens.path_lengths(blobs), rtol=1e-10)


def test_unit_rows_keep_the_ranking_close(blobs):
    ens = IsolationForestRegions(random_state=0, normalize="unit").fit(blobs)
    Z = ens.transform(blobs)
    np.testing.assert_allclose(np.sqrt(Z.multiply(Z).sum(axis=1)).A1, 1.0)
    rho = spearmanr(Z.sum(axis=1).A1, ens.score_samples(blobs))[0]
    assert rho > 0.9


def test_leaf_features_have_one_entry_per_tree(blobs):
    ens = IsolationForestRegions(n_trees=25, random_state=0).fit(blobs)
    Z = ens.transform(blobs)
    assert Z.shape == (blobs.shape[0], ens.n_members_)
    assert np.all(np.diff(Z.indptr) == 25)
    # each tree's entries fall in its own block of columns
    trees = ens.member_tree_[Z.indices].reshape(-1, 25)
    assert np.all(trees == np.arange(25))
    assert np.all(Z.data < 0)  # minus a path length


def test_all_nodes_features_follow_the_paths(blobs):
    ens = IsolationForestRegions(n_trees=5, leaves_only=False, random_state=0).fit(blobs)
    Z = ens.transform(blobs)
    X32 = blobs.astype(np.float32)
    expected = sum(t.decision_path(X32).sum(axis=1).A1 - 1 for t in ens.trees_)
    np.testing.assert_array_equal(np.diff(Z.indptr), expected)


def test_far_points_score_highest(blobs):
    ens = IsolationForestRegions(random_state=0).fit(blobs)
    s = ens.transform(blobs).sum(axis=1).A1
    assert set(np.argsort(-s)[:12]) == set(range(400, 412))


def test_seed_makes_features_reproducible(blobs):
    a = IsolationForestRegions(random_state=3).fit(blobs).transform(blobs)
    b = IsolationForestRegions(random_state=3).fit(blobs).transform(blobs)
    assert (a != b).nnz == 0


def test_bad_inputs_are_named(blobs):
    ens = IsolationForestRegions(random_state=0).fit(blobs)
    with pytest.raises(ValueError, match="X has 2 features but the model was fitted on 3"):
        ens.transform(blobs[:, :2])
    bad = blobs.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or inf in columns \\[1\\]"):
        IsolationForestRegions().fit(bad)
    with pytest.raises(ValueError, match="2-D"):
        IsolationForestRegions().fit(blobs[:, 0])
    with pytest.raises(ValueError, match="normalize='l1' is not supported"):
        IsolationForestRegions(normalize="l1").fit(blobs)
    with pytest.raises(ValueError, match="unknown ensemble .forest.; choose one of: hstrees, iforest, loda"):
        make_ensemble("forest")


def test_member_boxes_contain_exactly_their_members(blobs):
    ens = IsolationForestRegions(n_trees=10, random_state=0).fit(blobs)
    Z = ens.transform(blobs)
    for j in np.unique(Z.indices)[::25]:
        rows = Z[:, j].nonzero()[0]
        # float32 thresholds: compare membership as scikit-learn's trees decide it
        X32 = blobs.astype(np.float32).astype(np.float64)
        inside = np.all((X32 > ens.member_lower_[j]) & (X32 <= ens.member_upper_[j]), axis=1)
        np.testing.assert_array_equal(np.flatnonzero(inside), rows)
