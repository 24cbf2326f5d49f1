"""GLAD sessions and the one-call experiment, shaped like :mod:`adlib.aad.discover`.

    result = adlib.glad.discover(X, y, budget=60, seed=0)   # a DiscoveryResult
    session = adlib.glad.session(X, seed=0)                 # an adlib.aad.Session
    session = adlib.glad.open_session("answers.jsonl", X)   # recorded in a label store

The session is the engine's own :class:`adlib.aad.Session` holding a
:class:`GLADEnsemble` and a :class:`GLAD` model, so an Oracle, a person at the
analyst panel and a label store (resume, undo) drive it as they drive tree AAD.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .._validation import check_binary_labels, check_features
from ..aad import DiscoveryResult, LabelStore, Oracle, Reruns, Session, baseline_curve
from ..aad.labelstore import LabelStoreMismatchError, ReplayError
from .ensemble import GLADEnsemble
from .model import GLAD

ENSEMBLE_KEYS = ("directions", "mink", "maxk", "normalize")


def _split_params(params: dict) -> tuple[dict, dict]:
    ens = {k: params.pop(k) for k in ENSEMBLE_KEYS if k in params}
    return ens, params


def session(X, seed=0, budget=None, strategy="top", batch_size=1, n_explore=10,
            **params) -> Session:
    """A GLAD :class:`~adlib.aad.Session` on ``X``: LODA members fitted (seeded), network primed.

    ``params``: the ensemble's ``directions``, ``mink``, ``maxk``, ``normalize``
    (:class:`GLADEnsemble`) and the model's settings (:class:`GLAD`: ``tau``,
    ``prime_epochs``, ``learning_rate``, ...).
    """
    X = check_features(X, "X")
    ens_params, model_params = _split_params(dict(params))
    ens = GLADEnsemble(random_state=seed, **ens_params).fit(X)
    Z = ens.transform(X)
    model = GLAD(ens.n_members_, seed=seed, **model_params)
    model.init(Z.shape[1]).prime(Z)
    s = Session(Z, model=model, strategy=strategy, batch_size=batch_size, budget=budget,
                seed=seed, ensemble=ens, X=X, n_explore=n_explore)
    s.build_params = {"ensemble": "glad-loda", "ensemble_params": ens.plain_params()}
    return s


def open_session(path, X, info: dict | None = None, on_mismatch: str = "error",
                 **params) -> Session:
    """A GLAD session recorded in the label store at ``path`` (new, or resumed by replay).

    Like :func:`adlib.aad.open_session`: the store's header holds the
    session's fingerprint (data, LODA members, every GLAD setting, seed), a
    store for another session raises unless ``on_mismatch="set_aside"``.
    """
    if on_mismatch not in ("error", "set_aside"):
        raise ValueError(f"on_mismatch={on_mismatch!r}: use 'error' or 'set_aside'")
    s = session(X, **params)
    path = Path(path).expanduser()
    try:
        return LabelStore.open(path, s.fingerprint(), info=info).attach(s)
    except (LabelStoreMismatchError, ReplayError) as err:
        if on_mismatch == "error":
            raise
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        aside, k = path.with_name(f"{path.stem}.set-aside-{stamp}{path.suffix}"), 1
        while aside.exists():
            k += 1
            aside = path.with_name(f"{path.stem}.set-aside-{stamp}-{k}{path.suffix}")
        path.rename(aside)
        warnings.warn(f"{err}\nThe old store was moved to {aside}; a new one starts at {path}.",
                      RuntimeWarning, stacklevel=2)
        s.reset()
        return LabelStore.open(path, s.fingerprint(), info=info).attach(s)


def discover(X, y, budget=60, seed=0, keep_session=True, **params) -> DiscoveryResult:
    """Run GLAD with the ground truth answering; the baseline is the unsupervised LODA ranking.

    ``params`` as for :func:`session` (ensemble and model settings). Defaults
    are the original's: LODA (four fixed directions on 2-D data, else 2 to 15
    random projections), ``tau = 0.03``, hidden ``max(50, 3M)``, Adam 0.01,
    priming 200 epochs, one epoch per answer with labeled rows repeated up to 5 times.
    """
    X = check_features(X, "X")
    y = check_binary_labels(y, n=X.shape[0])
    if not 0 < budget <= X.shape[0]:
        raise ValueError(f"budget={budget} must be between 1 and the number of instances "
                         f"({X.shape[0]})")
    s = session(X, seed=seed, budget=budget, **params)
    s.run(Oracle(y))
    return DiscoveryResult(
        found=np.asarray(s.found, dtype=np.int64),
        baseline=baseline_curve(s.ensemble.loda_scores(X), y, budget),
        queried=np.asarray(s.queried, dtype=np.int64),
        n_anomalies=int(y.sum()),
        params={"budget": budget, "seed": seed, "method": "glad", **params},
        session=s if keep_session else None)


def discover_reruns(X, y, n_reruns=10, seeds=None, **params) -> Reruns:
    """:func:`discover` for seeds ``0..n_reruns-1`` (one process: TensorFlow runs single-threaded)."""
    seeds = list(range(n_reruns)) if seeds is None else list(seeds)
    results = [discover(X, y, seed=s, keep_session=False, **params) for s in seeds]
    return Reruns(found=np.stack([r.found for r in results]),
                  baseline=np.stack([r.baseline for r in results]),
                  seeds=seeds, n_anomalies=results[0].n_anomalies)


def loda_aad_reruns(X, y, n_reruns=10, seeds=None, budget=60, directions="auto", mink=2,
                    maxk=15, **aad_params) -> Reruns:
    """Linear AAD (:func:`adlib.aad.discover`) on the very LODA members GLAD uses, per seed."""
    from ..aad import discover as aad_discover

    seeds = list(range(n_reruns)) if seeds is None else list(seeds)
    results = []
    for s in seeds:
        members = GLADEnsemble(directions, mink, maxk, random_state=s).fit(X).loda_
        results.append(aad_discover(X, y, budget=budget, ensemble=members, seed=s,
                                    keep_session=False, **aad_params))
    return Reruns(found=np.stack([r.found for r in results]),
                  baseline=np.stack([r.baseline for r in results]),
                  seeds=seeds, n_anomalies=results[0].n_anomalies)
