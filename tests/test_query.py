"""Query strategies: greedy top-k, random among the top, euclidean- and description-diverse."""

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

from adlib.aad import Session, discover
from adlib.aad.query import (
    DescriptionDiverseStrategy,
    EuclideanDiverseStrategy,
    diverse_by_membership,
    make_strategy,
    top_k,
)
from adlib.datasets import make_toy


class FakeSession:
    """Just what a strategy reads."""

    def __init__(self, scores, X=None, seed=0):
        self.scores = np.asarray(scores, dtype=float)
        self.available = np.ones(self.scores.size, dtype=bool)
        self.X = X
        self.rng = np.random.default_rng(seed)


def test_top_k_orders_and_breaks_ties_by_index():
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.3])
    avail = np.array([True, True, True, True, False])
    assert top_k(scores, avail, 3).tolist() == [1, 3, 2]
    assert top_k(scores, avail, 10).tolist() == [1, 3, 2, 0]
    assert top_k(scores, np.zeros(5, bool), 2).size == 0


def test_random_top_draws_from_the_pool_and_is_seeded():
    s = FakeSession(np.arange(100.0))
    strat = make_strategy("random_top", n_explore=10)
    picks = [tuple(strat.select(FakeSession(np.arange(100.0), seed=3), 3)) for _ in range(2)]
    assert picks[0] == picks[1]
    drawn = set()
    for seed in range(30):
        b = strat.select(FakeSession(np.arange(100.0), seed=seed), 3)
        assert len(set(b.tolist())) == 3 and min(b) >= 90
        drawn.update(b.tolist())
    assert drawn == set(range(90, 100))   # every pool member gets drawn sometimes
    assert s.scores.size == 100


def test_euclidean_batch_spreads_out():
    # the top 3 sit together at the origin; lower-ranked candidates are far apart
    X = np.array([[0, 0], [0.1, 0], [0, 0.1], [10, 0], [0, 10], [5, 5]], dtype=float)
    scores = np.array([6, 5, 4, 3, 2, 1], dtype=float)
    batch = EuclideanDiverseStrategy(n_explore=6).select(FakeSession(scores, X), 3)
    assert batch[0] == 0                      # starts from the top instance
    assert set(batch[1:].tolist()) == {3, 4}  # then the two farthest (mean distance)
    greedy = make_strategy("top").select(FakeSession(scores, X), 3)
    assert greedy.tolist() == [0, 1, 2]


def test_euclidean_needs_data():
    with pytest.raises(ValueError, match="needs the data"):
        EuclideanDiverseStrategy().select(FakeSession(np.arange(5.0)), 2)


@pytest.mark.parametrize("strategy", ["top", "random_top", "euclidean", "description"])
def test_every_strategy_runs_a_batched_session(strategy):
    toy = make_toy(seed=0)
    r = discover(toy.X, toy.y, budget=12, strategy=strategy, batch_size=3, n_explore=10, seed=0)
    assert len(set(r.queried.tolist())) == 12
    assert r.session.model.n_updates_ == 4    # one update per answered batch


def test_strategy_object_and_bad_names():
    s = Session.from_data(make_toy(seed=0).X, strategy=EuclideanDiverseStrategy(n_explore=5),
                          batch_size=2)
    assert len(s.next_queries()) == 2
    with pytest.raises(ValueError, match="n_explore=0 must be at least 1"):
        make_strategy("random_top", n_explore=0)
    with pytest.raises(ValueError, match="choose one of: description, euclidean, random_top, top"):
        make_strategy("diverse")
    with pytest.raises(ValueError, match="n_top=0 must be at least 1"):
        make_strategy("description", n_top=0)


def test_diverse_by_membership_takes_the_least_shared_rows():
    M = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]], bool)
    assert diverse_by_membership(M, 1).tolist() == [0]
    assert diverse_by_membership(M, 2).tolist() == [0, 3]   # first row sharing nothing
    assert diverse_by_membership(M, 3).tolist() == [0, 3, 4]   # overlap 2, against 3 for 1, 2
    assert diverse_by_membership(M, 9).size == 5


def _description_session(seed=0):
    """Five ranked instances; 0-2 share regions {0, 1}, 3 lies in {2, 3}, 4 in {0, 2}."""
    rows = [[0, 1], [0, 1], [0, 1], [2, 3], [0, 2]]
    Z = sp.lil_matrix((6, 4))
    for i, cols in enumerate(rows):
        Z[i, cols] = 1.0
    Z[5, 3] = 1.0
    s = FakeSession(np.array([6, 5, 4, 3, 2, 1.0]), seed=seed)
    s.features = Z.tocsr()
    s.model = SimpleNamespace(w_=np.ones(4))
    s.ensemble = None
    return s


def test_description_strategy_prefers_non_overlapping_descriptions():
    s = _description_session()
    strat = DescriptionDiverseStrategy(n_explore=5, n_top=2)
    M = strat.description_membership(s, np.arange(5))
    assert M.shape[0] == 5 and M.any(axis=1).all()      # the description covers the pool
    batch = strat.select(s, 2)
    assert batch.tolist() == [0, 3]                      # not 1: it shares 0's regions
    assert make_strategy("top").select(s, 2).tolist() == [0, 1]
    assert strat.select(_description_session(), 2).tolist() == batch.tolist()   # deterministic
    assert strat.select(s, 1).tolist() == [0]


def test_description_strategy_returns_k_distinct_available_instances():
    toy = make_toy(seed=0)
    s = Session.from_data(toy.X, strategy="description", batch_size=4, n_explore=12, seed=1)
    s.labels[s.scores.argmax()] = 0                      # the top instance is labeled already
    batch = s.next_queries()
    assert len(batch) == 4 and len(set(batch.tolist())) == 4
    assert s.available[batch].sum() == 0                 # pending now, so no longer available
    assert s.scores.argmax() not in batch
    pool = top_k(s.scores, (s.labels == -1), 12)
    assert set(batch.tolist()) <= set(pool.tolist())


def test_description_strategy_in_discover():
    toy = make_toy(seed=0)
    r = discover(toy.X, toy.y, budget=12, strategy="description", batch_size=3, seed=0)
    again = discover(toy.X, toy.y, budget=12, strategy="description", batch_size=3, seed=0)
    assert len(set(r.queried.tolist())) == 12
    assert r.queried.tolist() == again.queried.tolist()
