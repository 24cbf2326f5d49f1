"""Grids of discovery runs: caching, parallel execution, and the Dask path."""

import json

import joblib
import numpy as np
import pytest

from adlib.experiments import ResultCache, RunSpec, curves, make_grid, run_grid


@pytest.fixture
def specs():
    return make_grid(["toy2"], seeds=[0, 1], budget=8)


def test_grid_is_the_cross_product():
    g = make_grid(["toy2", "abalone"], ensembles=["iforest", "multiview"],
                  strategies=["top", "random_top"], seeds=range(3),
                  budgets={"toy2": 35, "abalone": 300}, batch_size=3)
    assert len(g) == 2 * 2 * 2 * 3
    assert {s.budget for s in g if s.dataset == "abalone"} == {300}
    assert all(s.batch_size == 3 for s in g)
    assert len({s.key() for s in g}) == len(g)
    with pytest.raises(ValueError, match="no budget for dataset 'yeast'"):
        make_grid(["yeast"], budgets={"toy2": 35})


def test_results_are_cached_and_reused(tmp_path, specs):
    first = run_grid(specs, cache_dir=tmp_path, progress=False)
    assert not first.cached.any()
    files = sorted(tmp_path.rglob("*.json"))
    assert len(files) == 2 and not list(tmp_path.rglob("*.tmp"))
    second = run_grid(specs, cache_dir=tmp_path, progress=False)
    assert second.cached.all()
    np.testing.assert_array_equal(curves(first), curves(second))
    # a different parameter is a different run
    other = run_grid([RunSpec("toy2", 8, seed=0, tau=0.05)], cache_dir=tmp_path, progress=False)
    assert not other.cached.any() and len(list(tmp_path.rglob("*.json"))) == 3


def test_a_damaged_cache_file_is_recomputed(tmp_path, specs):
    run_grid(specs[:1], cache_dir=tmp_path, progress=False)
    path = ResultCache(tmp_path).path(specs[0])
    path.write_text("{not json")
    again = run_grid(specs[:1], cache_dir=tmp_path, progress=False)
    assert not again.cached.any()
    assert json.loads(path.read_text())["key"] == specs[0].key()


def test_parallel_runs_match_serial_ones(tmp_path, specs):
    serial = run_grid(specs, cache_dir=tmp_path / "a", progress=False)
    parallel = run_grid(specs, cache_dir=tmp_path / "b", n_jobs=2, progress=False)
    np.testing.assert_array_equal(curves(serial), curves(parallel))
    assert list(parallel.seed) == [0, 1]   # rows keep the order of the specs


def test_dask_cluster_runs_the_same_grid(tmp_path, specs):
    distributed = pytest.importorskip("distributed")
    serial = run_grid(specs, cache_dir=tmp_path / "a", progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, processes=True) as cluster, \
            distributed.Client(cluster) as client:
        with distributed.get_task_stream(client) as stream, \
                joblib.parallel_config(backend="dask"):
            on_dask = run_grid(specs, cache_dir=tmp_path / "b", progress=False)
        ran = [t for t in stream.data if "run_one" in str(t.get("key", ""))
               or "Batch" in str(t.get("key", ""))]
        assert ran, f"no task ran on the cluster: {stream.data[:3]}"
        assert client.scheduler_info()["address"].startswith("tcp://127.0.0.1")
    np.testing.assert_array_equal(curves(serial), curves(on_dask))


def test_changing_an_ensembles_declared_defaults_changes_only_its_keys(monkeypatch):
    from adlib.ensembles import HSTrees, IsolationForestRegions

    iforest, hstrees = RunSpec("toy2", 8, ensemble="iforest"), RunSpec("toy2", 8, ensemble="hstrees")
    before = iforest.key(), hstrees.key()
    monkeypatch.setattr(IsolationForestRegions, "aad_defaults", {"learning_rate": 0.5})
    assert iforest.key() != before[0]      # its cached runs no longer match
    assert hstrees.key() == before[1]      # other ensembles' runs are still valid
    assert HSTrees.aad_defaults == {}


def test_prune_deletes_only_stale_runs(tmp_path, monkeypatch):
    import adlib.reproduce as ex

    keep, stale = RunSpec("toy2", 8, seed=0), RunSpec("toy2", 8, seed=1)
    cache = ResultCache(tmp_path)
    for spec in (keep, stale):
        cache.path(spec).parent.mkdir(parents=True, exist_ok=True)
        cache.path(spec).write_text("{}")
    other = tmp_path / "detectors" / "x.json"          # not a discovery-run folder: untouched
    other.parent.mkdir()
    other.write_text("{}")
    monkeypatch.setattr(ex, "book_grids", lambda: ([keep], []))
    assert ex.prune(tmp_path, dry_run=True) == [cache.path(stale)]
    assert cache.path(stale).exists()
    assert ex.prune(tmp_path) == [cache.path(stale)]
    assert cache.path(keep).exists() and not cache.path(stale).exists() and other.exists()


def test_result_cache_prune_keeps_the_asked_runs(tmp_path):
    keep, stale = RunSpec("toy2", 8, seed=0), RunSpec("toy2", 8, seed=1)
    cache = ResultCache(tmp_path / "some-grid")
    for spec in (keep, stale):
        cache.path(spec).parent.mkdir(parents=True, exist_ok=True)
        cache.path(spec).write_text("{}")
    assert cache.prune([keep], dry_run=True) == [cache.path(stale)]
    assert cache.path(stale).exists()
    assert cache.prune([keep]) == [cache.path(stale)]
    assert cache.path(keep).exists() and not cache.path(stale).exists()
    assert ResultCache(tmp_path / "missing").prune([keep]) == []
