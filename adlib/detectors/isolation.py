"""Isolation, boundary, subspace and projection detectors (higher = more anomalous).

Isolation Forest, one-class SVM, PCA reconstruction error and LODA (the
book's AAD ensemble with uniform weights). scikit-learn does the work
wherever it has the algorithm (see :class:`~adlib.detectors.base.Detector`).
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest as _SkIsolationForest
from sklearn.svm import OneClassSVM as _SkOneClassSVM

from .base import Detector


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
