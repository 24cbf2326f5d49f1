"""A stream's answers on disk: :class:`adlib.aad.stream.StreamSession` on a label store.

The same version-2 store as a batch session (:mod:`adlib.aad.labelstore`:
chained lines, one writer under a lock, every event flushed and fsync-ed
BEFORE the stream applies it, :class:`AnswerNotSavedError` when the write
fails), with one more kind of event, the window::

    {"type": "header", ..., "fingerprint": {"kind": "stream", "update": "kl", ...}}
    {"type": "window", "window": 0, "start": 0, "n_rows": 512, "sha256": "...", "final": false, ...}
    {"type": "answer", "index": 37, "label": 1, "window": 0, "n": 2, ...}
    {"type": "skip", "index": 12, "window": 0, "n": 3, ...}
    {"type": "window", "window": 1, "start": 512, "n_rows": 512, "sha256": "...", "final": false, ...}

``index`` is the stream position (0 = the first row of the first window).
The header's fingerprint holds the stream session's parameters, not data:
the data arrive later and each window is checked by its ``sha256`` (of its
rows as float64) when it is fed again. Resuming is opening the same path
with the same parameters and feeding the same windows: each window's
recorded answers are replayed as soon as it opens (the first window's by
:meth:`StreamRecording.open`), giving the state of a run never interrupted.
While the store holds a later window, the current one asks nothing more
(the recorded run moved on there); a fed window that is not the recorded one
is a :class:`WindowMismatchError` naming it.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .._validation import check_features
from .answers import plain
from .labelstore import LabelStore, LabelStoreError, ReplayError

WINDOW_KEYS = ("window", "start", "n_rows", "sha256", "final")


class WindowMismatchError(ReplayError):
    """A window fed while resuming is not the window the label store recorded at that place."""


def window_sha256(X) -> str:
    """The sha256 (hex) of a window's rows as C-ordered float64."""
    return hashlib.sha256(np.ascontiguousarray(X, dtype=np.float64).tobytes()).hexdigest()


def stream_fingerprint(stream) -> dict:
    """What a stream's stored answers depend on: every parameter of the stream session.

    ``kind`` ("stream": a batch session's store is refused), the number of
    features, the ensemble and its parameters (the seed included), the
    forest update, retention, memory, queries per window, the drift
    detector's alpha and split, ``replace_frac``, ``n_weight_updates``,
    ``count_weight``, ``min_update_rows``, tau, the query strategy, seed,
    feedback and the AAD parameters. Not the budget (a resumed stream may go
    on for longer) and not the data: the windows are checked one by one.
    """
    build, strategy = stream.build_params, stream.strategy
    if not isinstance(strategy, str):
        strategy = getattr(strategy, "name", type(strategy).__name__)
    model = {k: plain(v) for k, v in sorted(vars(stream.model).items())
             if not k.endswith("_") and not k.startswith("_") and k != "tau"}
    return {"kind": "stream", "n_features": int(stream.memory_X.shape[1]),
            "ensemble": build["ensemble"],
            "ensemble_params": {k: plain(v) for k, v in sorted(build["ensemble_params"].items())},
            "update": stream.update, "retention": stream.retention,
            "memory": stream.memory_size, "queries_per_window": stream.queries_per_window,
            "alpha": plain(build["alpha"]), "kl_split": plain(build["kl_split"]),
            "replace_frac": plain(stream.replace_frac),
            "n_weight_updates": stream.n_weight_updates,
            "count_weight": plain(stream.count_weight), "min_update_rows": stream.min_update_rows,
            "tau": plain(stream.tau), "strategy": strategy,
            "seed": plain(stream.seed), "feedback": bool(stream.feedback), "model": model}


