"""The rule framework: evaluation, text, parsing, and rules from tree regions."""

import numpy as np
import pytest

from adlib.describe import Predicate, Rule, RuleSet
from adlib.ensembles import IsolationForestRegions, make_ensemble


def test_predicate_operators():
    X = np.array([[1.0], [2.0], [3.0]])
    assert Predicate(0, "<=", 2).evaluate(X).tolist() == [True, True, False]
    assert Predicate(0, "<", 2).evaluate(X).tolist() == [True, False, False]
    assert Predicate(0, ">", 2).evaluate(X).tolist() == [False, False, True]
    assert Predicate(0, ">=", 2).evaluate(X).tolist() == [False, True, True]
    with pytest.raises(ValueError, match="operator '=>' is not one of"):
        Predicate(0, "=>", 1)


def test_text_joins_two_sided_bounds_and_uses_feature_names():
    rule = Rule((Predicate(1, ">", 2.16), Predicate(1, "<=", 3.31), Predicate(0, ">", 2.65)))
    assert rule.text(["x", "y"]) == "2.16 < y <= 3.31 and x > 2.65"
    assert rule.text() == "2.16 < x1 <= 3.31 and x0 > 2.65"
    assert len(rule) == 2            # two features bounded
    assert Rule().text() == "true" and len(Rule()) == 0


@pytest.mark.parametrize("text", ["2.16 < y <= 3.31 and x > 2.65", "x <= -1.5",
                                  "0.1 < mean radius <= 20 and y >= 1e-05", "true"])
def test_parse_round_trips(text):
    names = ["x", "y", "mean radius"]
    rule = Rule.parse(text, names)
    assert Rule.parse(rule.text(names), names) == rule
    X = np.random.default_rng(0).normal(scale=3, size=(200, 3))
    np.testing.assert_array_equal(Rule.parse(rule.text(names), names).evaluate(X),
                                  rule.evaluate(X))


def test_parse_errors_say_what_to_write():
    with pytest.raises(ValueError, match="unknown feature 'z'"):
        Rule.parse("z > 1", ["x", "y"])
    with pytest.raises(ValueError, match="cannot read 'x is big'"):
        Rule.parse("x is big and y > 1", ["x", "y"])


def test_rule_set_is_a_disjunction():
    X = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0], [5.0, 5.0]])
    rs = RuleSet((Rule.parse("x0 > 4 and x1 <= 1"), Rule.parse("x1 > 4 and x0 <= 1")))
    assert rs.evaluate(X).tolist() == [False, True, True, False]
    assert RuleSet.parse(rs.text()) == rs
    assert RuleSet().evaluate(X).sum() == 0 and RuleSet.parse("false") == RuleSet()


@pytest.mark.parametrize("name", ["iforest", "hstrees", "rsforest"])
def test_rule_of_a_tree_region_selects_exactly_its_members(name):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 3))
    ens = make_ensemble(name, random_state=0).fit(X)
    Z = ens.transform(X)
    # trees compare in float32 (scikit-learn) or float64 (ours): evaluate as they do
    Xc = X.astype(np.float32).astype(np.float64) if isinstance(ens, IsolationForestRegions) else X
    # membership from the sparsity structure: a leaf of zero training mass stores a 0.0
    row_of = np.repeat(np.arange(X.shape[0]), np.diff(Z.indptr))
    for j in np.unique(Z.indices)[::40]:
        rule = Rule.from_box(ens.member_lower_[j], ens.member_upper_[j])
        np.testing.assert_array_equal(np.flatnonzero(rule.evaluate(Xc)),
                                      np.sort(row_of[Z.indices == j]))
        assert 1 <= len(rule) <= 3
