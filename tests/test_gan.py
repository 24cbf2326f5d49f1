"""GANs without mode collapse and AnoGAN (adlib.gan).

Tests that train a network are marked ``deep`` (TensorFlow, the deep extra);
the whole file runs in well under two minutes on two cores.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from adlib.gan.data import COMPONENTS, bic_clusters, digits, mixture, mode_shares


# -- no TensorFlow needed ----------------------------------------------------------------
def test_import_does_not_load_tensorflow():
    code = ("import sys, adlib.gan, adlib.gan.data, adlib.gan.report; "
            "from adlib.gan import GAN, AnoGANDetector; print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_mixtures_are_the_originals():
    X, y = mixture(4, seed=1)
    assert X.shape == (800, 1) and np.bincount(y).tolist() == [200] * 4
    for k, (mu, var) in enumerate(COMPONENTS):
        assert abs(X[y == k, 0].mean() - mu) < 0.15
        assert abs(X[y == k, 0].var() - var) < 0.2 * var + 0.05   # the second number is a variance
    with pytest.raises(ValueError, match="1 to 4 components"):
        mixture(5)


def test_mode_shares_see_a_missing_mode():
    X, _ = mixture(3, seed=0)
    assert np.all(mode_shares(X, 3) > 0.28)
    only_first = X[X[:, 0] < 2]
    s = mode_shares(only_first, 3)
    assert s[0] > 0.9 and s[1] < 0.05 and s[2] == 0.0


def test_bic_chooses_the_number_of_components():
    for k in (2, 4):
        X, _ = mixture(k, seed=0)
        c = bic_clusters(X, seed=0)
        assert c.n_clusters == k
        assert len(c.bic) == 9 and c.ks[0] == 2
        np.testing.assert_allclose(c.pvals.sum(), 1.0)


def test_digits_are_scaled_images():
    X, y = digits()
    assert X.shape == (1797, 64) and X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))


# -- training (TensorFlow) -----------------------------------------------------------------
@pytest.fixture(scope="module")
def toy_gan():
    from adlib.datasets import load_dataset
    from adlib.gan import GAN

    X = load_dataset("toy2").X
    return GAN("simple", epochs=150, seed=3).fit(X), X


@pytest.mark.deep
def test_conditional_gan_covers_both_modes():
    from adlib.gan import GAN

    X, _ = mixture(2, seed=0)
    g = GAN("conditional", epochs=300, seed=0).fit(X)
    assert g.n_codes_ == 2                       # BIC found the two components
    shares = mode_shares(g.sample(2000, seed=1), 2)
    assert np.all(shares > 0.2), shares          # generated mass near both modes


@pytest.mark.deep
def test_infogan_generator_reads_its_code():
    from adlib.gan import GAN

    X, _ = mixture(2, seed=0)
    g = GAN("infogan", epochs=60, seed=0).fit(X)
    z = np.random.default_rng(0).random((200, g.latent_dim))
    a = g.generate(z, np.eye(2)[np.zeros(200, int)])
    b = g.generate(z, np.eye(2)[np.ones(200, int)])
    assert np.abs(a - b).mean() > 1e-3          # the code changes G(z, c): the original's bug is fixed
    assert np.isfinite(g.history_["q_loss"]).all() and g.history_["q_loss"][-1] > 0


@pytest.mark.deep
def test_same_seed_same_samples_and_scores(toy_gan):
    from adlib.gan import GAN
    from adlib.gan.anogan import latent_search

    g, X = toy_gan
    g2 = GAN("simple", epochs=150, seed=3).fit(X)
    np.testing.assert_array_equal(g.sample(50, seed=2), g2.sample(50, seed=2))
    s1 = latent_search(g, X[:30], steps=40, seed=5).score
    s2 = latent_search(g2, X[:30], steps=40, seed=5).score
    np.testing.assert_array_equal(s1, s2)
    g3 = GAN("simple", epochs=150, seed=4).fit(X)
    assert not np.array_equal(g.sample(50, seed=2), g3.sample(50, seed=2))


@pytest.mark.deep
@pytest.mark.parametrize("variant", ["paper", "original"])
def test_search_lowers_the_loss_and_batched_equals_pointwise(toy_gan, variant):
    from adlib.gan.anogan import latent_search, latent_search_pointwise

    g, X = toy_gan
    Q = X[::60]
    batched = latent_search(g, Q, variant=variant, steps=60, restarts=3, seed=1)
    assert np.all(batched.final_loss <= batched.start_loss + 1e-6)
    assert batched.final_loss.mean() < 0.8 * batched.start_loss.mean()
    one = latent_search_pointwise(g, Q, variant=variant, steps=60, restarts=3, seed=1)
    np.testing.assert_allclose(one.score, batched.score, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(one.z, batched.z, atol=1e-4)
    lam = 0.1 if variant == "paper" else 0.5
    np.testing.assert_allclose(batched.score, (1 - lam) * batched.residual_loss
                               + lam * batched.discrimination_loss, rtol=1e-5)
    np.testing.assert_allclose(batched.residual.sum(axis=1), batched.residual_loss, rtol=1e-4)


@pytest.mark.deep
def test_far_points_score_higher_than_points_inside(toy_gan):
    from adlib.gan.anogan import latent_search

    g, X = toy_gan
    centre = np.median(X, axis=0)
    inside = X[np.argsort(np.linalg.norm(X - centre, axis=1))[:20]]
    far = centre + np.array([[15.0, 0], [-15, 0], [0, 15], [0, -15], [12, 12], [-12, -12]])
    s = latent_search(g, np.vstack([inside, far]), steps=100).score
    assert s[20:].min() > s[:20].max()


@pytest.mark.deep
def test_detector_wrapper_and_errors(toy_gan):
    from adlib.gan import AnoGANDetector
    from adlib.gan.anogan import latent_search

    g, X = toy_gan
    with pytest.raises(RuntimeError, match="not fitted"):
        AnoGANDetector().score_samples(X)
    with pytest.raises(ValueError, match="variant"):
        latent_search(g, X[:2], variant="nope")
    with pytest.raises(ValueError, match=r"must be \(n, 2\)"):
        latent_search(g, X[:2, :1])
    det = AnoGANDetector(epochs=20, steps=20, standardize=True, random_state=0).fit(X[:100])
    s = det.score_samples(X[:10])
    assert s.shape == (10,) and np.isfinite(s).all()
    assert det.score_terms(X[:10]).residual.shape == (10, 2)
