"""Streaming AAD (adlib.aad.stream): forest updates, memory, labels, determinism."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys

import numpy as np
import pytest

from adlib.aad import (
    AnswerNotSavedError,
    LabelStore,
    LabelStoreError,
    LabelStoreMismatchError,
    Oracle,
    Session,
    labelstore,
)
from adlib.aad.stream import StreamSession, WindowMismatchError, discover_stream
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


# -- the label store of a stream: record, kill, resume ------------------------

STORED = dict(queries_per_window=8, budget=40, seed=2)


def drive(stream, X, y, window=512, stop_after=None):
    """Answer with the ground truth and feed every window after the first; stop after k answers."""
    oracle, n_windows, given = Oracle(y), X.shape[0] // window, 0
    for w in range(n_windows):
        while (q := stream.next_queries()).size:
            for i, label in zip(q, oracle.label(q), strict=True):
                stream.answer(i, label)
                given += 1
                if given == stop_after:
                    return stream
        if w + 1 < n_windows:
            stream.add_window(X[(w + 1) * window:(w + 2) * window], final=w + 2 == n_windows)
    return stream


def assert_same_stream(a, b, X):
    np.testing.assert_array_equal(a.found, b.found)
    np.testing.assert_array_equal(a.queried, b.queried)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.memory_ids, b.memory_ids)
    assert a.labels == b.labels
    assert [(w.replaced, w.n_queries, w.n_found, w.fired) for w in a.windows] == \
        [(w.replaced, w.n_queries, w.n_found, w.fired) for w in b.windows]
    for wa, wb in zip(a.windows, b.windows, strict=True):
        assert (wa.kl is None) == (wb.kl is None)
        if wa.kl is not None:
            np.testing.assert_array_equal(wa.kl, wb.kl)
    np.testing.assert_array_equal(a.ensemble.member_tree_, b.ensemble.member_tree_)
    np.testing.assert_array_equal((a.ensemble.transform(X) @ a.weights),
                                  (b.ensemble.transform(X) @ b.weights))


@pytest.mark.parametrize("update,stop", [("kl", 13), ("kl", 29), ("oldest", 13), ("oldest", 29)])
def test_a_stopped_recorded_stream_resumes_to_the_uninterrupted_run(tmp_path, update, stop):
    """Stop in window 1 (before the drift) or window 3 (after it); drop the object; resume."""
    X, y = drifting_stream(n_windows=4)
    full = drive(StreamSession(X[:512], update=update, **STORED), X, y)  # no store at all
    assert sum(w.replaced for w in full.windows) > 0  # the resumed part crosses a replacement
    path = tmp_path / "stream.jsonl"
    first = drive(StreamSession.open(path, X[:512], update=update, **STORED), X, y,
                  stop_after=stop)
    assert first.n_queried == stop and first.labels == {i: int(y[i]) for i in first.queried}
    del first  # the crash: nothing closed, the store object dropped mid-window
    resumed = StreamSession.open(path, X[:512], update=update, **STORED)
    assert resumed.n_queried == min(stop, 8)  # window 0's answers are back on opening
    resumed = drive(resumed, X, y)
    assert_same_stream(resumed, full, X)
    # every label is in the store and in the last window's session, whatever trees it has now
    store = LabelStore.read(path)
    assert store.answers == list(zip(full.queried, full.answers, strict=True))
    assert [e["window"] for e in store.events if e["type"] == "window"] == [0, 1, 2, 3]
    rows = np.flatnonzero(resumed.session.labels >= 0)
    assert dict(zip(resumed._ids[rows].tolist(), resumed.session.labels[rows].tolist(),
                    strict=True)) == resumed.labels == {i: int(y[i]) for i in full.queried}
    np.testing.assert_array_equal(resumed.labeled_X, X[resumed.labeled_ids])
    resumed.close()


KILLED = """
import os, signal, sys
import numpy as np
from adlib.aad.stream import StreamSession
data = np.load(sys.argv[1])
X, y = data["X"], data["y"]
s = StreamSession.open(sys.argv[2], X[:512], update="kl", queries_per_window=8, budget=40, seed=2)
given = 0
for w in range(4):
    while (q := s.next_queries()).size:
        for i in q:
            if given == 21:
                os.kill(os.getpid(), signal.SIGKILL)  # no close, no flush of anything else
            s.answer(i, y[i])
            given += 1
    s.add_window(X[(w + 1) * 512:(w + 2) * 512], final=w == 2)
