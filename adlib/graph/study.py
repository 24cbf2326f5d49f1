"""The many-targets study: every unlabeled node attacked, for each model and split seed.

One run = one graph (``face_top`` or the block model) drawn with one seed,
one model variant trained with that seed, and :func:`~adlib.graph.attack.attack_all`
on every unlabeled node. Runs are cached under ``results/graph/`` (one JSON
file each, :class:`adlib.cache.ResultCache`), so the chapter reads what
``make reproduce`` computed::

    frame = study_frame(run_study(study_grid(), n_jobs=2))   # one row per target
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..cache import ResultCache, default_cache_dir, run_cached, spec_key

#: Bump when a library change changes the study's results (old cached runs are then ignored).
RESULTS_VERSION = 1
GRAPHS = ("face_top", "block_model")
#: the chapter's model variants: name -> GCN keyword arguments (adversarial: the README's settings)
MODELS = {
    "2 layers": {},
    "6 layers": {"n_layers": 6},
    "2 sub-layers": {"n_sub_layers": 2},
    "ensemble of 10": {"n_members": 10},
    "adversarial": {"adversarial": "default"},
}


@dataclass(frozen=True)
class GraphAttackSpec:
    """One run: graph (``dataset``), model variant, seed of the split and of the model."""

    dataset: str
    model: str
    seed: int = 0
    direction: str = "feature"

    def key(self) -> str:
        return spec_key(self, RESULTS_VERSION)

    def __hash__(self) -> int:
        return hash(self.key())


def graph_cache(cache_dir=None) -> ResultCache:
    """The study's cache: ``<results>/graph/<dataset>/<key>.json``."""
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return ResultCache(root / "graph", GraphAttackSpec)


def study_grid(seeds=range(10), graphs=GRAPHS, models=tuple(MODELS)) -> list[GraphAttackSpec]:
    return [GraphAttackSpec(g, m, int(s)) for g in graphs for m in models for s in seeds]


def make_graph(dataset: str, seed: int):
    from .data import face_graph, sbm_graph

    if dataset == "face_top":
        return face_graph(seed=seed)
    if dataset == "block_model":
        return sbm_graph(seed=seed)
    raise ValueError(f"dataset={dataset!r}: use one of {GRAPHS}")


def make_model(name: str, seed: int = 0):
    """A GCN of the chapter's variant ``name`` (see :data:`MODELS`)."""
    from .adversarial import AdversarialSettings
    from .gcn import GCN

    if name not in MODELS:
        raise ValueError(f"model={name!r}: use one of {tuple(MODELS)}")
    kw = dict(MODELS[name])
    if kw.get("adversarial") == "default":
        kw["adversarial"] = AdversarialSettings()
    return GCN(seed=seed, **kw)


def run_one(spec: GraphAttackSpec) -> dict:
    """Train one model on one graph and attack every unlabeled node; a JSON-able result."""
    from .attack import attack_all

    graph = make_graph(spec.dataset, spec.seed)
    t0 = time.perf_counter()
    model = make_model(spec.model, spec.seed).fit(graph)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = attack_all(model, direction=spec.direction)
    t_attack = time.perf_counter() - t0
    dist = table["distance"].to_numpy(dtype=float)
    return {"spec": asdict(spec), "key": spec.key(),
            "targets": table["target"].astype(int).tolist(),
            "distance": [None if not np.isfinite(v) else float(v) for v in dist],
            "hops": [None if not np.isfinite(v) else int(v) for v in table["hops"]],
            "epochs": model.epochs_.tolist(),
            "accuracy_labeled": model.accuracy("labeled"),
            "accuracy_unlabeled": model.accuracy("unlabeled"),
            "fit_seconds": t_fit, "attack_seconds": t_attack}


def run_study(specs=None, cache_dir=None, n_jobs=None, refresh=False, progress=False) -> list[dict]:
    """Every spec's result, from the cache or computed (and stored) now."""
    specs = study_grid() if specs is None else list(specs)
    pairs = run_cached(specs, run_one, graph_cache(cache_dir), n_jobs=n_jobs, progress=progress,
                       refresh=refresh, desc="graph attacks")
    return [r for r, _ in pairs]


def study_frame(results) -> pd.DataFrame:
    """One row per attacked target: graph, model, seed, target, distance (NaN: not flipped)."""
    rows = []
    for r in results:
        s = r["spec"]
        for t, d in zip(r["targets"], r["distance"], strict=True):
            rows.append((s["dataset"], s["model"], s["seed"], t,
                         np.nan if d is None else d))
    frame = pd.DataFrame(rows, columns=["graph", "model", "seed", "target", "distance"])
    frame["flipped"] = frame["distance"].notna()
    order = {m: k for k, m in enumerate(MODELS)}
    return frame.sort_values(["graph", "model", "seed", "target"],
                             key=lambda c: c.map(order) if c.name == "model" else c,
                             kind="stable").reset_index(drop=True)


def prune_graph(cache_dir=None, dry_run=False, grid=None) -> list[Path]:
    """Delete cached runs of ``results/graph/`` that the chapter's grid does not ask for."""
    return graph_cache(cache_dir).prune(grid or study_grid(), dry_run=dry_run)


def reproduce_graph(refresh=True, n_jobs=None, cache_dir=None) -> None:
    """Recompute the chapter's full study (``make reproduce``)."""
    run_study(study_grid(), cache_dir=cache_dir, n_jobs=n_jobs, refresh=refresh, progress=True)
