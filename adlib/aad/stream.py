"""Streaming active anomaly discovery (Das et al. 2019): windows, bounded memory, drifting trees.

Data arrive in windows. The forest is fitted on the first window; the analyst
answers a few queries per window through the same ``next_queries`` /
``answer`` interface as :class:`adlib.aad.Session`; when the next window
arrives, the forest may change, the memory of unlabeled instances is renewed,
and the weights are retrained on every label given so far::

    stream = StreamSession(X[:1024], update="kl", seed=0)
    for start in range(1024, n, 1024):
        for i in stream.next_queries():          # stream positions (0 = first row)
            stream.answer(i, label_of(i))
        stream.add_window(X[start:start + 1024], final=start + 1024 >= n)

Forest updates (``update=``):

* ``"kl"`` (default): the per-tree KL drift check of
  :class:`adlib.ensembles.drift.KLDriftDetector`; if at least ``2 alpha T``
  trees drifted, those trees are replaced by trees grown on the new window
  (HS-Trees / RS-Forest: every tree's leaf counts are updated instead), and
  the detector's reference moves to the new window.
* ``"oldest"``: replace the oldest ``replace_frac`` (20 %) of the trees every
  window (count-based forests: update the counts every window).
* ``"none"``: the forest of the first window throughout.

New trees' leaves start at the default weight ``1/sqrt(m)``, retained trees
keep their learned weights, and the vector is renormalised. After a forest
change the weights are retrained ``n_weight_updates`` times (10) on all the
labels and the memory, as the original does.

Retention (``retention=``): ``0`` the new window overwrites the unlabeled memory;
``1`` (default, the original's "highly recommended") merges old unlabeled and new
instances and keeps the ``memory`` highest-scoring (by distance above the margin).

Labels are never lost: every labeled instance (features, label) stays in the
stream session, and each window's :class:`Session` pre-trains on all of them,
whatever the trees are by then; ``StreamSession.open(path, X_first, ...)``
writes every answer, skip and window to a label store before applying it, and
resumes from it (:mod:`.stream_store`). ``recorder``, if set, gets each answer first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .._validation import check_binary_labels, check_features
from ..ensembles import make_ensemble
from ..ensembles.drift import KLDriftDetector
from .answers import as_label
from .discover import DiscoveryResult
from .model import AAD
from .session import Session
from .stream_store import StreamRecording, WindowMismatchError  # noqa: F401 (re-exported)

UPDATES = ("kl", "oldest", "none")


@dataclass
class WindowRecord:
    """What happened when one window arrived (``kl``/``threshold`` only with ``update="kl"``)."""

    window: int                   # 0 = the first window (the forest's training data)
    n_rows: int
    kl: np.ndarray | None = None  # KL(P_t || Q_t) per tree
    threshold: float | None = None
    n_drifted: int = 0            # trees above the threshold
    fired: bool = False
    replaced: int = 0             # trees replaced (count-based forests: trees re-counted)
    n_queries: int = 0            # queries asked in this window
    n_found: int = 0              # anomalies among them


class _WindowSession(Session):
    """A Session over one window's instances that starts from given weights (not uniform)."""

    def __init__(self, features, model, weights, feedback=True, **kwargs):
        self._w_start = np.asarray(weights, dtype=np.float64).copy()
        self._feedback = feedback
        super().__init__(features, model=model, **kwargs)
        self._restore()

    def _restore(self) -> None:
        self.model.w_ = self._w_start.copy()
        self.scores = self.model.scores(self._scoring_matrix)

    def reset(self):
        super().reset()
        self._restore()
        return self

    def _update_weights(self) -> None:
        if self._feedback:
            super()._update_weights()


