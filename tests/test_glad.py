"""GLAD (adlib.glad): the LODA members, the AFSS network, the Session plug-in, explanations.

Tests that train a network are marked ``deep`` (TensorFlow, the deep extra).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from adlib.datasets import load_dataset
from adlib.glad.ensemble import TOY_DIRECTIONS, GLADEnsemble, stopping_rule_projections


@pytest.fixture(scope="module")
def toy2():
    return load_dataset("toy2")


# -- no TensorFlow needed ------------------------------------------------------------
def test_import_does_not_load_tensorflow():
    code = ("import sys, adlib.glad, adlib.glad.explain, adlib.glad.grid, adlib.glad.report, "
            "adlib.glad.plots; from adlib.glad import GLAD, session, discover; "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_toy_members_are_the_original_unit_directions(toy2):
    ens = GLADEnsemble().fit(toy2.X)
    D = np.asarray(TOY_DIRECTIONS)
    np.testing.assert_allclose(ens.directions_, D / np.linalg.norm(D, axis=1)[:, None])
    S = ens.member_scores(toy2.X)
    np.testing.assert_allclose(S.mean(axis=0), 0.0, atol=1e-12)   # standardised on the data
    np.testing.assert_allclose(S.std(axis=0), 1.0)
    S01 = GLADEnsemble(normalize="minmax").fit(toy2.X).member_scores(toy2.X)
    np.testing.assert_allclose([S01.min(), S01.max()], [0.0, 1.0], atol=1e-12)
    Z = ens.transform(toy2.X)
    assert Z.shape == (toy2.X.shape[0], 4 + 2)
    np.testing.assert_array_equal(Z[:, 4:], toy2.X)
    # the baseline is the LODA ranking of the same members
    np.testing.assert_allclose(ens.loda_scores(toy2.X),
                               ens.raw_member_scores(toy2.X).mean(axis=1))


def test_stopping_rule_keeps_between_mink_and_maxk_projections():
    data = load_dataset("yeast")
    counts = [stopping_rule_projections(data.X, s, mink=2, maxk=15).shape for s in range(4)]
    assert all(3 <= k <= 15 and d == data.X.shape[1] for k, d in counts)
    a = stopping_rule_projections(data.X, 0)
    np.testing.assert_array_equal(a, stopping_rule_projections(data.X, 0))  # seeded
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0)


def test_bad_parameters_say_what_to_do(toy2):
    with pytest.raises(ValueError, match="normalize"):
        GLADEnsemble(normalize="rank").fit(toy2.X)
    with pytest.raises(ValueError, match="directions"):
        GLADEnsemble(directions=[[1.0, 0.0, 0.0]]).fit(toy2.X)
    with pytest.raises(ValueError, match="zero"):
        GLADEnsemble(directions=[[0.0, 0.0]]).fit(toy2.X)


# -- the network -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def toy_session(toy2):
    """A GLAD session on toy2 after 40 Oracle answers (shared by several tests)."""
    from adlib.aad import Oracle
    from adlib.glad import session

    s = session(toy2.X, seed=0, budget=40)
    primed = s.model.relevance(toy2.X)
    s.run(Oracle(toy2.y))
    return s, primed


@pytest.mark.deep
def test_priming_makes_every_relevance_close_to_the_prior(toy_session, toy2):
    s, primed = toy_session
    assert primed.shape == (toy2.X.shape[0], 4)
    assert np.abs(primed - 0.5).max() < 0.02
    # and away from the data too (a grid around it)
    lo, hi = toy2.X.min(axis=0), toy2.X.max(axis=0)
    grid = np.stack(np.meshgrid(np.linspace(lo[0], hi[0], 15), np.linspace(lo[1], hi[1], 15)),
                    axis=-1).reshape(-1, 2)
    assert np.abs(s.initial_weights.relevance(grid) - 0.5).max() < 0.05
    # feedback moved it
    assert np.abs(s.model.relevance(toy2.X) - 0.5).max() > 0.1


@pytest.mark.deep
def test_the_loss_decreases_on_a_tiny_problem():
    from adlib.glad.afss import AFSSNetwork

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2)).astype(np.float32)
    S = rng.uniform(size=(60, 3)).astype(np.float32)
    y = np.full(60, -1.0)
    y[:4], y[4:10] = 1, 0
    S[:4, 0] += 2.0  # member 0 sees the anomalies
    net = AFSSNetwork(2, 3, seed=0)
    net.prime(X, epochs=20, batch_size=25)
    args = (X, S, y, X[20], S[20], float(S[20].sum() * 0.5))
    before = net.feedback_loss(*args)
    for _ in range(30):
        net.feedback_epoch(*args, batch_size=25)
    after = net.feedback_loss(*args)
    assert after < before - 0.05


def _split_problem(n=600, seed=0):
    """Member 0 right about anomalies on the left half, wrong on the right; member 1 the reverse."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (rng.uniform(size=n) < 0.08).astype(int)
    left = X[:, 0] < 0
    good = y + rng.uniform(0, 0.3, n)          # high exactly on the anomalies
    bad = (1 - y) * rng.uniform(0.5, 1.0, n)   # high on the nominals
    S = np.column_stack([np.where(left, good, bad), np.where(left, bad, good)])
    return X, y, S


