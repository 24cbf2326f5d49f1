"""Result caches: one JSON file per run, keyed by a hash of its parameters.

The discovery grids (:mod:`adlib.experiments`), the description study
(:mod:`adlib.experiments.descriptions`) and the detector benchmark
(:mod:`adlib.detectors.benchmark`) all store their runs here, each under its
own folder of ``results/``. This module sits at the bottom of the library
(it imports nothing of adlib but the path helper), so every layer may use it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from joblib import Parallel, delayed
from tqdm.auto import tqdm

from ._paths import book_root


def spec_key(spec, version: int, defaults: dict | None = None) -> str:
    """A stable 20-character hash of a run spec's fields and its results ``version``.

    ``defaults`` (an ensemble's declared AAD settings, ``aad_defaults``) are
    hashed too when not empty: changing an ensemble's measured defaults then
    invalidates exactly the cached runs that used them.
    """
    fields = {"v": version, **asdict(spec)}
    if defaults:
        fields["aad_defaults"] = dict(defaults)
    text = json.dumps(fields, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def default_cache_dir() -> Path:
    """``$ADLIB_RESULTS``, else ``<book root>/results``, else ``./results``."""
    env = os.environ.get("ADLIB_RESULTS")
    if env:
        return Path(env)
    return (book_root() or Path.cwd()) / "results"


class ResultCache:
    """One JSON file per run under ``<root>/<dataset>/<key>.json``, written atomically.

    ``spec_type`` is the (frozen dataclass) type of the runs: it has a
    ``dataset`` field and a ``key()``; a stored result is a dict holding the
    spec's fields under ``"spec"``.
    """

    def __init__(self, root=None, spec_type=None):
        if spec_type is None:
            raise TypeError("ResultCache needs the spec_type of its runs")
        self.root = Path(root) if root is not None else default_cache_dir()
        self.spec_type = spec_type

    def path(self, spec) -> Path:
        return self.root / spec.dataset / f"{spec.key()}.json"

    def get(self, spec) -> dict | None:
        p = self.path(spec)
        if not p.exists():
            return None
        try:
            return json.loads(p.read_text())
        except json.JSONDecodeError:
            return None  # a damaged file is recomputed, never trusted

    def prune(self, specs, dry_run: bool = False) -> list[Path]:
        """Delete the cached runs under this cache's root that none of ``specs`` asks for.

        Returns the files removed (or that would be, with ``dry_run``).
        """
        return prune_files([self.root], [self.path(s) for s in specs], dry_run=dry_run)

    def put(self, result: dict) -> None:
        p = self.path(self.spec_type(**result["spec"]))
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump(result, fh)
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def run_cached(specs, run, cache: ResultCache, n_jobs=None, progress=True, refresh=False,
               desc="runs") -> list[tuple[dict, bool]]:
    """``(result, cached)`` for every spec, in order: read from ``cache`` or computed now.

    Missing runs go through ``joblib.Parallel`` (``n_jobs=None`` defers to the
    active ``joblib.parallel_config``, e.g. a Dask cluster), with a tqdm bar,
    and each result is stored as soon as it arrives.
    """
    specs = list(specs)
    results, todo = {}, []
    for spec in specs:
        hit = None if refresh else cache.get(spec)
        if hit is None:
            todo.append(spec)
        else:
            results[spec.key()] = (hit, True)
    if todo:
        jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(run)(s) for s in todo)
        for res in tqdm(jobs, total=len(todo), disable=not progress, desc=desc):
            cache.put(res)
            results[res["key"]] = (res, False)
    return [results[spec.key()] for spec in specs]


def prune_files(folders, keep, dry_run: bool = False) -> list[Path]:
    """Delete every ``*.json`` below ``folders`` that is not one of the ``keep`` paths (stale runs).

    Returns the files removed, folder by folder in sorted order (or that would
    be, with ``dry_run``); missing folders are skipped.
    """
    keep = {Path(p).resolve() for p in keep}
    stale = [p for folder in map(Path, folders) if folder.is_dir()
             for p in sorted(folder.rglob("*.json")) if p.resolve() not in keep]
    if not dry_run:
        for p in stale:
            p.unlink()
    return stale
