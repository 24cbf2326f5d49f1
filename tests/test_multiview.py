"""Multiview Isolation Forest: one forest per feature group."""

import numpy as np
import pytest

from adlib.aad import discover
from adlib.ensembles import MultiviewIForest, make_ensemble


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 4))
    X[:10, 2:] += 6.0          # anomalies visible only in the second view
    y = np.zeros(500, dtype=int)
    y[:10] = 1
    return X, y


def test_members_come_view_by_view(data):
    X, _ = data
    ens = MultiviewIForest(feature_groups=[[0, 1], [2, 3]], n_trees=[30, 20],
                           random_state=0).fit(X)
    Z = ens.transform(X)
    assert np.all(np.diff(Z.indptr) == 50)
    views = ens.member_view_[Z.indices].reshape(-1, 50)
    assert np.all(views[:, :30] == 0) and np.all(views[:, 30:] == 1)


def test_uniform_weights_reproduce_the_multiview_score(data):
    X, _ = data
    ens = make_ensemble("multiview", feature_groups=[[0, 1], [2, 3]], random_state=1).fit(X)
    uniform = ens.transform(X).sum(axis=1).A1
    own = ens.score_samples(X)
    np.testing.assert_array_equal(np.lexsort((np.arange(500), -uniform)),
                                  np.lexsort((np.arange(500), -own)))


def test_feedback_finds_anomalies_of_one_view(data):
    X, y = data
    r = discover(X, y, budget=15, ensemble="multiview",
                 ensemble_params={"feature_groups": [[0, 1], [2, 3]]}, seed=0)
    assert r.found[-1] == 10


def test_bad_groups(data):
    X, _ = data
    with pytest.raises(ValueError, match="outside 0..3"):
        MultiviewIForest(feature_groups=[[0, 7]]).fit(X)
    with pytest.raises(ValueError, match="n_trees has 3 entries for 2 feature groups"):
        MultiviewIForest(feature_groups=[[0], [1]], n_trees=[5, 5, 5]).fit(X)
