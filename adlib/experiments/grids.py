"""Grids of discovery runs: in parallel, cached on disk, readable by the chapters.

A grid is a list of :class:`RunSpec` (dataset, ensemble, strategy, seed,
budget, ...). :func:`run_grid` runs the ones not yet cached with joblib (so
``joblib.parallel_config(backend="dask")`` inside a ``dask.distributed.Client``
sends them to a Dask cluster with no change here), shows a tqdm progress bar,
stores each result as one JSON file keyed by a hash of its parameters, and
returns all results as a pandas DataFrame. Chapters call the same function:
with the cache filled (``make reproduce``) they only read.

    specs = make_grid(["abalone", "yeast"], ensembles=["iforest"], seeds=range(10),
                      budgets={"abalone": 300, "yeast": 300})
    table = run_grid(specs, n_jobs=2)
    table.groupby(["dataset", "ensemble"]).found_at_budget.mean()
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from ..cache import ResultCache as _ResultCache
from ..cache import run_cached, spec_key
from ..ensembles import declared_aad_defaults as ensemble_aad_defaults

# Bump when a change in the library changes results, so old caches are not reused.
RESULTS_VERSION = 1


@dataclass(frozen=True)
class RunSpec:
    """One discovery run: everything that determines its result."""

    dataset: str
    budget: int
    ensemble: str = "iforest"
    strategy: str = "top"
    seed: int = 0
    batch_size: int = 1
    n_explore: int = 10
    tau: float = 0.03
    ensemble_params: dict = field(default_factory=dict)
    aad_params: dict = field(default_factory=dict)

    def key(self) -> str:
        """A stable hash of the parameters (and the results version).

        The AAD settings an ensemble declares (``aad_defaults``) are part of the
        key, so changing an ensemble's measured defaults invalidates its cached
        runs, and only its own.
        """
        return spec_key(self, RESULTS_VERSION, defaults=ensemble_aad_defaults(self.ensemble))

    def __hash__(self) -> int:
        return hash(self.key())


def make_grid(datasets, ensembles=("iforest",), strategies=("top",), seeds=range(10),
              budgets=None, budget=None, **common) -> list[RunSpec]:
    """The cross product of datasets x ensembles x strategies x seeds.

    ``budgets`` maps a dataset to its budget (or give one ``budget`` for all);
    ``common`` sets the other :class:`RunSpec` fields for every run.
    """
    specs = []
    for ds in datasets:
        b = budget if budgets is None else budgets.get(ds, budget)
        if b is None:
            raise ValueError(f"no budget for dataset {ds!r}: pass budget= or budgets={{...}}")
        for ens in ensembles:
            for strat in strategies:
                for seed in seeds:
                    specs.append(RunSpec(dataset=ds, budget=int(b), ensemble=ens,
                                         strategy=strat, seed=int(seed), **common))
    return specs


def run_one(spec: RunSpec) -> dict:
    """Run one spec (loads its dataset) and return its result as a JSON-able dict."""
    from ..aad import discover
    from ..datasets import load_dataset

    data = load_dataset(spec.dataset)
    t0 = time.perf_counter()
    r = discover(data.X, data.y, budget=spec.budget, ensemble=spec.ensemble, tau=spec.tau,
                 seed=spec.seed, strategy=spec.strategy, batch_size=spec.batch_size,
                 n_explore=spec.n_explore, ensemble_params=dict(spec.ensemble_params),
                 keep_session=False, **dict(spec.aad_params))
    return {
        "spec": asdict(spec),
        "key": spec.key(),
        "found": r.found.tolist(),
        "baseline": r.baseline.tolist(),
        "queried": r.queried.tolist(),
        "n_anomalies": r.n_anomalies,
        "seconds": time.perf_counter() - t0,
    }


class ResultCache(_ResultCache):
    """The discovery runs' cache (:class:`adlib.cache.ResultCache` of :class:`RunSpec`)."""

    def __init__(self, root=None, spec_type=None):
        super().__init__(root, RunSpec if spec_type is None else spec_type)


def run_grid(specs, cache_dir=None, n_jobs=None, progress=True, refresh=False) -> pd.DataFrame:
    """Run (or read from the cache) every spec; one row per spec, in the given order.

    ``n_jobs=None`` defers to the active ``joblib.parallel_config`` (one
    process by default; all the workers of a Dask cluster under
    ``parallel_config(backend="dask")``).

    Columns: the spec fields, ``found`` and ``baseline`` (arrays: anomalies
    found after each query), ``queried`` (instance indices in query order),
    ``found_at_budget``, ``baseline_at_budget``,
    ``n_anomalies``, ``seconds``, ``cached`` (read from disk rather than run now).
    """
    specs = list(specs)
    done = run_cached(specs, run_one, ResultCache(cache_dir), n_jobs=n_jobs, progress=progress,
                      refresh=refresh, desc="discovery runs")
    rows = []
    for spec, (res, cached) in zip(specs, done, strict=True):
        found, base = np.asarray(res["found"]), np.asarray(res["baseline"])
        rows.append({**asdict(spec), "found": found, "baseline": base,
                     "queried": np.asarray(res["queried"]),
                     "found_at_budget": int(found[-1]), "baseline_at_budget": int(base[-1]),
                     "n_anomalies": res["n_anomalies"], "seconds": res["seconds"],
                     "cached": cached})
    return pd.DataFrame(rows)


