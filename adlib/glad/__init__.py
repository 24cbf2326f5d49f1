"""GLAD: glocalized anomaly detection (Das & Doppa 2018; Islam et al. 2020).

An ensemble of global detectors (LODA projections) and a small network that
learns, from an analyst's answers, where in the feature space each member is
relevant ("active feature space suppression"). A neural package: TensorFlow 2 /
Keras 3 is imported lazily, the first time a network is built, never by
``import adlib.glad``. It sits above the AAD engine and plugs into its
:class:`~adlib.aad.Session`:

    from adlib.glad import discover, session, explain
    result = discover(X, y, budget=60, seed=0)     # found / baseline / queried
    s = session(X, seed=0)                          # an adlib.aad.Session
    explain.member_rules(s.model, X)                # where each member is trusted

Modules: :mod:`~adlib.glad.ensemble` (LODA members), :mod:`~adlib.glad.afss`
(the network), :mod:`~adlib.glad.model` (the engine's model), :mod:`~adlib.glad.sessions`,
:mod:`~adlib.glad.explain` (relevance regions, rules, LIME),
:mod:`~adlib.glad.plots`, :mod:`~adlib.glad.grid` (cached benchmark runs),
:mod:`~adlib.glad.report` (the chapter's sentences).
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_EXPORTS = {
    "GLAD": "model", "NetworkState": "model",
    "GLADEnsemble": "ensemble", "FixedLODA": "ensemble", "TOY_DIRECTIONS": "ensemble",
    "stopping_rule_projections": "ensemble",
    "AFSSNetwork": "afss",
    "discover": "sessions", "discover_reruns": "sessions", "session": "sessions",
    "open_session": "sessions", "loda_aad_reruns": "sessions",
}
_SUBMODULES = ("afss", "ensemble", "model", "sessions", "explain", "plots", "grid", "report")

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS, _SUBMODULES)
