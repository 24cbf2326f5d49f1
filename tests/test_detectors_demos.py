"""adlib.detectors.demos: the masking and detector-or-classifier examples behave as the book says."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from adlib.describe import Rule
from adlib.detectors.demos import (
    detector_vs_classifier,
    forest_anomaly_leaf_boxes,
    gaussian_influence,
    mahalanobis,
    make_local_global,
    make_masking_data,
    make_seen_unseen,
    rank_percentiles,
    recall_at_fpr,
    recall_at_top,
    threshold_at_fpr,
    tree_anomaly_boxes,
)


def test_generators_are_seeded():
    a, b = make_seen_unseen(seed=3), make_seen_unseen(seed=3)
    np.testing.assert_array_equal(a.X_test, b.X_test)
    assert not np.array_equal(a.X_train, make_seen_unseen(seed=4).X_train)
    assert set(np.unique(a.kind_test)) == {0, 1, 2} and set(np.unique(a.kind_train)) == {0, 1}
    np.testing.assert_array_equal(make_masking_data(seed=1).X, make_masking_data(seed=1).X)
    lg = make_local_global(seed=0)
    assert set(np.unique(lg.kind)) == {0, 1, 2, 3} and lg.y.sum() == 16


def test_masking_shrinks_the_anomalies_distances():
    d = make_masking_data(seed=0)
    infl = gaussian_influence(d.X, d.y)
    assert (infl["maha_all"] < infl["maha_clean"]).all()
    assert infl["z_all"].mean() < infl["z_clean"].mean()
    assert infl["flagged_all"] <= infl["flagged_clean"]
    assert np.trace(infl["cov_all"]) > np.trace(infl["cov_clean"])
    # Mahalanobis distance with the identity covariance is the Euclidean one
    X = np.array([[3.0, 4.0]])
    assert mahalanobis(X, np.zeros(2), np.eye(2))[0] == pytest.approx(5.0)


def test_recall_measures():
    y = np.array([0, 0, 0, 0, 1, 1])
    kind = np.array([0, 0, 0, 0, 1, 2])
    s = np.array([0.1, 0.2, 0.3, 0.4, 0.9, 0.35])
    assert threshold_at_fpr(s, y, fpr=0.25) == 0.4
    assert recall_at_fpr(s, y, kind, fpr=0.25) == {1: 1.0, 2: 0.0}
    assert recall_at_top(s, kind) == {1: 1.0, 2: 0.0}
    assert recall_at_top(s, kind, k=3) == {1: 1.0, 2: 1.0}
    assert rank_percentiles(s, kind)[1] == pytest.approx(100.0)


def test_tree_boxes_are_the_anomaly_leaves():
    d = make_seen_unseen(seed=0)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(d.X_train, d.y_train)
    lo, hi = tree_anomaly_boxes(tree, 2)
    inside = np.any([Rule.from_box(a, b).evaluate(d.X_train) for a, b in zip(lo, hi, strict=True)], axis=0)
    np.testing.assert_array_equal(inside, tree.predict(d.X_train) == 1)
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(d.X_train, d.y_train)
    flo, fhi = forest_anomaly_leaf_boxes(forest, d.X_train, d.y_train)
    assert flo.shape == fhi.shape and flo.shape[1] == 2
    members = np.all((d.X_train[:, None] > flo[None]) & (d.X_train[:, None] <= fhi[None]), axis=2)
    assert members[d.y_train == 1].any(axis=1).all()   # every training anomaly is in some box


def test_the_classifier_misses_unseen_types_the_detector_finds():
    run = detector_vs_classifier(seed=0, budget=30, n_trees=50)
    rows = {r["method"]: r for r in run["rows"]}
    assert rows["forest"]["seen_at_fpr"] >= 0.9
    assert rows["forest"]["unseen_at_fpr"] < 0.5
    assert rows["aad"]["unseen_at_fpr"] > rows["forest"]["unseen_at_fpr"] + 0.4
    assert rows["aad"]["seen_at_top"] >= rows["iforest"]["seen_at_top"]
