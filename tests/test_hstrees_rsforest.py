"""HS-Trees and RS-Forest region features: structure, boxes, hand-checked values, own rankings."""

import numpy as np
import pytest

from adlib.aad import discover
from adlib.aad.model import AAD
from adlib.datasets import load_dataset
from adlib.ensembles.base import RegionEnsemble
from adlib.ensembles.hstrees import HSTrees
from adlib.ensembles.rsforest import RSForest

ENSEMBLES = [HSTrees, RSForest]


@pytest.fixture(scope="module")
def blobs():
    """400 standard normal points, then 12 scattered far away (density detectors miss a tight cluster)."""
    rng = np.random.default_rng(0)
    direction = rng.normal(size=(12, 3))
    far = 7.0 * direction / np.linalg.norm(direction, axis=1, keepdims=True)
    return np.vstack([rng.normal(size=(400, 3)), far])


def order(s):
    """Decreasing score order, ties broken by index (as the baseline curve does)."""
    return np.lexsort((np.arange(s.shape[0]), -s))


@pytest.mark.parametrize("cls", ENSEMBLES)
def test_one_leaf_per_tree_in_its_own_block(cls, blobs):
    ens = cls(n_trees=7, max_depth=5, random_state=0).fit(blobs)
    assert isinstance(ens, RegionEnsemble)
    Z = ens.transform(blobs)
    m = 7 * 2 ** 5
    assert Z.shape == (blobs.shape[0], m) == (blobs.shape[0], ens.n_members_)
    assert np.all(np.diff(Z.indptr) == 7)
    assert np.all(ens.member_tree_[Z.indices].reshape(-1, 7) == np.arange(7))
    for name in ("member_value_", "member_tree_", "member_node_", "member_depth_",
                 "member_size_", "member_volume_"):
        assert getattr(ens, name).shape == (m,), name
    assert ens.member_lower_.shape == ens.member_upper_.shape == (m, 3)
    assert np.all(ens.member_depth_ == 5)
    # each tree's masses count its whole sample once; volumes partition the work space
    np.testing.assert_array_equal(ens.member_size_.reshape(7, -1).sum(axis=1), 256)
    np.testing.assert_allclose(ens.member_volume_.reshape(7, -1).sum(axis=1), 1.0)


@pytest.mark.parametrize("cls", ENSEMBLES)
def test_boxes_masses_and_volumes_agree_with_a_direct_count(cls, blobs):
    """With every point in the sample, a leaf's mass is the number of points in its box."""
    ens = cls(n_trees=3, max_depth=4, max_samples=None, random_state=2).fit(blobs)
    inside = np.all((blobs[:, None, :] > ens.member_lower_[None])
                    & (blobs[:, None, :] <= ens.member_upper_[None]), axis=2)  # (n, m)
    np.testing.assert_array_equal(inside.sum(axis=0), ens.member_size_)
    # every point is in exactly one leaf box per tree, the one transform puts it in
    assert np.all(inside.sum(axis=1) == 3)
    Z = ens.transform(blobs)
    np.testing.assert_array_equal(np.sort(Z.indices.reshape(-1, 3), axis=1),
                                  np.nonzero(inside)[1].reshape(-1, 3))
    # volume share = product over features of the box's share of the work space
    t = ens.member_tree_
    lo = np.maximum(ens.member_lower_, ens.work_lower_[t])
    hi = np.minimum(ens.member_upper_, ens.work_upper_[t])
    share = (hi - lo) / (ens.work_upper_[t] - ens.work_lower_[t])
    np.testing.assert_allclose(share.prod(axis=1), ens.member_volume_, rtol=1e-9)
    # apply gives the leaves' node indices in the full binary layout
    leaves = ens.apply(blobs)
    np.testing.assert_array_equal(leaves, ens.member_node_[Z.indices].reshape(-1, 3))
    assert leaves.min() >= 2 ** 4 - 1 and leaves.max() <= 2 ** 5 - 2


