"""The geometry of AAD (adlib.aad.geometry, adlib.experiments.geometry*, adlib.plotting.geometry)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from adlib.aad import AAD, discover  # noqa: E402
from adlib.aad.geometry import (  # noqa: E402
    angle_auc,
    angle_bound,
    ensemble_angles,
    fit_features,
    iforest_angle,
    initial_weights,
    row_angles,
    sphere_view,
)
from adlib.datasets import load_dataset  # noqa: E402
from adlib.experiments import geometry as geo  # noqa: E402
from adlib.experiments import geometry_report as report  # noqa: E402
from adlib.plotting import plot_angle_gain, plot_angle_histograms, plot_sphere  # noqa: E402


@pytest.fixture(scope="module")
def toy():
    return load_dataset("toy2")


# ---------------------------------------------------------------- angles by hand

def test_row_angles_of_a_hand_made_sparse_matrix():
    w = np.array([1.0, 1.0, 0.0])
    Z = sp.csr_matrix(np.array([
        [1.0, 0.0, 0.0],     # 45 degrees
        [0.0, 0.0, 3.0],     # orthogonal
        [-1.0, -1.0, 0.0],   # opposite
        [2.0, 2.0, 0.0],     # parallel (length does not matter)
        [1.0, 0.0, np.sqrt(2.0)],   # cos = 1 / (sqrt(3) sqrt(2))
    ]))
    got = row_angles(Z, w)
    expected = [45.0, 90.0, 180.0, 0.0, np.degrees(np.arccos(1.0 / np.sqrt(6.0)))]
    # arccos near 1 turns a rounding error of 1e-16 in the cosine into ~1e-6 degrees
    np.testing.assert_allclose(got, expected, atol=1e-5)
    np.testing.assert_allclose(row_angles(Z.toarray(), w), got, atol=1e-12)  # dense = sparse
    np.testing.assert_allclose(row_angles(Z, w, degrees=False), np.radians(expected), atol=1e-7)
    # a positive scale of a row or of w changes nothing; a negative w mirrors
    np.testing.assert_allclose(row_angles(sp.diags([3.0, 1, 2, 5, 7]) @ Z, 4 * w), got,
                               atol=1e-5)
    np.testing.assert_allclose(row_angles(Z, -w), 180.0 - np.asarray(expected), atol=1e-5)


def test_row_angles_refuses_zero_rows_and_wrong_lengths():
    Z = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="all zero"):
        row_angles(Z, [1.0, 1.0])
    with pytest.raises(ValueError, match="one entry per ensemble member"):
        row_angles(Z[:1], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="zero vector"):
        row_angles(Z[:1], [0.0, 0.0])


def test_initial_weights_are_the_models_own():
    w = initial_weights(7)
    np.testing.assert_array_equal(w, AAD().init(7).w_)
    assert np.all(w > 0) and np.isclose(np.linalg.norm(w), 1.0)


def test_angle_auc():
    y = np.array([1, 1, 0, 0, 0])
    assert angle_auc([80, 85, 90, 91, 92], y) == 1.0      # anomalies nearer: 1
    assert angle_auc([95, 99, 90, 91, 92], y) == 0.0      # anomalies farther: 0
    with pytest.raises(ValueError, match="both anomalies"):
        angle_auc([1, 2], [0, 0])


# ---------------------------------------------------------------- the paper's claim

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_isolation_forest_anomalies_are_closer_to_the_uniform_weights_on_toy2(toy, seed):
    """Das et al.'s observation: anomalies' rows make smaller angles with w0 than nominals'."""
    res = ensemble_angles(toy.X, toy.y, "iforest", seed=seed)
    s = res.summary()
    assert s["median_anomaly"] < s["median_nominal"]
    assert s["angle_auc"] > 0.8, s
    # leaf values are negative: every angle to the (positive) uniform weights is obtuse
    assert np.all(res.angles > 90.0)


