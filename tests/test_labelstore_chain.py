"""LabelStore format 2: every line chained to the one before, so edits and second writers are named."""

import json

import numpy as np
import pytest
from _store_helpers import PARAMS
from _store_helpers import answer_next as _answer

from adlib.aad import Session
from adlib.aad.labelstore import (
    CorruptLabelStoreError,
    InconsistentLabelStoreError,
    LabelStore,
    LabelStoreError,
    ReplayError,
)
from adlib.aad.storefile import link
from adlib.datasets import make_toy


@pytest.fixture(scope="module")
def toy():
    return make_toy(seed=0)


@pytest.fixture
def store5(toy, tmp_path):
    """A closed store with 5 answers (lines 2-6), and the session that wrote it."""
    path = tmp_path / "a.jsonl"
    with Session.open(path, toy.X, **PARAMS) as s:
        _answer(s, toy.y, 5)
    return path, s


def _edit(path, fn):
    lines = path.read_text().splitlines()
    path.write_text("\n".join(fn(lines)) + "\n")


def _relabel(line):
    record = json.loads(line)
    record["label"] = 1 - record["label"]
    return json.dumps(record)


def test_each_line_carries_its_number_and_chain(store5):
    path, s = store5
    records = [json.loads(x) for x in path.read_text().splitlines()]
    assert records[0]["version"] == 2 and records[0]["chain"] == link("", records[0])
    for k, record in enumerate(records[1:], 1):
        assert record["n"] == k and record["chain"] == link(records[k - 1]["chain"], record)
    assert LabelStore.read(path).answers == list(zip(s.queried, s.answers, strict=True))


@pytest.mark.parametrize("where", [-1, 2])
def test_an_edited_answer_is_named_by_line_even_the_last(toy, store5, where):
    path, _ = store5
    _edit(path, lambda lines: lines[:where] + [_relabel(lines[where])] + lines[where:][1:])
    line = 6 if where == -1 else 3
    with pytest.raises(InconsistentLabelStoreError) as caught:
        Session.open(path, toy.X, **PARAMS)
    msg = str(caught.value)
    assert "was edited or written by two sessions" in msg and "parameters" not in msg
    assert f"line {line} of 6: its content does not match its chain (the line was edited)" in msg
    assert "LabelStore.recover(path)" in msg and "on_mismatch='set_aside'" in msg
    assert caught.value.line == line and caught.value.kept == line - 1
    with pytest.raises(InconsistentLabelStoreError):
        LabelStore.read(path)  # looking says it too


def test_deleted_duplicated_and_headerless_lines_are_named(toy, store5):
    path, _ = store5
    original = path.read_text().splitlines()
    cases = {  # what was done -> what the error says
        "deleted": (original[:3] + original[4:], "line 4 of 5: it is event 4 but event 3 is "
                    "missing: a line before it (after line 3) was deleted"),
        "duplicated": (original[:4] + original[3:], "line 5 of 7: it repeats line 4"),
        "added by hand": (original + ['{"type": "skip", "index": 1, "time": "t"}'],
                          "line 7 of 7: it has no chain"),
        "header edited": ([original[0].replace('"seed": 3', '"seed": 4')] + original[1:],
                          "line 1 (the header) does not match its chain"),
    }
    for lines, expected in cases.values():
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(InconsistentLabelStoreError, match=r"edited or written by two sessions"
                           ) as caught:
            Session.open(path, toy.X, **PARAMS)
        assert expected in str(caught.value)


def test_lines_of_two_writers_are_named(toy, store5, tmp_path):
    """Two sessions that both went on from answer 3 (what two kernels did before the lock)."""
    path, _ = store5
    lines = path.read_text().splitlines()
    other = tmp_path / "b.jsonl"
    other.write_text("\n".join(lines[:4]) + "\n")  # the second writer saw 3 answers ...
    with Session.open(other, toy.X, **PARAMS) as s2:
        _answer(s2, toy.y, 2, flip=True)  # ... and answered on, differently
    extra = other.read_text().splitlines()[4:]
    path.write_text("\n".join(lines + extra) + "\n")
    with pytest.raises(InconsistentLabelStoreError) as caught:
        Session.open(path, toy.X, **PARAMS)
    assert ("line 7 of 8: it continues from line 4 as line 5 does: two sessions appended to "
            "the same history") in str(caught.value)


