"""Cluster-based detectors: k-means distance, DBSCAN noise, CBLOF (higher = more anomalous).

scikit-learn clusters; these classes turn the clustering into a graded score
(see :class:`~adlib.detectors.base.Detector`).
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import DBSCAN as _SkDBSCAN
from sklearn.cluster import KMeans
from sklearn.neighbors import NearestNeighbors

from .base import Detector


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
