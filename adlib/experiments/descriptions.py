"""Compact descriptions vs. Bayesian Rule Sets along a feedback run, cached like the AAD grids.

One :class:`DescriptionSpec` is one AAD run (greedy top-1, ground truth
answering) on a dataset; every ``every`` queries both describers are fitted
on the session as it is then (:func:`adlib.describe.describe_session`) and
scored on the whole dataset (:func:`adlib.describe.evaluate_rules`):
precision, recall and F1 of "anomaly if a rule holds", mean rule length
(predicates per rule), number of rules and of candidate regions, seconds.

:func:`run_description_grid` runs the specs not yet cached (joblib), stores
one JSON file per spec under ``<cache>/descriptions/<dataset>/<key>.json``
(the same cache folder as the discovery grids) and returns one row per
(spec, checkpoint, method).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ..cache import ResultCache, default_cache_dir, run_cached, spec_key
from ..ensembles import declared_aad_defaults as ensemble_aad_defaults

# Bump when a change in the library changes these results.
DESCRIPTION_RESULTS_VERSION = 1
METHODS = ("compact", "brs")


@dataclass(frozen=True)
class DescriptionSpec:
    """One AAD run described by CD and BRS every ``every`` queries."""

    dataset: str
    budget: int = 40
    seed: int = 0
    every: int = 5
    n_top: int = 5
    ensemble: str = "iforest"
    tau: float = 0.03
    compact_params: dict = field(default_factory=dict)
    brs_params: dict = field(default_factory=dict)

    def key(self) -> str:
        """A stable hash of the parameters, the results version and the ensemble's AAD defaults."""
        return spec_key(self, DESCRIPTION_RESULTS_VERSION,
                        defaults=ensemble_aad_defaults(self.ensemble))

    def checkpoints(self) -> list[int]:
        return list(range(self.every, self.budget + 1, self.every))


def run_description(spec: DescriptionSpec) -> dict:
    """Run one spec; returns a JSON-able dict with one record per checkpoint and method."""
    from ..aad import Oracle, Session
    from ..datasets import load_dataset
    from ..describe.regions import describe_session, evaluate_rules

    data = load_dataset(spec.dataset)
    checkpoints = set(spec.checkpoints())
    records = []

    def on_answer(session):
        if session.n_queried not in checkpoints or session.pending:
            return
        for method in METHODS:
            params = spec.compact_params if method == "compact" else spec.brs_params
            t0 = time.perf_counter()
            d = describe_session(session, method, n_top=spec.n_top, seed=spec.seed,
                                 **dict(params))
            seconds = time.perf_counter() - t0
            records.append({"n_queried": session.n_queried, "method": method,
                            "found": session.n_found, "n_candidates": d.n_candidates,
                            "seconds": seconds, "rules": d.text(data.feature_names),
                            **evaluate_rules(d.rules, data.X, data.y)})

    session = Session.from_data(data.X, ensemble=spec.ensemble, seed=spec.seed, tau=spec.tau,
                                budget=spec.budget)
    session.run(Oracle(data.y), on_answer=on_answer)
    return {"spec": asdict(spec), "key": spec.key(), "records": records,
            "n_anomalies": int(data.y.sum())}


def description_cache(root=None):
    """The description runs' cache: ``<results>/descriptions/<dataset>/<key>.json``."""
    root = Path(root) if root is not None else default_cache_dir()
    return ResultCache(root / "descriptions", spec_type=DescriptionSpec)


def run_description_grid(specs, cache_dir=None, n_jobs=None, refresh=False) -> pd.DataFrame:
    """Run (or read from the cache) every spec; one row per (spec, checkpoint, method)."""
    specs = list(specs)
    done = run_cached(specs, run_description, description_cache(cache_dir), n_jobs=n_jobs,
                      progress=False, refresh=refresh, desc="description runs")
    results = {spec.key(): res for spec, (res, _) in zip(specs, done, strict=True)}
    rows = []
    for spec in specs:
        res = results[spec.key()]
        for rec in res["records"]:
            rows.append({"dataset": spec.dataset, "seed": spec.seed, "budget": spec.budget,
                         "n_anomalies": res["n_anomalies"], **rec})
    return pd.DataFrame(rows)


def summarize_descriptions(table: pd.DataFrame, by=("dataset", "n_queried", "method"),
                           columns=("f1", "precision", "recall", "length", "n_rules",
                                    "n_candidates", "seconds")) -> pd.DataFrame:
    """Mean of each measure per group (and ``runs``)."""
    g = table.groupby(list(by), sort=True)
    out = g[list(columns)].mean()
    out["runs"] = g.size()
    return out.reset_index()
