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


# --------------------------------------------------------------------------- the chapters' tables


def test_score_map_families_cover_every_detector_once_in_rows_of_three():
    from adlib.detectors import DETECTOR_NAMES
    from adlib.detectors.report import SCORE_MAP_FAMILIES

    members = [n for group in SCORE_MAP_FAMILIES.values() for n in group]
    assert sorted(members) == sorted(DETECTOR_NAMES)
    assert max(len(g) for g in SCORE_MAP_FAMILIES.values()) <= 3


def _summary():
    import pandas as pd

    rows = []
    for ds, base in (("toy2", 0.9), ("ann_thyroid_1v3", 0.7), ("yeast", 0.6)):
        for k, det in enumerate(("lof", "iforest", "zscore")):
            rows.append({"dataset": ds, "detector": det, "auc": base + 0.01 * k + 0.004,
                         "precision": 0.1 * (k + 1), "seconds": 0.5 * (k + 1)})
    return pd.DataFrame(rows)


def test_detector_tables_are_detectors_by_short_dataset_names():
    from adlib.detectors.report import (
        best_in_bold,
        detectors_by_dataset,
        short_name_legend,
    )

    s = _summary()
    auc = detectors_by_dataset(s, "auc")
    assert list(auc.columns) == ["toy2", "thyroid", "yeast"]
    assert list(auc.index) == ["3-sigma (z-score)", "LOF", "Isolation Forest"]  # registry order
    assert auc.loc["LOF", "yeast"] == pytest.approx(0.604)
    assert detectors_by_dataset(s, "auc", digits=2).loc["LOF", "yeast"] == 0.6
    html = best_in_bold(auc).to_html()
    assert "0.624" not in html and "0.62" in html and "font-weight: bold" in html
    assert short_name_legend(s.dataset) == "thyroid: ann_thyroid_1v3"


def test_overview_ranks_and_sentence_numbers():
    import pandas as pd

    from adlib.detectors.report import detectors_by_dataset, overview, overview_summary

    s = _summary()
    auc, prec = detectors_by_dataset(s, "auc"), detectors_by_dataset(s, "precision")
    seconds = pd.Series({"LOF": 0.5, "Isolation Forest": 1.0, "3-sigma (z-score)": 1.5})
    table = overview(auc, prec, seconds)
    assert list(table.index) == ["3-sigma (z-score)", "Isolation Forest", "LOF"]  # toy2 left out
    assert table.loc["3-sigma (z-score)", "mean rank"] == 1.0
    assert table.loc["3-sigma (z-score)", "best AUC on"] == 2
    summary = overview_summary(table, auc)
    assert summary["iforest_rank"] == "2nd" and summary["n_real"] == 2
    assert summary["hardest"] == "yeast" and summary["hardest_auc"] == pytest.approx(0.624)


def test_local_global_summary_rounds_as_the_table():
    import pandas as pd

    from adlib.detectors.report import local_global_summary

    ranks = pd.DataFrame({"global outlier": [99.9, 99.9, 99.0],
                          "local outlier": [91.46, 99.62, 40.0],
                          "clustered anomalies": [44.6, 95.1, 50.0]},
                         index=["k-NN mean distance", "LOF", "HBOS"])
    out = local_global_summary(ranks)
    assert out["knn_local"] == 91.5 and out["lof_local"] == 99.6  # the table's one decimal
    assert out["local_good"] == "LOF" and out["local_bad"] == "HBOS"
    assert out["cluster_bad"] == "k-NN mean distance, HBOS"


def test_influence_table_and_masking_numbers():
    from adlib.detectors.report import influence_table, masking_summary

    d = make_masking_data(seed=0)
    infl = gaussian_influence(d.X, d.y)
    table = influence_table(infl)
    assert list(table.index) == ["fit to all points", "fit to the nominal points"]
    assert table.loc["fit to all points", "anomalies flagged (3-sigma)"] == infl["flagged_all"]
    assert table.loc["fit to all points", "mean"].startswith("(")
    m = masking_summary(d.y, infl)
    assert m["n"] == 12 and m["var_ratio"] > 1 and m["z_all"] < m["z_clean"]
    assert m["maha_all"] == round(float(infl["maha_all"].mean()), 2)


def test_recall_table_has_readable_names_and_percent():
    from adlib.detectors.report import closer_unseen_sentence, recall_summary, recall_table

    rows = [{"seed": s, "method": m, "seen_at_fpr": 1.0, "unseen_at_fpr": u,
             "seen_at_top": 0.5, "unseen_at_top": u}
            for s in (0, 1) for m, u in (("iforest", 0.8), ("aad", 0.75), ("forest", 0.2))]
    table = recall_table(rows, budget=40, fpr=0.05)
    assert list(table.columns) == ["seen type, 5% FPR", "unseen types, 5% FPR",
                                   "seen type, top k", "unseen types, top k"]
    assert list(table.index) == ["Isolation Forest (no feedback)", "AAD (40 answers)",
                                 "random forest (all labels)"]
    assert table.loc["AAD (40 answers)", "unseen types, top k"] == 75  # 0.75 -> 75 %
    before = recall_summary(rows)
    assert before["forest_unseen_at_top"] == 20 and before["aad_seen_at_top"] == 50
    after = dict(before, aad_unseen_at_top=40)
    sentence = closer_unseen_sentence(before, after)
    assert "AAD's top k goes from 75 % to 40 %" in sentence
    assert "the random forest's stays at 20 %" in sentence


def test_closer_unseen_types_are_closer_and_the_default_is_unchanged():
    from adlib.detectors.demos import CLOSER_UNSEEN

    base, closer = make_seen_unseen(seed=2), make_seen_unseen(seed=2, **CLOSER_UNSEEN)
    np.testing.assert_array_equal(base.X_train, closer.X_train)
    centre = base.X_test[base.kind_test == 0].mean(axis=0)

    def dist(d):
        return np.linalg.norm(d.X_test[d.kind_test == 2] - centre, axis=1).mean()

    assert dist(closer) < dist(base) - 1.0
    # the seen type and the nominal data do not move
    np.testing.assert_array_equal(base.X_test[base.kind_test < 2], closer.X_test[closer.kind_test < 2])


def test_coverage_by_kind():
    from adlib.detectors.report import coverage_by_kind

    kind = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2])
    covered = np.array([1, 0, 0, 0, 1, 1, 0, 0, 1], bool)
    assert coverage_by_kind(covered, kind) == {"nominal": 25.0, "seen": 100, "unseen": 33}
