"""The stepwise Session, the Oracle, and the one-call ``discover``."""

import numpy as np
import pytest

from adlib.aad import Session, discover, discover_reruns
from adlib.aad.discover import baseline_curve
from adlib.datasets import make_toy
from adlib.feedback import Analyst, Oracle


@pytest.fixture(scope="module")
def toy():
    return make_toy(seed=0)


def test_next_queries_is_the_top_unlabeled_instance(toy):
    s = Session.from_data(toy.X, seed=0)
    (first,) = s.next_queries()
    assert first == np.argmax(s.scores)
    assert s.next_queries().tolist() == [first]  # asking again does not move on
    s.answer(first, "anomaly")
    (second,) = s.next_queries()
    assert second != first and s.labels[first] == 1


def test_answers_are_checked(toy):
    s = Session.from_data(toy.X, seed=0)
    (q,) = s.next_queries()
    with pytest.raises(ValueError, match="not a pending query"):
        s.answer(q + 1 if q + 1 < toy.X.shape[0] else q - 1, 1)
    with pytest.raises(ValueError, match="is not an answer; use 1 / 'anomaly' or 0 / 'nominal'"):
        s.answer(q, "maybe")
    s.answer(q, "nominal")
    assert s.found == [0] and s.queried == [q]


def test_batch_updates_weights_once_per_batch(toy):
    s = Session.from_data(toy.X, seed=0, batch_size=3)
    batch = s.next_queries()
    assert len(batch) == 3 and len(set(batch.tolist())) == 3
    w0 = s.model.w_.copy()
    s.answer(batch[0], 1)
    s.answer(batch[1], 0)
    np.testing.assert_array_equal(s.model.w_, w0)  # not yet: one answer pending
    s.answer(batch[2], 0)
    assert not np.array_equal(s.model.w_, w0)
    assert s.model.n_updates_ == 1


def test_same_answers_give_the_same_model(toy):
    runs = []
    for _ in range(2):
        s = Session.from_data(toy.X, seed=4, budget=15).run(Oracle(toy.y))
        runs.append((s.queried, s.model.w_))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_skip_drops_a_query_for_good(toy):
    s = Session.from_data(toy.X, seed=0)
    (q,) = s.next_queries()
    s.skip(q)
    assert q not in s.next_queries().tolist()
    assert s.n_queried == 0


def test_run_stops_at_the_budget_and_counts_what_it_found(toy):
    s = Session.from_data(toy.X, seed=0, batch_size=4).run(Oracle(toy.y), budget=10)
    assert s.n_queried == 10
    assert s.next_queries().size == 0
    np.testing.assert_array_equal(s.found, np.cumsum(toy.y[s.queried]))


def test_oracle_is_an_analyst(toy):
    oracle = Oracle(toy.y)
    assert isinstance(oracle, Analyst)
    np.testing.assert_array_equal(oracle.label([0, 5]), toy.y[[0, 5]])
    with pytest.raises(IndexError, match="out of range"):
        oracle.label([toy.y.size])
    with pytest.raises(ValueError, match="only 0 \\(nominal\\) and 1 \\(anomaly\\)"):
        Oracle([0, 2, 1])


def test_discover_result_shape_and_consistency(toy):
    r = discover(toy.X, toy.y, budget=20, seed=1)
    assert r.found.shape == r.baseline.shape == r.queried.shape == (20,)
    np.testing.assert_array_equal(r.found, np.cumsum(toy.y[r.queried]))
    assert np.all(np.diff(r.found) >= 0) and r.n_anomalies == toy.y.sum()
    np.testing.assert_array_equal(
        r.baseline, baseline_curve(r.session.ensemble.score_samples(toy.X), toy.y, 20))


def test_discover_rejects_bad_input(toy):
    with pytest.raises(ValueError, match="budget=10000 must be between 1 and the number"):
        discover(toy.X, toy.y, budget=10_000)
    with pytest.raises(ValueError, match="labels for"):
        discover(toy.X, toy.y[:-1], budget=5)
    with pytest.raises(ValueError, match="unknown query strategy 'best'"):
        discover(toy.X, toy.y, budget=5, strategy="best")


def test_feedback_beats_the_unsupervised_ranking_on_toy(toy):
    reruns = discover_reruns(toy.X, toy.y, n_reruns=3, budget=35)
    assert reruns.found.shape == (3, 35)
    assert reruns.mean_found >= reruns.mean_baseline + 5


def test_pretraining_uses_known_labels_before_asking(toy):
    anomalies = np.flatnonzero(toy.y)[:5]
    nominals = np.flatnonzero(toy.y == 0)[:5]
    known = (np.concatenate([anomalies, nominals]), [1] * 5 + [0] * 5)
    s = Session.from_data(toy.X, seed=0)
    before = s.model.scores(s.features)[anomalies].mean()
    s.pretrain(*known)
    assert s.model.n_updates_ == 10                 # min(20, 10) passes
    assert s.model.scores(s.features)[anomalies].mean() > before
    assert not set(s.next_queries().tolist()) & set(known[0].tolist())
    r = discover(toy.X, toy.y, budget=20, seed=0, known=known)
    assert r.params["n_known"] == 10
    assert not set(r.queried.tolist()) & set(known[0].tolist())
    with pytest.raises(ValueError, match="pretrain before the first query"):
        r.session.pretrain([0], [1])
    with pytest.raises(ValueError, match="duplicates"):
        Session.from_data(toy.X, seed=0).pretrain([1, 1], [0, 0])


def test_on_answer_sees_every_step_and_two_detector_weights_tilt():
    import scipy.sparse as sp

    from adlib.aad import AAD
    from adlib.datasets import make_two_detector_scores

    data = make_two_detector_scores(seed=0)
    snaps = []
    s = Session(sp.csr_matrix(data.X), model=AAD(tau=0.05), X=data.X)
    s.run(Oracle(data.y), budget=20, on_answer=lambda ses: snaps.append(ses.snapshot()))
    assert [sn["n_queried"] for sn in snaps] == list(range(1, 21))
    w0, w1 = s.initial_weights, snaps[-1]["weights"]
    # the answers turn the weights towards detector 2, where the anomalies stand out
    assert np.arctan2(w1[1], w1[0]) > np.arctan2(w0[1], w0[0]) + np.radians(10)
    assert s.n_found >= 2 * baseline_curve(s.initial_scores, data.y, 20)[-1]
