"""LabelStore under stress: failed writes leave no half line, and one writer at a time (real processes)."""

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from _store_helpers import PARAMS
from _store_helpers import answer_next as _answer

import adlib.aad.storefile as storefile
from adlib.aad import Session
from adlib.aad.labelstore import (
    AnswerNotSavedError,
    LabelStore,
    LabelStoreClosedError,
    LabelStoreError,
    LabelStoreLockedError,
    LabelStoreMismatchError,
)
from adlib.datasets import make_toy

SETUP = """
import json, os, resource, signal, sys, time
import numpy as np
from adlib.aad import Oracle, Session
from adlib.aad.labelstore import AnswerNotSavedError, LabelStore
from adlib.datasets import make_toy
toy = make_toy(seed=0)
PARAMS = dict(ensemble="iforest", seed=3, tau=0.03)
path = sys.argv[1]
"""


@pytest.fixture(scope="module")
def toy():
    return make_toy(seed=0)


def _python(script, *args, **kw):
    return subprocess.Popen([sys.executable, "-c", SETUP + textwrap.dedent(script), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


# -- 1. no half-written answers ----------------------------------------------------------
def test_a_write_past_the_file_size_limit_leaves_the_store_as_it_was(toy, tmp_path):
    """RLIMIT_FSIZE makes the 6th answer's write fail half way (a real EFBIG from the kernel)."""
    path, snap, n = tmp_path / "a.jsonl", tmp_path / "after_failure.jsonl", 6
    child = _python(f"""
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # else the kernel kills us at the limit
        s = Session.open(path, toy.X, **PARAMS)
        for _ in range({n - 1}):
            (i,) = s.next_queries(); s.answer(i, int(toy.y[i]))
        size, w = os.path.getsize(path), s.model.w_.copy()
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 20, hard))  # 20 bytes of the next line fit
        (i,) = s.next_queries()
        out = {{"i": int(i)}}
        for attempt in ("answer", "skip"):
            try:
                s.answer(i, 1) if attempt == "answer" else s.skip(i)
            except AnswerNotSavedError as err:
                out[attempt] = [str(err), type(err.os_error).__name__, err.os_error.errno]
        out["size_unchanged"] = os.path.getsize(path) == size
        out["session_unchanged"] = (s.n_queried == {n - 1} and s.next_queries().tolist() == [i]
                                    and np.array_equal(s.model.w_, w) and len(s.events) == {n - 1})
        with open(path, "rb") as fh, open(sys.argv[2], "wb") as copy:
            copy.write(fh.read())
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))   # the problem is fixed
        s.answer(i, int(toy.y[i]))                                 # and answering again works
        out["after"] = [s.n_queried, LabelStore.read(path).n_answers]
        print(json.dumps(out))
    """, path, snap)
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 0, stderr[-3000:]
    out = json.loads(stdout.strip().splitlines()[-1])
    message, kind, code = out["answer"]
    assert kind == "OSError" and code == errno.EFBIG
    assert f"The answer for instance {out['i']} (anomaly) was NOT saved" in message
    assert "File too large" in message and "the store is as it was before it" in message
    assert "the session did not take it" in message and "give it again" in message
    assert out["skip"][0].startswith(f"The skip of instance {out['i']} was NOT saved")
    assert out["size_unchanged"] and out["session_unchanged"]
    assert out["after"] == [n, n]
    # the store as the failure left it: exactly the n - 1 answers, resumed in a new process
    assert snap.read_bytes().endswith(b"\n") and LabelStore.read(snap).n_answers == n - 1
    resumed = Session.open(snap, toy.X, **PARAMS)
    assert resumed.n_queried == n - 1 and resumed.next_queries().tolist() == [out["i"]]
    _answer(resumed, toy.y, 1)
    never = Session.from_data(toy.X, **PARAMS)
    _answer(never, toy.y, n)
    np.testing.assert_array_equal(resumed.model.w_, never.model.w_)
    # and the store the child went on with after the limit was lifted has all n
    again = Session.open(path, toy.X, **PARAMS)
    assert again.queried == never.queried


def _failing_write(monkeypatch, written=25, fail_cut=False):
    """os.write in the store writes ``written`` bytes, then the disk is full."""
    real_write, real_cut, calls = os.write, os.ftruncate, []

    def write(fd, data):
        if calls:
            raise OSError(errno.ENOSPC, "No space left on device")
        calls.append(1)
        return real_write(fd, bytes(data[:written]))

    def cut(fd, size):
        if fail_cut and len(calls) == 1:
            calls.append("cut")
            raise OSError(errno.EIO, "Input/output error")
        return real_cut(fd, size)

    monkeypatch.setattr(storefile.os, "write", write)
    monkeypatch.setattr(storefile.os, "ftruncate", cut)


def test_a_full_disk_cuts_the_half_line_and_the_session_goes_on(toy, tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    s = Session.open(path, toy.X, **PARAMS)
    _answer(s, toy.y, 3)
    before, (i,) = path.read_bytes(), s.next_queries()
    with monkeypatch.context() as m:
        _failing_write(m)
        with pytest.raises(AnswerNotSavedError, match=r"No space left on device.*as it was before"):
            s.answer(i, 0)
    assert path.read_bytes() == before and s.n_queried == 3 and s.next_queries().tolist() == [i]
    _answer(s, toy.y, 2)  # the disk has room again
    assert Session.open(path, toy.X, **PARAMS).queried == s.queried


def test_when_the_cut_fails_too_the_next_write_cuts_first(toy, tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    s = Session.open(path, toy.X, **PARAMS)
    _answer(s, toy.y, 2)
    before = path.read_bytes()
    with monkeypatch.context() as m:
        _failing_write(m, fail_cut=True)
        with pytest.raises(AnswerNotSavedError, match="cutting the partial line back failed too"):
            s.undo()
    assert len(path.read_bytes()) == len(before) + 25  # the half line is still there ...
    assert s.n_queried == 2
    _answer(s, toy.y, 1)  # ... and is cut before the next line is written
    assert [e["type"] for e in LabelStore.read(path).events] == ["answer"] * 3
    assert Session.open(path, toy.X, **PARAMS).queried == s.queried


# -- 2. one writer at a time ---------------------------------------------------------------
HOLDER = """
s = Session.open(path, toy.X, **PARAMS)
(i,) = s.next_queries(); s.answer(i, int(toy.y[i]))
print("ready", os.getpid(), flush=True)
for command in sys.stdin:
    command = command.strip()
    if command == "close":
        s.close()
    elif command == "open":
        s = Session.open(path, toy.X, **PARAMS)
    print(command, "done", flush=True)
"""


def test_two_processes_one_store(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    child = _python(HOLDER, path, stdin=subprocess.PIPE)
    try:
        assert child.stdout.readline().split()[0] == "ready", child.stderr.read()[-3000:]
        # a second session is refused, naming the store, the holder and the way out
        with pytest.raises(LabelStoreLockedError) as caught:
            Session.open(path, toy.X, **PARAMS)
        msg = str(caught.value)
        assert str(path) in msg and f"process {child.pid} on host {socket.gethostname()}" in msg
        assert "since 20" in msg and "session.close()" in msg and "LabelStore.read(path)" in msg
        assert "read_only=True" in msg and caught.value.holder["pid"] == child.pid
        assert path.read_text().count("\n") == 2  # nothing of ours was written
        # looking is allowed: read-only, no lock, and it refuses to record
        assert LabelStore.read(path).n_answers == 1
        look = Session.open(path, toy.X, read_only=True, **PARAMS)
        assert look.n_queried == 1 and look.store.read_only
        with pytest.raises(LabelStoreError, match="read-only"):
            _answer(look, toy.y, 1)
        assert look.n_queried == 1
        # the holder closes its session: the store is free
        child.stdin.write("close\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "close done"
        mine = Session.open(path, toy.X, **PARAMS)
        _answer(mine, toy.y, 1)
        mine.close()
        assert mine.store.closed
        with pytest.raises(LabelStoreClosedError, match="close"):
            _answer(mine, toy.y, 1)
        # the holder opens it again and is killed: the kernel drops its lock
        child.stdin.write("open\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "open done"
        with pytest.raises(LabelStoreLockedError):
            Session.open(path, toy.X, **PARAMS)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    with Session.open(path, toy.X, **PARAMS) as after:
        assert after.n_queried == 2
        _answer(after, toy.y, 1)
    assert after.store.closed and LabelStore.read(path).n_answers == 3


def test_reopening_in_the_same_process_takes_the_store_over(toy, tmp_path):
    path = tmp_path / "a.jsonl"
    old = Session.open(path, toy.X, **PARAMS)
    _answer(old, toy.y, 2)
    new = Session.open(path, toy.X, **PARAMS)  # a notebook cell run again: no deadlock
    assert new.n_queried == 2 and old.store.closed and not new.store.closed
    with pytest.raises(LabelStoreClosedError, match="opened again in this process"):
        _answer(old, toy.y, 1)
    assert old.n_queried == 2  # refused before it changed
    # a failed open (other parameters) leaves the current holder as it was
    with pytest.raises(LabelStoreMismatchError):
        Session.open(path, toy.X, **dict(PARAMS, seed=4))
    _answer(new, toy.y, 1)
    assert LabelStore.read(path).n_answers == 3
    new.close()
    new.close()  # twice is fine
    third = Session.open(path, toy.X, **PARAMS)
    assert third.n_queried == 3
