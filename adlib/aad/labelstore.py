"""Answers that survive a crash: an append-only JSON-lines file per feedback session.

The first line is a header: the file format, when it was created, and the
session's *fingerprint* (:meth:`adlib.aad.Session.fingerprint`: sha256 and
shape of the data, the ensemble, seed, tau and the other model parameters,
the query strategy). Every following line is one event, written, flushed and
``fsync``-ed the moment it is given, BEFORE the session changes::

    {"type": "header", "format": "adlib-labelstore", "version": 1, "fingerprint": {...}, ...}
    {"type": "answer", "index": 312, "label": 1, "time": "2026-11-24T08:01:02.345+00:00"}
    {"type": "skip", "index": 77, "time": "..."}
    {"type": "undo", "time": "..."}

Resuming replays the events in order on a freshly built session: the model
and the queries are seeded, so the weights and the next query are exactly
those of a session that was never interrupted. A broken *last* line (a crash
in the middle of a write) is dropped with a warning and cut from the file; a
broken line anywhere else is an error (the file was edited or damaged). A file
written for other data or other parameters is refused, naming the difference.

Typical use (``open_session`` builds the session, checks the header, replays)::

    session = open_session("~/.cache/adlib/answers/toy2.jsonl", data.X, ensemble="iforest", seed=0)
    (i,) = session.next_queries()
    session.answer(i, "anomaly")        # on disk before the weights change
"""

from __future__ import annotations

import json
import os
import warnings
from datetime import datetime, timezone
from pathlib import Path

FORMAT = "adlib-labelstore"
VERSION = 1
EVENT_TYPES = ("answer", "skip", "undo", "pretrain")


class LabelStoreError(ValueError):
    """A label store cannot be used; the message says why and what to do."""


class CorruptLabelStoreError(LabelStoreError):
    """A line before the last one is not a valid record."""


class LabelStoreMismatchError(LabelStoreError):
    """The store was written for other data or other session parameters."""


class ReplayError(ValueError):
    """Stored answers do not fit this session (another model, data or library version)."""


def resolve_undos(events) -> list[dict]:
    """The events that stand once every ``undo`` has taken back the one before it."""
    stack: list[dict] = []
    for k, event in enumerate(events):
        if event.get("type") == "undo":
            if not stack:
                raise ReplayError(f"event {k} is an undo with nothing before it to take back")
            stack.pop()
        else:
            stack.append(event)
    return stack


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _check_event(event, where: str) -> dict:
    if not isinstance(event, dict) or event.get("type") not in EVENT_TYPES:
        raise ValueError(f"{where}: not an event (type must be one of {', '.join(EVENT_TYPES)})")
    kind = event["type"]
    if kind in ("answer", "skip") and not isinstance(event.get("index"), int):
        raise ValueError(f"{where}: {kind} without an integer 'index'")
    if kind == "answer" and event.get("label") not in (0, 1):
        raise ValueError(f"{where}: answer label must be 0 or 1, got {event.get('label')!r}")
    if kind == "pretrain" and len(event.get("indices", ())) != len(event.get("labels", ())):
        raise ValueError(f"{where}: pretrain needs as many labels as indices")
    return event


