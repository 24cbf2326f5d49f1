"""Statistical rules and densities (higher score = more anomalous).

Per-feature rules (z-score, boxplot/IQR) and density estimates (Gaussian
mixture, kernel density, HBOS). scikit-learn does the work wherever it has
the algorithm; these classes only fix the conventions (see
:class:`~adlib.detectors.base.Detector`).
"""

from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KernelDensity

from .base import Detector

# --------------------------------------------------------------------------- statistical rules


class ZScore(Detector):
    """The 3-sigma rule: largest absolute z-score over the features.

    ``score(x) = max_j |x_j - mean_j| / std_j`` (mean and standard deviation
    fitted per feature); the rule flags ``score > threshold`` (3). Assumes each
    feature is roughly Gaussian and anomalies are extreme in at least one
    feature; blind to anomalies that are only unusual in a combination of
    features, and the mean and standard deviation are themselves pulled by
    the anomalies (masking). Higher = more anomalous.
    """

    def __init__(self, threshold=3.0):
        self.threshold = threshold

    def _fit(self, X):
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)

    def _score(self, X):
        return np.abs((X - self.mean_) / self.std_).max(axis=1)

    def flag(self, X) -> np.ndarray:
        """Boolean mask of the rows the rule calls anomalous (``score > threshold``)."""
        return self.score_samples(X) > self.threshold


class BoxplotRule(Detector):
    """Tukey's boxplot (IQR) rule: distance beyond the quartiles in IQR units, max over features.

    ``score(x) = max_j max(Q1_j - x_j, x_j - Q3_j) / IQR_j``; the boxplot rule
    flags ``score > whisker`` (1.5). Robust to the anomalies (quartiles barely
    move), but per feature like the z-score: blind to anomalies inside every
    feature's range. A feature with zero IQR uses its standard deviation
    instead (and 1 if that is zero too). Higher = more anomalous.
    """

    def __init__(self, whisker=1.5):
        self.whisker = whisker

    def _fit(self, X):
        self.q1_, self.q3_ = np.percentile(X, [25, 75], axis=0)
        iqr = self.q3_ - self.q1_
        std = X.std(axis=0)
        self.iqr_ = np.where(iqr > 0, iqr, np.where(std > 0, std, 1.0))

    def _score(self, X):
        beyond = np.maximum(self.q1_ - X, X - self.q3_)
        return (beyond / self.iqr_).max(axis=1)

    def flag(self, X) -> np.ndarray:
        """Boolean mask of the rows outside the whiskers (``score > whisker``)."""
        return self.score_samples(X) > self.whisker


# --------------------------------------------------------------------------- densities


class GaussianMixtureDetector(Detector):
    """Negative log-likelihood under a Gaussian mixture; components chosen by BIC.

    Fits ``GaussianMixture`` (full covariances) with 1 .. ``max_components``
    components and keeps the one with the lowest BIC; ``score = -log p(x)``.
    Assumes the nominal data is a few elliptical blobs; a cluster of anomalies
    large enough gets a component of its own and is then "normal". Higher =
    more anomalous. ``max_train`` fits on a seeded subsample of large data.
    """

    randomized = True

    def __init__(self, max_components=6, covariance_type="full", standardize=True,
                 max_train=None, random_state=None):
        self.max_components = max_components
        self.covariance_type = covariance_type
        self.standardize = standardize
        self.max_train = max_train
        self.random_state = random_state

    def _fit(self, X):
        X = self._subsample(X, self.max_train)
        best, self.bic_ = None, {}
        for k in range(1, min(int(self.max_components), X.shape[0]) + 1):
            gm = GaussianMixture(k, covariance_type=self.covariance_type, reg_covar=1e-6,
                                 random_state=self.random_state).fit(X)
            self.bic_[k] = float(gm.bic(X))
            if best is None or self.bic_[k] < self.bic_[best.n_components]:
                best = gm
        self.mixture_ = best
        self.n_components_ = best.n_components

    def _score(self, X):
        return -self.mixture_.score_samples(X)


class KernelDensityDetector(Detector):
    """Negative log kernel density (Gaussian kernel, Scott's bandwidth on standardised data).

    Assumes anomalies lie where the data is sparse; with one global bandwidth
    it over-smooths dense clusters and under-smooths sparse ones (local density
    differences are lost). ``max_train`` fits on a seeded subsample (speed on
    large data). Higher = more anomalous.
    """

    def __init__(self, bandwidth="scott", standardize=True, max_train=None, random_state=None):
        self.bandwidth = bandwidth
        self.standardize = standardize
        self.max_train = max_train
        self.random_state = random_state

    def _fit(self, X):
        self.kde_ = KernelDensity(bandwidth=self.bandwidth).fit(self._subsample(X, self.max_train))

    def _score(self, X):
        return -self.kde_.score_samples(X)


class HBOS(Detector):
    """Histogram-based outlier score (Goldstein & Dengel 2012).

    One equal-width histogram per feature, its heights normalised so the
    tallest bin is 1; the score is the log of the product of inverse heights,

    .. math::  \\mathrm{HBOS}(x) = \\sum_j \\log \\frac{1}{h_j(x_j)},

    computed for all rows and features at once (one bin lookup per feature,
    no loop over rows). An empty bin, or a value outside the fitted range, has
    height ``alpha / (max count + alpha)`` (every count gets the pseudo-count
    ``alpha``). ``n_bins="auto"`` uses ``round(sqrt(n))`` bins (at most 100).
    Assumes the features are independent: fast and strong on global outliers,
    blind to anomalies that are only unusual in a combination of features.
    Higher = more anomalous.
    """

    def __init__(self, n_bins="auto", alpha=0.5):
        self.n_bins = n_bins
        self.alpha = alpha

    def _fit(self, X):
        n, d = X.shape
        if isinstance(self.n_bins, str):
            if self.n_bins != "auto":
                raise ValueError(f"n_bins={self.n_bins!r}: use 'auto' or a positive integer")
            nb = int(min(100, max(1, round(np.sqrt(n)))))
        else:
            nb = int(self.n_bins)
            if nb < 1:
                raise ValueError(f"n_bins={self.n_bins!r} must be a positive integer")
        if not self.alpha > 0:
            raise ValueError(f"alpha={self.alpha!r} must be positive (the empty-bin pseudo-count)")
        lo, hi = X.min(axis=0), X.max(axis=0)
        width = (hi - lo) / nb
        width = np.where(width > 0, width, 1.0)  # a constant feature: one populated bin
        idx = self._bin(X, lo, width, nb)
        counts = np.zeros((d, nb))
        np.add.at(counts, (np.broadcast_to(np.arange(d), idx.shape), idx), 1.0)
        a = float(self.alpha)
        top = counts.max(axis=1, keepdims=True) + a
        self.bin_lo_, self.bin_width_, self.n_bins_ = lo, width, nb
        self.bin_hi_ = lo + nb * width
        self.counts_ = counts
        self.log_height_ = np.log(counts + a) - np.log(top)
        self.log_height_outside_ = np.log(a) - np.log(top[:, 0])

    @staticmethod
    def _bin(X, lo, width, nb):
        return np.clip(np.floor((X - lo) / width), 0, nb - 1).astype(np.int64)

    def _score(self, X):
        idx = self._bin(X, self.bin_lo_, self.bin_width_, self.n_bins_)
        logh = np.take_along_axis(self.log_height_, idx.T, axis=1).T        # (n, d)
        outside = (X < self.bin_lo_) | (X > self.bin_hi_)
        logh = np.where(outside, self.log_height_outside_, logh)
        return -logh.sum(axis=1)
