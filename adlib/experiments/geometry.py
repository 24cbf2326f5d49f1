"""Angle studies for the "geometry of AAD" chapter, set against the benchmark gains.

:func:`angle_study` fits every ensemble on every data set for each seed (the
same forests as the benchmark grid's runs: same registry name and
``random_state=seed``) and summarises the angles between the instances'
region-feature rows and the weights AAD starts from
(:mod:`adlib.aad.geometry`). :func:`benchmark_gains` reads the benchmark
chapter's cached grid; :func:`prediction_check` confronts the two;
:func:`scale_study` changes the data's units; :func:`sphere_session` runs the
session drawn on the unit sphere. :mod:`.geometry_report` turns the numbers
into the chapter's sentences and tables (none is built in the notebook).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from .._format import fmt
from ..aad import discover
from ..aad.geometry import EnsembleAngles, SphereView, ensemble_angles, sphere_view
from ..datasets import load_dataset
from .grids import BENCHMARK_BUDGETS, BENCHMARK_ENSEMBLES, ResultCache, benchmark_grid, run_grid

#: toy2 and the seven benchmark sets of the original experiments.
GEOMETRY_DATASETS = ("toy2", *BENCHMARK_BUDGETS)
GEOMETRY_ENSEMBLES = BENCHMARK_ENSEMBLES
ENSEMBLE_LABELS = {"iforest": "Isolation Forest", "hstrees": "HS-Trees", "rsforest": "RS-Forest",
                   "loda": "LODA", "multiview": "multiview IF"}
DATASET_LABELS = {"ann_thyroid_1v3": "ann_thyroid", "cardiotocography_1": "cardio",
                  "shuttle_1v23567": "shuttle"}
TREE_ENSEMBLES = ("iforest", "hstrees", "rsforest", "multiview")


def dataset_label(name: str) -> str:
    """The short name a table or panel title shows (``cardiotocography_1`` -> ``cardio``)."""
    return DATASET_LABELS.get(name, name)


@dataclass
class AngleStudy:
    """One row per (dataset, ensemble, variant, seed) in ``table``; the first seed's angles kept."""

    table: pd.DataFrame
    first: dict  # (dataset, ensemble, variant) -> EnsembleAngles of the first seed

    def mean(self) -> pd.DataFrame:
        """Mean of every summary over the seeds: one row per (dataset, ensemble, variant)."""
        keys = ["dataset", "ensemble", "variant"]
        return self.table.drop(columns="seed").groupby(keys, sort=False).mean().reset_index()

    def angles(self, dataset: str, ensemble: str = "iforest", variant: str = "ours"
               ) -> EnsembleAngles:
        return self.first[(dataset, ensemble, variant)]


def angle_study(datasets=GEOMETRY_DATASETS, ensembles=GEOMETRY_ENSEMBLES, seeds=(0,),
                variants=None) -> AngleStudy:
    """Angle summaries of every ensemble (and ``variants``) on every data set and seed.

    ``variants`` maps a name to ``(ensemble, ensemble_params)``, e.g. the
    original's leaf representation ``{"original": ("iforest", {"node_value":
    "neg_depth", "normalize": "unit"})}``; the plain ensembles are variant "ours".
    """
    runs = [(e, "ours", {}) for e in ensembles]
    runs += [(e, name, dict(p)) for name, (e, p) in (variants or {}).items()]
    rows, first = [], {}
    seeds = list(seeds)
    for ds in datasets:
        data = load_dataset(ds)
        for ens, variant, params in runs:
            for s in seeds:
                res = ensemble_angles(data.X, data.y, ens, seed=s, ensemble_params=params)
                rows.append({"dataset": ds, "ensemble": ens, "variant": variant, "seed": int(s),
                             **res.summary()})
                if s == seeds[0]:
                    first[(ds, ens, variant)] = res
    return AngleStudy(pd.DataFrame(rows), first)


def histogram_panels(study: AngleStudy, ensemble: str = "iforest", variant: str = "ours",
                     datasets=None) -> dict:
    """``{panel title: (angles, y)}`` of the first seed, for :func:`plot_angle_histograms`."""
    datasets = datasets or list(dict.fromkeys(k[0] for k in study.first))
    panels = {}
    for ds in datasets:
        res = study.first.get((ds, ensemble, variant))
        if res is not None:
            auc = res.summary()["angle_auc"]
            panels[f"{dataset_label(ds)} (AUC {fmt(auc, 2)})"] = (res.angles, res.y)
    return panels


