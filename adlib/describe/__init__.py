"""Descriptions of anomalies: readable rules over the ensembles' regions.

``rules`` holds the rule framework; compact descriptions (integer programming,
``compact``) and Bayesian Rule Sets (``rulesets``) build on it; ``regions``
takes an AAD session to candidate regions, descriptions and their scores.
"""

from .compact import CompactDescription, compact_description, min_cost_cover
from .regions import Description, describe_session, evaluate_rules, top_regions, training_set
from .rules import Predicate, Rule, RuleSet
from .rulesets import BayesianRuleSet

__all__ = ["BayesianRuleSet", "CompactDescription", "Description", "Predicate", "Rule",
           "RuleSet", "compact_description", "describe_session", "evaluate_rules",
           "min_cost_cover", "top_regions", "training_set"]