"""


def test_a_stream_killed_with_sigkill_resumes_from_its_store(tmp_path):
    X, y = drifting_stream(n_windows=4)
    np.savez(tmp_path / "data.npz", X=X, y=y)
    path = tmp_path / "killed.jsonl"
    proc = subprocess.run([sys.executable, "-c", KILLED, str(tmp_path / "data.npz"), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert LabelStore.read(path).n_answers == 21
    resumed = drive(StreamSession.open(path, X[:512], update="kl", **STORED), X, y)
    assert_same_stream(resumed, drive(StreamSession(X[:512], update="kl", **STORED), X, y), X)
    resumed.close()


def test_a_changed_window_or_parameter_is_refused_by_name(tmp_path):
    X, y = drifting_stream(n_windows=3)
    path = tmp_path / "stream.jsonl"
    drive(StreamSession.open(path, X[:512], **STORED), X, y).close()
    changed = X.copy()
    changed[700, 1] += 1e-9  # one value of window 1
    s = StreamSession.open(path, X[:512], **STORED)
    with pytest.raises(WindowMismatchError, match=r"window 1 \(stream positions 512 to 1023\).*"
                       r"sha256 recorded"):
        s.add_window(changed[512:1024])
    assert len(s.windows) == 1  # nothing applied
    s.add_window(X[512:1024])  # the recorded window goes on
    with pytest.raises(WindowMismatchError, match="window 2.*final recorded True, fed False"):
        s.add_window(X[1024:1536], final=False)
    s.close()
    with pytest.raises(WindowMismatchError, match="window 0"):
        StreamSession.open(path, changed[:512][::-1], **STORED)
    with pytest.raises(LabelStoreMismatchError, match="queries_per_window: stored 8, now 9"):
        StreamSession.open(path, X[:512], **{**STORED, "queries_per_window": 9})
    with pytest.raises(LabelStoreMismatchError, match="kind: stored 'stream', now None"):
        Session.open(path, X[:512], seed=2)


def test_the_recorded_run_moved_on_so_the_resumed_window_asks_nothing_more(tmp_path):
    X, y = drifting_stream(n_windows=3)
    path = tmp_path / "stream.jsonl"
    s = StreamSession.open(path, X[:512], **STORED)
    for _ in range(3):  # 3 of window 0's 8 queries, then the analyst moves on
        (i,) = s.next_queries()
        s.answer(i, y[i])
    asked = int(s.next_queries()[0])
    s.add_window(X[512:1024])
    s.close()
    r = StreamSession.open(path, X[:512], **STORED)
    assert r.n_queried == 3 and r.next_queries().size == 0
    with pytest.raises(LabelStoreError, match="window 1 recorded next.*add_window"):
        r.answer(asked, 0)
    r.add_window(X[512:1024])
    assert r.next_queries().size == 1 and r.n_queried == 3
    r.close()


def test_an_answer_or_window_that_cannot_be_written_is_not_applied(tmp_path, monkeypatch):
    X, y = drifting_stream(n_windows=3)
    path = tmp_path / "stream.jsonl"
    s = StreamSession.open(path, X[:512], **STORED)
    seen = []
    s.recorder = seen.append
    (i,) = s.next_queries()
    s.answer(i, y[i])
    (j,) = s.next_queries()
    before = (s.weights.copy(), list(s.queried), s.labels, s.memory_ids.copy(), len(s.events))

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(labelstore, "append_bytes", full_disk)
    with pytest.raises(AnswerNotSavedError, match=f"instance {j} .*NOT saved.*No space left"):
        s.answer(j, y[j])
    with pytest.raises(AnswerNotSavedError, match="Window 1 .*NOT saved"):
        s.add_window(X[512:1024])
    np.testing.assert_array_equal(s.weights, before[0])
    assert (list(s.queried), s.labels, len(s.events)) == before[1:2] + before[2:3] + before[4:]
    np.testing.assert_array_equal(s.memory_ids, before[3])
    assert len(s.windows) == 1 and s.n_seen == 512 and len(seen) == 1
    assert s.next_queries().tolist() == [j]  # still asked
    monkeypatch.undo()
    s.answer(j, y[j])  # once the disk is fixed
    assert LabelStore.read(path).answers == [(int(i), int(y[i])), (int(j), int(y[j]))]
    s.close()