@pytest.mark.deep
def test_glad_learns_where_each_member_is_right():
    from adlib.aad import Oracle, Session
    from adlib.glad import GLAD

    X, y, S = _split_problem()
    s = Session(np.hstack([S, X]), model=GLAD(2, seed=0), budget=80, X=X)
    s.run(Oracle(y))
    P = s.model.relevance(X)
    left = X[:, 0] < 0
    # relevance is high where each member is right, low where it misleads
    assert P[left, 0].mean() > P[left, 1].mean() + 0.1
    assert P[~left, 1].mean() > P[~left, 0].mean() + 0.1
    assert np.mean(np.argmax(P, axis=1) == np.where(left, 0, 1)) > 0.9
    # so GLAD finds more anomalies than the uniform combination of the two members
    base = np.cumsum(y[np.argsort(-S.sum(axis=1), kind="stable")][:80])
    assert s.found[-1] > base[-1] + 10


@pytest.mark.deep
def test_member_rules_reproduce_the_most_relevant_labels(toy_session, toy2):
    from adlib.describe.rules import RuleSet
    from adlib.glad import explain

    s, _ = toy_session
    rules = explain.member_rules(s, toy2.X)
    assert len(rules) == 4 and all(isinstance(r.rules, RuleSet) for r in rules)
    assert min(r.accuracy for r in rules) > 0.9
    covered = np.column_stack([r.rules.evaluate(toy2.X) for r in rules])
    labels = np.column_stack([r.labels for r in rules])
    assert np.mean(covered == labels) > 0.95
    best = explain.most_relevant(s, toy2.X)
    above = s.model.relevance(toy2.X).max(axis=1) > 0.5
    np.testing.assert_array_equal(labels.argmax(axis=1)[above], best[above])
    # rules as text with the feature names, one block per member that is anywhere most relevant
    for r in rules:
        text = r.text(toy2.feature_names)
        assert (text == "false") == (r.n_relevant == 0)
        assert r.n_relevant == 0 or "x" in text or "y" in text


@pytest.mark.deep
def test_lime_explains_the_most_relevant_member_reproducibly(toy_session):
    from adlib.glad import explain

    s, _ = toy_session
    a = explain.lime_explanation(s, [6.179, 3.042], feature_names=["x", "y"], num_samples=500)
    b = explain.lime_explanation(s, [6.179, 3.042], feature_names=["x", "y"], num_samples=500)
    assert a.conditions == b.conditions
    assert a.member == int(np.argmax(a.relevance))
    assert {c for c, _ in a.conditions} == {"x > 2.65", "2.16 < y <= 3.31"}


@pytest.mark.deep
def test_same_seed_same_curve_bit_for_bit(toy2):
    from adlib.glad import discover

    a = discover(toy2.X, toy2.y, budget=25, seed=3)
    b = discover(toy2.X, toy2.y, budget=25, seed=3)
    np.testing.assert_array_equal(a.found, b.found)
    np.testing.assert_array_equal(a.queried, b.queried)
    assert a.session.model.w_ == b.session.model.w_
    np.testing.assert_array_equal(a.session.scores, b.session.scores)
    assert a.baseline.shape == (25,) and a.found[-1] > a.baseline[-1]


# -- the engine drives it: oracle, label store, undo, panel ---------------------------------
@pytest.mark.deep
def test_label_store_resume_and_undo_reproduce_the_session(toy2, tmp_path):
    from adlib.aad import LabelStoreMismatchError
    from adlib.glad import open_session

    path = tmp_path / "glad.jsonl"
    s = open_session(path, toy2.X, seed=1, budget=30)
    for _ in range(6):
        (i,) = s.next_queries()
        s.answer(i, int(toy2.y[i]))
    w6, (q6,) = s.model.w_.copy(), s.next_queries()
    (i,) = s.next_queries()
    s.answer(i, int(toy2.y[i]))
    s.undo()                                     # back to after six answers, exactly
    assert s.model.w_ == w6 and s.next_queries().tolist() == [q6]

    r = open_session(path, toy2.X, seed=1, budget=30)   # a new process would do the same
    assert r.queried == s.queried and r.model.w_ == w6
    assert r.next_queries().tolist() == [q6]
    with pytest.raises(LabelStoreMismatchError, match="learning_rate"):
        open_session(path, toy2.X, seed=1, learning_rate=0.02)


@pytest.mark.deep
def test_the_analyst_panel_drives_a_glad_session(toy2):
    pytest.importorskip("ipywidgets")
    from adlib.feedback.widgets import AnalystPanel
    from adlib.glad import session

    s = session(toy2.X, seed=0, budget=20)
    panel = AnalystPanel(s, y=toy2.y, feature_names=toy2.feature_names, describe=False)
    image0 = panel.image.value
    panel.oracle_n.value = 3
    panel.oracle_button.click()
    assert s.n_queried == 3 and panel.image.value != image0
    # contours score the grid with the network: Z @ w_ is the GLAD score
    Z = s.ensemble.transform(toy2.X[:5])
    np.testing.assert_allclose(Z @ s.model.w_, s.scores[:5])