class StreamRecording:
    """The label-store half of :class:`StreamSession`: record each event first, resume by replay."""

    store = None             # the LabelStore recording this stream, if any
    _stored: tuple | list = ()  # the events the store held when it was opened
    _cursor = 0              # how many of them are replayed
    _replaying = False

    @classmethod
    def open(cls, path, X_first, info=None, **params):
        """Open a stream session recorded in the label store at ``path``, or resume it.

        ``params`` go to the constructor. A new store gets a header with
        :meth:`fingerprint` and the first window's event; an existing one must
        have the same fingerprint and the same first window, and the first
        window's recorded answers are replayed. Feed the following windows
        with ``add_window`` as in the recorded run: each recorded window is
        checked and its answers replayed. The store stays locked until
        :meth:`close` (or the end of a ``with`` block).
        """
        stream = cls(X_first, **params)
        store = LabelStore.open(path, stream.fingerprint(), info=info)
        try:
            first = stream._window_event(check_features(X_first, "X_first"), 0, 0, False)
            stream._stored, stream._cursor = list(store.events), 0
            stream.store = store
            if not stream._check_window(first):
                store.append(first)
            stream._replay_window()
        except BaseException:
            store.close()
            raise
        return stream

    def fingerprint(self) -> dict:
        """The parameters a stored stream depends on (see :func:`stream_fingerprint`)."""
        return stream_fingerprint(self)

    def close(self) -> None:
        """Close the label store (release its lock); later answers raise, not go unsaved."""
        if self.store is not None:
            self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- recording ---------------------------------------------------------
    @staticmethod
    def _window_event(X, window: int, start: int, final) -> dict:
        return {"type": "window", "window": int(window), "start": int(start),
                "n_rows": int(X.shape[0]), "sha256": window_sha256(X), "final": bool(final)}

    def _store_ahead(self) -> bool:
        """The store holds events of a later window not yet fed (resuming, not replaying)."""
        return not self._replaying and self._cursor < len(self._stored)

    def _refuse_if_store_ahead(self) -> None:
        """Answers and skips go after what the store holds, not between its windows."""
        if self._store_ahead():
            raise LabelStoreError(
                f"label store {self.store.path} has window "
                f"{self._stored[self._cursor].get('window')} recorded next, so window "
                f"{len(self.windows) - 1} took no more answers in the recorded run: feed the "
                "next window with add_window(...) to go on resuming")

    def _record(self, event: dict) -> None:
        """Write an answer or skip to the store, then hand it to ``recorder``; before it applies."""
        if self._replaying:
            return
        if self.store is not None:
            stored = {"type": event["type"], "index": event["position"]}
            if event["type"] == "answer":
                stored["label"] = event["label"]
            self.store.append({**stored, "window": event["window"]})
        if self.recorder is not None:
            self.recorder(dict(event))

    def _record_window(self, X_new, final) -> None:
        """Check a fed window against the store (resuming) or write its event; before it applies."""
        if self.store is None:
            return
        event = self._window_event(X_new, len(self.windows), self.n_seen, final)
        if not self._check_window(event):
            self.store.append(event)

    def _check_window(self, event: dict) -> bool:
        """Whether the store recorded this window next (then checked and passed); False: not yet."""
        if self._cursor >= len(self._stored):
            return False
        rec = self._stored[self._cursor]
        w, start, n = event["window"], event["start"], event["n_rows"]
        if rec.get("type") != "window":
            raise ReplayError(f"label store {self.store.path}: event {rec.get('n')} is a "
                              f"{rec.get('type')} where window {w} was recorded or expected")
        diffs = [f"{k} recorded {rec.get(k)!r}, fed {event[k]!r}" for k in WINDOW_KEYS
                 if rec.get(k) != event[k]]
        if diffs:
            raise WindowMismatchError(
                f"window {w} (stream positions {start} to {start + n - 1}) is not the window "
                f"{rec.get('window')} recorded in label store {self.store.path} (event "
                f"{rec.get('n')}): " + "; ".join(diffs) + ". Feed the windows the store was "
                "recorded from, in the same order and with the same final flag, or give another "
                "path (or delete the file) to start a new store.")
        self._cursor += 1
        return True

    def _replay_window(self) -> None:
        """Apply the current window's recorded answers and skips (nothing when not resuming)."""
        if self.store is None:
            return
        w = len(self.windows) - 1
        self._replaying = True
        try:
            while self._cursor < len(self._stored):
                event = self._stored[self._cursor]
                if event["type"] == "window":
                    break
                kind, pos = event["type"], event.get("index")
                if kind not in ("answer", "skip"):
                    raise ReplayError(f"label store {self.store.path}: event {event.get('n')} "
                                      f"is a {kind}; a stream store holds windows, answers, skips")
                asked = self.next_queries().tolist()
                if pos not in asked or event.get("window") != w:
                    raise ReplayError(
                        f"label store {self.store.path}: the stored {kind} (event "
                        f"{event.get('n')}, window {event.get('window')}) is for stream position "
                        f"{pos}, but in window {w} this stream session asks "
                        f"{asked or 'nothing more'}: the session parameters or the library "
                        "changed since the answers were recorded. Open it with the parameters "
                        "they were given under, or start a new store.")
                if kind == "answer":
                    self.answer(pos, event["label"])
                else:
                    self.skip(pos)
                self._cursor += 1
        finally:
            self._replaying = False
