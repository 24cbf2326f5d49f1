"""The one feedback loop of the library: a stepwise active-discovery Session.

A Session holds the region features of a fixed set of instances, the AAD
weights and the labels given so far. It is driven from outside, one step at a
time::

    session = Session.from_data(X, ensemble="iforest", seed=0)
    for _ in range(budget):
        (i,) = session.next_queries()
        session.answer(i, label_of(i))      # the model updates after each batch

so the same code serves the batch experiment (an Oracle answers, see
:meth:`Session.run`), a person at the ipywidgets panel, and a session resumed
from a label file. Everything is seeded: the same answers in the same order
give the same weights and the same next query.
"""

from __future__ import annotations

import copy

import numpy as np
import scipy.sparse as sp

from ..ensembles import make_ensemble
from . import answers as _answers
from .answers import as_index, as_indices, as_label
from .labelstore import ReplayError, resolve_undos
from .model import AAD, tau_margin
from .query import make_strategy
from .resume import resume

UNLABELED = -1
#: Feature matrices with more than this fraction of non-zeros are scored dense.
DENSE_FRACTION = 0.5

class Session:
    """Stepwise AAD: ``next_queries()`` asks, ``answer(index, label)`` learns.

    Parameters
    ----------
    features : sparse (n, m) matrix
        Region features of the instances (``ensemble.transform(X)``).
    model : AAD, optional
        The weight model; a default :class:`AAD` if omitted.
    strategy : str or strategy object
        Query strategy (see :mod:`adlib.aad.query`).
    n_explore : int
        Candidate pool of the randomised / diverse strategies (top ``n_explore``).
    batch_size : int
        Queries per feedback round; the weights update once a batch is answered.
    budget : int, optional
        Total number of queries; ``next_queries`` returns nothing once spent.
    seed : int
        Seed of the strategy's random choices.
    ensemble, X : optional
        Kept for plotting and descriptions (scoring new points, e.g. a grid).
    """

    def __init__(self, features, model=None, strategy="top", batch_size=1, budget=None,
                 seed=0, ensemble=None, X=None, n_explore=10):
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size} must be at least 1")
        self.features = sp.csr_matrix(features)
        n, m = self.features.shape
        # What the weights multiply: the CSR matrix, or a dense copy when most
        # entries are non-zero (LODA projections, precomputed scores), where a
        # dense product is about 4x faster and costs little more memory.
        self._scoring_matrix = (self.features.toarray()
                                if self.features.nnz > DENSE_FRACTION * n * m else self.features)
        if budget is not None and not 0 < budget <= n:
            raise ValueError(f"budget={budget} must be between 1 and the number of instances ({n})")
        self.model = (model if model is not None else AAD()).init(m)
        self.strategy = (make_strategy(strategy) if hasattr(strategy, "select")
                         else make_strategy(strategy, n_explore=n_explore))
        self.batch_size = int(batch_size)
        self.budget = budget
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.ensemble = ensemble
        self.X = None if X is None else np.asarray(X, dtype=np.float64)
        if self.X is not None and self.X.shape[0] != n:
            raise ValueError(f"X has {self.X.shape[0]} rows for {n} rows of features")
        self.labels = np.full(n, UNLABELED, dtype=np.int8)
        self.skipped = np.zeros(n, dtype=bool)
        self.queried: list[int] = []
        self.answers: list[int] = []
        self.found: list[int] = []
        self.pending: list[int] = []
        self.pretrained: list[int] = []
        self.initial_weights = self.model.w_.copy()
        self.scores = self.model.scores(self._scoring_matrix)
        self.initial_scores = self.scores.copy()
        # The record of what was done (answers, skips, pretrain), in order: undo
        # and resume replay it. ``recorder(event)``, if set (a LabelStore), gets
        # each event after it is validated and BEFORE the session changes.
        self.events: list[dict] = []
        self.recorder = None
        self.store = None  # the LabelStore recording this session, if any
        self.build_params: dict = {}  # how from_data built it (for fingerprints)
        self._strategy0 = copy.deepcopy(self.strategy)

    @classmethod
    def from_data(cls, X, ensemble="iforest", seed=0, tau=0.03, strategy="top", batch_size=1,
                  budget=None, ensemble_params=None, n_explore=10, **aad_params) -> Session:
        """Fit an ensemble on ``X`` (seeded) and open a session on its region features."""
        params = dict(ensemble_params or {})
        if isinstance(ensemble, str):  # a name gets the session's seed; an object keeps its own
            params = {"random_state": seed, **params}
        ens = make_ensemble(ensemble, **params).fit(X)
        aad_params = {**getattr(ens, "aad_defaults", {}), **aad_params}
        session = cls(ens.transform(X), model=AAD(tau=tau, **aad_params), strategy=strategy,
                      batch_size=batch_size, budget=budget, seed=seed, ensemble=ens, X=X,
                      n_explore=n_explore)
        session.build_params = {
            "ensemble": ensemble if isinstance(ensemble, str) else type(ensemble).__name__,
            "ensemble_params": {k: params[k] for k in sorted(params)}}
        return session

    @classmethod
    def open(cls, store_path, X, info=None, on_mismatch="error", read_only=False,
             **params) -> Session:
        """Open a session on ``X`` recorded in the label store at ``store_path``, or resume it.

        A new file gets a header with the session's fingerprint; an existing one
        is checked against it and its answers are replayed (same weights, same
        next query as if never interrupted). ``params`` go to :meth:`from_data`.
        The store stays locked (one writer at a time) until :meth:`close` or
        the end of a ``with`` block. See :func:`open_session` for
        ``on_mismatch`` and ``read_only`` and :mod:`adlib.aad.labelstore`.
        """
        return open_session(store_path, X, info=info, on_mismatch=on_mismatch,
                            read_only=read_only, **params)

    def close(self) -> None:
        """Close the label store (release its lock); later answers raise instead of going unsaved."""
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- state -------------------------------------------------------------
    @property
    def n_instances(self) -> int:
        return self.features.shape[0]

    @property
    def n_queried(self) -> int:
        return len(self.queried)

    @property
    def n_found(self) -> int:
        return self.found[-1] if self.found else 0

    @property
    def available(self) -> np.ndarray:
        """Mask of instances that may still be asked (not labeled, not skipped, not pending)."""
        mask = (self.labels == UNLABELED) & ~self.skipped
        mask[self.pending] = False
        return mask

    @property
    def remaining(self) -> int | None:
        """Queries left in the budget (None when there is no budget)."""
        return None if self.budget is None else self.budget - self.n_queried

    def score(self, X, weights=None) -> np.ndarray:
        """Anomaly scores of new points under the current (or given) weights.

        ``weights="initial"`` scores with the weights before any feedback.
        Needs the session's ensemble (sessions opened with ``from_data`` have it).
        """
        if self.ensemble is None:
            raise ValueError("this session has no ensemble to transform new points; "
                             "open it with Session.from_data")
        if weights is None:
            weights = self.model.w_
        elif isinstance(weights, str) and weights == "initial":
            weights = self.initial_weights
        return np.asarray(self.ensemble.transform(X) @ weights).ravel()

    # -- the loop ----------------------------------------------------------
    def next_queries(self) -> np.ndarray:
        """The instances to label next (the pending batch; empty once the budget is spent)."""
        if not self.pending:
            k = self.batch_size if self.budget is None else min(self.batch_size, self.remaining)
            if k > 0:
                self.pending = [int(i) for i in self.strategy.select(self, k)]
        return np.array(self.pending, dtype=np.int64)

    def answer(self, index, label) -> None:
        """Record the analyst's answer for a pending query; update the weights after a batch."""
        index = as_index(index, self.n_instances)
        label = as_label(label)
        if index not in self.pending:
            raise ValueError(f"instance {index} is not a pending query (pending: {self.pending}); "
                             "call next_queries() and answer one of those")
        self._log({"type": "answer", "index": index, "label": label})
        self.pending.remove(index)
        self.labels[index] = label
        self.queried.append(index)
        self.answers.append(label)
        self.found.append(self.n_found + label)
        if not self.pending:
            self._update_weights()

    def skip(self, index) -> None:
        """Drop a pending query without a label; it is not asked again."""
        index = as_index(index, self.n_instances)
        if index not in self.pending:
            raise ValueError(f"instance {index} is not a pending query (pending: {self.pending})")
        self._log({"type": "skip", "index": index})
        self.pending.remove(index)
        self.skipped[index] = True
        if not self.pending and self.queried:
            self._update_weights()

    def pretrain(self, indices, labels, passes=None) -> Session:
        """Start from labels already known: record them, then update the weights repeatedly.

        The original work recommends several passes of the weight update over
        known labels before asking for more; ``passes`` defaults to
        ``min(20, len(indices))``. Known labels are not queries: they do not
        count in ``queried``, ``found`` or the budget, and are never asked.
        """
        if self.pending or self.queried:
            raise ValueError("pretrain before the first query: the session has already asked")
        idx = as_indices(indices, self.n_instances)
        labs = [as_label(v) for v in np.asarray(labels, dtype=object).ravel()]
        if idx.size != len(labs):
            raise ValueError(f"{idx.size} indices but {len(labs)} labels")
        if idx.size == 0:
            return self
        if np.unique(idx).size != idx.size:
            raise ValueError("pretrain indices contain duplicates; give each instance once")
        self._log({"type": "pretrain", "indices": [int(i) for i in idx], "labels": labs,
                   "passes": None if passes is None else int(passes)})
        self.labels[idx] = labs
        self.pretrained.extend(int(i) for i in idx)
        for _ in range(min(20, idx.size) if passes is None else int(passes)):
            self._update_weights()
        return self

    # -- record, undo, replay ---------------------------------------------
    def _log(self, event: dict) -> None:
        """Hand a validated event to the recorder first (it may raise: nothing changed), then keep it."""
        if self.recorder is not None:
            self.recorder(dict(event))
        self.events.append(event)

    def undo(self) -> dict:
        """Take back the last answer, skip or pretrain; returns that event.

        Implemented by replaying every earlier event on a reset session: the
        model and the strategy are seeded, so the state (weights, scores, next
        query) is exactly what it was before the undone event.
        """
        if not self.events:
            raise ValueError("nothing to undo: no answer, skip or pretrain has been given yet")
        if self.recorder is not None:
            self.recorder({"type": "undo"})
        last = self.events[-1]
        self.replay(self.events[:-1])
        return last

    def reset(self) -> Session:
        """Back to the state before any event: uniform weights, nothing asked or labeled."""
        self.model.init(self.features.shape[1])
        self.strategy = copy.deepcopy(self._strategy0)
        self.rng = np.random.default_rng(self.seed)
        self.labels[:] = UNLABELED
        self.skipped[:] = False
        self.queried, self.answers, self.found = [], [], []
        self.pending, self.pretrained, self.events = [], [], []
        self.scores = self.initial_scores.copy()
        return self

    def replay(self, events) -> Session:
        """Reset, then apply ``events`` (dicts as in :attr:`events`; ``undo`` entries allowed).

        Each stored answer must be the query this session asks at that point
        (it is, when the data and parameters are the same); otherwise a
        :class:`ReplayError` says where the two diverged. The recorder is not
        called: the events are already recorded.
        """
        effective = resolve_undos(events)
        recorder, self.recorder = self.recorder, None
        try:
            self.reset()
            for k, event in enumerate(effective):
                kind = event.get("type")
                if kind == "pretrain":
                    self.pretrain(event["indices"], event["labels"], passes=event.get("passes"))
                    continue
                if kind not in ("answer", "skip"):
                    raise ReplayError(f"event {k} has unknown type {kind!r}")
                index = int(event["index"])
                pending = self.next_queries().tolist()
                if index not in pending:
                    asked = (f"it asks {pending}" if pending
                             else "its budget is spent" if self.remaining == 0 else "nothing")
                    raise ReplayError(
                        f"stored {kind} number {k + 1} is for instance {index}, but at that point "
                        f"this session asks something else ({asked}): the data, the session "
                        "parameters or the library changed since the answers were recorded. "
                        "Open the session with the parameters the answers were given under, or "
                        "start a new label store (the old answers can still seed a new session "
                        "through Session.pretrain).")
                if kind == "answer":
                    self.answer(index, event["label"])
                else:
                    self.skip(index)
        finally:
            self.recorder = recorder
        return self

    def fingerprint(self) -> dict:
        """What a stored answer depends on: the data (sha256 + shape) and the session's parameters.

        A label store keeps it in its header and refuses to resume a session
        whose fingerprint differs. The budget is not part of it (a resumed
        session may go on for longer).
        """
        return _answers.fingerprint(self)

    def _update_weights(self) -> None:
        labeled = np.flatnonzero(self.labels != UNLABELED)
        self.model.update(self._scoring_matrix, labeled, self.labels[labeled], scores=self.scores)
        self.scores = self.model.scores(self._scoring_matrix)

    def snapshot(self) -> dict:
        """The state worth drawing after an answer: weights, margin, queries and answers."""
        margin = tau_margin(self.scores, self.model.tau)
        return {"n_queried": self.n_queried, "weights": self.model.w_.copy(),
                "q": margin.q, "scores": self.scores.copy(),
                "queried": list(self.queried), "answers": list(self.answers)}

    def run(self, analyst, budget=None, on_answer=None) -> Session:
        """Ask ``analyst`` (anything with ``label(indices)``) until the budget is spent.

        ``on_answer(session)``, if given, is called after every answer (after the
        weight update when the answer completes a batch), e.g. to record
        :meth:`snapshot` for a figure per feedback round.
        """
        if budget is not None:
            if not 0 < budget <= self.n_instances:
                raise ValueError(f"budget={budget} must be between 1 and the number of "
                                 f"instances ({self.n_instances})")
            self.budget = budget
        if self.budget is None:
            raise ValueError("give a budget: session.run(analyst, budget=...)")
        while True:
            batch = self.next_queries()
            if batch.size == 0:
                return self
            for index, label in zip(batch, analyst.label(batch), strict=True):
                self.answer(index, label)
                if on_answer is not None:
                    on_answer(self)


def open_session(path, X, info: dict | None = None, on_mismatch: str = "error",
                 read_only: bool = False, **params):
    """Open a new session on ``X`` or resume the one recorded at ``path``.

    ``params`` go to :meth:`adlib.aad.Session.from_data` (ensemble, seed, tau,
    strategy, budget, ...). The returned session has ``session.store``, records
    every answer there before applying it, and holds the store's lock until
    ``session.close()``.

    ``on_mismatch``: what to do when the store was written for other data or
    parameters, its answers no longer replay (the library changed), or it was
    edited or written by two sessions: ``"error"`` (the default) raises;
    ``"set_aside"`` keeps what it can and never deletes: a damaged store
    keeps its consistent beginning and the rest goes to a side file
    (:meth:`LabelStore.recover`); a store that does not fit is renamed to
    ``<name>.set-aside-<UTC time>.jsonl`` and a new one started. Both warn.

    ``read_only=True`` replays the store without locking it or writing to
    it (to look while another session has it open); answers then raise.
    """
    if on_mismatch not in ("error", "set_aside"):
        raise ValueError(f"on_mismatch={on_mismatch!r}: use 'error' or 'set_aside'")
    return resume(Session.from_data(X, **params), path, info, on_mismatch, read_only)