def curves(table: pd.DataFrame, column: str = "found") -> np.ndarray:
    """Stack the per-run curves of a (filtered) table into a ``(n_runs, budget)`` array."""
    return np.stack(table[column].to_list())


def summarize(table: pd.DataFrame, by=("dataset", "ensemble")) -> pd.DataFrame:
    """Mean and spread of a grid's results, one row per group.

    Columns: ``runs``, ``budget``, ``n_anomalies``, ``found`` / ``found_std`` and
    ``baseline`` / ``baseline_std`` at the budget, and ``area`` / ``baseline_area``:
    the mean area under the discovery curve (anomalies found summed over all
    queries, i.e. how early they were found), which separates methods that
    end at the same count.
    """
    rows = []
    for key, g in table.groupby(list(by), sort=False):
        found, base = curves(g, "found"), curves(g, "baseline")
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
                     "runs": len(g), "budget": int(g.budget.iloc[0]),
                     "n_anomalies": int(g.n_anomalies.iloc[0]),
                     "found": found[:, -1].mean(), "found_std": found[:, -1].std(),
                     "baseline": base[:, -1].mean(), "baseline_std": base[:, -1].std(),
                     "area": found.sum(axis=1).mean(), "baseline_area": base.sum(axis=1).mean(),
                     "seconds": g.seconds.mean()})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the book's grids

#: Budgets of the benchmark experiments of the original work.
BENCHMARK_BUDGETS = {
    "abalone": 300, "ann_thyroid_1v3": 300, "cardiotocography_1": 300, "yeast": 300,
    "mammography": 1500, "shuttle_1v23567": 1500, "weather": 1000,
}
BENCHMARK_ENSEMBLES = ("iforest", "hstrees", "rsforest", "loda", "multiview")

#: Published IForest-AAD results, mean over 10 reruns at the budget, tau 0.03, read
#: from the discovery-curve figures of the original work (Das et al. 2017, 2019):
#: dataset -> (anomalies found with feedback, unsupervised baseline).
PUBLISHED_IFOREST = {
    "abalone": (24.5, 24.2), "ann_thyroid_1v3": (72.9, 37.7),
    "cardiotocography_1": (45.0, 43.9), "yeast": (35.3, 31.8),
    "mammography": (194.1, 144.1), "shuttle_1v23567": (836.9, 855.7),
    "weather": (230.7, 62.5),
}

#: Query strategies compared in the benchmark chapter: (name, strategy, batch size).
STRATEGY_SETTINGS = (("top-1", "top", 1), ("batch top-3", "top", 3),
                     ("random 3 of top 10", "random_top", 3),
                     ("euclidean-diverse 3 of top 10", "euclidean", 3))
STRATEGY_DATASETS = ("abalone", "yeast")


def benchmark_grid(quick=False, ensembles=BENCHMARK_ENSEMBLES) -> list[RunSpec]:
    """Every ensemble on every benchmark dataset, 10 seeds (quick: 2 small sets, 2 seeds)."""
    if quick:
        return make_grid(["abalone", "yeast"], ensembles=ensembles, seeds=range(2), budget=60)
    return make_grid(list(BENCHMARK_BUDGETS), ensembles=ensembles, seeds=range(10),
                     budgets=BENCHMARK_BUDGETS)


def settings_grid(settings, budgets: dict, seeds) -> list[RunSpec]:
    """IForest AAD with each ``(label, strategy, batch size)`` setting on each dataset
    (``budgets``: dataset -> budget), every seed; candidate pool ``n_explore`` = 10."""
    specs = []
    for _, strategy, batch in settings:
        for ds, budget in budgets.items():
            specs += make_grid([ds], strategies=[strategy], seeds=seeds, budget=budget,
                               batch_size=batch, n_explore=10)
    return specs


def setting_labels(table: pd.DataFrame, settings) -> list[str]:
    """The label of each run's ``(strategy, batch size)`` in ``settings`` (for plots, tables)."""
    label = {(s, b): name for name, s, b in settings}
    return [label[(s, b)] for s, b in zip(table.strategy, table.batch_size, strict=True)]


