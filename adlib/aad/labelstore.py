"""Answers that survive a crash: an append-only JSON-lines file per feedback session.

The first line is a header: the file format, when it was created, and the
session's *fingerprint* (:meth:`adlib.aad.Session.fingerprint`: sha256 and
shape of the data, the ensemble, seed, tau and the other model parameters,
the query strategy). Every following line is one event, written, flushed and
``fsync``-ed the moment it is given, BEFORE the session changes::

    {"type": "header", "format": "adlib-labelstore", "version": 2, "fingerprint": {...}, ..., "chain": "..."}
    {"type": "answer", "index": 312, "label": 1, "time": "2026-11-24T08:01:02.345+00:00", "n": 1, "chain": "..."}
    {"type": "skip", "index": 77, "time": "...", "n": 2, "chain": "..."}
    {"type": "undo", "time": "...", "n": 3, "chain": "..."}

Resuming replays the events on a freshly built, seeded session: the same
weights and next query as a session never interrupted. What can go wrong:

- *A write fails* (disk full, file-size limit, I/O error): the file is cut
  back to its length before that event, the session does not apply it, and
  :class:`AnswerNotSavedError` gives the OS error. Answer again once fixed.
- *A crash in the middle of a write*: the unfinished last line (no newline)
  is dropped with a warning and cut from the file when a session opens it.
- *A second session on the store* (another process): refused with
  :class:`LabelStoreLockedError` naming the holder (:mod:`.storelock`);
  ``LabelStore.read(path)`` looks without locking. In ONE process, opening
  a store again (a notebook cell run twice) takes the lock over from the
  older store object once the new one is open (fingerprint checked): the
  older one is closed, its writes raise :class:`LabelStoreClosedError`.
- *An edited file, a deleted or duplicated line, lines from two writers*:
  every line is chained to the one before (format version 2,
  :mod:`.storefile`), so the first line that does not fit is named
  (:class:`InconsistentLabelStoreError`: "edited or written by two
  sessions"); :meth:`LabelStore.recover` keeps the consistent beginning and
  moves the rest to a side file. Removed LAST lines cannot be seen.
- *Another session's data or parameters*: refused, naming the differences.

Version-1 stores (before chains) are read as before, unchecked, and appended
to in version 1; :meth:`LabelStore.upgrade` rewrites one as version 2.

Typical use (``open_session`` builds the session, checks the header, replays)::

    with Session.open("~/.cache/adlib/answers/toy2.jsonl", data.X, ensemble="iforest") as session:
        (i,) = session.next_queries()
        session.answer(i, "anomaly")        # on disk before the weights change
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from .storefile import (
    FORMAT,
    TWO_WRITERS,
    VERSION,
    AnswerNotSavedError,
    CorruptLabelStoreError,
    InconsistentLabelStoreError,
    LabelStoreClosedError,
    LabelStoreError,
    LabelStoreLockedError,
    LabelStoreMismatchError,
    append_bytes,
    chained_lines,
    check_event,
    cut_to,
    damage_error,
    describe_event,
    fingerprint_diffs,
    line_of,
    link,
    now,
    scan,
    side_path,
    store_path,
    write_new,
)
from .storelock import forget, let_go, retire, settle, take

__all__ = ["AnswerNotSavedError", "CorruptLabelStoreError", "InconsistentLabelStoreError",
           "LabelStore", "LabelStoreClosedError", "LabelStoreError", "LabelStoreLockedError",
           "LabelStoreMismatchError", "ReplayError", "default_store_path", "resolve_undos"]


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


class LabelStore:
    """An append-only JSON-lines file of a session's answers (see the module docstring).

    ``LabelStore.open(path, fingerprint)`` locks the store and creates it
    (with its header) or reads it and checks its fingerprint;
    ``LabelStore.read(path)`` only reads (no lock, records nothing). A store
    is a session *recorder*: :meth:`attach` replays its events on a session
    and then records each new answer, skip, undo or pretrain before the
    session applies it. ``events`` holds every recorded event, undos
    included, in file order. :meth:`close` (or a ``with`` block) releases
    the lock; a session's ``close()`` does it too.
    """

    def __init__(self, path, header: dict, events: list[dict], chain: str | None = None,
                 size: int | None = None):
        self.path = Path(path)
        self.header = header
        self.events = events
        self._chain, self._size = chain, size
        self._needs_newline = False
        self._lease = None
        self._closed: str | None = None

    @property
    def version(self) -> int:
        return self.header.get("version", 1)

    @property
    def closed(self) -> bool:
        return self._closed is not None

    @property
    def read_only(self) -> bool:
        """Opened with :meth:`read`: no lock, records nothing."""
        return self._lease is None and self._closed is None

    # -- opening ---------------------------------------------------------
    @classmethod
    def open(cls, path, fingerprint: dict, info: dict | None = None) -> LabelStore:
        """Open the store at ``path`` for a session with this ``fingerprint``; create it if new.

        Holds the store's lock until :meth:`close`. ``info`` (e.g. the dataset's
        name) is written into a new header for people reading the file; it is
        not checked.
        """
        path = store_path(path)
        fingerprint = json.loads(json.dumps(fingerprint))  # the form it has once stored
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise LabelStoreError(f"cannot create the folder of label store {path}: {err}") from err
        lease, prior = take(path)
        try:
            store = cls._open_locked(path, fingerprint, info)
        except BaseException:
            let_go(lease, prior)
            raise
        settle(store, lease, prior)
        return store

    @classmethod
    def _open_locked(cls, path: Path, fingerprint: dict, info) -> LabelStore:
        if path.exists() and path.stat().st_size > 0:
            raw = path.read_bytes()
            if b"\n" not in raw and raw.startswith(b'{"type": "header"'):
                # Killed while writing the header: no answer can have been stored yet.
                warnings.warn(f"label store {path}: its header is incomplete (a crash while "
                              "creating it); starting the store afresh", RuntimeWarning,
                              stacklevel=3)
            else:
                store = cls._load(path, raw, repair=True)
                store._check_fingerprint(fingerprint)
                return store
        header = json.loads(json.dumps({
            "type": "header", "format": FORMAT, "version": VERSION, "created": now(),
            "fingerprint": fingerprint, "info": dict(info or {})}))
        header["chain"] = link("", header)
        store = cls(path, header, [], chain=header["chain"], size=0)
        store._write(header, create=True)
        return store

    @classmethod
    def read(cls, path) -> LabelStore:
        """Read a store to look at it: no lock (a session may have it open), nothing written.

        A broken last line (an interrupted write) is left out with a warning;
        a store that was edited or written by two sessions raises (see :meth:`recover`).
        """
        path = store_path(path)
        if not path.is_file():
            raise LabelStoreError(f"no label store at {path}")
        return cls._load(path, path.read_bytes(), repair=False)

    @classmethod
    def _load(cls, path: Path, raw: bytes, repair: bool) -> LabelStore:
        found = scan(raw, path)
        if found.problem is not None:
            if found.problem[0] != "torn":
                raise damage_error(path, found)
            done = ("was dropped and cut from the file" if repair else
                    "is left out (a crash while writing, or a write in progress?)")
            warnings.warn(f"label store {path}: its last line is incomplete or damaged and "
                          f"{done}: {found.problem[2]}", RuntimeWarning, stacklevel=3)
            if repair:
                cut_to(path, found.good_end)
        store = cls(path, found.records[0], found.records[1:], chain=found.chain,
                    size=found.good_end)
        store._needs_newline = not found.ends_with_newline
        return store

    def _check_fingerprint(self, fingerprint: dict) -> None:
        diffs = fingerprint_diffs(self.header.get("fingerprint", {}), fingerprint)
        if diffs:
            raise LabelStoreMismatchError(
                f"label store {self.path} was written for another session, so its answers "
                "cannot be replayed on this one; differences: " + "; ".join(diffs) + ". Fix: "
                "open the session with the data and parameters the store was written for, or "
                "give another path (or delete this file) to start a new store.")

    # -- repairing -------------------------------------------------------
    @classmethod
    def recover(cls, path) -> Path | None:
        """Keep the longest consistent beginning of a damaged store; move the rest to a side file.

        For a store that was edited, written by two sessions, or has a broken
        line before its last: the lines from the first bad one on are written
        to ``<stem>.from-line-<k>-<UTC time>.jsonl`` next to it (a new file,
        never an existing one), then cut from the store. Returns that side
        file, or ``None`` when the store is consistent (nothing is done).
        Takes the store's lock for the moment (an older store object of this
        process on the same file is closed).
        """
        path = store_path(path)
        if not path.is_file():
            raise LabelStoreError(f"no label store at {path}")
        lease, prior = take(path)
        try:
            raw = path.read_bytes()
            found = scan(raw, path)
            if found.problem is None or found.problem[0] == "torn":
                return None
            line, rest = found.problem[1], raw[found.good_end:]
            aside = side_path(path, f"from-line-{line}")
            if prior is not None:
                retire(prior, f"LabelStore.recover moved lines from line {line} on aside")
            if found.records:
                write_new(aside, rest)
                cut_to(path, found.good_end)
                kept = f"keeps its header and first {len(found.records) - 1} events"
            else:
                path.rename(aside)
                kept = "is gone (its header did not fit its chain); a session starts a new one"
            last = line + rest.rstrip(b"\n").count(b"\n")
            moved = f"line {line} was" if last == line else f"lines {line} to {last} were"
            warnings.warn(f"label store {path} was {TWO_WRITERS} ({found.problem[2]}): {moved} "
                          f"moved to {aside} (nothing deleted). The store {kept}.",
                          RuntimeWarning, stacklevel=2)
            return aside
        finally:
            let_go(lease, prior)

    @classmethod
    def set_aside(cls, path) -> Path:
        """Rename the store at ``path`` to a new ``<stem>.set-aside-<UTC time>.jsonl``; return it."""
        path = store_path(path)
        lease, prior = take(path)
        try:
            aside = side_path(path, "set-aside")
            if prior is not None:
                retire(prior, f"the store was set aside (moved to {aside})")
            path.rename(aside)
            return aside
        finally:
            let_go(lease, prior)

    @classmethod
    def upgrade(cls, path) -> Path:
        """Rewrite a version-1 store as version 2 (chained lines); the original is kept.

        Returns where the original now is (``<stem>.version-1-<UTC time>.jsonl``).
        """
        path = store_path(path)
        lease, prior = take(path)
        try:
            store = cls._load(path, path.read_bytes(), repair=False)
            if store.version != 1:
                raise LabelStoreError(f"{path} is already version {store.version}")
            if prior is not None:
                retire(prior, "LabelStore.upgrade rewrote the store")
            new, old = side_path(path, "upgrading"), side_path(path, "version-1")
            write_new(new, chained_lines({**store.header, "upgraded": now()}, store.events))
            path.rename(old)
            new.rename(path)
            return old
        finally:
            let_go(lease, prior)

    # -- writing ---------------------------------------------------------
    def _write(self, record: dict, create: bool = False) -> None:
        data = line_of(record)
        if self._needs_newline and not create:
            data = b"\n" + data
        try:
            self._size = append_bytes(self.path, data, self._size, create=create)
        except OSError as err:
            cut = getattr(err, "truncated", None)
            state = ("the store is as it was before it" if cut in (None, True) else
                     f"cutting the partial line back failed too ({cut}): the next write cuts "
                     "it first (or the next Session.open drops it with a warning)")
            raise AnswerNotSavedError(
                f"{describe_event(record)} was NOT saved: writing to label store {self.path} failed "
                f"({err}); {state}, and the session did not take it. Fix the cause (free disk "
                "space, raise the file-size limit, check the disk), then give it again.",
                err) from err
        self._needs_newline = False

    def append(self, event: dict) -> dict:
        """Write one event (time-stamped, chained), flushed and fsync-ed, then keep it in ``events``."""
        if self._closed is not None:
            raise LabelStoreClosedError(
                f"this label store object for {self.path} is closed ({self._closed}), so it "
                f"records nothing more: {event.get('type')} not saved and not applied. Open the "
                "store again (Session.open(path, X, ...)) to go on.")
        if self._lease is None:
            raise LabelStoreError(
                f"label store {self.path} was opened read-only (LabelStore.read, or "
                f"read_only=True): it records nothing, so this {event.get('type')} was not "
                "applied. Open it with Session.open(path, X, ...) to answer.")
        record = {k: v for k, v in event.items() if k not in ("n", "chain")}
        record = check_event({**record, "time": record.get("time") or now()}, "event")
        record = json.loads(json.dumps(record))
        if self.version >= 2:
            record["n"] = len(self.events) + 1
            record["chain"] = link(self._chain, record)
        self._write(record)
        self._chain = record.get("chain")
        self.events.append(record)
        return record

    __call__ = append  # a LabelStore is a Session recorder

    def close(self) -> None:
        """Release the store's lock; this object then records nothing more (its events stay readable)."""
        forget(self)
        if self._closed is None:
            self._closed = "close() was called"

    def __enter__(self) -> LabelStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

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
        state = " (closed)" if self.closed else " (read-only)" if self.read_only else ""
        return (f"LabelStore({str(self.path)!r}, {len(self.events)} events, "
                f"{self.n_answers} answers){state}")


def default_store_path(name: str) -> Path:
    """A per-user place for label stores: ``<adlib cache>/answers/<name>.jsonl``."""
    from ..datasets import data_home

    return Path(data_home()) / "answers" / f"{name}.jsonl"