def test_recover_keeps_the_consistent_beginning_and_moves_the_rest_aside(toy, store5, tmp_path):
    path, s = store5
    _edit(path, lambda lines: lines[:4] + [_relabel(lines[4])] + lines[5:])
    raw = path.read_bytes()
    with pytest.warns(RuntimeWarning, match=r"lines 5 to 6 were moved to .*a\.from-line-5-.*"
                                            r"nothing deleted.*first 3 events"):
        aside = LabelStore.recover(path)
    assert path.read_bytes() + aside.read_bytes() == raw  # every byte is still somewhere
    assert LabelStore.recover(path) is None  # consistent now: nothing to do
    resumed = Session.open(path, toy.X, **PARAMS)
    assert resumed.queried == s.queried[:3]
    _answer(resumed, toy.y, 2)  # and the chain goes on from the kept part
    assert Session.open(path, toy.X, **PARAMS).queried == s.queried


def test_set_aside_recovers_a_damaged_store_when_opening(toy, store5):
    path, s = store5
    _edit(path, lambda lines: lines[:-1] + [_relabel(lines[-1])])  # the last answer edited
    with pytest.warns(RuntimeWarning, match="line 6 was moved to"):
        r = Session.open(path, toy.X, on_mismatch="set_aside", **PARAMS)
    assert r.queried == s.queried[:4]
    (aside,) = path.parent.glob("a.from-line-6-*.jsonl")
    assert json.loads(aside.read_text())["index"] == s.queried[4]


def test_a_broken_line_before_the_last_is_recovered_too(toy, store5):
    path, s = store5
    _edit(path, lambda lines: lines[:3] + [lines[3][:20]] + lines[4:])
    with pytest.raises(CorruptLabelStoreError, match="line 4 of 6 is not a valid record"):
        Session.open(path, toy.X, **PARAMS)
    with pytest.warns(RuntimeWarning, match="lines 4 to 6 were moved"):
        LabelStore.recover(path)
    assert Session.open(path, toy.X, **PARAMS).queried == s.queried[:2]


def test_a_broken_last_line_with_its_newline_is_not_taken_for_a_crash(toy, store5):
    path, s = store5
    _edit(path, lambda lines: lines[:-1] + [lines[-1][:30]])  # cut by hand, newline kept
    with pytest.raises(CorruptLabelStoreError, match="line 6 of 6 is not a valid record"):
        Session.open(path, toy.X, **PARAMS)
    path.write_bytes(path.read_bytes()[:-1])  # without its newline it is an interrupted write
    with pytest.warns(RuntimeWarning, match="last line is incomplete"):
        assert Session.open(path, toy.X, **PARAMS).queried == s.queried[:4]


def _as_version_1(path):
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    for record in lines:
        record.pop("chain")
        record.pop("n", None)
    lines[0]["version"] = 1
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))


def test_version_1_stores_open_as_before_and_can_be_upgraded(toy, store5):
    path, s = store5
    _as_version_1(path)
    with Session.open(path, toy.X, **PARAMS) as r:
        assert r.queried == s.queried and r.store.version == 1
        _answer(r, toy.y, 1)  # appended in version 1: no chain, no number
    last = json.loads(path.read_text().splitlines()[-1])
    assert "chain" not in last and "n" not in last
    good = path.read_text()
    _edit(path, lambda lines: lines[:-1] + [_relabel(lines[-1])])
    assert Session.open(path, toy.X, **PARAMS).n_queried == 6  # version 1: an edit goes unseen
    path.write_text(good.replace(f'"index": {s.queried[1]},', '"index": 0,'))
    with pytest.raises(ReplayError, match="format version 1, without chained lines: it may also "
                                          "have been edited or written by two sessions"):
        Session.open(path, toy.X, **PARAMS)
    path.write_text(good)
    kept = LabelStore.upgrade(path)
    assert LabelStore.read(kept).version == 1 and LabelStore.read(path).version == 2
    with Session.open(path, toy.X, **PARAMS) as up:
        assert up.n_queried == 6
        w = up.model.w_.copy()
    _edit(path, lambda lines: lines[:-1] + [_relabel(lines[-1])])
    with pytest.raises(InconsistentLabelStoreError, match="line 7 of 7"):
        LabelStore.read(path)
    np.testing.assert_array_equal(w, Session.open(kept, toy.X, **PARAMS).model.w_)


def test_a_folder_is_not_a_store(toy, tmp_path):
    for call in (lambda: Session.open(tmp_path, toy.X, **PARAMS),
                 lambda: LabelStore.read(tmp_path), lambda: LabelStore.recover(tmp_path)):
        with pytest.raises(LabelStoreError, match=r"is a folder, not a label store.*answers\.jsonl"):
            call()
