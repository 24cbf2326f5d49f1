"""Compact descriptions: a few small regions that cover every discovered anomaly.

Das et al. (2019) describe the anomalies an analyst has confirmed with a small
set of the ensemble's regions. Among candidate regions (boxes of tree nodes,
e.g. the highest-weighted ones holding labeled anomalies), choose

    min  sum_k cost_k * s_k    s.t.  every labeled anomaly lies in a chosen region,
                                    s_k in {0, 1}

an integer linear programme solved with GLPK (``cvxopt.glpk.ilp``). The cost of
a region is its volume (small regions describe sharply), plus the
interpretability terms: ``complexity_weight`` per bounded feature (fewer
bounded ranges = simpler), and ``nominal_weight`` times the region's volume per
labeled nominal inside it. Regions whose precision on the labeled instances is
below ``min_precision`` (default 0.4) are not candidates. Volumes are fractions
of the data's bounding box.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .rules import Rule, RuleSet


def box_volumes(lower, upper, X) -> np.ndarray:
    """Fraction of the data's bounding box that each box ``lower < x <= upper`` covers."""
    X = np.asarray(X, dtype=float)
    lo_data, hi_data = X.min(axis=0), X.max(axis=0)
    span = np.where(hi_data > lo_data, hi_data - lo_data, 1.0)
    lo = np.clip(np.asarray(lower, float), lo_data, hi_data)
    hi = np.clip(np.asarray(upper, float), lo_data, hi_data)
    frac = np.clip((hi - lo) / span, 0.0, 1.0)
    frac = np.where(hi_data > lo_data, frac, 1.0)   # a constant feature does not shrink volume
    return np.prod(frac, axis=1)


def box_membership(lower, upper, X) -> np.ndarray:
    """Boolean ``(n, k)``: row i lies in box k (``lower < x <= upper``), vectorised."""
    X = np.asarray(X, dtype=float)[:, None, :]
    return np.all((X > np.asarray(lower)[None]) & (X <= np.asarray(upper)[None]), axis=2)


def min_cost_cover(A, cost, time_limit_s=20.0) -> tuple[np.ndarray, str]:
    """Cheapest set of columns of boolean ``A`` (rows: items) such that every row is covered.

    ``min cost . s  s.t.  A s >= 1, s binary``, solved by GLPK (quiet, time-limited).
    Every row must have at least one True. Returns the chosen column indices
    and GLPK's status (``"optimal"``, or ``"feasible"`` when the time limit hit).
    """
    import cvxopt
    from cvxopt import glpk

    A = np.asarray(A, dtype=bool)
    cost = np.asarray(cost, dtype=float).ravel()
    if A.ndim != 2 or A.shape[1] != cost.size:
        raise ValueError(f"A has shape {A.shape} for {cost.size} costs")
    if A.shape[0] == 0:
        return np.array([], dtype=int), "nothing to cover"
    if not A.any(axis=1).all():
        raise ValueError("some rows are in no column: they cannot be covered")
    status, z = glpk.ilp(cvxopt.matrix(cost), cvxopt.matrix(-A.astype(float)),
                         cvxopt.matrix(-np.ones(A.shape[0])), B=set(range(cost.size)),
                         options={"msg_lev": "GLP_MSG_OFF", "tm_lim": int(time_limit_s * 1000)})
    if z is None:
        raise RuntimeError(f"GLPK returned no solution (status {status!r})")
    return np.flatnonzero(np.asarray(z).ravel() > 0.5), status


@dataclass
class CompactDescription:
    """The chosen regions, as indices into the candidates and as a readable rule set."""

    selected: np.ndarray
    rules: RuleSet
    status: str
    uncovered: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))

    def text(self, names=None) -> str:
        return self.rules.text(names)


def compact_description(lower, upper, X, labeled, labels, *, min_precision=0.4,
                        complexity_weight=0.01, nominal_weight=1.0,
                        time_limit_s=20.0) -> CompactDescription:
    """Choose a small set of candidate boxes that covers every labeled anomaly.

    ``lower``/``upper``: ``(k, d)`` candidate boxes; ``X`` the data;
    ``labeled``/``labels`` the answered instances (1 = anomaly). Anomalies that
    no admissible candidate contains are reported in ``uncovered``.
    """
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    labeled = np.asarray(labeled, dtype=int)
    labels = np.asarray(labels, dtype=int)
    if lower.shape != upper.shape or lower.ndim != 2:
        raise ValueError("lower and upper must both be (n_candidates, n_features) arrays")
    if labeled.shape != labels.shape:
        raise ValueError(f"{labeled.size} labeled indices but {labels.size} labels")
    anomalies = labeled[labels == 1]
    nominals = labeled[labels == 0]
    if anomalies.size == 0 or lower.shape[0] == 0:
        return CompactDescription(np.array([], dtype=int), RuleSet(), "nothing to cover",
                                  anomalies)
    X = np.asarray(X, dtype=float)
    in_anom = box_membership(lower, upper, X[anomalies])          # (a, k)
    n_nom = box_membership(lower, upper, X[nominals]).sum(axis=0) if nominals.size \
        else np.zeros(lower.shape[0])
    n_anom = in_anom.sum(axis=0)
    precision = n_anom / np.maximum(n_anom + n_nom, 1)
    admissible = (n_anom > 0) & (precision >= min_precision)
    covered = in_anom[:, admissible].any(axis=1)
    uncovered = anomalies[~covered]
    cand = np.flatnonzero(admissible)
    if cand.size == 0:
        return CompactDescription(np.array([], dtype=int), RuleSet(), "no admissible region",
                                  uncovered)
    volume = box_volumes(lower[cand], upper[cand], X)
    bounded = (np.isfinite(lower[cand]) | np.isfinite(upper[cand])).sum(axis=1)
    cost = volume + complexity_weight * bounded + nominal_weight * volume * n_nom[cand]
    A = in_anom[covered][:, cand]                                 # cover each coverable anomaly
    picked, status = min_cost_cover(A, cost, time_limit_s=time_limit_s)
    chosen = cand[picked]
    rules = RuleSet(tuple(Rule.from_box(lower[k], upper[k]) for k in chosen))
    return CompactDescription(chosen, rules, status, uncovered)
