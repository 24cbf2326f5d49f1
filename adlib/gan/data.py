"""The data of the GAN chapters: the original's 1-D mixtures, BIC-chosen clusters, digits.

No TensorFlow here. The 1-D mixtures are those of the original
(``dnn/gan_test_support.py``): normal components N(0, 1), N(4, 0.5),
N(6, 0.5), N(10, 0.5) (the second number is the *variance*), 200 points
each; data set ``"2"`` uses the first two components, ``"3"`` three, ``"4"``
all four.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: (mean, variance) of the original's four 1-D components.
COMPONENTS = ((0.0, 1.0), (4.0, 0.5), (6.0, 0.5), (10.0, 0.5))


def mixture(n_modes: int, n_per_mode: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The original's 1-D data set ``str(n_modes)``: ``X`` (n, 1) and the component of each row."""
    if not 1 <= int(n_modes) <= len(COMPONENTS):
        raise ValueError(f"n_modes={n_modes}: the original's mixtures have 1 to "
                         f"{len(COMPONENTS)} components (data sets '2', '3', '4').")
    rng = np.random.default_rng(seed)
    parts = [rng.normal(mu, np.sqrt(var), int(n_per_mode)) for mu, var in COMPONENTS[:n_modes]]
    X = np.concatenate(parts)[:, None]
    y = np.repeat(np.arange(int(n_modes)), int(n_per_mode))
    return X, y


def mode_shares(samples, n_modes: int, width: float = 2.0) -> np.ndarray:
    """Share of 1-D ``samples`` within ``width`` standard deviations of each component's mean.

    One value per component of the first ``n_modes``; a mode the generator
    misses has a share near 0. Samples near no mode count for none (the
    shares need not sum to 1). The windows of N(4, .5) and N(6, .5) at two
    standard deviations (1.41) overlap on [4.59, 5.41], so samples there count
    for both and the shares can sum to more than 1.
    """
    s = np.asarray(samples, dtype=float).ravel()
    out = []
    for mu, var in COMPONENTS[:n_modes]:
        out.append(float(np.mean(np.abs(s - mu) <= width * np.sqrt(var))))
    return np.asarray(out)


@dataclass
class Clusters:
    """A Gaussian mixture chosen by BIC: its labels, class shares and the BIC curve."""

    labels: np.ndarray
    n_clusters: int
    pvals: np.ndarray
    ks: np.ndarray
    bic: np.ndarray
    gmm: object


def bic_clusters(X, min_k: int = 2, max_k: int = 10, seed: int = 0) -> Clusters:
    """Diagonal-covariance Gaussian mixtures with ``min_k..max_k`` components; the lowest BIC wins.

    As in the original (``get_cluster_labels``, ``min_k=2`` in its scripts),
    the class labels of the conditional GAN come from this clustering, so
    training stays unsupervised. Seeded (``random_state``) and single-threaded.
    """
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits

    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n, d); got shape {X.shape}")
    ks = np.arange(int(min_k), int(max_k) + 1)
    bics, models = [], []
    with threadpool_limits(limits=1):
        for k in ks:
            g = GaussianMixture(int(k), covariance_type="diag", random_state=seed).fit(X)
            bics.append(g.bic(X))
            models.append(g)
        best = int(np.argmin(bics))
        gmm = models[best]
        labels = gmm.predict(X)
    pvals = np.bincount(labels, minlength=gmm.n_components) / len(labels)
    return Clusters(labels, int(gmm.n_components), pvals, ks, np.asarray(bics), gmm)


def digits(scale: bool = True):
    """scikit-learn's 8x8 digits (1797 images, shipped with it): ``X`` (n, 64) in [0, 1], ``y``."""
    from sklearn.datasets import load_digits

    d = load_digits()
    X = d.data.astype(float)
    return (X / 16.0 if scale else X), d.target.astype(int)
