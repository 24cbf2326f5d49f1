"""AUC and precision of every detector on every benchmark data set, cached on disk.

One *run* fits one detector (with its parameters and a seed) on one data set
and scores the same rows (:meth:`Detector.fit_score`: unsupervised detection,
no labels used). Its result, the ROC AUC and the precision among the
``n_anomalies`` top-scored rows ("precision at #anomalies", which equals the
recall there), is stored as one JSON file
``<cache>/detectors/<dataset>/<key>.json`` keyed by a hash of everything that
determines it, in the style of :mod:`adlib.experiments`. Detectors whose
result depends on the seed run once per seed (5 by default) and the table
reports the mean; deterministic ones run once.

Large data sets and slow detectors: the detectors in :data:`BENCHMARK_PARAMS`
with a ``max_train`` cap are *fitted* on a seeded random subsample of at most
that many rows and *score all rows* (kernel density, one-class SVM, Gaussian
mixture, autoencoders: their fit is the slow part, and their score of a row
does not depend on that row having been in the training set). k-NN, LOF and
DBSCAN use all rows.

    runs = run_detector_grid(detector_grid(), n_jobs=2)
    table = summarize_detectors(runs)       # one row per (dataset, detector)
    auc = table.pivot(index="dataset", columns="detector", values="auc")
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..cache import ResultCache, default_cache_dir, run_cached, spec_key
from . import DEEP_DETECTORS, DETECTOR_NAMES, make_detector

# Bump when a change in the detectors changes their scores, so old caches are not reused.
DETECTORS_RESULTS_VERSION = 1

#: The benchmark data sets of ../shared/datasets, small to large.
BENCHMARK_DATASETS = ("toy", "toy2", "toy_hard", "abalone", "ann_thyroid_1v3",
                      "cardiotocography_1", "yeast", "mammography", "shuttle_1v23567", "weather")

#: Fit at most this many rows (seeded subsample) for the slow detectors.
MAX_TRAIN = 3000

#: Parameters of the benchmark runs beyond the registry defaults.
BENCHMARK_PARAMS = {
    "gmm": {"max_train": MAX_TRAIN},
    "kde": {"max_train": MAX_TRAIN},
    "ocsvm": {"max_train": MAX_TRAIN},
    "autoencoder": {"max_train": MAX_TRAIN},
    "vae": {"max_train": MAX_TRAIN},
}

#: Seeds of the randomised detectors.
BENCHMARK_SEEDS = tuple(range(5))

#: The quick grid (CI): three small data sets, every detector but the two networks, two seeds.
QUICK_DATASETS = ("toy2", "abalone", "yeast")
QUICK_DETECTORS = tuple(n for n in DETECTOR_NAMES if n not in DEEP_DETECTORS)
QUICK_SEEDS = (0, 1)


@dataclass(frozen=True)
class DetectorRun:
    """One detector on one data set: everything that determines the result."""

    dataset: str
    detector: str
    seed: int | None = None
    params: dict = field(default_factory=dict)

    def key(self) -> str:
        return spec_key(self, DETECTORS_RESULTS_VERSION)

    def __hash__(self) -> int:
        return hash(self.key())


@lru_cache(maxsize=16)
def _n_rows(dataset: str) -> int:
    from ..datasets import load_dataset

    return load_dataset(dataset).n_samples


def detector_grid(quick=False, datasets=None, detectors=None, seeds=None,
                  params=None) -> list[DetectorRun]:
    """Every detector on every data set; randomised detectors once per seed.

    Defaults: the full benchmark (:data:`BENCHMARK_DATASETS`, every registered
    detector, :data:`BENCHMARK_SEEDS`, :data:`BENCHMARK_PARAMS`); ``quick``
    switches to the small CI grid. ``params`` maps a detector name to extra
    parameters (merged over :data:`BENCHMARK_PARAMS`).
    """
    datasets = list(datasets or (QUICK_DATASETS if quick else BENCHMARK_DATASETS))
    detectors = list(detectors or (QUICK_DETECTORS if quick else DETECTOR_NAMES))
    seeds = list(seeds if seeds is not None else (QUICK_SEEDS if quick else BENCHMARK_SEEDS))
    specs = []
    for ds in datasets:
        for name in detectors:
            p = {**BENCHMARK_PARAMS.get(name, {}), **(params or {}).get(name, {})}
            random = make_detector(name, **p).is_randomized(_n_rows(ds))
            for seed in (seeds if random else [None]):
                specs.append(DetectorRun(ds, name, None if seed is None else int(seed), p))
    return specs


def precision_at(y, scores, k=None) -> float:
    """Fraction of anomalies among the ``k`` top-scored rows (``k`` = number of anomalies)."""
    y = np.asarray(y)
    k = int(y.sum()) if k is None else int(k)
    if k == 0:
        return float("nan")
    top = np.argsort(-np.asarray(scores), kind="stable")[:k]
    return float(y[top].mean())


def run_detector(spec: DetectorRun) -> dict:
    """Fit and score one run; returns a JSON-able dict (AUC, precision, seconds)."""
    from sklearn.metrics import roc_auc_score

    from ..datasets import load_dataset

    data = load_dataset(spec.dataset)
    params = dict(spec.params)
    if spec.seed is not None:
        params["random_state"] = spec.seed
    det = make_detector(spec.detector, **params)
    t0 = time.perf_counter()
    scores = det.fit_score(data.X)
    seconds = time.perf_counter() - t0
    return {"spec": asdict(spec), "key": spec.key(),
            "auc": float(roc_auc_score(data.y, scores)),
            "precision": precision_at(data.y, scores),
            "n": int(data.n_samples), "n_anomalies": int(data.y.sum()),
            "seconds": seconds}


def default_detector_cache() -> Path:
    """``<results>/detectors``: under ``$ADLIB_RESULTS`` or the book's ``results/``."""
    return default_cache_dir() / "detectors"


