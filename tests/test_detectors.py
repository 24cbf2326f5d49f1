"""adlib.detectors: one interface, higher = more anomalous, clear errors, the cached AUC table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

from adlib.detectors import (
    DEEP_DETECTORS,
    DETECTOR_LABELS,
    DETECTOR_NAMES,
    HBOS,
    DBSCANDetector,
    make_detector,
)
from adlib.detectors.benchmark import (
    DetectorCache,
    DetectorRun,
    detector_grid,
    detector_table,
    precision_at,
    run_detector_grid,
    summarize_detectors,
    wide_table,
)

ROOT = Path(__file__).resolve().parents[1]
CLASSICAL = [n for n in DETECTOR_NAMES if n not in DEEP_DETECTORS]
# tiny networks: a few epochs are enough to tell a far point from the centre
TINY = {"epochs": 15, "hidden": (8,), "batch_size": 32}


def _params(name):
    return dict(TINY) if name in DEEP_DETECTORS else {}


def _deep(name):
    if name in DEEP_DETECTORS:
        return pytest.param(name, marks=pytest.mark.deep)
    return name


@pytest.fixture(scope="module")
def blob():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3)) @ np.array([[1.0, 0.3, 0.0], [0.0, 1.0, 0.2], [0.0, 0.0, 0.7]])
    return X


def test_registry_is_complete():
    assert len(DETECTOR_NAMES) == 17
    assert set(DETECTOR_LABELS) == set(DETECTOR_NAMES)
    with pytest.raises(ValueError, match="unknown detector 'nope'; choose one of"):
        make_detector("nope")
    with pytest.raises(ValueError, match="has no parameter"):
        make_detector("lof", n_trees=3)
    det = make_detector("knn", n_neighbors=3)
    assert det.n_neighbors == 3 and make_detector(det) is det
    # a seed can be passed to every detector alike (ignored where nothing is random)
    assert not hasattr(make_detector("zscore", random_state=1), "random_state")


@pytest.mark.parametrize("name", [_deep(n) for n in DETECTOR_NAMES])
def test_far_point_scores_above_the_centre(name, blob):
    if name in DEEP_DETECTORS:
        pytest.importorskip("tensorflow")
    det = make_detector(name, random_state=0, **_params(name))
    assert det.fit(blob) is det
    centre = blob.mean(axis=0, keepdims=True)
    rng = np.random.default_rng(1)
    direction = rng.normal(size=(1, 3))
    far = centre + 15 * direction / np.linalg.norm(direction)
    s_far, s_centre = det.score_samples(far)[0], det.score_samples(centre)[0]
    assert s_far > s_centre, f"{name}: far {s_far} <= centre {s_centre}"
    assert np.array_equal(det.score(far), det.score_samples(far))
    train = det.fit_score(blob)
    assert train.shape == (300,) and np.isfinite(train).all()


@pytest.mark.parametrize("name", CLASSICAL)
def test_clone_and_seed_reproduce_the_scores(name, blob):
    det = make_detector(name, random_state=3)
    a = det.fit_score(blob)
    b = clone(det).fit_score(blob)
    np.testing.assert_allclose(a, b)


@pytest.mark.deep
def test_autoencoders_are_deterministic_and_lazy(blob):
    import subprocess
    import sys

    # importing the detectors does not import TensorFlow
    code = "import sys, adlib.detectors, adlib.detectors.benchmark; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    pytest.importorskip("tensorflow")
    for name in DEEP_DETECTORS:
        a = make_detector(name, random_state=0, **TINY).fit_score(blob)
        b = make_detector(name, random_state=0, **TINY).fit_score(blob)
        np.testing.assert_array_equal(a, b)
    vae = make_detector("vae", random_state=0, **TINY).fit(blob)
    rec, kl = vae.score_terms(blob[:5])
    np.testing.assert_allclose(rec + kl, vae.score_samples(blob[:5]), rtol=1e-10)
    assert (kl >= -1e-9).all()


def _hbos_loop(Xtrain, x, n_bins, alpha):
    """HBOS of one point, the slow way: a histogram per feature, a loop over features."""
    total = 0.0
    for j in range(Xtrain.shape[1]):
        counts, edges = np.histogram(Xtrain[:, j], bins=n_bins)
        top = counts.max() + alpha
        if x[j] < edges[0] or x[j] > edges[-1]:
            height = alpha / top
        else:
            b = min(np.searchsorted(edges, x[j], side="right") - 1, n_bins - 1)
            height = (counts[b] + alpha) / top
        total += np.log(1.0 / height)
    return total


def test_hbos_matches_a_per_point_loop():
    rng = np.random.default_rng(4)
    X = np.column_stack([rng.normal(size=40), rng.exponential(size=40), rng.uniform(size=40)])
    queries = np.vstack([X[:10], rng.normal(size=(10, 3)) * 2, [[10.0, -5.0, 0.5]]])
    det = HBOS(n_bins=6, alpha=0.5).fit(X)
    loop = np.array([_hbos_loop(X, q, 6, 0.5) for q in queries])
    np.testing.assert_allclose(det.score_samples(queries), loop, rtol=1e-12)
    # "auto": round(sqrt(n)) bins; a constant feature does not break it
    Xc = np.column_stack([X[:, 0], np.ones(40)])
    auto = HBOS().fit(Xc)
    assert auto.n_bins_ == 6 and np.isfinite(auto.score_samples(Xc)).all()


def test_knn_and_lof_leave_the_point_out_of_its_own_neighbours():
    from sklearn.neighbors import LocalOutlierFactor

    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 2))
    knn1 = make_detector("knn1", standardize=False).fit_score(X)
    D = np.linalg.norm(X[:, None] - X[None], axis=2)
    np.fill_diagonal(D, np.inf)
    np.testing.assert_allclose(knn1, D.min(axis=1))
    lof = make_detector("lof", standardize=False, n_neighbors=10).fit_score(X)
    ref = -LocalOutlierFactor(n_neighbors=10).fit(X).negative_outlier_factor_
    np.testing.assert_allclose(lof, ref)


def test_dbscan_noise_is_score_above_one():
    rng = np.random.default_rng(6)
    X = np.vstack([rng.normal(size=(200, 2)), rng.uniform(-6, 6, size=(10, 2))])
    det = DBSCANDetector(min_samples=8)
    score = det.fit_score(X)
    noise = det.labels_ == -1
    core = np.zeros(len(X), dtype=bool)
    core[det.core_sample_indices_] = True
    assert noise.any()
    np.testing.assert_array_equal(score[~core] > 1, noise[~core])


def test_statistical_rules_flag_as_documented():
    X = np.vstack([np.zeros((50, 2)) + np.linspace(-1, 1, 50)[:, None], [[0.0, 50.0]]])
    z = make_detector("zscore").fit(X)
    assert z.flag(X).sum() == 1 and z.flag(X)[-1]
    box = make_detector("boxplot").fit(X)
    assert box.flag(X)[-1] and box.flag(X).sum() == 1


@pytest.mark.parametrize("name", CLASSICAL)
def test_bad_input_gives_a_clear_error(name, blob):
    det = make_detector(name, random_state=0)
    with pytest.raises(NotFittedError, match="not fitted yet: call fit"):
        det.score_samples(blob)
    bad = blob.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or inf in columns \\[1\\]"):
        det.fit(bad)
    with pytest.raises(ValueError, match="must be 2-D"):
        det.fit(blob[:, 0])
    with pytest.raises(ValueError, match="must be numeric"):
        det.fit([["a", "b"], ["c", "d"]])
    det.fit(blob)
    with pytest.raises(ValueError, match="has 2 features but the model was fitted on 3"):
        det.score_samples(blob[:, :2])


def test_precision_at_the_number_of_anomalies():
    y = np.array([0, 1, 0, 1, 0])
    assert precision_at(y, [0.1, 0.9, 0.8, 0.2, 0.0]) == 0.5
    assert precision_at(y, [0.1, 0.9, 0.0, 0.8, 0.0]) == 1.0
    assert np.isnan(precision_at(np.zeros(3), [1, 2, 3]))


def test_the_auc_table_is_computed_and_cached(tmp_path):
    from adlib.datasets import load_dataset

    specs = detector_grid(datasets=["toy"], detectors=["zscore", "iforest"], seeds=[0, 1])
    assert [(s.detector, s.seed) for s in specs] == [("zscore", None), ("iforest", 0),
                                                     ("iforest", 1)]
    runs = run_detector_grid(specs, cache_dir=tmp_path, progress=False)
    assert not runs.cached.any()
    files = sorted(tmp_path.rglob("*.json"))
    assert len(files) == 3 and all(f.parent.name == "toy" for f in files)
    assert json.loads(files[0].read_text())["spec"]["dataset"] == "toy"
    again = run_detector_grid(specs, cache_dir=tmp_path, progress=False)
    assert again.cached.all()
    np.testing.assert_array_equal(again.auc, runs.auc)
    # the numbers are the detectors' own
    data = load_dataset("toy")
    direct = roc_auc_score(data.y, make_detector("iforest", random_state=1).fit_score(data.X))
    assert runs.auc.iloc[2] == pytest.approx(direct)
    summary = summarize_detectors(runs)
    assert list(summary.detector) == ["zscore", "iforest"]
    assert summary.runs.tolist() == [1, 2]
    assert summary.auc.iloc[1] == pytest.approx(runs.auc.iloc[1:].mean())
    wide = wide_table(summary)
    assert wide.shape == (1, 2) and list(wide.columns) == ["zscore", "iforest"]
    # the one-call form reads the same cache
    table = detector_table(datasets=["toy"], detectors=["zscore", "iforest"], seeds=[0, 1],
                           cache_dir=tmp_path)
    assert table.auc.tolist() == summary.auc.tolist()
    # a damaged file is recomputed, not trusted
    files[0].write_text("{not json")
    assert DetectorCache(tmp_path).get(DetectorRun(**json.loads(files[1].read_text())["spec"]))
    rerun = run_detector_grid(specs, cache_dir=tmp_path, progress=False)
    assert (~rerun.cached).sum() == 1


def test_capped_detectors_are_seeded_only_where_the_cap_applies():
    specs = detector_grid(datasets=["toy", "mammography"], detectors=["ocsvm"], seeds=[0, 1])
    by_ds = {}
    for s in specs:
        by_ds.setdefault(s.dataset, []).append(s.seed)
    assert by_ds == {"toy": [None], "mammography": [0, 1]}
    assert all(s.params == {"max_train": 3000} for s in specs)


def test_full_grid_covers_every_dataset_and_detector():
    specs = detector_grid()
    assert {s.dataset for s in specs} == {"toy", "toy2", "toy_hard", "abalone",
                                          "ann_thyroid_1v3", "cardiotocography_1", "yeast",
                                          "mammography", "shuttle_1v23567", "weather"}
    assert {s.detector for s in specs} == set(DETECTOR_NAMES)
    quick = detector_grid(quick=True)
    assert not {s.detector for s in quick} & set(DEEP_DETECTORS)



def test_the_chapter_reads_the_table_through_the_library():
    nb = json.loads((ROOT / "book" / "detectors_tour.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "detector_table(" in code
