"""The CD-vs-BRS study runner (cached) and the class-diversity measure."""

import numpy as np

from adlib.experiments import class_diversity, description_grid, diversity_grid
from adlib.experiments.descriptions import (
    DescriptionSpec,
    run_description_grid,
    summarize_descriptions,
)


def test_class_diversity_counts_classes_per_batch_and_anomaly_classes_seen():
    orig = np.array(["a", "a", "b", "n", "n", "c", "b"])
    y = np.array([1, 1, 1, 0, 0, 1, 1])
    d = class_diversity([0, 1, 3, 2, 5, 6, 4], orig, y, batch_size=3)
    # batches: (a, a, n) -> 2, (b, c, b) -> 2, (n) -> 1
    assert d["per_batch"].tolist() == [2, 2, 1]
    assert d["anomaly_classes"].tolist() == [1, 1, 1, 2, 3, 3, 3]


def test_description_grid_runs_and_reads_back_from_the_cache(tmp_path):
    spec = DescriptionSpec("toy2", budget=10, seed=0, every=5)
    table = run_description_grid([spec], cache_dir=tmp_path, n_jobs=1)
    assert sorted(set(table.n_queried)) == [5, 10]
    assert set(table.method) == {"compact", "brs"} and len(table) == 4
    assert table.f1.between(0, 1).all() and (table.n_candidates > 0).all()
    assert len(list((tmp_path / "descriptions" / "toy2").glob("*.json"))) == 1
    again = run_description_grid([spec], cache_dir=tmp_path, n_jobs=1)
    assert again.drop(columns="seconds").equals(table.drop(columns="seconds"))
    s = summarize_descriptions(table)
    assert len(s) == 4 and (s.runs == 1).all()


def test_quick_grids_are_small():
    assert len(description_grid(quick=True)) <= 2
    assert len(diversity_grid(quick=True)) <= 10
    assert {s.strategy for s in diversity_grid()} == {"top", "random_top", "description",
                                                      "euclidean"}