class DetectorCache(ResultCache):
    """The detector runs' cache: ``<root>/<dataset>/<key>.json`` (default root: :func:`default_detector_cache`)."""

    def __init__(self, root=None):
        super().__init__(root if root is not None else default_detector_cache(),
                         spec_type=DetectorRun)


def run_detector_grid(specs, cache_dir=None, n_jobs=None, progress=True,
                      refresh=False) -> pd.DataFrame:
    """Run (or read from the cache) every run; one row per run, in the given order.

    Columns: ``dataset``, ``detector``, ``seed``, ``params``, ``auc``,
    ``precision``, ``n``, ``n_anomalies``, ``seconds`` (fit + score),
    ``cached`` (read from disk rather than computed now).
    """
    specs = list(specs)
    done = run_cached(specs, run_detector, DetectorCache(cache_dir), n_jobs=n_jobs,
                      progress=progress, refresh=refresh, desc="detector runs")
    rows = []
    for spec, (res, cached) in zip(specs, done, strict=True):
        rows.append({**asdict(spec), "auc": res["auc"], "precision": res["precision"],
                     "n": res["n"], "n_anomalies": res["n_anomalies"],
                     "seconds": res["seconds"], "cached": cached})
    return pd.DataFrame(rows)


def summarize_detectors(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean over seeds: one row per (dataset, detector), in the order of the runs.

    Columns: ``auc``, ``auc_std``, ``precision``, ``precision_std``, ``runs``,
    ``n``, ``n_anomalies``, ``seconds`` (mean fit + score time of one run).
    """
    g = runs.groupby(["dataset", "detector"], sort=False)
    out = g.agg(auc=("auc", "mean"), auc_std=("auc", "std"), precision=("precision", "mean"),
                precision_std=("precision", "std"), runs=("auc", "size"), n=("n", "first"),
                n_anomalies=("n_anomalies", "first"), seconds=("seconds", "mean")).reset_index()
    out[["auc_std", "precision_std"]] = out[["auc_std", "precision_std"]].fillna(0.0)
    return out


def detector_table(quick=False, cache_dir=None, n_jobs=None, progress=False, refresh=False,
                   **grid) -> pd.DataFrame:
    """The chapter's table in one call: :func:`detector_grid` -> runs (cached) -> summary."""
    runs = run_detector_grid(detector_grid(quick=quick, **grid), cache_dir=cache_dir,
                             n_jobs=n_jobs, progress=progress, refresh=refresh)
    return summarize_detectors(runs)


def wide_table(summary: pd.DataFrame, value="auc") -> pd.DataFrame:
    """Data sets as rows, detectors as columns (registry order), one value per cell."""
    wide = summary.pivot(index="dataset", columns="detector", values=value)
    rows = list(dict.fromkeys(summary.dataset))
    cols = [d for d in DETECTOR_NAMES if d in wide.columns]
    cols += [c for c in wide.columns if c not in cols]
    return wide.loc[rows, cols]


def reproduce_detectors(refresh=True, n_jobs=None, cache_dir=None) -> pd.DataFrame:
    """Recompute the full table the chapter reads (``make reproduce``)."""
    return detector_table(quick=False, cache_dir=cache_dir, n_jobs=n_jobs, progress=True,
                          refresh=refresh)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Recompute the cached detector AUC table.")
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel processes (joblib)")
    parser.add_argument("--keep", action="store_true", help="only compute what is missing")
    args = parser.parse_args()
    s = reproduce_detectors(refresh=not args.keep, n_jobs=args.n_jobs)
    print(wide_table(s).round(3).to_string())
