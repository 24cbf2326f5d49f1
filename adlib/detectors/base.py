"""The common interface of the unsupervised detectors."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from .._validation import check_features


class Detector(BaseEstimator):
    """Base class: ``fit(X)`` returns ``self``, ``score_samples(X)``: higher = more anomalous.

    Subclasses implement ``_fit(X)`` and ``_score(X)`` on validated (and, when
    ``standardize`` is set, standardised) arrays. The base class checks the
    input (2-D, numeric, finite, the fitted number of features), refuses to
    score before ``fit``, and offers:

    * ``score_samples(X)``: scores of new points (the detector is fixed);
    * ``score(X)``: the same as ``score_samples`` (per-sample scores, *not*
      scikit-learn's scalar model score);
    * ``fit_score(X)``: fit on ``X`` and score the *same* points. For most
      detectors this is ``fit(X).score_samples(X)``; neighbour-based ones
      (k-NN, LOF, DBSCAN) leave each training point out of its own
      neighbourhood, which is what "unsupervised detection on a data set" means.

    Threads: fitting and scoring run with one BLAS/OpenMP thread
    (``threadpoolctl``). On small data, k-means and Gaussian mixtures were up
    to 100 times slower with a thread pool on a busy two-core machine than
    without; parallelise across detectors or data sets instead (the benchmark
    runs joblib processes).

    Class attributes: ``randomized`` says whether ``random_state`` changes the
    result (benchmarks average such detectors over seeds); ``standardize``
    (a parameter of the detectors that use distances) rescales every feature
    to zero mean and unit variance, fitted on the training data.
    """

    randomized = False

    # -- public API -------------------------------------------------------------
    def fit(self, X, y=None):
        """Fit on ``X`` (``y`` is ignored: the detectors are unsupervised). Returns ``self``."""
        with threadpool_limits(limits=1):
            self._fit_checked(check_features(X, "X"))
        return self

    def score_samples(self, X) -> np.ndarray:
        """Anomaly score of every row of ``X``: higher = more anomalous."""
        X = self._checked(X)
        with threadpool_limits(limits=1):
            return np.asarray(self._score(X), dtype=np.float64)

    def score(self, X, y=None) -> np.ndarray:
        """Per-sample anomaly scores (same as :meth:`score_samples`; higher = more anomalous)."""
        return self.score_samples(X)

    def fit_score(self, X) -> np.ndarray:
        """Fit on ``X`` and return the scores of the training points themselves."""
        with threadpool_limits(limits=1):
            prepared = self._fit_checked(check_features(X, "X"))
            return np.asarray(self._score_train(prepared), dtype=np.float64)

    # -- helpers for subclasses ---------------------------------------------------
    def _fit_checked(self, X):
        """Fit on validated ``X``; returns ``X`` as the detector sees it (standardised or not)."""
        self.n_features_in_ = X.shape[1]
        self.n_train_ = X.shape[0]
        prepared = self._prepare(X, fit=True)
        self._fit(prepared)
        self.fitted_ = True
        return prepared

    def _check_fitted(self):
        if not getattr(self, "fitted_", False):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call fit(X) "
                                 "before scoring (or use fit_score(X)).")

    def _checked(self, X):
        """New points as the fitted detector sees them: fitted?, validated, standardised."""
        self._check_fitted()
        return self._prepare(check_features(X, "X", n_features=self.n_features_in_))

    def _prepare(self, X, fit=False):
        if not getattr(self, "standardize", False):
            return X
        if fit:
            self.scaler_ = StandardScaler().fit(X)
        return self.scaler_.transform(X)

    def _subsample(self, X, max_rows):
        """At most ``max_rows`` rows of ``X``, drawn without replacement (seeded)."""
        if max_rows is None or X.shape[0] <= max_rows:
            return X
        rng = check_random_state(self.random_state)
        return X[np.sort(rng.choice(X.shape[0], size=int(max_rows), replace=False))]

    def _score_train(self, X):
        return self._score(X)

    def _fit(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def _score(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def is_randomized(self, n_samples: int | None = None) -> bool:
        """Whether ``random_state`` changes the scores (on data with ``n_samples`` rows)."""
        cap = getattr(self, "max_train", None)
        if cap is not None and (n_samples is None or n_samples > cap):
            return True
        return self.randomized
