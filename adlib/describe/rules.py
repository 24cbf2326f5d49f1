"""Rules a person can read: predicates, conjunctions (rules) and disjunctions (rule sets).

A tree node's region is a box ``lower < x <= upper`` (unbounded sides are
+/-inf). As a rule it reads ``2.16 < y <= 3.31 and x > 2.65`` with the data's
feature names. Rules evaluate on a whole matrix at once (vectorised), print as
text, and parse back from the same text, so descriptions can be stored,
shown to an analyst, and checked against the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_OPS = {
    "<=": np.less_equal,
    "<": np.less,
    ">": np.greater,
    ">=": np.greater_equal,
}
_FLIP = {"<=": ">=", "<": ">", ">": "<", ">=": "<="}
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf"


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _name(feature: int, names) -> str:
    return names[feature] if names is not None else f"x{feature}"


@dataclass(frozen=True)
class Predicate:
    """``x[feature] <op> threshold`` with op one of ``<=``, ``<``, ``>``, ``>=``."""

    feature: int
    op: str
    threshold: float

    def __post_init__(self):
        if self.op not in _OPS:
            raise ValueError(f"operator {self.op!r} is not one of {sorted(_OPS)}")

    def evaluate(self, X) -> np.ndarray:
        """Boolean mask of the rows of ``X`` that satisfy the predicate."""
        return _OPS[self.op](np.asarray(X)[:, self.feature], self.threshold)

    def text(self, names=None) -> str:
        return f"{_name(self.feature, names)} {self.op} {_fmt(self.threshold)}"


@dataclass(frozen=True)
class Rule:
    """A conjunction of predicates (an empty rule is true everywhere)."""

    predicates: tuple[Predicate, ...] = ()

    @classmethod
    def from_box(cls, lower, upper) -> Rule:
        """The rule of a box ``lower < x <= upper``; infinite sides add no predicate."""
        preds = []
        for f, (lo, hi) in enumerate(zip(np.asarray(lower, float), np.asarray(upper, float),
                                         strict=True)):
            if np.isfinite(lo):
                preds.append(Predicate(f, ">", float(lo)))
            if np.isfinite(hi):
                preds.append(Predicate(f, "<=", float(hi)))
        return cls(tuple(preds))

    def to_box(self, n_features: int) -> tuple[np.ndarray, np.ndarray]:
        """The rule's box ``lower < x <= upper`` (unbounded sides +/-inf), tightest bounds kept.

        Strictness is not kept (``x >= a`` gives the lower bound ``a``), so
        this is meant for drawing; :meth:`evaluate` is exact.
        """
        lower = np.full(n_features, -np.inf)
        upper = np.full(n_features, np.inf)
        for p in self.predicates:
            if p.op in (">", ">="):
                lower[p.feature] = max(lower[p.feature], p.threshold)
            else:
                upper[p.feature] = min(upper[p.feature], p.threshold)
        return lower, upper

    @property
    def features(self) -> list[int]:
        """Features the rule bounds, in first-seen order."""
        return list(dict.fromkeys(p.feature for p in self.predicates))

    def __len__(self) -> int:
        """Rule length: the number of features it bounds (``a < x <= b`` counts once)."""
        return len(self.features)

    def evaluate(self, X) -> np.ndarray:
        X = np.asarray(X)
        mask = np.ones(X.shape[0], dtype=bool)
        for p in self.predicates:
            mask &= p.evaluate(X)
        return mask

    def text(self, names=None) -> str:
        """``2.16 < y <= 3.31 and x > 2.65``: two-sided bounds on a feature written together."""
        if not self.predicates:
            return "true"
        parts = []
        for f in self.features:
            preds = [p for p in self.predicates if p.feature == f]
            lows = [p for p in preds if p.op in (">", ">=")]
            highs = [p for p in preds if p.op in ("<", "<=")]
            if len(lows) == 1 and len(highs) == 1:
                lo, hi = lows[0], highs[0]
                parts.append(f"{_fmt(lo.threshold)} {_FLIP[lo.op]} {_name(f, names)} "
                             f"{hi.op} {_fmt(hi.threshold)}")
            else:
                parts.extend(p.text(names) for p in preds)
        return " and ".join(parts)

    @classmethod
    def parse(cls, text: str, names=None) -> Rule:
        """Read a rule written by :meth:`text` (feature names, or ``x0``, ``x1``, ...)."""
        lookup = {n: i for i, n in enumerate(names)} if names is not None else None

        def feature(token: str) -> int:
            token = token.strip()
            if lookup is not None and token in lookup:
                return lookup[token]
            m = re.fullmatch(r"x(\d+)", token)
            if lookup is None and m:
                return int(m.group(1))
            known = ", ".join(map(str, names)) if names is not None else "x0, x1, ..."
            raise ValueError(f"unknown feature {token!r} in rule {text!r}; known: {known}")

        if text.strip() == "true":
            return cls(())
        preds = []
        for term in re.split(r"\s+and\s+", text.strip()):
            two = re.fullmatch(rf"\s*({_NUM})\s*(<=|<)\s*(.+?)\s*(<=|<)\s*({_NUM})\s*", term)
            one = re.fullmatch(rf"\s*(.+?)\s*(<=|>=|<|>)\s*({_NUM})\s*", term)
            if two:
                f = feature(two.group(3))
                preds.append(Predicate(f, _FLIP[two.group(2)], float(two.group(1))))
                preds.append(Predicate(f, two.group(4), float(two.group(5))))
            elif one:
                preds.append(Predicate(feature(one.group(1)), one.group(2), float(one.group(3))))
            else:
                raise ValueError(f"cannot read {term!r} in rule {text!r}: write terms like "
                                 "'x > 2.5' or '1 < x <= 3', joined by 'and'")
        return cls(tuple(preds))


@dataclass(frozen=True)
class RuleSet:
    """A disjunction of rules: an instance is covered if any rule holds."""

    rules: tuple[Rule, ...] = ()

    def evaluate(self, X) -> np.ndarray:
        X = np.asarray(X)
        mask = np.zeros(X.shape[0], dtype=bool)
        for r in self.rules:
            mask |= r.evaluate(X)
        return mask

    def __len__(self) -> int:
        return len(self.rules)

    def text(self, names=None) -> str:
        if not self.rules:
            return "false"
        return "\n".join(f"({r.text(names)})" if len(self.rules) > 1 else r.text(names)
                         for r in self.rules)

    @classmethod
    def parse(cls, text: str, names=None) -> RuleSet:
        """One rule per line (parentheses optional); ``false`` is the empty set."""
        lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
        if lines == ["false"]:
            return cls(())
        return cls(tuple(Rule.parse(ln.strip("()"), names) for ln in lines))
