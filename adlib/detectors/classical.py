"""Classical unsupervised detectors behind one interface (higher score = more anomalous).

Statistical rules (z-score, boxplot), densities (Gaussian mixture, kernel
density, HBOS), neighbours (k-NN distance, LOF), clusters (k-means distance,
DBSCAN, CBLOF), and the isolation / boundary / subspace / projection detectors
(Isolation Forest, one-class SVM, PCA reconstruction error, LODA). scikit-learn
does the work wherever it has the algorithm; this module only fixes the
conventions (see :class:`~adlib.detectors.base.Detector`).
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import DBSCAN as _SkDBSCAN
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest as _SkIsolationForest
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KernelDensity, LocalOutlierFactor, NearestNeighbors
from sklearn.svm import OneClassSVM as _SkOneClassSVM

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


# --------------------------------------------------------------------------- neighbours


class KNNDistance(Detector):
    """Distance to the k nearest neighbours (standardised features).

    ``aggregate="mean"``: the mean distance to the ``n_neighbors`` nearest
    (Angiulli & Pizzuti); ``"max"``: the distance to the k-th (Ramaswamy et
    al.); ``n_neighbors=1`` is the 1-NN distance. :meth:`fit_score` leaves each
    point out of its own neighbours. A global detector: a sparse nominal
    cluster scores like a far-away anomaly (no local density correction), and
    a tight cluster of more than k anomalies looks normal. Higher = more
    anomalous.
    """

    def __init__(self, n_neighbors=10, aggregate="mean", standardize=True):
        self.n_neighbors = n_neighbors
        self.aggregate = aggregate
        self.standardize = standardize

    def _fit(self, X):
        if self.aggregate not in ("mean", "max"):
            raise ValueError(f"aggregate={self.aggregate!r}: use 'mean' or 'max'")
        self.k_ = int(min(self.n_neighbors, X.shape[0] - 1)) or 1
        self.nn_ = NearestNeighbors(n_neighbors=self.k_).fit(X)

    def _agg(self, dist):
        return dist.mean(axis=1) if self.aggregate == "mean" else dist[:, -1]

    def _score(self, X):
        return self._agg(self.nn_.kneighbors(X, n_neighbors=self.k_)[0])

    def _score_train(self, X):
        if X.shape[0] < 2:
            return np.zeros(X.shape[0])
        return self._agg(self.nn_.kneighbors(None, n_neighbors=self.k_)[0])


class LOF(Detector):
    """Local outlier factor (Breunig et al. 2000), scikit-learn's ``LocalOutlierFactor``.

    The local reachability density of a point relative to that of its
    ``n_neighbors`` neighbours: about 1 inside a cluster of any density, larger
    for a point sparser than its neighbourhood. **Two modes**:
    :meth:`fit_score` scores the training points themselves (each left out of
    its own neighbourhood; scikit-learn's ``negative_outlier_factor_``), and
    :meth:`score_samples` scores *new* points against the fitted data
    (scikit-learn's ``novelty=True``). Catches local outliers next to dense
    clusters; a cluster of more than ``n_neighbors`` anomalies is its own
    neighbourhood and looks normal. Higher = more anomalous (the LOF itself).
    """

    def __init__(self, n_neighbors=20, standardize=True):
        self.n_neighbors = n_neighbors
        self.standardize = standardize

    def _fit(self, X):
        k = int(min(self.n_neighbors, X.shape[0] - 1)) or 1
        self.lof_ = LocalOutlierFactor(n_neighbors=k, novelty=True).fit(X)

    def _score(self, X):
        return -self.lof_.score_samples(X)

    def _score_train(self, X):
        return -self.lof_.negative_outlier_factor_


# --------------------------------------------------------------------------- clusters


def _kmeans(X, n_clusters, random_state):
    k = int(min(n_clusters, X.shape[0]))
    return KMeans(n_clusters=k, n_init=3, random_state=random_state).fit(X)


class KMeansDistance(Detector):
    """Distance to the nearest k-means centre (standardised features).

    Assumes the nominal data forms ``n_clusters`` compact round clusters; a
    small anomaly cluster may capture a centre of its own and look normal, and
    an elongated nominal cluster has high scores at its ends. Higher = more
    anomalous.
    """

    randomized = True

    def __init__(self, n_clusters=8, standardize=True, random_state=None):
        self.n_clusters = n_clusters
        self.standardize = standardize
        self.random_state = random_state

    def _fit(self, X):
        self.kmeans_ = _kmeans(X, self.n_clusters, self.random_state)

    def _score(self, X):
        return self.kmeans_.transform(X).min(axis=1)


class DBSCANDetector(Detector):
    """DBSCAN noise, as a graded score: distance to the nearest core point, in units of ``eps``.

    DBSCAN (Ester et al. 1996) calls a point a core point when ``min_samples``
    points lie within ``eps`` of it; points within ``eps`` of a core point are
    in a cluster, the others are *noise*. Here ``score = d(x, nearest core
    point) / eps``: noise is exactly ``score > 1``, and the distance ranks the
    noise points (a plain noise flag ties all of them); :meth:`fit_score` gives
    a core point its distance to the nearest *other* core point, so the
    training scores are graded too (the non-core training points are noise
    exactly when their score is above 1). ``eps=None`` sets it
    to the ``eps_quantile`` quantile (default 0.9) of every point's distance to
    its ``min_samples``-th neighbour (so about 90 % of the points are core
    points). Assumes clusters of similar density; anomaly clusters of more
    than ``min_samples`` points become clusters. Higher = more anomalous.
    """

    def __init__(self, eps=None, min_samples=10, eps_quantile=0.9, standardize=True):
        self.eps = eps
        self.min_samples = min_samples
        self.eps_quantile = eps_quantile
        self.standardize = standardize

    def _fit(self, X):
        m = int(min(self.min_samples, X.shape[0]))
        if self.eps is None:
            if X.shape[0] > 1:
                kth = NearestNeighbors(n_neighbors=max(1, m - 1)).fit(X).kneighbors(None)[0][:, -1]
            else:
                kth = np.ones(1)
            eps = float(np.quantile(kth, self.eps_quantile))
            eps = eps if eps > 0 else 1e-12
        else:
            eps = float(self.eps)
        db = _SkDBSCAN(eps=eps, min_samples=m).fit(X)
        self.eps_ = eps
        self.labels_ = db.labels_
        self.core_sample_indices_ = db.core_sample_indices_
        core = X[db.core_sample_indices_] if db.core_sample_indices_.size else X.mean(axis=0,
                                                                                      keepdims=True)
        self.core_ = NearestNeighbors(n_neighbors=1).fit(core)

    def _score(self, X):
        return self.core_.kneighbors(X)[0][:, 0] / self.eps_

    def _score_train(self, X):
        # a core point's distance to the nearest *other* core point (not 0): a graded score
        score = self._score(X)
        idx = self.core_sample_indices_
        if idx.size > 1:
            score[idx] = self.core_.kneighbors(X[idx], n_neighbors=2)[0][:, 1] / self.eps_
        return score


class CBLOF(Detector):
    """Cluster-based local outlier factor (He, Xu & Deng 2003) on k-means clusters.

    Clusters sorted by size are split into *large* and *small*: the large ones
    are the first ``b`` where either the ``b`` largest hold ``alpha`` (90 %) of
    the data or the next cluster is ``beta`` (5) times smaller. A point in a
    large cluster scores its distance to that cluster's centre, a point in a
    small cluster its distance to the nearest large centre, so a small cluster
    of anomalies is scored as far from the bulk. ``use_weights=True``
    multiplies by the cluster's size, as in the paper (PyOD's default is
    without). Higher = more anomalous.
    """

    randomized = True

    def __init__(self, n_clusters=8, alpha=0.9, beta=5.0, use_weights=False, standardize=True,
                 random_state=None):
        self.n_clusters = n_clusters
        self.alpha = alpha
        self.beta = beta
        self.use_weights = use_weights
        self.standardize = standardize
        self.random_state = random_state

    def _fit(self, X):
        km = _kmeans(X, self.n_clusters, self.random_state)
        sizes = np.bincount(km.labels_, minlength=km.n_clusters)
        order = np.argsort(-sizes, kind="stable")
        s = sizes[order]
        cum = np.cumsum(s)
        b = len(s)
        for i in range(len(s)):
            if cum[i] >= self.alpha * X.shape[0] or (i + 1 < len(s) and s[i] >= self.beta * s[i + 1]):
                b = i + 1
                break
        large = np.zeros(km.n_clusters, dtype=bool)
        large[order[:b]] = True
        self.kmeans_, self.sizes_, self.large_ = km, sizes, large

    def _score(self, X):
        dist = self.kmeans_.transform(X)
        lab = dist.argmin(axis=1)
        own = dist[np.arange(X.shape[0]), lab]
        to_large = dist[:, self.large_].min(axis=1)
        score = np.where(self.large_[lab], own, to_large)
        return score * self.sizes_[lab] if self.use_weights else score


# --------------------------------------------------------------------------- isolation, boundary, subspace, projections


class IsolationForest(Detector):
    """Isolation Forest (Liu et al. 2008): scikit-learn's, score ``2 ** (-E[h(x)] / c(psi))``.

    Random axis-parallel splits isolate points that are few and different in
    few splits. Strong on scattered global outliers; a dense cluster of
    anomalies needs as many splits as nominal data of the same size (masking),
    and splits along axes leave "ghost" regions of low score in the empty
    space between clusters. Higher = more anomalous.
    """

    randomized = True

    def __init__(self, n_estimators=100, max_samples="auto", random_state=None):
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.random_state = random_state

    def _fit(self, X):
        self.forest_ = _SkIsolationForest(n_estimators=self.n_estimators,
                                          max_samples=self.max_samples,
                                          random_state=self.random_state).fit(X)

    def _score(self, X):
        return -self.forest_.score_samples(X)


class OneClassSVM(Detector):
    """One-class SVM (Schoelkopf et al. 2001), RBF kernel, on standardised features.

    Encloses the data in a smooth boundary in the kernel's feature space, with
    at most a fraction ``nu`` of the points outside; the score is minus the
    decision function (distance outside the boundary). Sensitive to ``gamma``
    and ``nu``; the fit is quadratic in the number of rows, so ``max_train``
    fits on a seeded subsample of large data. Default ``nu=0.5`` (measured):
    with ``nu=0.1`` the decision function is nearly flat inside the boundary,
    so it ranks the points there poorly (AUC 0.55 on toy2, against 0.93 with
    0.5; 0.91 vs 0.92 on abalone). Higher = more anomalous.
    """

    def __init__(self, nu=0.5, gamma="scale", standardize=True, max_train=None,
                 random_state=None):
        self.nu = nu
        self.gamma = gamma
        self.standardize = standardize
        self.max_train = max_train
        self.random_state = random_state

    def _fit(self, X):
        self.svm_ = _SkOneClassSVM(nu=self.nu, gamma=self.gamma).fit(
            self._subsample(X, self.max_train))

    def _score(self, X):
        return -self.svm_.decision_function(X)


class PCAReconstruction(Detector):
    """Squared reconstruction error from the leading principal components (standardised).

    Keeps the components explaining ``n_components`` of the variance (a
    fraction), or that many components (an integer), but always at most
    ``d - 1`` so that a residual subspace remains; the score is the squared
    distance to the principal subspace. Assumes nominal data lies near a
    linear subspace; anomalies *inside* the subspace (extreme along a leading
    direction) are missed. Higher = more anomalous.
    """

    def __init__(self, n_components=0.9, standardize=True):
        self.n_components = n_components
        self.standardize = standardize

    def _fit(self, X):
        d = X.shape[1]
        full = PCA().fit(X)
        if isinstance(self.n_components, float) and 0 < self.n_components < 1:
            k = int(np.searchsorted(np.cumsum(full.explained_variance_ratio_),
                                    self.n_components) + 1)
        else:
            k = int(self.n_components)
        self.n_components_ = max(0, min(k, d - 1, full.components_.shape[0]))
        self.mean_ = full.mean_
        self.components_ = full.components_[: self.n_components_]

    def _score(self, X):
        Z = X - self.mean_
        proj = Z @ self.components_.T @ self.components_
        return ((Z - proj) ** 2).sum(axis=1)


class LODADetector(Detector):
    """LODA (Pevny 2016): the book's AAD ensemble (:class:`adlib.ensembles.LODA`) with uniform weights.

    Mean over sparse random projections of ``-log`` a 1-D histogram density.
    An ensemble of weak 1-D density estimators: fast, handles many features;
    misses anomalies visible only in a combination of features that few
    projections see. Higher = more anomalous.
    """

    randomized = True

    def __init__(self, n_projections=300, random_state=None):
        self.n_projections = n_projections
        self.random_state = random_state

    def _fit(self, X):
        from ..ensembles import make_ensemble

        self.loda_ = make_ensemble("loda", n_projections=self.n_projections,
                                   random_state=self.random_state).fit(X)

    def _score(self, X):
        return self.loda_.score_samples(X)
