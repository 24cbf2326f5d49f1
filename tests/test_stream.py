"""Streaming AAD (adlib.aad.stream): forest updates, memory, labels, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from adlib.aad.stream import StreamSession, discover_stream
from adlib.datasets import load_dataset
from adlib.ensembles import HSTrees, IsolationForestRegions, RSForest
from adlib.ensembles.iforest import average_path_length


def drifting_stream(seed=0, n_windows=4, n=512, drift_at=2):
    """Gaussian windows with 3 % far anomalies; the nominal mean moves at ``drift_at``."""
    rng = np.random.default_rng(seed)
    Xs, ys = [], []
    for w in range(n_windows):
        X = rng.normal(size=(n, 3)) + (3.0 if w >= drift_at else 0.0)
        y = np.zeros(n, dtype=int)
        k = int(0.03 * n)
        X[:k] += rng.choice([-6.0, 6.0], size=(k, 3))
        y[:k] = 1
        perm = rng.permutation(n)
        Xs.append(X[perm])
        ys.append(y[perm])
    return np.vstack(Xs), np.concatenate(ys)


def test_replace_trees_keeps_members_consistent_and_scores_exact():
    X, _ = drifting_stream()
    f = IsolationForestRegions(random_state=0).fit(X[:512])
    path = f.path_lengths(X[:100])
    own = 2.0 ** (-path / float(average_path_length(f.max_samples_)))
    np.testing.assert_allclose(own, f.score_samples(X[:100]), rtol=1e-12)  # the formula is sklearn's
    m_before = f.n_members_
    last_tree_cols = np.flatnonzero(f.member_tree_ == 99)
    mapping = f.replace_trees([0, 5, 7], X[1024:1536], random_state=1)
    assert mapping.size == f.n_members_ == f.member_value_.size
    assert (mapping == -1).sum() == np.isin(f.member_tree_, [97, 98, 99]).sum()  # new trees last
    assert f.n_trees == len(f.trees_) == 100
    kept = mapping[mapping >= 0]
    assert np.all(np.diff(kept) > 0) and kept.size < m_before
    assert np.isin(last_tree_cols, kept).all()
    Z = f.transform(X[:200])
    assert (np.diff(Z.indptr) == 100).all()  # still one leaf per tree
    np.testing.assert_allclose(f.score_samples(X[:50]),
                               2.0 ** (-f.path_lengths(X[:50]) / float(average_path_length(256))))
    with pytest.raises(IndexError, match="tree positions"):
        f.replace_trees([100], X[:512])


@pytest.mark.parametrize("cls", [HSTrees, RSForest])
def test_count_update_replaces_or_mixes_the_masses(cls):
    X, _ = drifting_stream()
    f = cls(n_trees=10, random_state=0).fit(X[:512])
    old = f.member_size_ / f.n_samples_tree_
    cols = f._leaf_columns(X[1024:1536])
    new = np.bincount(cols.ravel(), minlength=f.n_members_) / 512
    g = cls(n_trees=10, random_state=0).fit(X[:512]).update_counts(X[1024:1536], weight=0.5)
    np.testing.assert_allclose(g.member_size_ / g.n_samples_tree_, 0.5 * old + 0.5 * new)
    f.update_counts(X[1024:1536])
    np.testing.assert_array_equal(f.member_size_, np.bincount(cols.ravel(), minlength=f.n_members_))
    with pytest.raises(ValueError, match="weight"):
        f.update_counts(X[:10], weight=0.0)


def answer_all(stream, y):
    while (q := stream.next_queries()).size:
        for i in q:
            stream.answer(i, y[i])


def test_replacement_keeps_weight_length_and_retained_learned_weights():
    X, y = drifting_stream()
    s = StreamSession(X[:512], update="oldest", queries_per_window=10, seed=0)
    answer_all(s, np.zeros_like(y))  # "nominal" for top-ranked points: the weights must move
    w_before = s.weights.copy()
    tree_before = s.ensemble.member_tree_.copy()
    s.n_weight_updates = 0  # look at the weights right after the replacement
    s.add_window(X[512:1024])
    assert s.windows[-1].replaced == 20
    w = s.weights
    assert w.size == s.ensemble.n_members_ == s.session.features.shape[1]
    assert np.linalg.norm(w) == pytest.approx(1.0)
    kept = tree_before >= 20  # the oldest 20 trees went
    new = s.ensemble.member_tree_ >= 80
    ratio = w[~new] / w_before[kept]
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-10)  # learned weights kept, rescaled
    np.testing.assert_allclose(w[new], w[new][0])  # new leaves start at one default weight
    assert np.ptp(w_before[kept]) > 1e-3  # ... and learning had moved them


def test_a_streaming_session_never_loses_a_label():
    X, y = drifting_stream(n_windows=5)
    s = StreamSession(X[:512], update="kl", queries_per_window=15, budget=70, seed=1)
    seen = {}
    s.recorder = lambda event: seen.__setitem__(event["position"], event["label"])
    for start in range(512, X.shape[0], 512):
        answer_all(s, y)
        s.add_window(X[start:start + 512], final=start + 512 >= X.shape[0])
        n_lab = len(s.labeled_ids)
        # the new window's session starts from every label given so far
        np.testing.assert_array_equal(s.session.labels[:n_lab], s.labeled_y)
        assert s.session.pretrained == list(range(n_lab))
    answer_all(s, y)
    assert sum(w.replaced for w in s.windows) > 0, "the planted drift should replace trees"
    assert s.n_queried == 70 and len(set(s.queried)) == 70
    assert s.labels == {i: int(y[i]) for i in s.queried} == seen
    np.testing.assert_array_equal(s.labeled_X, X[s.labeled_ids])
    assert not np.isin(s.memory_ids, s.labeled_ids).any()
    assert s.memory_ids.size <= 512


@pytest.mark.parametrize("retention", [0, 1])
def test_retention_policies(retention):
    X, y = drifting_stream()
    s = StreamSession(X[:512], update="none", retention=retention, queries_per_window=5, seed=0)
    answer_all(s, y)
    old = set(s.memory_ids.tolist())
    s.add_window(X[512:1024])
    mem = s.memory_ids
    assert mem.size == 512
    if retention == 0:
        np.testing.assert_array_equal(mem, np.arange(512, 1024))
    else:
        pool = np.array(sorted(old | set(range(512, 1024))))
        scores = np.asarray(s.ensemble.transform(X[pool]) @ s.weights).ravel()
        assert scores[np.isin(pool, mem)].min() >= scores[~np.isin(pool, mem)].max()


def test_discover_stream_is_deterministic_and_reports_windows():
    X, y = drifting_stream(n_windows=4)
    a = discover_stream(X, y, window=512, budget=60, queries_per_window=10, seed=3)
    b = discover_stream(X, y, window=512, budget=60, queries_per_window=10, seed=3)
    np.testing.assert_array_equal(a.found, b.found)
    np.testing.assert_array_equal(a.queried, b.queried)
    np.testing.assert_array_equal(a.baseline, b.baseline)
    assert a.replaced == b.replaced and len(a.replaced) == 3
    assert a.budget == 60 and a.baseline.size == 60
    assert [w.n_queries for w in a.windows] == [10, 10, 10, 30]  # the last spends the rest
    drift = a.windows[2]
    assert drift.fired and drift.kl.shape == (100,) and drift.threshold > 0
    assert not a.windows[1].fired


def test_streaming_aad_beats_its_no_feedback_baseline_on_another_dataset():
    """ann_thyroid_1v3 (not used by the chapter), windows of 512 as the original's small sets."""
    data = load_dataset("ann_thyroid_1v3")
    r = discover_stream(data.X, data.y, window=512, budget=300, update="kl", seed=0)
    assert r.found[-1] >= r.baseline[-1] + 15, (r.found[-1], r.baseline[-1])


