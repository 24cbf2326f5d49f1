"""AAD on precomputed scores: standardisation, ranking, detector scores, bad inputs, learning."""

import numpy as np
import pandas as pd
import pytest

from adlib.aad.discover import discover
from adlib.datasets import DataError
from adlib.ensembles.precomputed import (
    PrecomputedScores,
    check_scores,
    detector_scores,
    load_scores_csv,
)


@pytest.fixture(scope="module")
def scores():
    rng = np.random.default_rng(0)
    # three detectors on very different scales
    return np.column_stack([rng.normal(1.0, 0.1, 300), rng.normal(50.0, 20.0, 300),
                            rng.exponential(0.01, 300)])


def test_standardisation_is_fitted_on_the_data(scores):
    ens = PrecomputedScores(normalize=None).fit(scores)
    Z = ens.transform(scores).toarray()
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0)
    np.testing.assert_allclose(ens.mean_, scores.mean(axis=0))
    # new rows use the fitted scaling, not their own
    np.testing.assert_allclose(ens.transform(scores[:5] + ens.std_).toarray(), Z[:5] + 1.0)


def test_without_standardisation_the_scores_pass_through(scores):
    ens = PrecomputedScores(standardize=False, normalize=None).fit(scores)
    np.testing.assert_array_equal(ens.transform(scores).toarray(), scores)


def test_a_constant_column_is_only_centred():
    S = np.column_stack([np.arange(10.0), np.full(10, 4.0)])
    Z = PrecomputedScores(normalize=None).fit(S).transform(S).toarray()
    np.testing.assert_array_equal(Z[:, 1], 0.0)


@pytest.mark.parametrize("normalize", ["global", None])
@pytest.mark.parametrize("standardize", [True, False])
def test_uniform_weights_reproduce_the_mean_score_order(scores, normalize, standardize):
    ens = PrecomputedScores(standardize=standardize, normalize=normalize).fit(scores)
    uniform = np.asarray(ens.transform(scores).sum(axis=1)).ravel()
    mean = ens.score_samples(scores)
    order = np.lexsort((np.arange(len(uniform)), -uniform))
    np.testing.assert_array_equal(order, np.lexsort((np.arange(len(mean)), -mean)))
    if standardize:  # the mean of z-scores, not of the raw scores
        z = (scores - scores.mean(axis=0)) / scores.std(axis=0)
        np.testing.assert_allclose(mean, z.mean(axis=1))


def test_dataframe_column_names_are_kept(scores):
    df = pd.DataFrame(scores, columns=["lof", "iforest", "ocsvm"])
    ens = PrecomputedScores().fit(df)
    assert list(ens.feature_names_in_) == ["lof", "iforest", "ocsvm"]
    assert ens.n_members_ == 3


def test_detector_scores_are_oriented_higher_is_more_anomalous():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(size=(150, 4)), np.full((1, 4), 8.0)])
    S, names = detector_scores(X, random_state=0)
    assert names == ["lof", "iforest", "ocsvm", "loda"]
    assert S.shape == (151, 4)
    np.testing.assert_array_equal(S.argmax(axis=0), 150)  # the far point tops every column
    # a custom (name, function) detector, and determinism
    S2, names2 = detector_scores(X, detectors=["iforest", ("norm", lambda A: (A * A).sum(1))],
                                 random_state=0)
    assert names2 == ["iforest", "norm"]
    np.testing.assert_array_equal(S2[:, 0], S[:, 1])
    assert S2[:, 1].argmax() == 150


@pytest.mark.parametrize("bad, match", [
    (np.array([[1.0, np.nan], [2.0, 3.0]]), "NaN"),
    (np.zeros((5, 0)), "0 columns"),
    (np.zeros(5), "reshape"),
    (np.array([["a", "b"]]), "numeric"),
])
def test_bad_score_matrices_say_what_to_do(bad, match):
    with pytest.raises(ValueError, match=match):
        PrecomputedScores().fit(bad)


def test_mismatched_sizes_are_refused(scores):
    with pytest.raises(ValueError, match="same instances"):
        PrecomputedScores().fit(scores, y=np.zeros(10))
    ens = PrecomputedScores().fit(scores)
    with pytest.raises(ValueError, match="same detectors"):
        ens.transform(scores[:, :2])
    with pytest.raises(ValueError, match="same detectors"):
        check_scores(scores, n_columns=4)
    with pytest.raises(ValueError, match="unknown detector"):
        detector_scores(scores, detectors=["knn"])
    with pytest.raises(ValueError, match="every row"):
        detector_scores(scores, detectors=[("short", lambda A: A[:5, 0])])


def test_load_scores_csv(tmp_path, scores):
    df = pd.DataFrame(scores, columns=["a", "b", "c"])
    df.insert(0, "label", np.where(np.arange(300) < 9, "anomaly", "nominal"))
    path = tmp_path / "scores.csv"
    df.to_csv(path, index=False)
    ds = load_scores_csv(path)
    np.testing.assert_allclose(ds.X, scores)
    assert ds.feature_names == ["a", "b", "c"] and ds.y.sum() == 9
    df.drop(columns="label").to_csv(path, index=False)
    with pytest.raises(DataError, match="label_column"):
        load_scores_csv(path)


def test_feedback_finds_the_informative_column():
    rng = np.random.default_rng(0)
    n, n_anom = 1000, 40
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, n_anom, replace=False)] = 1
    informative = y * 2.0 + rng.normal(0, 0.6, n)  # ground truth plus noise
    noise = rng.normal(size=(n, 3)) * [1.0, 10.0, 0.1]
    S = np.column_stack([noise[:, 0], informative, noise[:, 1:]])
    res = discover(S, y, budget=40, ensemble=PrecomputedScores())
    w = res.session.model.w_
    assert np.argmax(w) == 1
    assert res.found[-1] > res.baseline[-1]


def test_sessions_take_the_ensembles_aad_defaults_unless_overridden():
    from adlib.aad import Session

    S = np.random.default_rng(0).normal(size=(100, 4))
    assert Session.from_data(S, ensemble="precomputed").model.learning_rate == 1e-3
    assert Session.from_data(S, ensemble="precomputed",
                             learning_rate=0.05).model.learning_rate == 0.05
    assert Session.from_data(S, ensemble="iforest").model.learning_rate == 0.03
    assert Session.from_data(S, ensemble="hstrees").model.learning_rate == 1e-2  # AAD's own