def sphere_session(dataset: str = "toy2", budget: int = 20, seed: int = 0, tau: float = 0.03
                   ) -> SphereView:
    """A seeded Isolation Forest AAD run with unit-length rows, seen on the unit sphere.

    Unit rows (the original's normalisation) make every score a cosine, so
    the tau-quantile margins of the picture are exact cones.
    """
    data = load_dataset(dataset)
    res = discover(data.X, data.y, budget=budget, ensemble="iforest", tau=tau, seed=seed,
                   ensemble_params={"normalize": "unit"})
    s = res.session
    return sphere_view(s.features, s.initial_weights, s.model.w_, data.y, tau=tau,
                       queried=s.queried, answers=s.answers)


def benchmark_gains(quick: bool = False, cache_dir=None) -> tuple[pd.DataFrame, bool]:
    """Mean anomalies found with and without feedback at the budget, per (dataset, ensemble).

    Reads the benchmark chapter's grid (10 reruns) from the cache. When it is
    not complete and ``quick`` is set, the quick grid (abalone and yeast, 2
    seeds, budget 60) is run instead of recomputing 350 runs; the second value
    says whether the full grid was used. Columns: ``dataset``, ``ensemble``,
    ``runs``, ``budget``, ``found``, ``baseline``, ``gain`` (found minus baseline).
    """
    specs = benchmark_grid()
    cache = ResultCache(cache_dir)
    full = all(cache.get(s) is not None for s in specs)
    if not full and quick:
        specs = benchmark_grid(quick=True)
    table = run_grid(specs, cache_dir=cache_dir, progress=False)
    out = (table.groupby(["dataset", "ensemble"], sort=False)
           .agg(runs=("seed", "size"), budget=("budget", "first"),
                found=("found_at_budget", "mean"), baseline=("baseline_at_budget", "mean"))
           .reset_index())
    out["gain"] = out.found - out.baseline
    return out, full


def prediction_check(mean: pd.DataFrame, gains: pd.DataFrame) -> dict:
    """Does the angle picture predict which ensembles gain most from feedback?

    The predictions (from Das et al.'s argument: feedback pays where the
    anomalies already sit closer to the uniform weights than the nominals):
    (1) LODA, whose angles do not reliably single out the anomalies, gains
    least; (2) across the ensembles of one data set the gain rises with the
    angle AUC: the lowest angle AUC gains least, the highest gains most.
    Counted over the data sets present in both tables, with the Spearman
    correlation of angle AUC and gain across the ensembles of each data set.
    """
    m = mean[mean.variant == "ours"].merge(gains, on=["dataset", "ensemble"])
    per_dataset = []
    for ds, g in m.groupby("dataset", sort=False):
        rho = spearmanr(g.angle_auc, g.gain).statistic if len(g) > 2 else float("nan")
        best, worst = int(np.argmax(g.angle_auc)), int(np.argmin(g.angle_auc))
        per_dataset.append({
            "dataset": ds,
            "lowest_auc": g.ensemble.iloc[worst],
            "highest_auc": g.ensemble.iloc[best],
            "lowest_gain": g.ensemble.iloc[int(np.argmin(g.gain))],
            "highest_gain": g.ensemble.iloc[int(np.argmax(g.gain))],
            "rho": float(rho)})
    per = pd.DataFrame(per_dataset)
    return {"per_dataset": per, "merged": m,
            "n_datasets": int(len(per)),
            "lowest_auc_is_lowest_gain": int((per.lowest_auc == per.lowest_gain).sum()),
            "highest_auc_is_highest_gain": int((per.highest_auc == per.highest_gain).sum()),
            "loda_lowest_gain": int((per.lowest_gain == "loda").sum()),
            "loda_lowest_auc": int((per.lowest_auc == "loda").sum()),
            "highest_auc_is_lowest_gain": per.dataset[per.highest_auc == per.lowest_gain].tolist(),
            "median_rho": float(np.nanmedian(per.rho)) if len(per) else float("nan"),
            "positive_rho": int((per.rho > 0).sum())}


def scale_study(datasets, factors=(0.01, 1.0, 100.0), ensembles=("loda", "iforest"), seed=0
                ) -> pd.DataFrame:
    """Angle AUC when the data are multiplied by each factor (a change of units).

    The score ranking of both ensembles ignores the units; LODA's member values
    ``-log p`` shift by ``log(factor)`` in every column, i.e. along the uniform
    weights, so its angles move; an Isolation Forest splits at random fractions
    of each feature's range, so its angles stay. One row per (dataset,
    ensemble, factor).
    """
    rows = []
    for ds in datasets:
        data = load_dataset(ds)
        for ens in ensembles:
            for f in factors:
                res = ensemble_angles(data.X * f, data.y, ens, seed=seed).summary()
                rows.append({"dataset": ds, "ensemble": ens, "factor": float(f),
                             "angle_auc": res["angle_auc"], "score_auc": res["score_auc"],
                             "median_anomaly": res["median_anomaly"],
                             "median_nominal": res["median_nominal"]})
    return pd.DataFrame(rows)