def test_hstrees_work_space_and_mid_point_splits(blobs):
    ens = HSTrees(n_trees=4, max_depth=3, max_samples=None, random_state=1).fit(blobs)
    mn, mx = blobs.min(axis=0), blobs.max(axis=0)
    centre = (ens.work_lower_ + ens.work_upper_) / 2
    assert np.all((centre >= mn) & (centre <= mx))
    np.testing.assert_allclose(ens.work_upper_ - centre,
                               2 * np.maximum(centre - mn, mx - centre))
    np.testing.assert_allclose(ens.threshold_[:, 0],
                               centre[np.arange(4), ens.feature_[:, 0]])
    np.testing.assert_array_equal(ens.member_volume_, 2.0 ** -3)


def test_hand_checked_depth_one_trees():
    """1-D data [0, 0, 0, 1], one depth-1 tree: any split lies in [0, 1) (HS-Trees: s in [0, 1])."""
    X = np.array([[0.0], [0.0], [0.0], [1.0]])
    far = np.array([[-100.0], [100.0]])
    hs = HSTrees(n_trees=1, max_depth=1, max_samples=None, normalize=None, random_state=0).fit(X)
    s = hs.threshold_[0, 0]
    assert 0.0 <= s < 1.0
    np.testing.assert_array_equal(hs.member_size_, [3, 1])
    np.testing.assert_array_equal(hs.member_lower_.ravel(), [-np.inf, s])
    np.testing.assert_array_equal(hs.member_upper_.ravel(), [s, np.inf])
    # HS-Trees score mass * 2**depth: 6 for the zeros, 2 for the one; leaf value / 4 points
    np.testing.assert_array_equal(hs.hs_scores(X), [6, 6, 6, 2])
    np.testing.assert_array_equal(hs.score_samples(X), [-1.5, -1.5, -1.5, -0.5])
    np.testing.assert_array_equal(hs.transform(far).toarray(), [[-1.5, 0.0], [0.0, -0.5]])
    log = HSTrees(n_trees=1, max_depth=1, max_samples=None, node_value="log", normalize=None,
                  random_state=0).fit(X)
    np.testing.assert_allclose(log.member_value_, [-np.log(1.5), np.log(2.0)])

    rs = RSForest(n_trees=1, max_depth=1, max_samples=None, node_value="linear",
                  random_state=0).fit(X)
    # work space: quantiles 0 and 0.85 widened by 3 * std = 3 * sqrt(3) / 4
    np.testing.assert_allclose(rs.work_lower_, [[-3 * np.sqrt(3) / 4]])
    np.testing.assert_allclose(rs.work_upper_, [[0.85 + 3 * np.sqrt(3) / 4]])
    thr = rs.threshold_[0, 0]
    r = (thr - rs.work_lower_[0, 0]) / (rs.work_upper_[0, 0] - rs.work_lower_[0, 0])
    np.testing.assert_allclose(rs.member_volume_, [r, 1 - r])
    left = int((X[:, 0] <= thr).sum())
    np.testing.assert_array_equal(rs.member_size_, [left, 4 - left])
    np.testing.assert_allclose(rs.member_value_, [-left / 4 / r, -(4 - left) / 4 / (1 - r)])
    rs_log = RSForest(n_trees=1, max_depth=1, max_samples=None, random_state=0).fit(X)
    np.testing.assert_allclose(rs_log.member_value_,
                               [-np.log(left / 4 + 1e-16) + np.log(r),
                                -np.log((4 - left) / 4 + 1e-16) + np.log(1 - r)])


@pytest.mark.parametrize("cls", ENSEMBLES)
@pytest.mark.parametrize("node_value", ["linear", "log"])
@pytest.mark.parametrize("normalize", ["global", None])
def test_uniform_weights_reproduce_the_ensemble_score(cls, node_value, normalize, blobs):
    ens = cls(node_value=node_value, normalize=normalize, random_state=0).fit(blobs)
    Z = ens.transform(blobs)
    own = ens.score_samples(blobs)
    row_sum = Z @ np.ones(Z.shape[1])
    np.testing.assert_allclose(row_sum * (ens.scale_ if normalize else 1.0), own, rtol=1e-12)
    if normalize is None:  # the same additions in the same order: bit for bit
        np.testing.assert_array_equal(row_sum, own)
        np.testing.assert_array_equal(order(row_sum), order(own))
    # AAD's uniform start ranks in the ensemble's order (rounding may only reorder exact ties)
    uniform = AAD().init(Z.shape[1]).scores(Z)
    assert np.all(np.diff(own[order(uniform)]) <= 0)


