"""Bayesian Rule Sets (Wang, Rudin, Doshi-Velez, Liu, Klampfl & MacNeille 2016, 2017).

A rule set ``S`` (a disjunction of rules chosen from a list of candidates)
predicts "positive" for an instance covered by any of its rules. Wang et al.
put a prior on ``S`` that prefers few, short rules and a likelihood that
rewards covering the positives and leaving the negatives out, and search the
maximum a posteriori set by simulated annealing. Written here from the papers
(ICDM 2016, "Bayesian Rule Sets for Interpretable Classification"; JMLR 2017,
"A Bayesian Framework for Learning Rule Sets for Interpretable
Classification"); vectorised on a boolean ``(n, n_rules)`` coverage matrix.

Prior. The candidates are split by length ``l`` (here: the number of
predicates of a rule, ``x > a and x <= b`` counting two, as the compact
descriptions' complexity). Each candidate of length ``l`` is in ``S``
independently with probability ``p_l ~ Beta(alpha_l, beta_l)``; integrating
``p_l`` out gives a beta-binomial term per length bucket::

    log P(S) = sum_l log B(M_l + alpha_l, |A_l| - M_l + beta_l) - log B(alpha_l, beta_l)

with ``M_l`` the number of chosen rules of length ``l`` and ``|A_l|`` the
number of candidates of that length. Defaults: ``alpha_l = 1`` and
``beta_l = prior_beta_scale * |A_l|``, so a priori about
``1 / prior_beta_scale`` rules of each length (Wang et al. set ``beta_l`` from
``|A_l|`` in the same spirit: a larger rule space must not mean larger sets).

Likelihood. Instances covered by ``S`` are positive with probability
``rho_+ ~ Beta(alpha_+, beta_+)``; instances not covered are negative with
probability ``rho_- ~ Beta(alpha_-, beta_-)``. Integrating both out::

    log P(y | S) = log B(TP + alpha_+, FP + beta_+) - log B(alpha_+, beta_+)
                 + log B(TN + alpha_-, FN + beta_-) - log B(alpha_-, beta_-)

Search (Wang et al., Algorithm 1). Simulated annealing with temperature
``T_t = T0 ** (1 - t / n_iter)``. Each step draws a misclassified training
instance at random: a positive left out proposes to *add* a rule that
covers it (or to *replace* a rule by one that does), a covered negative
proposes to *remove* a rule that covers it (or to replace it by a rule that
does not). The rule to add or remove is, with probability ``greedy``, the one
with the best posterior (all candidates scored at once by matrix products),
otherwise drawn at random. A move is accepted with probability
``min(1, exp(delta log posterior / T_t))``; the best set seen is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln

from .rules import Rule, RuleSet


def rule_length(rule: Rule) -> int:
    """Number of predicates (bounds) of a rule: ``1 < x <= 3`` counts two."""
    return len(rule.predicates)


def coverage_matrix(rules, X) -> np.ndarray:
    """Boolean ``(n, n_rules)``: row i satisfies rule k."""
    X = np.asarray(X, dtype=float)
    C = np.zeros((X.shape[0], len(rules)), dtype=bool)
    for k, r in enumerate(rules):
        C[:, k] = r.evaluate(X)
    return C


@dataclass
class _State:
    selected: np.ndarray   # bool (n_rules,)
    count: np.ndarray      # int (n,): how many selected rules cover each row
    logpost: float


class BayesianRuleSet:
    """MAP rule set over given candidate rules, found by simulated annealing.

    Parameters
    ----------
    alpha_plus, beta_plus : float
        Beta prior on the rate of positives among covered instances.
    alpha_minus, beta_minus : float
        Beta prior on the rate of negatives among instances left uncovered.
    prior_alpha, prior_beta_scale : float
        Beta prior per length bucket: ``alpha_l = prior_alpha``,
        ``beta_l = prior_beta_scale * |A_l|``.
    n_iter : int
        Annealing steps; ``T0`` the starting temperature (the last step is at 1).
    greedy : float
        Probability of taking the best add/remove move instead of a random one.
    random_state : int or None
        Seed of the search.

    After ``fit``: ``selected_`` (indices into the candidates, in candidate
    order), ``rules_`` (a :class:`RuleSet` when rules were given),
    ``log_posterior_``, ``history_`` (best log posterior after each step).
    """

    def __init__(self, alpha_plus=100.0, beta_plus=1.0, alpha_minus=100.0, beta_minus=1.0,
                 prior_alpha=1.0, prior_beta_scale=1.0, n_iter=500, T0=1000.0, greedy=0.5,
                 random_state=None):
        self.alpha_plus = alpha_plus
        self.beta_plus = beta_plus
        self.alpha_minus = alpha_minus
        self.beta_minus = beta_minus
        self.prior_alpha = prior_alpha
        self.prior_beta_scale = prior_beta_scale
        self.n_iter = n_iter
        self.T0 = T0
        self.greedy = greedy
        self.random_state = random_state

    # -- the model -------------------------------------------------------------
    def _log_likelihood(self, tp, fp, tn, fn):
        a1, b1, a2, b2 = self.alpha_plus, self.beta_plus, self.alpha_minus, self.beta_minus
        return (betaln(tp + a1, fp + b1) - betaln(a1, b1)
                + betaln(tn + a2, fn + b2) - betaln(a2, b2))

    def _log_prior(self, m_by_len):
        """``m_by_len``: (..., n_buckets) counts of chosen rules per length bucket."""
        a, b = self._alpha_l, self._beta_l
        return (betaln(m_by_len + a, self._size_l - m_by_len + b) - betaln(a, b)).sum(axis=-1)

    def log_posterior(self, selected) -> float:
        """Log posterior (up to a constant) of a set of candidate indices, after ``fit``."""
        sel = np.zeros(self._C.shape[1], dtype=bool)
        sel[np.asarray(selected, dtype=int)] = True
        return self._evaluate(sel, self._C[:, sel].sum(axis=1))

    def _evaluate(self, sel, count):
        pred = count > 0
        y = self._y
        tp = int((pred & y).sum())
        fp = int(pred.sum()) - tp
        fn = int(y.sum()) - tp
        tn = y.size - tp - fp - fn
        m = np.bincount(self._bucket[sel], minlength=self._size_l.size)
        return float(self._log_likelihood(tp, fp, tn, fn) + self._log_prior(m))

    def _score_adds(self, count, sel):
        """Log posterior of adding each candidate (vectorised); chosen ones get -inf."""
        C, y = self._C, self._y
        pred = count > 0
        tp0, fp0 = int((pred & y).sum()), int((pred & ~y).sum())
        new_tp = tp0 + C[~pred & y].sum(axis=0)
        new_fp = fp0 + C[~pred & ~y].sum(axis=0)
        P = int(y.sum())
        N = y.size - P
        ll = self._log_likelihood(new_tp, new_fp, N - new_fp, P - new_tp)
        m = np.bincount(self._bucket[sel], minlength=self._size_l.size)
        M = np.tile(m, (C.shape[1], 1))
        M[np.arange(C.shape[1]), self._bucket] += 1
        out = ll + self._log_prior(M)
        out[sel] = -np.inf
        return out

    def _score_removes(self, count, sel):
        """Log posterior of removing each candidate (vectorised); unchosen ones get -inf."""
        C, y = self._C, self._y
        pred = count > 0
        tp0, fp0 = int((pred & y).sum()), int((pred & ~y).sum())
        only = count == 1                       # rows that lose coverage if their rule goes
        new_tp = tp0 - C[only & y].sum(axis=0)
        new_fp = fp0 - C[only & ~y].sum(axis=0)
        P = int(y.sum())
        N = y.size - P
        ll = self._log_likelihood(new_tp, new_fp, N - new_fp, P - new_tp)
        m = np.bincount(self._bucket[sel], minlength=self._size_l.size)
        M = np.tile(m, (C.shape[1], 1))
        M[np.arange(C.shape[1]), self._bucket] -= 1
        out = ll + self._log_prior(np.maximum(M, 0))
        out[~sel] = -np.inf
        return out

    def _pick(self, scores, allowed, rng):
        """Best allowed move with probability ``greedy``, else a random allowed one."""
        idx = np.flatnonzero(allowed & np.isfinite(scores))
        if idx.size == 0:
            return None
        if rng.random() < self.greedy:
            return int(idx[np.argmax(scores[idx])])
        return int(rng.choice(idx))

    # -- fitting ---------------------------------------------------------------
    def fit(self, X, y, rules=None, lengths=None):
        """Fit on data ``X`` with labels ``y`` (1 = positive) over candidate ``rules``.

        Instead of rules, ``X`` may be a precomputed boolean coverage matrix
        ``(n, n_rules)`` (then pass ``lengths``, the rule lengths; default all 1).
        """
        y = np.asarray(y).astype(bool)
        if rules is not None:
            rules = list(rules)
            C = coverage_matrix(rules, X)
            lengths = np.array([rule_length(r) for r in rules], dtype=int)
        else:
            C = np.asarray(X, dtype=bool)
            lengths = (np.ones(C.shape[1], dtype=int) if lengths is None
                       else np.asarray(lengths, dtype=int))
        if C.ndim != 2 or C.shape[0] != y.size:
            raise ValueError(f"coverage has shape {C.shape} for {y.size} labels")
        if lengths.shape != (C.shape[1],):
            raise ValueError(f"{lengths.size} rule lengths for {C.shape[1]} candidate rules")
        self.candidates_ = rules
        self.lengths_ = lengths
        self._C, self._y = C, y
        buckets, self._bucket = np.unique(lengths, return_inverse=True)
        self._size_l = np.bincount(self._bucket, minlength=buckets.size).astype(float)
        self._alpha_l = np.full(buckets.size, float(self.prior_alpha))
        self._beta_l = np.maximum(self.prior_beta_scale * self._size_l, 1e-9)

        rng = np.random.default_rng(self.random_state)
        n_rules = C.shape[1]
        sel = np.zeros(n_rules, dtype=bool)
        count = np.zeros(y.size, dtype=int)
        cur = self._evaluate(sel, count)
        best_sel, best = sel.copy(), cur
        history = np.empty(self.n_iter)
        for t in range(self.n_iter):
            if n_rules == 0:
                history[t:] = best
                break
            T = float(self.T0) ** (1.0 - t / max(self.n_iter - 1, 1))
            pred = count > 0
            wrong = np.flatnonzero(pred != y)
            new_sel, new_count = sel.copy(), count.copy()
            k = int(rng.choice(wrong)) if wrong.size else None
            replace = rng.random() < 0.5
            if k is None:                                 # all correct: a random move
                moves = ("add", "remove") if sel.any() else ("add",)
                kind = moves[int(rng.integers(len(moves)))]
                allowed = ~sel if kind == "add" else sel.copy()
                r = int(rng.choice(np.flatnonzero(allowed))) if allowed.any() else None
                if r is None:
                    history[t] = best
                    continue
                new_sel[r] = kind == "add"
                new_count += C[:, r] if kind == "add" else -C[:, r].astype(int)
            elif y[k]:                                    # a positive left out: add a rule for it
                if replace and sel.any():
                    r = int(rng.choice(np.flatnonzero(sel)))
                    new_sel[r] = False
                    new_count -= C[:, r]
                a = self._pick(self._score_adds(new_count, new_sel), C[k] & ~new_sel, rng)
                if a is not None:
                    new_sel[a] = True
                    new_count += C[:, a]
            else:                                         # a negative covered: drop a rule
                r = self._pick(self._score_removes(count, sel), C[k] & sel, rng)
                if r is not None:
                    new_sel[r] = False
                    new_count -= C[:, r]
                    if replace:
                        a = self._pick(self._score_adds(new_count, new_sel), ~C[k] & ~new_sel,
                                       rng)
                        if a is not None:
                            new_sel[a] = True
                            new_count += C[:, a]
            new = self._evaluate(new_sel, new_count)
            if new >= cur or rng.random() < np.exp((new - cur) / T):
                sel, count, cur = new_sel, new_count, new
                if cur > best:
                    best_sel, best = sel.copy(), cur
            history[t] = best
        self.selected_ = np.flatnonzero(best_sel)
        self.log_posterior_ = best
        self.history_ = history
        self.rules_ = (RuleSet(tuple(rules[i] for i in self.selected_)) if rules is not None
                       else None)
        return self

    def predict(self, X) -> np.ndarray:
        """1 where an instance is covered by the learned rule set (``X`` data, or a coverage
        matrix when the model was fitted on one)."""
        if self.candidates_ is not None:
            return self.rules_.evaluate(X).astype(int)
        return np.asarray(X, dtype=bool)[:, self.selected_].any(axis=1).astype(int)
