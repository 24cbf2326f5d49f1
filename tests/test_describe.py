"""From a session to descriptions: candidate regions, training set, CD and BRS, scores."""

import numpy as np
import pytest
import scipy.sparse as sp

from adlib.aad import Session
from adlib.datasets import load_dataset
from adlib.describe import (
    Predicate,
    Rule,
    RuleSet,
    describe_session,
    evaluate_rules,
    min_cost_cover,
    top_regions,
    training_set,
)
from adlib.describe.regions import instance_regions, membership, region_rules, tree_precision
from adlib.feedback import Oracle


@pytest.fixture(scope="module")
def toy_session():
    toy = load_dataset("toy2")
    return toy, Session.from_data(toy.X, seed=0).run(Oracle(toy.y), budget=30)


def test_instance_regions_rank_by_weighted_contribution():
    Z = sp.csr_matrix(np.array([[0.5, 0.0, 0.2, 0.9], [0.0, 1.0, 0.0, 0.0]]))
    w = np.array([1.0, 1.0, 4.0, 0.1])
    per = instance_regions(Z, w, [0, 1], n_top=2)
    assert per[0].tolist() == [2, 0] and per[1].tolist() == [1]   # 0.8 > 0.5 > 0.09
    assert top_regions(Z, w, [0, 1], n_top=2).tolist() == [0, 1, 2]
    assert membership(Z, [0, 1], [0, 1, 3]).tolist() == [[True, False, True],
                                                          [False, True, False]]


def test_min_cost_cover():
    A = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 0]], bool)
    chosen, status = min_cost_cover(A, [1.0, 1.5, 1.0])
    assert status == "optimal" and sorted(chosen.tolist()) == [0, 2]   # 2.0 < 2.5 for {0, 1}
    assert A[:, chosen].any(axis=1).all()
    with pytest.raises(ValueError, match="cannot be covered"):
        min_cost_cover(np.array([[0, 0]], bool), [1.0, 1.0])


def test_training_set_adds_as_many_sampled_nominals(toy_session):
    _, s = toy_session
    idx, lab = training_set(s, seed=3)
    q = len(s.queried)
    assert idx.size == 2 * q and np.unique(idx).size == idx.size
    assert idx[:q].tolist() == list(s.queried) and lab[:q].tolist() == list(s.answers)
    assert (lab[q:] == 0).all() and not set(idx[q:]) & set(s.queried)
    assert training_set(s, seed=3)[0].tolist() == idx.tolist()


def test_region_membership_matches_the_rules(toy_session):
    toy, s = toy_session
    anomalies = np.asarray(s.queried)[np.asarray(s.answers) == 1]
    cand = top_regions(s.features, s.model.w_, anomalies, n_top=5)
    assert 5 <= cand.size <= 5 * anomalies.size
    rules = region_rules(s.ensemble, cand)
    Xt = tree_precision(toy.X)
    C = np.column_stack([r.evaluate(Xt) for r in rules])
    assert np.array_equal(C, membership(s.features, np.arange(toy.n_samples), cand))


@pytest.mark.parametrize("method", ["compact", "brs"])
def test_describe_session(toy_session, method):
    toy, s = toy_session
    d = describe_session(s, method, seed=0)
    anomalies = np.asarray(s.queried)[np.asarray(s.answers) == 1]
    assert 1 <= len(d.rules) <= 10 and d.n_candidates >= len(d.rules)
    assert set(d.regions.tolist()) <= set(d.candidates.tolist())
    covered = d.rules.evaluate(tree_precision(toy.X))[anomalies]
    if method == "compact":
        assert d.info["status"] == "optimal"
        assert covered.sum() + d.info["uncovered"].size == anomalies.size
        assert covered.mean() >= 0.8
    else:
        assert covered.mean() >= 0.5
    scores = evaluate_rules(d.rules, toy.X, toy.y)
    assert 0.3 < scores["f1"] <= 1 and 1 <= scores["length"] <= 4
    assert describe_session(s, method, seed=0).text(toy.feature_names) == d.text(toy.feature_names)


def test_evaluate_rules():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 1, 1, 0])
    rs = RuleSet((Rule((Predicate(0, ">", 0.5), Predicate(0, "<=", 1.5))),
                  Rule((Predicate(0, ">", 2.5),))))
    m = evaluate_rules(rs, X, y)
    assert m["precision"] == 0.5 and m["recall"] == 0.5 and m["f1"] == 0.5
    assert m["length"] == 1.5 and m["n_rules"] == 2
    assert evaluate_rules(RuleSet(), X, y)["f1"] == 0.0


def test_describe_needs_a_known_method(toy_session):
    _, s = toy_session
    with pytest.raises(ValueError, match="use 'compact' or 'brs'"):
        describe_session(s, "ripper")
