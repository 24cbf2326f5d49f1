"""One-call experiments: ``discover`` runs a whole budget with an Oracle."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed

from .._validation import check_binary_labels, check_features
from .analyst import Oracle
from .session import Session


@dataclass
class DiscoveryResult:
    """Outcome of one active-discovery run.

    ``found[i]`` is the number of true anomalies among the first ``i + 1``
    queries; ``baseline`` the same for the unsupervised ranking (the
    ensemble's own order, no feedback); ``queried`` the instance indices in
    query order.
    """

    found: np.ndarray
    baseline: np.ndarray
    queried: np.ndarray
    n_anomalies: int
    params: dict = field(default_factory=dict)
    session: Session | None = field(default=None, repr=False)

    @property
    def budget(self) -> int:
        return int(self.found.shape[0])


def baseline_curve(scores: np.ndarray, y: np.ndarray, budget: int) -> np.ndarray:
    """Anomalies found when querying in decreasing ``scores`` order, no feedback."""
    order = np.lexsort((np.arange(scores.shape[0]), -scores))[:budget]
    return np.cumsum(y[order])


def discover(X, y, budget=100, ensemble="iforest", tau=0.03, seed=0, strategy="top",
             batch_size=1, n_explore=10, ensemble_params=None, known=None, keep_session=True,
             **aad_params):
    """Run active anomaly discovery on ``X`` with ground truth ``y`` answering.

    Parameters mirror the published experiments: ``ensemble="iforest"`` (100
    trees, 256 samples per tree), ``tau=0.03``, greedy top-1 queries.
    ``strategy`` / ``batch_size`` / ``n_explore`` choose the query strategy
    (:mod:`adlib.aad.query`); ``known`` is an optional ``(indices, labels)``
    pair of labels known before the first query (the session pre-trains on
    them, see :meth:`Session.pretrain`; they are excluded from the curves).
    Extra keyword arguments go to :class:`adlib.aad.AAD` (``Ca``,
    ``prior_sigma2``, ...); ``ensemble_params`` to the ensemble (``n_trees``,
    ``normalize``, ...). ``ensemble`` may also be an unfitted ensemble object.
    """
    X = check_features(X, "X")
    y = check_binary_labels(y, n=X.shape[0])
    if not 0 < budget <= X.shape[0]:
        raise ValueError(f"budget={budget} must be between 1 and the number of instances "
                         f"({X.shape[0]})")
    session = Session.from_data(X, ensemble=ensemble, seed=seed, tau=tau, strategy=strategy,
                                batch_size=batch_size, budget=budget, n_explore=n_explore,
                                ensemble_params=ensemble_params, **aad_params)
    excluded = np.zeros(y.shape[0], dtype=bool)
    if known is not None:
        session.pretrain(*known)
        excluded[session.pretrained] = True
        if budget > int((~excluded).sum()):
            raise ValueError(f"budget={budget} exceeds the {int((~excluded).sum())} instances "
                             "left after the known labels")
    session.run(Oracle(y))
    params = dict(budget=budget, ensemble=str(ensemble), tau=tau, seed=seed,
                  strategy=str(strategy), batch_size=batch_size, n_explore=n_explore,
                  n_known=int(excluded.sum()),
                  ensemble_params=dict(ensemble_params or {}), **aad_params)
    return DiscoveryResult(
        found=np.asarray(session.found, dtype=np.int64),
        baseline=baseline_curve(np.where(excluded, -np.inf, session.initial_scores), y, budget),
        queried=np.asarray(session.queried, dtype=np.int64),
        n_anomalies=int(y.sum()),
        params=params,
        session=session if keep_session else None,
    )


@dataclass
class Reruns:
    """Discovery curves of several seeded reruns, stacked: arrays are (n_reruns, budget)."""

    found: np.ndarray
    baseline: np.ndarray
    seeds: list
    n_anomalies: int

    @property
    def mean_found(self) -> float:
        """Mean number of anomalies found at the full budget."""
        return float(self.found[:, -1].mean())

    @property
    def mean_baseline(self) -> float:
        return float(self.baseline[:, -1].mean())


def discover_reruns(X, y, n_reruns=10, seeds=None, n_jobs=1, **kwargs) -> Reruns:
    """``discover`` repeated with seeds ``0..n_reruns-1`` (or ``seeds``), in parallel with joblib."""
    seeds = list(range(n_reruns)) if seeds is None else list(seeds)
    results = Parallel(n_jobs=n_jobs)(
        delayed(discover)(X, y, seed=s, keep_session=False, **kwargs) for s in seeds
    )
    return Reruns(found=np.stack([r.found for r in results]),
                  baseline=np.stack([r.baseline for r in results]),
                  seeds=seeds, n_anomalies=results[0].n_anomalies)
