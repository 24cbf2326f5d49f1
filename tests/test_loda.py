"""LODA projection histograms: shapes, densities, the LODA ranking, sparsity, determinism."""

import numpy as np
import pytest
import scipy.sparse as sp

from adlib.aad.discover import discover
from adlib.ensembles.loda import LODA, _BirgeRozenholc, max_histogram_bins


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    return np.vstack([rng.normal(size=(400, 9)), rng.normal(loc=5.0, scale=0.3, size=(12, 9))])


@pytest.fixture(scope="module")
def fitted(blobs):
    return LODA(n_projections=50, random_state=0).fit(blobs)


def test_shapes_and_dense_csr(blobs, fitted):
    Z = fitted.transform(blobs)
    assert sp.isspmatrix_csr(Z)
    assert Z.shape == (blobs.shape[0], 50) == (blobs.shape[0], fitted.n_members_)
    assert np.all(np.diff(Z.indptr) == 50)  # one value per projection, for every row
    assert fitted.projections_.shape == (9, 50)
    assert fitted.score_samples(blobs).shape == (blobs.shape[0],)
    assert fitted.log_densities(blobs[:3]).shape == (3, 50)


def test_projections_are_sparse_unit_vectors(fitted):
    W = fitted.projections_
    # ceil(sqrt(9)) = 3 non-zero coordinates per projection, as in Pevny (2016)
    assert fitted.n_nonzero_ == 3
    np.testing.assert_array_equal((W != 0).sum(axis=0), 3)
    np.testing.assert_allclose(np.linalg.norm(W, axis=0), 1.0)
    # the coordinates differ between projections (random subsets, not one fixed set)
    assert len({tuple(np.flatnonzero(W[:, j])) for j in range(W.shape[1])}) > 10


@pytest.mark.parametrize("d, expected", [(1, 1), (2, 2), (8, 3), (21, 5), (100, 10)])
def test_nonzeros_are_about_sqrt_d(d, expected):
    X = np.random.default_rng(1).normal(size=(60, d))
    ens = LODA(n_projections=20, random_state=0).fit(X)
    np.testing.assert_array_equal((ens.projections_ != 0).sum(axis=0), expected)


def test_density_integrates_to_one_per_projection(blobs, fitted):
    k = fitted.n_members_
    # exact: sum over the bins of density * width
    mass = np.array([np.exp(fitted.log_density_[j, :fitted.n_bins_[j]]).sum()
                     for j in range(k)]) * fitted.bin_width_
    np.testing.assert_allclose(mass, 1.0, rtol=1e-10)
    # numerically, through the public lookup, on a grid wider than every histogram
    lo, hi = fitted.bin_lo_.min() - 1.0, fitted.bin_hi_.max() + 1.0
    grid = np.linspace(lo, hi, 50_001)
    P = np.repeat(grid[:, None], k, axis=1)
    dens = np.exp(fitted.log_density_projected(P))
    in_range = (P >= fitted.bin_lo_) & (P <= fitted.bin_hi_)
    inside = np.where(in_range, dens, 0.0).sum(axis=0) * (grid[1] - grid[0])
    np.testing.assert_allclose(inside, 1.0, atol=5e-3)
    # unseen places (outside the range) get a finite density below every populated bin
    assert np.all(np.isfinite(fitted.log_density_outside_))
    populated = np.where(fitted.bin_counts_ > 0, fitted.log_density_, np.inf).min(axis=1)
    assert np.all(fitted.log_density_outside_ < populated)


def test_bin_counts_hold_every_training_point(blobs, fitted):
    np.testing.assert_array_equal(fitted.bin_counts_.sum(axis=1), blobs.shape[0])


def test_birge_rozenholc_matches_a_brute_force_search():
    rng = np.random.default_rng(3)
    for n in (40, 300, 1500):
        x = rng.standard_t(3, size=n)
        D = max_histogram_bins(n)
        penalised = []
        for d in range(1, D + 1):
            c, _ = np.histogram(x, bins=d)
            c = c[c > 0]
            penalised.append((c * np.log(c)).sum() + n * np.log(d) - (d - 1 + np.log(d) ** 2.5))
        u = (x - x.min()) / (x.max() - x.min())
        assert _BirgeRozenholc(D).choose(u) == int(np.argmax(penalised)) + 1


@pytest.mark.parametrize("normalize", ["global", None])
def test_uniform_weights_reproduce_the_loda_order(blobs, normalize):
    ens = LODA(n_projections=80, random_state=0, normalize=normalize).fit(blobs)
    uniform = np.asarray(ens.transform(blobs).sum(axis=1)).ravel()
    loda = ens.score_samples(blobs)
    order = np.lexsort((np.arange(len(uniform)), -uniform))
    ref = np.lexsort((np.arange(len(loda)), -loda))
    np.testing.assert_array_equal(order, ref)
    scale = ens.scale_ if normalize else 1.0
    np.testing.assert_allclose(uniform * scale / ens.n_members_, loda, rtol=1e-10)


def test_uniform_weights_in_a_session_start_from_the_loda_ranking(blobs):
    y = np.zeros(blobs.shape[0], dtype=int)
    y[-12:] = 1
    res = discover(blobs, y, budget=12, ensemble=LODA(n_projections=50, random_state=0))
    loda = res.session.ensemble.score_samples(blobs)
    ref = np.lexsort((np.arange(len(loda)), -loda))
    np.testing.assert_array_equal(np.cumsum(y[ref[:12]]), res.baseline)


def test_deterministic_given_a_seed(blobs):
    a = LODA(n_projections=30, random_state=7).fit(blobs)
    b = LODA(n_projections=30, random_state=7).fit(blobs)
    c = LODA(n_projections=30, random_state=8).fit(blobs)
    np.testing.assert_array_equal(a.projections_, b.projections_)
    np.testing.assert_array_equal(a.transform(blobs).toarray(), b.transform(blobs).toarray())
    assert not np.array_equal(a.projections_, c.projections_)


def test_far_away_point_scores_highest(blobs, fitted):
    far = np.full((1, 9), 50.0)
    scores = fitted.score_samples(np.vstack([blobs, far]))
    assert np.argmax(scores) == blobs.shape[0]
    # and the planted cluster ranks above the bulk
    s = fitted.score_samples(blobs)
    assert s[-12:].mean() > np.quantile(s[:-12], 0.95)


def test_fixed_bins_and_constant_features():
    rng = np.random.default_rng(2)
    X = np.column_stack([rng.normal(size=200), np.full(200, 3.0)])
    ens = LODA(n_projections=10, bins=7, n_nonzero=1, random_state=0).fit(X)
    np.testing.assert_array_equal(ens.n_bins_, 7)
    Z = ens.transform(X)
    assert np.all(np.isfinite(Z.data))


@pytest.mark.parametrize("params", [dict(n_projections=0), dict(n_nonzero=20),
                                    dict(bins="sturges"), dict(pseudo_count=0.0),
                                    dict(normalize="l1")])
def test_bad_parameters_raise(blobs, params):
    with pytest.raises(ValueError):
        LODA(random_state=0, **params).fit(blobs)


def test_transform_checks_the_number_of_features(fitted):
    with pytest.raises(ValueError, match="features"):
        fitted.transform(np.zeros((3, 4)))
