"""Recompute every cached result the book reads (``make reproduce``).

The top of the library: it runs the discovery, strategy and diversity grids
(:mod:`adlib.experiments`), the streaming weather grid
(:mod:`adlib.experiments.stream`), the description study
(:mod:`adlib.experiments.descriptions`) and the detector benchmark
(:mod:`adlib.detectors.benchmark`) at full size, and prunes cached runs no
chapter asks for any more::

    python -m adlib.reproduce --n-jobs -1            # recompute everything
    python -m adlib.reproduce --keep --prune         # only what is missing; drop stale runs
"""

from __future__ import annotations

from pathlib import Path

from .cache import default_cache_dir, prune_files
from .detectors.benchmark import reproduce_detectors
from .experiments import (
    DescriptionSpec,
    ResultCache,
    benchmark_grid,
    description_cache,
    description_grid,
    description_real_grid,
    diversity_grid,
    make_grid,
    run_description_grid,
    run_grid,
    strategy_grid,
)
from .experiments.stream import run_stream_grid, weather_grid
from .glad.grid import prune_glad, reproduce_glad
from .graph.study import prune_graph, reproduce_graph


def reproduce(refresh=True, n_jobs=None, cache_dir=None) -> None:
    """Recompute every full-size grid the chapters read (``make reproduce``)."""
    for grid in (benchmark_grid(), strategy_grid(), diversity_grid()):
        run_grid(grid, cache_dir=cache_dir, n_jobs=n_jobs, refresh=refresh)
    for grid in (description_grid(), description_real_grid()):
        run_description_grid(grid, cache_dir=cache_dir, n_jobs=n_jobs, refresh=refresh)
    reproduce_detectors(refresh=refresh, n_jobs=n_jobs,
                        cache_dir=None if cache_dir is None else Path(cache_dir) / "detectors")
    # the streams-and-drift chapter's weather grid (results/stream/)
    run_stream_grid(weather_grid(), n_jobs=n_jobs, refresh=refresh,
                    cache_dir=None if cache_dir is None else Path(cache_dir) / "stream")
    # the GLAD chapter's benchmark grid (results/glad/)
    reproduce_glad(refresh=refresh, n_jobs=n_jobs, cache_dir=cache_dir)
    # the graph-attack chapter's many-targets study (results/graph/)
    reproduce_graph(refresh=refresh, n_jobs=n_jobs, cache_dir=cache_dir)


def book_grids():
    """Every full-size grid the chapters read: (discovery run specs, description specs)."""
    # the benchmark chapter's "try it" cell (LODA with 50 projections), cached too
    try_it = make_grid(["abalone"], ensembles=["loda"], seeds=range(2), budget=60,
                       ensemble_params={"n_projections": 50})
    runs = benchmark_grid() + strategy_grid() + diversity_grid() + try_it
    # and the "try it" cell of the chapter comparing compact descriptions with BRS
    describe_try_it = [DescriptionSpec("toy2", budget=40, seed=0, every=40, n_top=3,
                                       compact_params={"min_precision": 0.6})]
    return runs, description_grid() + description_real_grid() + describe_try_it


def prune(cache_dir=None, dry_run=False) -> list[Path]:
    """Delete cached runs that no chapter grid asks for any more (stale keys).

    Only the discovery-run folders (``<dataset>/``) and ``descriptions/`` are
    looked at, and ``glad/`` against the GLAD chapter's grid; other result
    folders (e.g. ``detectors/``) are left alone.
    Returns the files removed (or that would be, with ``dry_run``).
    """
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    runs, descriptions = book_grids()
    keep = [ResultCache(root).path(s) for s in runs]
    keep += [description_cache(root).path(s) for s in descriptions]
    folders = sorted({s.dataset for s in runs} | {"descriptions"})
    stale = prune_files([root / f for f in folders], keep, dry_run=dry_run)
    # results/glad/ and results/graph/ keep their own grids
    return stale + prune_glad(root, dry_run=dry_run) + prune_graph(root, dry_run=dry_run)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Recompute the cached results of the book.")
    parser.add_argument("--n-jobs", type=int, default=-1, help="parallel processes (joblib)")
    parser.add_argument("--keep", action="store_true", help="only compute what is missing")
    parser.add_argument("--prune", action="store_true",
                        help="then delete cached runs that no grid asks for (stale keys)")
    args = parser.parse_args()
    reproduce(refresh=not args.keep, n_jobs=args.n_jobs)
    if args.prune:
        print(f"removed {len(prune())} stale cached runs")
