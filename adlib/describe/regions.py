"""From an AAD session to descriptions: candidate regions, training set, rules, scores.

The candidates are the ones of Das et al. (2019): for every instance to
describe, the ``n_top`` regions (ensemble members) that contain it and
contribute most to its current score, ``w_j * z_ij`` (``z_ij`` is the
instance's value in member ``j``; after feedback the weights ``w`` decide
which regions count). Their union is the candidate list, shared by compact
descriptions and Bayesian Rule Sets.

The training set is the original one: the queried instances with their
labels, plus as many unlabeled instances drawn at random (seeded) and treated
as nominal, so a description does not grow over unexplored space.

Region membership is read from the session's feature matrix (an instance lies
in member ``j`` exactly when ``z_ij != 0``), so it is exact even where a box
threshold sits on a float32 boundary; rules are evaluated on the data cast to
float32 and back, the precision the trees were fitted in (:func:`tree_precision`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .compact import box_volumes, compact_description
from .rules import Rule, RuleSet
from .rulesets import BayesianRuleSet, rule_length


def tree_precision(X) -> np.ndarray:
    """``X`` rounded to float32 (the trees' precision) and back to float64."""
    return np.asarray(X, dtype=np.float32).astype(np.float64)


def instance_regions(features, weights, instances, n_top=5) -> list[np.ndarray]:
    """For each instance, its ``n_top`` members by contribution ``w_j * z_ij``, best first."""
    Z = sp.csr_matrix(features)
    w = np.asarray(weights, dtype=float).ravel()
    out = []
    for i in np.asarray(instances, dtype=int).ravel():
        lo, hi = Z.indptr[i], Z.indptr[i + 1]
        cols, vals = Z.indices[lo:hi], Z.data[lo:hi]
        contrib = w[cols] * vals
        order = np.lexsort((cols, -contrib))[:n_top]   # ties: lower column first
        out.append(cols[order].astype(np.int64))
    return out


def top_regions(features, weights, instances, n_top=5) -> np.ndarray:
    """Union (sorted) of each instance's ``n_top`` regions: the candidate regions."""
    per = instance_regions(features, weights, instances, n_top)
    if not per:
        return np.array([], dtype=np.int64)
    return np.unique(np.concatenate(per))


def membership(features, instances, regions) -> np.ndarray:
    """Boolean ``(len(instances), len(regions))``: instance lies in region (``z != 0``)."""
    Z = sp.csr_matrix(features)
    sub = Z[np.asarray(instances, dtype=int)][:, np.asarray(regions, dtype=int)]
    return sub.toarray() != 0


def region_boxes(ensemble, regions) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the given members of a region ensemble."""
    if not hasattr(ensemble, "member_lower_"):
        raise ValueError(f"{type(ensemble).__name__} has no region boxes (member_lower_); "
                         "descriptions need a tree ensemble such as 'iforest' or 'hstrees'")
    regions = np.asarray(regions, dtype=int)
    return ensemble.member_lower_[regions], ensemble.member_upper_[regions]


def region_rules(ensemble, regions) -> list[Rule]:
    """The members' boxes as readable rules."""
    lower, upper = region_boxes(ensemble, regions)
    return [Rule.from_box(lo, hi) for lo, hi in zip(lower, upper, strict=True)]


def training_set(session, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Queried instances with their labels, plus as many unlabeled ones sampled as nominal."""
    queried = np.asarray(session.queried, dtype=np.int64)
    labels = np.asarray(session.answers, dtype=np.int64)
    pool = np.setdiff1d(np.arange(session.n_instances), queried)
    rng = np.random.default_rng(seed)
    extra = np.sort(rng.choice(pool, size=min(queried.size, pool.size), replace=False))
    return (np.concatenate([queried, extra]),
            np.concatenate([labels, np.zeros(extra.size, dtype=np.int64)]))


@dataclass
class Description:
    """A rule set describing the discovered anomalies, with where it came from."""

    method: str
    rules: RuleSet
    regions: np.ndarray                 # chosen members (ensemble columns)
    candidates: np.ndarray              # candidate members
    training: tuple = field(repr=False, default=())
    info: dict = field(default_factory=dict)

    def text(self, names=None) -> str:
        return self.rules.text(names)

    @property
    def n_candidates(self) -> int:
        return int(self.candidates.size)


def describe_session(session, method="compact", n_top=5, seed=0, **params) -> Description:
    """Describe the anomalies a session has discovered, by ``"compact"`` or ``"brs"``.

    ``params`` go to :func:`compact_description` or :class:`BayesianRuleSet`
    (``random_state`` defaults to ``seed``).
    """
    if session.ensemble is None or session.X is None:
        raise ValueError("describing needs the session's ensemble and data: open it with "
                         "Session.from_data")
    idx, lab = training_set(session, seed=seed)
    queried = np.asarray(session.queried, dtype=np.int64)
    anomalies = queried[np.asarray(session.answers) == 1]
    cand = top_regions(session.features, session.model.w_, anomalies, n_top)
    if cand.size == 0:
        return Description(method, RuleSet(), cand, cand, (idx, lab), {"status": "no anomalies"})
    lower, upper = region_boxes(session.ensemble, cand)
    Xt = tree_precision(session.X)
    if method == "compact":
        d = compact_description(lower, upper, Xt, idx, lab, **params)
        return Description(method, d.rules, cand[d.selected], cand, (idx, lab),
                           {"status": d.status, "uncovered": d.uncovered})
    if method == "brs":
        rules = region_rules(session.ensemble, cand)
        C = membership(session.features, idx, cand)
        lengths = np.array([rule_length(r) for r in rules])
        brs = BayesianRuleSet(**{"random_state": seed, **params}).fit(C, lab, lengths=lengths)
        chosen = brs.selected_
        return Description(method, RuleSet(tuple(rules[i] for i in chosen)), cand[chosen], cand,
                           (idx, lab), {"log_posterior": brs.log_posterior_})
    raise ValueError(f"unknown description method {method!r}; use 'compact' or 'brs'")


def evaluate_rules(rules: RuleSet, X, y) -> dict:
    """Precision, recall and F1 of "anomaly if any rule holds" on ``(X, y)``; rule sizes.

    ``length`` is the mean number of predicates per rule (``1 < x <= 3``
    counts two), ``n_rules`` the number of rules. An empty set predicts
    nothing: precision, recall and F1 are 0.
    """
    y = np.asarray(y).astype(bool)
    pred = rules.evaluate(tree_precision(X))
    tp = int((pred & y).sum())
    precision = tp / pred.sum() if pred.any() else 0.0
    recall = tp / y.sum() if y.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    lengths = [rule_length(r) for r in rules.rules]
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1),
            "length": float(np.mean(lengths)) if lengths else 0.0, "n_rules": len(lengths)}


def region_volumes(session, regions) -> np.ndarray:
    """Fraction of the data's bounding box each member covers (1 where there are no boxes)."""
    if session.ensemble is None or session.X is None or not hasattr(session.ensemble,
                                                                       "member_lower_"):
        return np.ones(len(regions))
    lower, upper = region_boxes(session.ensemble, regions)
    return box_volumes(lower, upper, session.X)