class StreamSession(StreamRecording):
    """Streaming AAD over windows (see the module docstring); ``StreamSession.open`` records it.

    Parameters
    ----------
    X_first : array (n, d)
        The first window: the forest is fitted on it and it fills the memory.
    ensemble : str or RegionEnsemble
        ``"iforest"`` (100 trees, 256 samples), ``"hstrees"`` or ``"rsforest"``.
    update : {"kl", "oldest", "none"}
    retention : {0, 1}
    memory : int, optional
        Unlabeled instances kept (default: the first window's size).
    queries_per_window : int
        Queries asked in each window (the original: up to 20); the last window
        (``add_window(..., final=True)``) may spend the rest of the budget.
    budget : int, optional
        Total queries.
    alpha, kl_split : drift detection (:class:`KLDriftDetector`; 0.05, "halves").
    replace_frac : float
        Share of trees replaced by ``update="oldest"`` (0.2).
    n_weight_updates : int
        Weight updates without new labels after the forest changed (10).
    count_weight : float
        Count-based forests: 1 replaces the leaf counts, below 1 mixes them.
    min_update_rows : int, optional
        A window with fewer rows leaves the forest as it is (the original:
        ``max(256, window // 2)``, the default).
    tau, strategy, seed, ensemble_params, aad_params
        As for :meth:`Session.from_data`; every random step is seeded by ``seed``.
    feedback : bool
        False: answers are recorded but the weights stay uniform (the
        no-feedback baseline of the same stream).
    """

    def __init__(self, X_first, ensemble="iforest", update="kl", retention=1, memory=None,
                 queries_per_window=20, budget=None, alpha=0.05, kl_split="halves",
                 replace_frac=0.2, n_weight_updates=10, count_weight=1.0, min_update_rows=None,
                 tau=0.03, strategy="top", seed=0, feedback=True, ensemble_params=None,
                 **aad_params):
        if update not in UPDATES:
            raise ValueError(f"update={update!r}: use one of {UPDATES}")
        if retention not in (0, 1):
            raise ValueError(f"retention={retention!r}: use 0 (overwrite) or 1 (merge, keep the "
                             "top-scoring)")
        if not 0.0 < replace_frac <= 1.0:
            raise ValueError(f"replace_frac={replace_frac} must lie in (0, 1]")
        X_first = check_features(X_first, "X_first")
        self.update, self.retention = update, retention
        self.memory_size = int(memory if memory is not None else X_first.shape[0])
        self.queries_per_window = int(queries_per_window)
        self.budget = budget
        self.replace_frac = replace_frac
        self.n_weight_updates = int(n_weight_updates)
        self.count_weight = count_weight
        self.min_update_rows = int(min_update_rows if min_update_rows is not None
                                   else max(256, X_first.shape[0] // 2))
        self.tau, self.strategy, self.seed, self.feedback = tau, strategy, seed, feedback
        params = dict(ensemble_params or {})
        if isinstance(ensemble, str):
            params = {"random_state": seed, **params}
        self.build_params = {"ensemble": ensemble if isinstance(ensemble, str) else
                             type(ensemble).__name__, "ensemble_params": params,
                             "alpha": alpha, "kl_split": kl_split}
        self.ensemble = make_ensemble(ensemble, **params).fit(X_first)
        self._replaces_trees = hasattr(self.ensemble, "replace_trees")
        if not (self._replaces_trees or hasattr(self.ensemble, "update_counts")) \
                and update != "none":
            raise ValueError(f"{type(self.ensemble).__name__} can neither replace trees nor "
                             "update counts; use a tree forest (iforest, hstrees, rsforest) or "
                             "update='none'")
        self.model = AAD(tau=tau, **{**getattr(self.ensemble, "aad_defaults", {}), **aad_params})
        self.weights = self.model.init(self.ensemble.n_members_).w_.copy()
        self.detector = None
        if update == "kl":
            self.detector = KLDriftDetector(alpha=alpha, split=kl_split,
                                            random_state=seed).fit(self.ensemble, X_first)
        self.n_seen = X_first.shape[0]
        self.memory_ids = np.arange(X_first.shape[0])
        self.memory_X = X_first
        self.labeled_ids: list[int] = []
        self.labeled_X = np.empty((0, X_first.shape[1]))
        self.labeled_y: list[int] = []
        self.queried: list[int] = []
        self.answers: list[int] = []
        self.found: list[int] = []
        self.events: list[dict] = []
        self.recorder = None
        self.windows = [WindowRecord(window=0, n_rows=X_first.shape[0])]
        self._open_window(self.queries_per_window, passes=0)

    # -- state -------------------------------------------------------------
    @property
    def n_queried(self) -> int:
        return len(self.queried)

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.n_queried

    @property
    def labels(self) -> dict:
        """Every label given so far: stream position -> label."""
        return dict(zip(self.labeled_ids, self.labeled_y, strict=True))

    def _rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Stream positions and features of the instances the window session holds."""
        return (np.concatenate([np.asarray(self.labeled_ids, dtype=np.int64), self.memory_ids]),
                np.vstack([self.labeled_X, self.memory_X]))

    # -- the loop ----------------------------------------------------------
    def _open_window(self, n_queries: int, passes: int, Z_memory=None) -> None:
        ids, X = self._rows()
        n_lab = len(self.labeled_ids)
        # the original raises tau when known anomalies already fill the top tau of memory
        frac = (sum(self.labeled_y) / ids.size) if ids.size else 0.0
        self.model.tau = frac + 0.01 if frac >= self.tau else self.tau
        k = min(n_queries, self.memory_ids.size)
        if self.remaining is not None:
            k = min(k, self.remaining)
        self._ids, self._X = ids, X
        if Z_memory is None:
            Z = self.ensemble.transform(X)
        else:  # the memory's features were computed for retention: transform the labels only
            Z = sp.vstack([self.ensemble.transform(self.labeled_X), Z_memory], format="csr") \
                if len(self.labeled_ids) else Z_memory
        self.session = _WindowSession(
            Z, self.model, self.weights, feedback=self.feedback,
            strategy=self.strategy, budget=max(k, 1),
            seed=int(np.random.default_rng([self.seed, len(self.windows)]).integers(2**31)))
        self._window_budget = k
        if n_lab:
            self.session.pretrain(np.arange(n_lab), self.labeled_y, passes=passes)
        self.weights = self.session.model.w_.copy()

    def next_queries(self) -> np.ndarray:
        """Stream positions of the instances to label next (empty when this window's queries are spent)."""
        if self._window_budget <= self.session.n_queried or self._store_ahead():
            return np.zeros(0, dtype=np.int64)
        return self._ids[self.session.next_queries()]

    def _row_of(self, position) -> int:
        """The window session's row of a pending query at stream ``position``."""
        self._refuse_if_store_ahead()
        rows = np.flatnonzero(self._ids == int(position))
        if rows.size == 0 or int(rows[0]) not in self.session.pending:
            raise ValueError(f"stream position {position} is not a pending query; answer one of "
                             f"{self.next_queries().tolist()} (call next_queries() first)")
        return int(rows[0])

    def answer(self, position, label) -> None:
        """Record the analyst's answer for a pending query (by stream position)."""
        row = self._row_of(position)
        label = as_label(label)
        event = {"type": "answer", "position": int(position), "label": label,
                 "window": len(self.windows) - 1}
        self._record(event)
        self.session.answer(row, label)
        self.events.append(event)
        label = int(self.session.labels[row])
        self.labeled_ids.append(int(position))
        self.labeled_X = np.vstack([self.labeled_X, self._X[row]])
        self.labeled_y.append(label)
        self.queried.append(int(position))
        self.answers.append(label)
        self.found.append((self.found[-1] if self.found else 0) + label)
        keep = self.memory_ids != int(position)
        self.memory_ids, self.memory_X = self.memory_ids[keep], self.memory_X[keep]
        self.weights = self.session.model.w_.copy()
        rec = self.windows[-1]
        rec.n_queries += 1
        rec.n_found += label

    def skip(self, position) -> None:
        """Drop a pending query without a label (it stays out of later queries of this window)."""
        row = self._row_of(position)
        event = {"type": "skip", "position": int(position), "window": len(self.windows) - 1}
        self._record(event)
        self.session.skip(row)
        self.events.append(event)

    def add_window(self, X_new, final=False) -> WindowRecord:
        """A new window arrives: update the forest, renew the memory, retrain, open its queries.

        ``final=True`` marks the last window: it may spend the rest of the
        budget (the original's ``till_budget``), not only ``queries_per_window``.
        """
        X_new = check_features(X_new, "X_new", n_features=self.memory_X.shape[1])
        self._record_window(X_new, final)  # on disk (or checked, resuming) before it applies
        rec = WindowRecord(window=len(self.windows), n_rows=X_new.shape[0])
        changed = self._update_forest(X_new, rec)
        ids_new = self.n_seen + np.arange(X_new.shape[0])
        self.n_seen += X_new.shape[0]
        if self.retention == 0:
            self.memory_ids, self.memory_X = ids_new, X_new
            Z_memory = self.ensemble.transform(X_new)
        else:
            ids = np.concatenate([self.memory_ids, ids_new])
            X = np.vstack([self.memory_X, X_new])
            Z = self.ensemble.transform(X)
            scores = np.asarray(Z @ self.weights).ravel()
            top = np.lexsort((ids, -scores))[:self.memory_size]  # ties: earlier first
            top.sort()
            self.memory_ids, self.memory_X, Z_memory = ids[top], X[top], Z[top]
        self.windows.append(rec)
        budget_left = self.remaining if self.remaining is not None else self.memory_ids.size
        self._open_window(budget_left if final else self.queries_per_window,
                          passes=self.n_weight_updates if changed else 0, Z_memory=Z_memory)
        self._replay_window()  # resuming: this window's recorded answers
        return rec

    def _update_forest(self, X_new, rec: WindowRecord) -> bool:
        """KL check / replacement / count update; returns whether the forest changed."""
        T = self.ensemble.n_trees
        if self.update == "none" or X_new.shape[0] < self.min_update_rows:
            return False
        if self.update == "kl":
            check = self.detector.check(X_new)
            rec.kl, rec.threshold = check.kl, check.threshold
            rec.n_drifted, rec.fired = check.n_drifted, check.fired
            if not check.fired:
                return False
            trees = check.drifted
        else:
            trees = np.arange(int(self.replace_frac * T))
        if self._replaces_trees:
            mapping = self.ensemble.replace_trees(
                trees, X_new,
                random_state=int(np.random.default_rng([self.seed, rec.window, 1]).integers(2**31)))
            m = mapping.size
            w = np.where(mapping >= 0, self.weights[np.maximum(mapping, 0)], 1.0 / np.sqrt(m))
            rec.replaced = int(len(trees))
        else:
            self.ensemble.update_counts(X_new, weight=self.count_weight)
            m, w = self.weights.size, self.weights
            rec.replaced = T
        self.model.init(m)
        self.weights = w / np.linalg.norm(w) if self.feedback else self.model.w_.copy()
        if self.detector is not None:
            self.detector.fit(self.ensemble, X_new)
        return True


@dataclass
class StreamDiscoveryResult(DiscoveryResult):
    """A :class:`DiscoveryResult` of a stream, with what happened at each window."""

    windows: list = field(default_factory=list)

    @property
    def replaced(self) -> list[int]:
        """Trees replaced when each window after the first arrived."""
        return [w.replaced for w in self.windows[1:]]


def _run_stream(X, y, window, final_budget, **params) -> StreamSession:
    n = X.shape[0]
    stream = StreamSession(X[:window], **params)
    starts = list(range(window, n, window))
    for k, start in enumerate([*starts, None]):
        while (q := stream.next_queries()).size:
            for i in q:
                stream.answer(i, y[i])
        if start is None:
            return stream
        stream.add_window(X[start:start + window], final=final_budget and k == len(starts) - 1)
    return stream


def discover_stream(X, y, window=1024, budget=1000, update="kl", retention=1,
                    queries_per_window=20, ensemble="iforest", seed=0, baseline=True,
                    keep_session=False, **params) -> StreamDiscoveryResult:
    """Streaming AAD on ``X`` read in windows of ``window`` rows, ground truth ``y`` answering.

    The last window spends what is left of ``budget`` (the original's
    ``till_budget``). ``baseline=True`` runs the same stream again without
    feedback (uniform weights, same windows, forest updates and memory rules)
    for ``result.baseline``. Other ``params`` go to :class:`StreamSession`.
    """
    X = check_features(X, "X")
    y = check_binary_labels(y, n=X.shape[0])
    if not 0 < budget <= X.shape[0]:
        raise ValueError(f"budget={budget} must be between 1 and the number of instances "
                         f"({X.shape[0]})")
    if not 2 <= window <= X.shape[0]:
        raise ValueError(f"window={window} must be between 2 and the number of instances")
    common = dict(window=window, final_budget=True, update=update, retention=retention,
                  queries_per_window=queries_per_window, budget=budget, ensemble=ensemble,
                  seed=seed, **params)
    stream = _run_stream(X, y, **common)
    found = np.asarray(stream.found, dtype=np.int64)
    base = (np.asarray(_run_stream(X, y, feedback=False, **common).found, dtype=np.int64)
            if baseline else np.zeros(0, dtype=np.int64))
    return StreamDiscoveryResult(
        found=found, baseline=base, queried=np.asarray(stream.queried, dtype=np.int64),
        n_anomalies=int(y.sum()),
        params=dict(window=window, budget=budget, update=update, retention=retention,
                    queries_per_window=queries_per_window, ensemble=str(ensemble), seed=seed,
                    **params),
        session=stream if keep_session else None, windows=stream.windows)
