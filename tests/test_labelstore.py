"""LabelStore: answers on disk before the model changes; resume, undo, damaged files, mismatches."""

import json

import numpy as np
import pytest
from _store_helpers import PARAMS
from _store_helpers import answer_next as _answer

from adlib.aad import Session
from adlib.aad.session import ReplayError
from adlib.aad.storefile import link
from adlib.datasets import make_toy
from adlib.feedback import (
    CorruptLabelStoreError,
    LabelStore,
    LabelStoreError,
    LabelStoreMismatchError,
    Oracle,
    open_session,
)


@pytest.fixture(scope="module")
def toy():
    return make_toy(seed=0)


def _lines(path):
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_each_answer_is_on_disk_before_the_session_changes(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    s = open_session(path, toy.X, **PARAMS)
    (i,) = s.next_queries()
    seen = []

    def spy(event):  # the recorder sees the event while the session is unchanged
        seen.append((len(_lines(path)), s.n_queried))
        return s.store.append(event)

    s.recorder = spy
    s.answer(i, "anomaly")
    assert seen == [(1, 0)]  # header only, nothing queried yet, when it was called
    records = _lines(path)
    assert records[0]["type"] == "header" and records[0]["fingerprint"] == s.fingerprint()
    assert records[1]["type"] == "answer" and records[1]["index"] == i and records[1]["label"] == 1
    assert "time" in records[1]


def test_resume_gives_the_same_weights_and_next_query(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    s = open_session(path, toy.X, **PARAMS)
    _answer(s, toy.y, 7)
    (q,) = s.next_queries()
    s.skip(q)
    _answer(s, toy.y, 5)
    del s  # "the kernel dies"

    resumed = open_session(path, toy.X, **PARAMS)
    never = Session.from_data(toy.X, **PARAMS)
    _answer(never, toy.y, 7)
    never.skip(never.next_queries()[0])
    _answer(never, toy.y, 5)
    assert resumed.queried == never.queried and resumed.n_queried == 12
    assert resumed.skipped.sum() == 1
    np.testing.assert_array_equal(resumed.model.w_, never.model.w_)
    np.testing.assert_array_equal(resumed.next_queries(), never.next_queries())
    # and it keeps recording
    _answer(resumed, toy.y, 1)
    assert LabelStore.read(path).n_answers == 13


def test_undo_replays_to_the_state_before_the_last_answer(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    s = open_session(path, toy.X, **PARAMS)
    _answer(s, toy.y, 4)
    w4, q4 = s.model.w_.copy(), s.next_queries().tolist()
    (i,) = q4
    s.answer(i, 1 - int(toy.y[i]))  # a wrong click
    assert not np.array_equal(s.model.w_, w4)
    undone = s.undo()
    assert undone == {"type": "answer", "index": i, "label": 1 - int(toy.y[i])}
    np.testing.assert_array_equal(s.model.w_, w4)
    assert s.next_queries().tolist() == q4 and s.n_queried == 4
    s.answer(i, int(toy.y[i]))
    assert [e["type"] for e in _lines(path)[1:]] == ["answer"] * 5 + ["undo", "answer"]
    resumed = open_session(path, toy.X, **PARAMS)
    np.testing.assert_array_equal(resumed.model.w_, s.model.w_)
    assert resumed.queried == s.queried and resumed.answers == s.answers
    with pytest.raises(ValueError, match="nothing to undo"):
        Session.from_data(toy.X, **PARAMS).undo()


def test_pretrain_and_batches_are_replayed(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    params = dict(PARAMS, batch_size=3)
    s = open_session(path, toy.X, **params)
    s.pretrain([0, 1], [toy.y[0], toy.y[1]])
    batch = s.next_queries()
    s.answer(batch[0], 1)
    s.answer(batch[1], 0)  # one of the batch still pending at the "crash"
    r = open_session(path, toy.X, **params)
    assert r.pretrained == [0, 1] and r.queried == s.queried
    assert r.next_queries().tolist() == s.next_queries().tolist() == [int(batch[2])]
    np.testing.assert_array_equal(r.model.w_, s.model.w_)


def test_a_partial_last_line_is_dropped_with_a_warning(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    s = open_session(path, toy.X, **PARAMS)
    _answer(s, toy.y, 3)
    with open(path, "a") as fh:
        fh.write('{"type": "answer", "ind')  # killed in the middle of a write
    with pytest.warns(RuntimeWarning, match="last line is incomplete"):
        r = open_session(path, toy.X, **PARAMS)
    assert r.n_queried == 3
    _answer(r, toy.y, 1)  # the broken tail was cut: the new line is a whole line
    assert [e["type"] for e in _lines(path)] == ["header"] + ["answer"] * 4


def test_corruption_in_the_middle_is_an_error(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    s = open_session(path, toy.X, **PARAMS)
    _answer(s, toy.y, 3)
    lines = path.read_text().splitlines()
    lines[2] = lines[2][:15]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CorruptLabelStoreError, match="line 3 of 4 is not a valid record"):
        open_session(path, toy.X, **PARAMS)
    path.write_text("hello\n")
    with pytest.raises(LabelStoreError, match="is not an adlib label store"):
        LabelStore.read(path)


def test_a_store_for_other_data_or_parameters_is_refused(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    _answer(open_session(path, toy.X, **PARAMS), toy.y, 2)
    other = make_toy(seed=1)
    with pytest.raises(LabelStoreMismatchError, match=r"data_sha256: stored .*delete this file"):
        open_session(path, other.X, **PARAMS)
    with pytest.raises(LabelStoreMismatchError, match=r"model\.tau: stored 0\.03, now 0\.05"):
        open_session(path, toy.X, **dict(PARAMS, tau=0.05))
    with pytest.raises(LabelStoreMismatchError, match=r"seed: stored 3, now 4"):
        open_session(path, toy.X, **dict(PARAMS, seed=4))
    # the budget may change: a resumed session can go on for longer
    assert open_session(path, toy.X, budget=30, **PARAMS).n_queried == 2


def test_answers_that_no_longer_fit_are_a_replay_error(toy, tmp_path):
    s = Session.from_data(toy.X, **PARAMS)
    with pytest.raises(ReplayError, match="asks something else"):
        s.replay([{"type": "answer", "index": int(np.argmin(s.scores)), "label": 0}])


def test_run_with_an_oracle_is_recorded_too(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    s = open_session(path, toy.X, budget=10, **PARAMS).run(Oracle(toy.y))
    store = LabelStore.read(path)
    assert store.answers == list(zip(s.queried, s.answers, strict=True))


def test_a_failing_write_leaves_the_session_unchanged(toy, tmp_path):
    s = open_session(tmp_path / "a.jsonl", toy.X, **PARAMS)

    def broken(event):
        raise OSError("disk full")

    s.recorder = broken
    (i,) = s.next_queries()
    with pytest.raises(OSError):
        s.answer(i, 1)
    assert s.n_queried == 0 and s.next_queries().tolist() == [i] and not s.events


def test_a_header_cut_short_starts_the_store_afresh(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"type": "header", "format": "adlib-lab')
    with pytest.warns(RuntimeWarning, match="header is incomplete"):
        s = open_session(path, toy.X, **PARAMS)
    _answer(s, toy.y, 1)
    assert LabelStore.read(path).n_answers == 1


def test_on_mismatch_set_aside_keeps_the_old_file_and_starts_afresh(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    _answer(open_session(path, toy.X, **PARAMS), toy.y, 3)
    with pytest.warns(RuntimeWarning, match="moved to .*set-aside"):
        s = open_session(path, toy.X, on_mismatch="set_aside", **dict(PARAMS, seed=9))
    assert s.n_queried == 0 and LabelStore.read(path).n_answers == 0
    (aside,) = tmp_path.glob("a.set-aside-*.jsonl")
    assert LabelStore.read(aside).n_answers == 3
    # answers that no longer replay are set aside too (here: a forged store whose forged
    # line continues the chain, as a store written by another library version would)
    lines = path.read_text().splitlines()
    s2 = Session.from_data(toy.X, **dict(PARAMS, seed=9))
    bad = {"type": "answer", "index": int(np.argmin(s2.scores)), "label": 0, "time": "t", "n": 1}
    bad["chain"] = link(json.loads(lines[-1])["chain"], bad)
    path.write_text("\n".join(lines + [json.dumps(bad)]) + "\n")
    with pytest.warns(RuntimeWarning, match="asks something else"):
        s3 = open_session(path, toy.X, on_mismatch="set_aside", **dict(PARAMS, seed=9))
    assert s3.n_queried == 0 and s3.store.n_answers == 0
    asides = sorted(tmp_path.glob("a.set-aside-*.jsonl"))
    assert len(asides) == 2 and aside in asides  # the first one was not overwritten
    assert LabelStore.read(aside).n_answers == 3
    _answer(s3, toy.y, 1)
    assert LabelStore.read(path).n_answers == 1
    with pytest.raises(ValueError, match="on_mismatch"):
        open_session(path, toy.X, on_mismatch="ignore", **PARAMS)


def test_answers_take_integer_indices_only(toy, tmp_path):
    s = open_session(tmp_path / "a.jsonl", toy.X, **PARAMS)
    (q,) = s.next_queries()
    for bad in (float(q) + 0.9, str(q), True, np.float64(q), [q]):
        with pytest.raises(TypeError, match="is not an instance index: give an integer"):
            s.answer(bad, 1)
        with pytest.raises(TypeError, match="is not an instance index"):
            s.skip(bad)
    for out in (-1, toy.X.shape[0]):
        with pytest.raises(IndexError, match=f"index {out} is out of range for 485 instances"):
            s.answer(out, 1)
    assert s.n_queried == 0 and not s.store.events  # nothing was recorded
    with pytest.raises(TypeError, match="indices must be integers"):
        Session.from_data(toy.X, **PARAMS).pretrain([1.5, 2.0], [0, 1])
    with pytest.raises(IndexError, match="out of range"):
        Session.from_data(toy.X, **PARAMS).pretrain([1, 485], [0, 1])
    s.answer(np.int32(q), np.int64(1))  # numpy integers are integers
    assert s.queried == [q] and LabelStore.read(s.store.path).answers == [(q, 1)]
