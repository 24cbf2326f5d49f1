"""Compact descriptions by integer programming."""

import numpy as np
import pytest

from adlib.aad import Session
from adlib.datasets import load_dataset
from adlib.describe.compact import box_membership, box_volumes, compact_description
from adlib.feedback import Oracle

INF = np.inf


def test_volumes_and_membership():
    X = np.array([[0.0, 0.0], [10.0, 10.0], [2.0, 8.0]])
    lower = np.array([[-INF, -INF], [0.0, 5.0]])
    upper = np.array([[INF, INF], [5.0, INF]])
    np.testing.assert_allclose(box_volumes(lower, upper, X), [1.0, 0.25])
    assert box_membership(lower, upper, X).tolist() == [[True, False], [True, False],
                                                        [True, True]]


def test_ilp_prefers_few_small_regions_and_respects_precision():
    X = np.array([[1.0, 1.0], [1.2, 1.1], [9.0, 9.0], [5.0, 5.0], [5.5, 5.2]])
    labeled, labels = np.arange(5), np.array([1, 1, 1, 0, 0])
    lower = np.array([[0.5, 0.5],   # 0: small, holds anomalies 0 and 1
                      [8.0, 8.0],   # 1: small, holds anomaly 2
                      [0.0, 0.0],   # 2: everything: 3 anomalies, 2 nominals (precision 0.6)
                      [4.0, 4.0]])  # 3: only the nominals (precision 0): never admissible
    upper = np.array([[1.5, 1.5], [10.0, 10.0], [10.0, 10.0], [6.0, 6.0]])
    d = compact_description(lower, upper, X, labeled, labels)
    assert d.status == "optimal" and sorted(d.selected.tolist()) == [0, 1]
    assert d.rules.evaluate(X)[labels == 1].all()         # every anomaly covered
    strict = compact_description(lower, upper, X, labeled, labels, min_precision=0.99)
    assert 2 not in strict.selected and 3 not in strict.selected
    lone = compact_description(lower[[2, 3]], upper[[2, 3]], X, labeled, labels,
                               min_precision=0.9)
    assert lone.status == "no admissible region" and lone.uncovered.tolist() == [0, 1, 2]


def test_describes_discovered_toy_anomalies_with_a_handful_of_short_rules():
    toy = load_dataset("toy2")
    s = Session.from_data(toy.X, seed=0).run(Oracle(toy.y), budget=35)
    ens = s.ensemble
    lab = np.asarray(s.queried)
    ans = np.asarray(s.answers)
    # candidates: the regions holding discovered anomalies, highest weight x value first
    Z = s.features
    cols = np.unique(Z[lab[ans == 1]].indices)
    contribution = s.model.w_[cols] * ens.member_value_[cols]
    cand = cols[np.argsort(-contribution)[:60]]
    X32 = toy.X.astype(np.float32).astype(float)
    d = compact_description(ens.member_lower_[cand], ens.member_upper_[cand], X32, lab, ans)
    covered = d.rules.evaluate(X32)[lab[ans == 1]]
    assert covered.sum() + d.uncovered.size == (ans == 1).sum()
    assert covered.mean() >= 0.8
    assert 1 <= len(d.rules) <= 10
    assert max(len(r) for r in d.rules.rules) <= 2      # 2-D data: at most two features


def test_bad_shapes():
    with pytest.raises(ValueError, match="n_candidates, n_features"):
        compact_description(np.zeros(3), np.ones(3), np.zeros((2, 3)), [0], [1])
    with pytest.raises(ValueError, match="2 labeled indices but 1 labels"):
        compact_description(np.zeros((1, 2)), np.ones((1, 2)), np.zeros((2, 2)), [0, 1], [1])