def test_linear_scores_are_the_original_detectors(blobs):
    hs = HSTrees(random_state=0).fit(blobs)
    np.testing.assert_array_equal(hs.score_samples(blobs), -hs.hs_scores(blobs) / 256)
    # the log value ranks by the geometric mean of the per-tree densities
    log = HSTrees(node_value="log", random_state=0).fit(blobs)
    cols = log.transform(blobs).indices.reshape(-1, 50)
    dens = log.member_size_[cols] / 256 * 2.0 ** 8
    np.testing.assert_allclose(log.score_samples(blobs), -np.log(dens + 2.0 ** 8 * 1e-16).sum(1),
                               rtol=1e-12)
    rs = RSForest(node_value="linear", random_state=0).fit(blobs)
    np.testing.assert_allclose(rs.score_samples(blobs), -50 * rs.densities(blobs), rtol=1e-12)


@pytest.mark.parametrize("cls", ENSEMBLES)
@pytest.mark.parametrize("node_value", ["linear", "log"])
def test_far_points_score_highest(cls, node_value, blobs):
    """Fitted on the nominal points (the papers' reference window), new far points rank first."""
    ens = cls(node_value=node_value, random_state=0).fit(blobs[:400])
    s = AAD().init(ens.n_members_).scores(ens.transform(blobs))
    assert set(order(s)[:12]) == set(range(400, 412))


@pytest.mark.parametrize("node_value", ["linear", "log"])
def test_hstrees_far_points_score_highest_in_sample(node_value, blobs):
    """HS-Trees leaves all have the same volume, so a lone point's own mass of 1 stays low.

    (RS-Forest, fitted on the far points too, can give one of them a high density: a mass
    of 1 in a leaf of tiny volume.)
    """
    ens = HSTrees(node_value=node_value, random_state=0).fit(blobs)
    s = AAD().init(ens.n_members_).scores(ens.transform(blobs))
    assert set(order(s)[:12]) == set(range(400, 412))


@pytest.mark.parametrize("cls", ENSEMBLES)
def test_seed_makes_features_reproducible(cls, blobs):
    a = cls(random_state=3).fit(blobs).transform(blobs)
    b = cls(random_state=3).fit(blobs).transform(blobs)
    c = cls(random_state=4).fit(blobs).transform(blobs)
    assert (a != b).nnz == 0
    assert (a != c).nnz > 0


@pytest.mark.parametrize("cls", ENSEMBLES)
def test_bad_inputs_are_named(cls, blobs):
    ens = cls(random_state=0).fit(blobs)
    with pytest.raises(ValueError, match="X has 2 features but the model was fitted on 3"):
        ens.transform(blobs[:, :2])
    with pytest.raises(ValueError, match="X has 2 features"):
        ens.score_samples(blobs[:, :2])
    bad = blobs.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or inf in columns \\[1\\]"):
        cls().fit(bad)
    with pytest.raises(ValueError, match="NaN or inf"):
        ens.transform(bad)
    with pytest.raises(ValueError, match="node_value='sqrt'"):
        cls(node_value="sqrt").fit(blobs)
    with pytest.raises(ValueError, match="max_depth=0"):
        cls(max_depth=0).fit(blobs)
    with pytest.raises(ValueError, match="n_trees=0"):
        cls(n_trees=0).fit(blobs)
    with pytest.raises(ValueError, match="normalize='l1' is not supported"):
        cls(normalize="l1").fit(blobs)


def test_hstrees_feedback_beats_its_baseline_on_toy2():
    ds = load_dataset("toy2")
    runs = [discover(ds.X, ds.y, budget=35, ensemble=HSTrees(random_state=s), seed=s,
                     keep_session=False) for s in range(3)]
    found = np.mean([r.found[-1] for r in runs])
    baseline = np.mean([r.baseline[-1] for r in runs])
    assert found > baseline