class LabelStore:
    """An append-only JSON-lines file of a session's answers (see the module docstring).

    ``LabelStore.open(path, fingerprint)`` creates the file (with its header)
    or reads an existing one and checks its fingerprint. A store is a session
    *recorder*: :meth:`attach` replays its events on a session and then
    records each new answer, skip, undo or pretrain before the session applies
    it. ``events`` holds every recorded event, undos included, in file order.
    """

    def __init__(self, path, header: dict, events: list[dict]):
        self.path = Path(path)
        self.header = header
        self.events = events

    # -- opening ---------------------------------------------------------
    @classmethod
    def open(cls, path, fingerprint: dict, info: dict | None = None) -> LabelStore:
        """Open the store at ``path`` for a session with this ``fingerprint``; create it if new.

        ``info`` (e.g. the dataset's name) is written into a new header for
        people reading the file; it is not checked.
        """
        path = Path(path).expanduser()
        fingerprint = json.loads(json.dumps(fingerprint))  # the form it has once stored
        if path.exists() and path.stat().st_size > 0:
            raw = path.read_bytes()
            if b"\n" not in raw and raw.startswith(b'{"type": "header"'):
                # Killed while writing the header: no answer can have been stored yet.
                warnings.warn(f"label store {path}: its header is incomplete (a crash while "
                              "creating it); starting the store afresh", RuntimeWarning,
                              stacklevel=2)
            else:
                store = cls.read(path, repair=True)
                store._check_fingerprint(fingerprint)
                return store
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {"type": "header", "format": FORMAT, "version": VERSION, "created": _now(),
                  "fingerprint": fingerprint, "info": dict(info or {})}
        store = cls(path, header, [])
        store._write_line(header, mode="w")
        return store

    @classmethod
    def read(cls, path, repair: bool = False) -> LabelStore:
        """Read a store. A broken last line is dropped with a warning (and, with ``repair``,
        cut from the file so that new lines follow a complete one)."""
        path = Path(path).expanduser()
        if not path.is_file():
            raise LabelStoreError(f"no label store at {path}")
        raw = path.read_bytes()
        lines = raw.split(b"\n")
        # Offsets of each line's start, to cut a broken tail.
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        filled = [k for k, line in enumerate(lines) if line.strip()]
        last = filled[-1] if filled else -1
        records, last_good_end = [], 0
        for k, line in enumerate(lines):
            if not line.strip():
                continue
            is_last = k == last
            try:
                record = json.loads(line.decode("utf-8"))
                if k == 0 or not records:
                    if not (isinstance(record, dict) and record.get("type") == "header"
                            and record.get("format") == FORMAT):
                        raise ValueError("the first line is not an adlib label-store header")
                else:
                    _check_event(record, "record")
            except (ValueError, UnicodeDecodeError) as err:
                if is_last and records:
                    warnings.warn(
                        f"label store {path}: its last line is incomplete or damaged (a crash "
                        f"while writing?) and was dropped: {line[:80]!r} ({err})",
                        RuntimeWarning, stacklevel=2)
                    if repair:
                        with open(path, "r+b") as fh:
                            fh.truncate(last_good_end)
                            fh.flush()
                            os.fsync(fh.fileno())
                    break
                if not records:
                    raise LabelStoreError(
                        f"{path} is not an adlib label store ({err}). Pass a path to a new "
                        "file, or to a store written by adlib.feedback.LabelStore.") from None
                raise CorruptLabelStoreError(
                    f"label store {path}: line {k + 1} of {len(filled)} is "
                    f"not a valid record ({err}): {line[:80]!r}. Only a broken LAST line (an "
                    "interrupted write) is repaired automatically; this one has answers after "
                    f"it. Fix or delete line {k + 1} by hand, or start a new store.") from None
            records.append(record)
            last_good_end = starts[k] + len(line) + 1
        if not records:
            raise LabelStoreError(f"{path} is empty; it has no label-store header")
        if records[0].get("version") != VERSION:
            raise LabelStoreError(f"{path} has label-store version {records[0].get('version')}; "
                                  f"this adlib reads version {VERSION}")
        store = cls(path, records[0], records[1:])
        store._needs_newline = not raw[:last_good_end].endswith(b"\n") if repair else False
        return store

    def _check_fingerprint(self, fingerprint: dict) -> None:
        stored = self.header.get("fingerprint", {})
        diffs = []
        for key in sorted(set(stored) | set(fingerprint)):
            a, b = stored.get(key), fingerprint.get(key)
            if a != b:
                if isinstance(a, dict) and isinstance(b, dict):
                    for sub in sorted(set(a) | set(b)):
                        if a.get(sub) != b.get(sub):
                            diffs.append(f"{key}.{sub}: stored {a.get(sub)!r}, now {b.get(sub)!r}")
                else:
                    diffs.append(f"{key}: stored {a!r}, now {b!r}")
        if diffs:
            raise LabelStoreMismatchError(
                f"label store {self.path} was written for another session, so its answers "
                "cannot be replayed on this one; differences: " + "; ".join(diffs) + ". Fix: "
                "open the session with the data and parameters the store was written for, or "
                "give another path (or delete this file) to start a new store.")

    # -- writing ---------------------------------------------------------
    def _write_line(self, record: dict, mode: str = "a") -> None:
        text = json.dumps(record, separators=(", ", ": ")) + "\n"
        if getattr(self, "_needs_newline", False):
            text = "\n" + text
            self._needs_newline = False
        with open(self.path, mode, encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    def append(self, event: dict) -> dict:
        """Write one event (time-stamped), flushed and fsync-ed, then keep it in ``events``."""
        record = _check_event({**event, "time": event.get("time") or _now()}, "event")
        self._write_line(record)
        self.events.append(record)
        return record

    __call__ = append  # a LabelStore is a Session recorder

    # -- sessions --------------------------------------------------------
    def attach(self, session):
        """Replay the stored events on ``session``, then record its every new event here.

        The session must be new (no event yet) unless the store is empty, in
        which case the session's own events (e.g. a pretrain) are written first.
        """
        self._check_fingerprint(json.loads(json.dumps(session.fingerprint())))
        if self.events:
            if session.events:
                raise LabelStoreError("attach a label store with answers to a new session "
                                      "(this one has events of its own)")
            session.replay(self.events)
        else:
            for event in session.events:
                self.append(event)
        session.recorder = self
        session.store = self
        return session

    @property
    def answers(self) -> list[tuple[int, int]]:
        """``(index, label)`` of the answers that stand (undone ones removed), in order."""
        return [(e["index"], e["label"]) for e in resolve_undos(self.events)
                if e["type"] == "answer"]

    @property
    def n_answers(self) -> int:
        return len(self.answers)

    def __repr__(self) -> str:
        return f"LabelStore({str(self.path)!r}, {len(self.events)} events, {self.n_answers} answers)"


def default_store_path(name: str) -> Path:
    """A per-user place for label stores: ``<adlib cache>/answers/<name>.jsonl``."""
    from ..datasets import data_home

    return Path(data_home()) / "answers" / f"{name}.jsonl"