def test_isolation_forest_angle_has_the_closed_form(toy):
    ens, Z = fit_features(toy.X, "iforest", seed=0)
    T = ens.n_trees
    # the per-tree path lengths, read back from the rows: -(depth + c(n)) / scale
    h = -np.asarray(Z.data).reshape(-1, T) * ens.scale_
    got = row_angles(Z, initial_weights(Z.shape[1]))
    np.testing.assert_allclose(iforest_angle(h, Z.shape[1]), got, atol=1e-9)
    assert got.max() <= angle_bound(T, Z.shape[1]) + 1e-9
    # equal path lengths in every tree reach the bound exactly
    assert np.isclose(iforest_angle(np.full((1, T), 7.0), Z.shape[1])[0],
                      angle_bound(T, Z.shape[1]))


def test_angles_ignore_the_row_scaling_and_unit_rows_make_scores_cosines(toy):
    angles = {norm: ensemble_angles(toy.X, toy.y, "iforest", seed=3,
                                    ensemble_params={"normalize": norm})
              for norm in ("global", "unit", None)}
    np.testing.assert_allclose(angles["unit"].angles, angles["global"].angles, atol=1e-9)
    np.testing.assert_allclose(angles[None].angles, angles["global"].angles, atol=1e-9)
    unit = angles["unit"]
    np.testing.assert_allclose(np.cos(np.radians(unit.angles)), unit.scores, atol=1e-12)
    s = unit.summary()
    assert s["angle_auc"] == pytest.approx(s["score_auc"], abs=1e-12)


def test_loda_angles_depend_on_the_units_but_its_ranking_does_not(toy):
    base = ensemble_angles(toy.X, toy.y, "loda", seed=0)
    scaled = ensemble_angles(toy.X * 0.01, toy.y, "loda", seed=0)
    assert abs(base.summary()["angle_auc"] - scaled.summary()["angle_auc"]) > 0.3
    assert base.summary()["score_auc"] == pytest.approx(scaled.summary()["score_auc"], abs=0.01)


def test_angles_are_deterministic(toy):
    a = ensemble_angles(toy.X, toy.y, "iforest", seed=5)
    b = ensemble_angles(toy.X, toy.y, "iforest", seed=5)
    np.testing.assert_array_equal(a.angles, b.angles)
    study1 = geo.angle_study(["toy2"], ["iforest", "hstrees"], seeds=[0, 1])
    study2 = geo.angle_study(["toy2"], ["iforest", "hstrees"], seeds=[0, 1])
    pd.testing.assert_frame_equal(study1.table, study2.table)
    assert len(study1.mean()) == 2


# ---------------------------------------------------------------- the sphere

def test_sphere_view_is_exact_in_its_plane(toy):
    r = discover(toy.X, toy.y, budget=10, seed=0, ensemble_params={"normalize": "unit"})
    s = r.session
    v = sphere_view(s.features, s.initial_weights, s.model.w_, toy.y, tau=0.03,
                    queried=s.queried, answers=s.answers)
    np.testing.assert_allclose(v.angle0, row_angles(s.features, s.initial_weights), atol=1e-9)
    np.testing.assert_allclose(v.angle1, row_angles(s.features, s.model.w_), atol=1e-7)
    w0 = s.initial_weights / np.linalg.norm(s.initial_weights)
    w1 = s.model.w_ / np.linalg.norm(s.model.w_)
    assert v.rotation == pytest.approx(np.degrees(np.arccos(w0 @ w1)), abs=1e-7)
    # the unit rows' scores are the x coordinates; the cone holds the top tau
    np.testing.assert_allclose(v.x, np.asarray(s.features @ w0).ravel(), atol=1e-12)
    k = round(0.03 * toy.n_samples)
    assert k <= v.inside(0).sum() <= k + 1
    summary = v.summary()
    assert summary["n_queried"] == 10 and summary["anomalies_inside1"] <= summary["n_anomalies"]


