"""Why GLAD ranks an instance high: where each member is relevant, as regions, rules and LIME.

* :func:`relevance` / :func:`most_relevant`: ``p_m(x)`` and the member with
  the highest relevance at every point.
* :func:`member_rules`: for each member, a decision tree separates the
  instances where it is relevant (``p_m(x) > b``; with ``max_rank=1`` also the
  most relevant member there, the original's relevance-region figure) from
  the rest; its leaves predicting "relevant" become a
  :class:`~adlib.describe.rules.RuleSet` with feature names. The original
  grows the tree without a depth limit; the default here is depth 3 (at most
  8 leaves, so at most 8 rules of at most 3 bounds each), which reproduces the
  labels on toy2 with high accuracy (see the chapter and DESIGN.md).
* :func:`lime_explanation`: the most relevant member's own score (its
  ``-log p`` on its projection) explained around one instance by LIME
  (Ribeiro et al. 2016; ``lime.lime_tabular``, regression mode, a fixed
  ``random_state`` and a fresh explainer per call, so it is reproducible).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from ..describe.rules import Rule, RuleSet

DEFAULT_DEPTH = 3


def _state(obj):
    """A model, a session, or a NetworkState -> something with ``relevance(X)``."""
    model = getattr(obj, "model", obj)
    if not hasattr(model, "relevance"):
        raise TypeError(f"expected a GLAD model, session or network state, got {type(obj).__name__}")
    return model


def relevance(obj, X) -> np.ndarray:
    """``p_m(x)`` for every row of ``X``: ``(n, M)``, from a GLAD model, session or state."""
    return _state(obj).relevance(np.asarray(X, dtype=np.float64))


def most_relevant(obj, X) -> np.ndarray:
    """Index of the most relevant member at every row of ``X`` (ties: the lower index)."""
    return np.argmax(relevance(obj, X), axis=1)


def relevance_labels(P: np.ndarray, member: int, bias_prob: float = 0.5,
                     max_rank: int | None = 1) -> np.ndarray:
    """Rows where ``member`` is relevant: ``p > b`` and (``max_rank``) among the top-ranked."""
    relevant = P[:, member] > bias_prob
    if max_rank:
        rank = (P > P[:, [member]]).sum(axis=1)          # members strictly more relevant
        relevant &= rank < max_rank
    return relevant


def tree_rules(tree: DecisionTreeClassifier) -> RuleSet:
    """The leaves of a fitted binary tree that predict class 1, as a rule set (``lower < x <= upper``).

    A loop over the tree's nodes (a few dozen), never over instances.
    """
    t = tree.tree_
    d = tree.n_features_in_
    boxes = {0: (np.full(d, -np.inf), np.full(d, np.inf))}
    rules = []
    positive = list(tree.classes_).index(1) if 1 in tree.classes_ else None
    for node in range(t.node_count):  # parents come before their children
        lo, hi = boxes.pop(node)
        left, right = t.children_left[node], t.children_right[node]
        if left == right:  # a leaf
            counts = t.value[node, 0]
            if positive is not None and counts[positive] > counts.sum() / 2:
                rules.append(Rule.from_box(lo, hi))
            continue
        f, thr = t.feature[node], t.threshold[node]
        lo_l, hi_l = lo.copy(), hi.copy()
        hi_l[f] = min(hi_l[f], thr)
        lo_r, hi_r = lo.copy(), hi.copy()
        lo_r[f] = max(lo_r[f], thr)
        boxes[left], boxes[right] = (lo_l, hi_l), (lo_r, hi_r)
    return RuleSet(tuple(rules))


@dataclass
class MemberRules:
    """Where one member is relevant, as rules; ``accuracy``: rules vs. the labels on the data."""

    member: int
    rules: RuleSet
    labels: np.ndarray
    accuracy: float
    n_relevant: int

    def text(self, names=None) -> str:
        return self.rules.text(names)


def member_rules(obj, X, max_depth: int | None = DEFAULT_DEPTH, max_rank: int | None = 1,
                 bias_prob: float | None = None, random_state: int = 0) -> list[MemberRules]:
    """Per-member rules describing where each member is relevant (see the module docstring)."""
    X = np.asarray(X, dtype=np.float64)
    model = _state(obj)
    b = getattr(model, "bias_prob", 0.5) if bias_prob is None else bias_prob
    P = relevance(model, X)
    out = []
    for m in range(P.shape[1]):
        labels = relevance_labels(P, m, b, max_rank)
        if labels.all() or not labels.any():
            rules = RuleSet((Rule(),)) if labels.all() else RuleSet(())
        else:
            tree = DecisionTreeClassifier(max_depth=max_depth, random_state=random_state)
            rules = tree_rules(tree.fit(X, labels.astype(int)))
        covered = rules.evaluate(X)
        out.append(MemberRules(m, rules, labels, float(np.mean(covered == labels)),
                               int(labels.sum())))
    return out


@dataclass
class LimeResult:
    """LIME's local linear explanation of one member's score at one instance."""

    instance: np.ndarray
    member: int
    relevance: np.ndarray       # p_m(x) of every member at the instance
    conditions: list            # [(condition text, weight)], largest |weight| first
    intercept: float
    local_prediction: float
    score: float                # the member's own score at the instance
    r2: float

    def text(self) -> str:
        lines = [f"most relevant member: {self.member} (relevance {self.relevance[self.member]:.3f};"
                 f" all: {', '.join(f'{p:.3f}' for p in self.relevance)})"]
        lines += [f"  {cond:<24s} {w:+.3f}" for cond, w in self.conditions]
        return "\n".join(lines)


def lime_explanation(session, x, feature_names=None, member=None, num_features=None,
                     num_samples=5000, random_state=42) -> LimeResult:
    """Explain the most relevant member's score at ``x`` with LIME (see the module docstring).

    ``session``: a GLAD session (its data ``X`` is LIME's training data, its
    ensemble gives the member scores). ``member`` overrides the choice.
    """
    from lime.lime_tabular import LimeTabularExplainer

    X = np.asarray(session.X, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64).ravel()
    if x.shape[0] != X.shape[1]:
        raise ValueError(f"x has {x.shape[0]} features, the session's data {X.shape[1]}")
    p = relevance(session, x[None])[0]
    m = int(np.argmax(p)) if member is None else int(member)
    names = list(feature_names) if feature_names is not None else [f"x{k}" for k in
                                                                   range(X.shape[1])]
    ens = session.ensemble

    def member_score(Z):
        return ens.raw_member_scores(np.asarray(Z, dtype=np.float64))[:, m]

    # a fresh explainer per explanation: repeated calls on one explainer are not reproducible
    explainer = LimeTabularExplainer(X, mode="regression", feature_names=names,
                                     random_state=random_state)
    exp = explainer.explain_instance(x, member_score, num_features=num_features or X.shape[1],
                                     num_samples=num_samples)
    return LimeResult(instance=x, member=m, relevance=p,
                      conditions=[(c, float(w)) for c, w in exp.as_list()],
                      intercept=float(next(iter(exp.intercept.values()))
                                      if isinstance(exp.intercept, dict) else exp.intercept),
                      local_prediction=float(np.ravel(exp.local_pred)[0]),
                      score=float(member_score(x[None])[0]), r2=float(exp.score))


def rule_depth_table(obj, X, depths=(1, 2, 3, 4, 5, None), max_rank: int | None = 1) -> list[dict]:
    """Accuracy and size of the per-member rules for several tree depths (to choose one)."""
    rows = []
    for depth in depths:
        rules = member_rules(obj, X, max_depth=depth, max_rank=max_rank)
        rows.append({"depth": "unlimited" if depth is None else depth,
                     "worst accuracy": round(min(r.accuracy for r in rules), 3),
                     "mean accuracy": round(float(np.mean([r.accuracy for r in rules])), 3),
                     "rules": sum(len(r.rules) for r in rules),
                     "longest rule": max((len(rule) for r in rules for rule in r.rules.rules),
                                         default=0)})
    return rows
