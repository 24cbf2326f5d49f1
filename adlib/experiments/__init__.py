"""Grids of discovery runs: in parallel, cached on disk, readable by the chapters.

A grid is a list of :class:`RunSpec` (dataset, ensemble, strategy, seed,
budget, ...). :func:`run_grid` runs the ones not yet cached with joblib (so
``joblib.parallel_config(backend="dask")`` inside a ``dask.distributed.Client``
sends them to a Dask cluster with no change here), shows a tqdm progress bar,
stores each result as one JSON file keyed by a hash of its parameters
(:mod:`adlib.cache`), and returns all results as a pandas DataFrame. Chapters
call the same function: with the cache filled (``make reproduce``) they only
read.

    specs = make_grid(["abalone", "yeast"], ensembles=["iforest"], seeds=range(10),
                      budgets={"abalone": 300, "yeast": 300})
    table = run_grid(specs, n_jobs=2)
    table.groupby(["dataset", "ensemble"]).found_at_budget.mean()

Modules: :mod:`.grids` (the AAD grids of the benchmark, strategy and diversity
chapters) and :mod:`.descriptions` (compact descriptions vs. Bayesian Rule Sets
along a feedback run). Recomputing all of them is :mod:`adlib.reproduce`.
:mod:`.report` and :mod:`.report_describe` turn their results into the AAD
chapters' tables and sentences.
"""

from ..cache import default_cache_dir, run_cached, spec_key
from .descriptions import (
    DESCRIPTION_RESULTS_VERSION,
    METHODS,
    DescriptionSpec,
    description_cache,
    run_description,
    run_description_grid,
    summarize_descriptions,
)
from .grids import (
    BENCHMARK_BUDGETS,
    BENCHMARK_ENSEMBLES,
    DESCRIPTION_REAL_BUDGETS,
    DESCRIPTION_TOY,
    DIVERSITY_BUDGETS,
    DIVERSITY_SETTINGS,
    PUBLISHED_DESCRIPTIONS,
    PUBLISHED_DIVERSITY_TOY,
    PUBLISHED_IFOREST,
    RESULTS_VERSION,
    STRATEGY_DATASETS,
    STRATEGY_SETTINGS,
    ResultCache,
    RunSpec,
    benchmark_grid,
    class_diversity,
    curves,
    description_grid,
    description_real_grid,
    diversity_grid,
    diversity_table,
    ensemble_aad_defaults,
    make_grid,
    run_grid,
    run_one,
    setting_labels,
    settings_grid,
    strategy_grid,
    summarize,
)

__all__ = [
    "BENCHMARK_BUDGETS", "BENCHMARK_ENSEMBLES", "DESCRIPTION_REAL_BUDGETS",
    "DESCRIPTION_RESULTS_VERSION", "DESCRIPTION_TOY", "DIVERSITY_BUDGETS", "DIVERSITY_SETTINGS",
    "METHODS", "PUBLISHED_DESCRIPTIONS", "PUBLISHED_DIVERSITY_TOY", "PUBLISHED_IFOREST",
    "RESULTS_VERSION", "STRATEGY_DATASETS", "STRATEGY_SETTINGS", "DescriptionSpec",
    "ResultCache", "RunSpec", "benchmark_grid", "class_diversity", "curves", "default_cache_dir",
    "description_cache", "description_grid", "description_real_grid", "diversity_grid",
    "diversity_table", "ensemble_aad_defaults", "make_grid", "run_cached", "run_description",
    "run_description_grid", "run_grid", "run_one", "setting_labels", "settings_grid",
    "spec_key", "strategy_grid", "summarize", "summarize_descriptions",
]
