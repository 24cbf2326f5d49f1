"""Neighbour-based detectors: k-NN distance and LOF (higher score = more anomalous).

Both leave each training point out of its own neighbourhood in ``fit_score``
(see :class:`~adlib.detectors.base.Detector`).
"""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors

from .base import Detector


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
