"""GLAD and LODA-AAD on the benchmark sets: seeded runs cached under ``results/glad/``.

One JSON file per run (:class:`adlib.cache.ResultCache`), keyed by a hash of
its :class:`GladSpec` and :data:`RESULTS_VERSION`, so the chapter only reads
what ``make reproduce`` (:func:`reproduce_glad`) computed::

    table = run_glad_grid(benchmark_grid(), n_jobs=2)
    glad_summary(table)          # one row per data set: GLAD, LODA-AAD, LODA (mean ± s.e.)
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._format import fmt_pm, mean_se
from ..cache import ResultCache, default_cache_dir, run_cached, spec_key

#: Bump when a library change changes GLAD's results (old cached runs are then ignored).
RESULTS_VERSION = 1
DATASETS = ("abalone", "ann_thyroid_1v3", "cardiotocography_1", "yeast")
METHODS = ("glad", "loda-aad")
ENSEMBLE_KEYS = ("directions", "mink", "maxk", "normalize")


@dataclass(frozen=True)
class GladSpec:
    """One run: data set, budget, method (``"glad"`` or ``"loda-aad"``), seed, extra settings."""

    dataset: str
    budget: int
    method: str = "glad"
    seed: int = 0
    params: dict = field(default_factory=dict)

    def key(self) -> str:
        return spec_key(self, RESULTS_VERSION)

    def __hash__(self) -> int:
        return hash(self.key())


def glad_cache(cache_dir=None) -> ResultCache:
    """The cache of GLAD runs: ``<results>/glad/<dataset>/<key>.json``."""
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return ResultCache(root / "glad", GladSpec)


def benchmark_grid(datasets=DATASETS, seeds=range(10), budget=150, methods=METHODS,
                   **params) -> list[GladSpec]:
    """The chapter's grid: every data set x method x seed at one budget."""
    return [GladSpec(ds, int(budget), m, int(s), dict(params))
            for ds in datasets for m in methods for s in seeds]


def run_one(spec: GladSpec) -> dict:
    """Run one spec (loads its data set); a JSON-able result."""
    from ..aad import discover as aad_discover
    from ..datasets import load_dataset
    from .ensemble import GLADEnsemble
    from .sessions import discover

    if spec.method not in METHODS:
        raise ValueError(f"method={spec.method!r}: use one of {METHODS}")
    data = load_dataset(spec.dataset)
    t0 = time.perf_counter()
    params = dict(spec.params)
    ens_params = {k: params.pop(k) for k in ENSEMBLE_KEYS if k in params}
    members = GLADEnsemble(random_state=spec.seed, **ens_params).fit(data.X)
    if spec.method == "glad":
        r = discover(data.X, data.y, budget=spec.budget, seed=spec.seed, keep_session=False,
                     **ens_params, **params)
    else:
        r = aad_discover(data.X, data.y, budget=spec.budget, ensemble=members.loda_,
                         seed=spec.seed, keep_session=False, **params)
    return {"spec": asdict(spec), "key": spec.key(), "found": r.found.tolist(),
            "baseline": r.baseline.tolist(), "queried": r.queried.tolist(),
            "n_anomalies": r.n_anomalies, "n_members": int(members.n_members_),
            "seconds": time.perf_counter() - t0}


def _table(specs, done) -> pd.DataFrame:
    rows = []
    for spec, (res, cached) in zip(specs, done, strict=True):
        found, base = np.asarray(res["found"]), np.asarray(res["baseline"])
        rows.append({**asdict(spec), "found": found, "baseline": base,
                     "found_at_budget": int(found[-1]), "baseline_at_budget": int(base[-1]),
                     "n_anomalies": res["n_anomalies"], "n_members": res["n_members"],
                     "seconds": res["seconds"], "cached": cached})
    return pd.DataFrame(rows)


def run_glad_grid(specs, cache_dir=None, n_jobs=1, refresh=False,
                  progress=False) -> pd.DataFrame:
    """Run (or read) every spec; one row per spec with its curves and counts at the budget."""
    specs = list(specs)
    done = run_cached(specs, run_one, glad_cache(cache_dir), n_jobs=n_jobs, progress=progress,
                      refresh=refresh, desc="GLAD runs")
    return _table(specs, done)


def read_cached(specs, cache_dir=None) -> tuple[pd.DataFrame, list[GladSpec]]:
    """The cached runs among ``specs`` (as a table) and the specs that are missing."""
    cache = glad_cache(cache_dir)
    hits = [(s, cache.get(s)) for s in specs]
    have = [(s, (r, True)) for s, r in hits if r is not None]
    missing = [s for s, r in hits if r is None]
    table = _table([s for s, _ in have], [d for _, d in have]) if have else pd.DataFrame()
    return table, missing


def glad_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per data set: mean and standard error at the budget of GLAD, LODA-AAD and LODA.

    Numeric columns (``glad``, ``glad_se``, ...) and formatted ones (``GLAD``,
    ``LODA-AAD``, ``LODA``: ``'23.9 ± 0.4'``); the LODA baseline is the
    unsupervised ranking of the same members (from the GLAD runs).
    """
    rows = []
    for ds, part in table.groupby("dataset", sort=False):
        row = {"dataset": ds, "budget": int(part.budget.iloc[0]),
               "anomalies": int(part.n_anomalies.iloc[0])}
        g = part[part.method == "glad"]
        a = part[part.method == "loda-aad"]
        for name, values in (("glad", g.found_at_budget), ("loda_aad", a.found_at_budget),
                             ("loda", g.baseline_at_budget)):
            if len(values):
                row[name], row[f"{name}_se"] = mean_se(values)
            else:
                row[name], row[f"{name}_se"] = float("nan"), float("nan")
        row["runs"] = int(len(g))
        row["members"] = (f"{int(g.n_members.min())}-{int(g.n_members.max())}" if len(g)
                          else "")
        for col, name in (("GLAD", "glad"), ("LODA-AAD", "loda_aad"), ("LODA", "loda")):
            row[col] = fmt_pm(row[name], row[f"{name}_se"])
        rows.append(row)
    return pd.DataFrame(rows)


def reproduce_glad(refresh=True, n_jobs=None, cache_dir=None) -> pd.DataFrame:
    """Recompute the chapter's full grid (``make reproduce``)."""
    return run_glad_grid(benchmark_grid(), cache_dir=cache_dir, n_jobs=n_jobs, refresh=refresh,
                         progress=True)


def prune_glad(cache_dir=None, dry_run=False) -> list[Path]:
    """Delete cached GLAD runs that the chapter's grid no longer asks for (stale keys)."""
    return glad_cache(cache_dir).prune(benchmark_grid(), dry_run=dry_run)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Compute the cached GLAD benchmark grid.")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--refresh", action="store_true")
    args = parser.parse_args()
    print(glad_summary(reproduce_glad(refresh=args.refresh, n_jobs=args.n_jobs)).to_string())