def strategy_grid(quick=False) -> list[RunSpec]:
    """IForest AAD with each query strategy on two datasets, 10 seeds (quick: 2 seeds, 60)."""
    budgets = {ds: 60 if quick else BENCHMARK_BUDGETS[ds] for ds in STRATEGY_DATASETS}
    return settings_grid(STRATEGY_SETTINGS, budgets, range(2) if quick else range(10))


# ------------------------------------------- descriptions and query diversity (issue 4)

#: Datasets and budgets of the "compact descriptions vs. Bayesian Rule Sets" chapter.
DESCRIPTION_TOY = ("toy2", 40)
DESCRIPTION_REAL_BUDGETS = {"abalone": 300, "ann_thyroid_1v3": 300, "cardiotocography_1": 300,
                            "yeast": 300}

#: The original's toy-data figure (Das et al. 2019; 40 feedbacks, 10 runs), read from the plot:
#: method -> (F1, precision, recall, rule length).
PUBLISHED_DESCRIPTIONS = {"compact": (0.57, 0.49, 0.79, 2.8), "brs": (0.65, 0.84, 0.57, 3.2)}

#: Query strategies of the "query diversity" chapter: (label, strategy, batch size).
DIVERSITY_SETTINGS = (("top-1", "top", 1), ("batch top-3", "top", 3),
                      ("random 3 of top 10", "random_top", 3), ("BAL-D", "description", 3),
                      ("BAL-E", "euclidean", 3))
DIVERSITY_BUDGETS = {"toy2": 45, "abalone": 150, "yeast": 150}

#: The original's toy numbers (Das et al. 2019): % of anomalies found after 45 queries.
PUBLISHED_DIVERSITY_TOY = {"top-1": 76.6, "batch top-3": 77.4, "random 3 of top 10": 73.1,
                           "BAL-D": 78.6, "BAL-E": 78.6, "baseline": 44.6}


def description_grid(quick=False):
    """CD and BRS every 5 queries of a top-1 run on toy2, budget 40, 10 seeds (quick: 2, 20)."""
    from .descriptions import DescriptionSpec

    ds, budget = DESCRIPTION_TOY
    seeds = range(2) if quick else range(10)
    return [DescriptionSpec(ds, budget=20 if quick else budget, seed=s, every=5) for s in seeds]


def description_real_grid(quick=False):
    """CD and BRS at the budget on the real datasets, 10 seeds (quick: abalone, 1 seed, 60)."""
    from .descriptions import DescriptionSpec

    if quick:
        return [DescriptionSpec("abalone", budget=60, seed=0, every=60)]
    return [DescriptionSpec(ds, budget=b, seed=s, every=b)
            for ds, b in DESCRIPTION_REAL_BUDGETS.items() for s in range(10)]


def diversity_grid(quick=False) -> list[RunSpec]:
    """Every diversity setting on toy2 (45), abalone and yeast (150), 10 seeds (quick: toy2,
    2 seeds, 15 queries)."""
    budgets = {"toy2": 15} if quick else DIVERSITY_BUDGETS
    return settings_grid(DIVERSITY_SETTINGS, budgets, range(2) if quick else range(10))


def class_diversity(queried, orig_labels, y, batch_size=3) -> dict:
    """How many original classes a run's queries reach.

    ``per_batch``: distinct original classes (nominal ones included) among
    each batch of ``batch_size`` consecutive queries, the original's measure
    (Das et al. 2019, ``get_num_discovered_classes_per_batch``);
    ``anomaly_classes``: distinct anomaly classes discovered after each query.
    """
    queried = np.asarray(queried, dtype=int)
    orig = np.asarray(orig_labels)[queried]
    per_batch = np.array([len(set(orig[i:i + batch_size].tolist()))
                          for i in range(0, queried.size, batch_size)])
    seen, found = set(), []
    for cls, is_anomaly in zip(orig.tolist(), np.asarray(y)[queried].tolist(), strict=True):
        if is_anomaly:
            seen.add(cls)
        found.append(len(seen))
    return {"per_batch": per_batch, "anomaly_classes": np.array(found)}


def diversity_table(quick=False, n_jobs=None, cache_dir=None) -> pd.DataFrame:
    """:func:`diversity_grid` run (or read), with each run's ``setting`` label, ``queried``
    indices and :func:`class_diversity` (``per_batch``, ``anomaly_classes``) as columns."""
    from ..datasets import load_dataset

    table = run_grid(diversity_grid(quick), cache_dir=cache_dir, n_jobs=n_jobs, progress=False)
    table["setting"] = setting_labels(table, DIVERSITY_SETTINGS)
    data = {ds: load_dataset(ds) for ds in dict.fromkeys(table.dataset)}
    div = [class_diversity(q, data[ds].orig_labels, data[ds].y)
           for q, ds in zip(table.queried, table.dataset, strict=True)]
    table["per_batch"] = [d["per_batch"] for d in div]
    table["anomaly_classes"] = [d["anomaly_classes"] for d in div]
    return table