# ---------------------------------------------------------------- prediction and text

def _fake_tables():
    mean = pd.DataFrame({
        "dataset": ["a"] * 3 + ["b"] * 3, "ensemble": ["iforest", "hstrees", "loda"] * 2,
        "variant": "ours", "angle_auc": [0.9, 0.8, 0.3, 0.7, 0.9, 0.95],
        "score_auc": [0.9, 0.8, 0.9, 0.7, 0.9, 0.95], "median_anomaly": 96.0,
        "median_nominal": 97.0, "min_angle": 95.0, "max_angle": 98.0})
    gains = pd.DataFrame({
        "dataset": ["a"] * 3 + ["b"] * 3, "ensemble": ["iforest", "hstrees", "loda"] * 2,
        "runs": 10, "budget": 300, "found": [30.0, 25, 12, 20, 30, 25],
        "baseline": [10.0, 10, 10, 10, 10, 22]})
    gains["gain"] = gains.found - gains.baseline
    return mean, gains


def test_prediction_check_counts():
    mean, gains = _fake_tables()
    check = geo.prediction_check(mean, gains)
    assert check["n_datasets"] == 2
    assert check["loda_lowest_gain"] == 2           # a: 2 < 15 < 20; b: 3 < 10 < 20
    assert check["lowest_auc_is_lowest_gain"] == 1   # a: loda both; b: iforest lowest AUC
    assert check["highest_auc_is_highest_gain"] == 1  # a: iforest; b: loda has the highest AUC
    assert check["highest_auc_is_lowest_gain"] == ["b"]
    assert check["median_rho"] == pytest.approx(0.25)  # a: +1, b: -0.5 -> median 0.25
    text = report.prediction_sentence(check, full=True)
    assert "LODA gains least on 2 of 2" in text
    assert "on b, LODA separates best by angle (AUC 0.95) yet gains least (3.0)" in \
        report.failure_sentence(check)
    assert report.verdict_sentence(check).startswith("The coarse form")
    table = report.gain_table(check)
    assert table.loc["a", "LODA"] == "2.0 (0.30)"


def test_tables_are_narrow_and_readable():
    mean, _ = _fake_tables()
    for table in (report.auc_table(mean), report.median_table(mean)):
        assert table.shape[1] + 1 <= 6   # with the index column
        assert not any("_" in str(c) for c in table.columns)
    assert list(report.median_table(mean).columns[:2]) == [("Isolation Forest", "anomalies"),
                                                            ("Isolation Forest", "nominals")]


# ---------------------------------------------------------------- figures

def _texts(fig):
    fig.canvas.draw()  # creates the tick labels
    for t in fig.findobj(matplotlib.text.Text):
        if t.get_text() and t.get_visible():
            yield t


def test_figures_are_legible(toy):
    res = ensemble_angles(toy.X, toy.y, "iforest", seed=0)
    panels = {f"set {i}": (res.angles, res.y) for i in range(8)}
    figs = [plot_angle_histograms(panels)]
    r = discover(toy.X, toy.y, budget=5, seed=0, ensemble_params={"normalize": "unit"})
    s = r.session
    figs.append(plot_sphere(sphere_view(s.features, s.initial_weights, s.model.w_, toy.y,
                                        queried=s.queried, answers=s.answers)))
    mean, gains = _fake_tables()
    figs.append(plot_angle_gain(geo.prediction_check(mean, gains)["merged"]))
    for fig in figs:
        assert fig.get_figwidth() <= 7.0 + 1e-9
        small = [t.get_text() for t in _texts(fig) if t.get_fontsize() < 9]
        assert not small, small
        xs = sorted({round(ax.get_position().x0, 3) for ax in fig.axes if ax.get_visible()
                     and ax.axison})
        assert len(xs) <= 3, xs
        plt.close(fig)
    with pytest.raises(ValueError, match="no panels"):
        plot_angle_histograms({})