def test_bad_inputs_are_named():
    X, y = drifting_stream()
    with pytest.raises(ValueError, match="update"):
        StreamSession(X[:512], update="sometimes")
    with pytest.raises(ValueError, match="retention"):
        StreamSession(X[:512], retention=2)
    with pytest.raises(ValueError, match="neither replace trees"):
        StreamSession(X[:512], ensemble="loda")
    s = StreamSession(X[:512], queries_per_window=1)
    with pytest.raises(ValueError, match="not a pending query"):
        s.answer(10**6, 1)
    with pytest.raises(ValueError, match="not a pending query"):
        s.answer(int(np.setdiff1d(s.memory_ids, s.next_queries())[0]), 1)
    with pytest.raises(ValueError, match="window"):
        discover_stream(X, y, window=1)


@pytest.mark.parametrize("ensemble", ["hstrees", "rsforest"])
def test_count_based_forests_update_counts_on_drift_and_keep_their_weights(ensemble):
    X, y = drifting_stream(n_windows=3)
    s = StreamSession(X[:512], ensemble=ensemble, update="kl", queries_per_window=10, seed=0)
    answer_all(s, y)
    size_before = s.ensemble.member_size_.copy()
    m = s.weights.size
    s.add_window(X[512:1024])  # no drift: the counts stay
    np.testing.assert_array_equal(s.ensemble.member_size_, size_before)
    answer_all(s, y)
    s.add_window(X[1024:1536])  # the planted drift: every tree is re-counted on the new window
    assert s.windows[-1].fired and s.windows[-1].replaced == s.ensemble.n_trees
    cols = s.ensemble._leaf_columns(X[1024:1536])
    np.testing.assert_array_equal(s.ensemble.member_size_, np.bincount(cols.ravel(), minlength=m))
    assert s.weights.size == m == s.session.features.shape[1]
    assert len(s.labeled_ids) == 20
