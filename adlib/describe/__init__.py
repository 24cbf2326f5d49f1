"""Descriptions of anomalies: readable rules over the ensembles' regions.

``rules`` holds the rule framework; compact descriptions (integer programming)
and Bayesian Rule Sets build on it.
"""

from .compact import CompactDescription, compact_description
from .rules import Predicate, Rule, RuleSet

__all__ = ["CompactDescription", "Predicate", "Rule", "RuleSet", "compact_description"]
