"""Bayesian Rule Sets: the model's terms, recovery of a known rule set, seeding."""

import numpy as np
import pytest
from scipy.special import betaln

from adlib.describe import BayesianRuleSet, Predicate, Rule, RuleSet
from adlib.describe.rulesets import coverage_matrix, rule_length


def _known_problem(seed=0, n=600, n_random=300, noise=0.0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 4))
    truth = RuleSet((Rule((Predicate(0, ">", 0.7), Predicate(1, "<=", 0.3))),
                     Rule((Predicate(2, ">", 0.8),))))
    y = truth.evaluate(X).astype(int)
    flip = rng.random(n) < noise
    y[flip] = 1 - y[flip]
    cands = list(truth.rules)
    for _ in range(n_random):
        feats = rng.choice(4, rng.integers(1, 4), replace=False)
        cands.append(Rule(tuple(Predicate(int(f), str(rng.choice([">", "<="])),
                                          float(np.round(rng.uniform(0.1, 0.9), 1)))
                                for f in feats)))
    order = rng.permutation(len(cands))
    return X, y, truth, [cands[i] for i in order]


def _f1(pred, y):
    tp = int((pred.astype(bool) & y.astype(bool)).sum())
    return 2 * tp / (pred.sum() + y.sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_a_known_rule_set(seed):
    X, y, truth, cands = _known_problem(seed)
    brs = BayesianRuleSet(random_state=seed).fit(X, y, cands)
    assert _f1(brs.predict(X), y) > 0.9
    assert set(brs.rules_.rules) == set(truth.rules)


def test_recovers_with_label_noise_and_generalises():
    X, y, truth, cands = _known_problem(3, noise=0.05)
    brs = BayesianRuleSet(random_state=0).fit(X, y, cands)
    Xn = np.random.default_rng(9).random((2000, 4))
    assert _f1(brs.predict(Xn), truth.evaluate(Xn)) > 0.9


def test_seeded_and_coverage_input_gives_the_same_answer():
    X, y, _, cands = _known_problem(4, noise=0.1)
    a = BayesianRuleSet(random_state=5, greedy=0.2).fit(X, y, cands)
    b = BayesianRuleSet(random_state=5, greedy=0.2).fit(X, y, cands)
    assert a.selected_.tolist() == b.selected_.tolist()
    C = coverage_matrix(cands, X)
    c = BayesianRuleSet(random_state=5, greedy=0.2).fit(C, y, lengths=[rule_length(r)
                                                                        for r in cands])
    assert c.selected_.tolist() == a.selected_.tolist()
    assert c.predict(C).tolist() == a.predict(X).tolist()
    assert np.all(np.diff(a.history_) >= 0)       # the best posterior never gets worse
    assert a.log_posterior(a.selected_) == pytest.approx(a.log_posterior_)


def test_log_posterior_is_the_beta_binomial_model():
    # 4 instances, 2 candidates of lengths 1 and 2
    C = np.array([[1, 0], [1, 1], [0, 1], [0, 0]], dtype=bool)
    y = np.array([1, 1, 0, 0])
    brs = BayesianRuleSet(alpha_plus=3, beta_plus=2, alpha_minus=4, beta_minus=1,
                          prior_alpha=1, prior_beta_scale=2, n_iter=1).fit(C, y, lengths=[1, 2])
    # S = {rule 0}: TP 2, FP 0, TN 2, FN 0; one rule chosen of length 1
    like = betaln(2 + 3, 0 + 2) - betaln(3, 2) + betaln(2 + 4, 0 + 1) - betaln(4, 1)
    prior = (betaln(1 + 1, 1 - 1 + 2) - betaln(1, 2)) + (betaln(0 + 1, 1 - 0 + 2) - betaln(1, 2))
    assert brs.log_posterior([0]) == pytest.approx(like + prior)
    # more rules, same fit: a lower posterior (the prior prefers small sets)
    assert brs.log_posterior([0, 1]) < brs.log_posterior([0])


def test_bad_shapes():
    with pytest.raises(ValueError, match="coverage has shape"):
        BayesianRuleSet().fit(np.zeros((3, 2), bool), [0, 1])
    with pytest.raises(ValueError, match="rule lengths"):
        BayesianRuleSet().fit(np.zeros((2, 2), bool), [0, 1], lengths=[1])
