"""Unsupervised anomaly detectors behind one scikit-learn-style interface.

Every detector: parameters in ``__init__``; ``fit(X)`` returns ``self``;
``score_samples(X)`` (alias ``score(X)``) returns one score per row, **higher =
more anomalous**; ``fit_score(X)`` scores the training rows themselves (k-NN,
LOF and DBSCAN leave each row out of its own neighbourhood); ``random_state``
wherever something is random. Bad input (NaN, text, wrong shape, scoring
before ``fit``) raises one clear error.

Build them by name::

    from adlib.detectors import make_detector, DETECTOR_NAMES
    det = make_detector("lof", n_neighbors=30).fit(X)
    scores = det.score_samples(X_new)

The autoencoder and the VAE import TensorFlow only when they are fitted.
:mod:`adlib.detectors.benchmark` computes (and caches) the AUC table of every
detector on every benchmark data set.
"""

from .base import Detector
from .classical import (
    CBLOF,
    HBOS,
    LOF,
    BoxplotRule,
    DBSCANDetector,
    GaussianMixtureDetector,
    IsolationForest,
    KernelDensityDetector,
    KMeansDistance,
    KNNDistance,
    LODADetector,
    OneClassSVM,
    PCAReconstruction,
    ZScore,
)
from .deep import Autoencoder, VariationalAutoencoder

#: name -> (class, default parameters). The order is the book's order of presentation.
DETECTORS = {
    "zscore": (ZScore, {}),
    "boxplot": (BoxplotRule, {}),
    "gmm": (GaussianMixtureDetector, {}),
    "kde": (KernelDensityDetector, {}),
    "hbos": (HBOS, {}),
    "knn1": (KNNDistance, {"n_neighbors": 1}),
    "knn": (KNNDistance, {"n_neighbors": 10, "aggregate": "mean"}),
    "lof": (LOF, {}),
    "kmeans": (KMeansDistance, {}),
    "dbscan": (DBSCANDetector, {}),
    "cblof": (CBLOF, {}),
    "iforest": (IsolationForest, {}),
    "ocsvm": (OneClassSVM, {}),
    "pca": (PCAReconstruction, {}),
    "loda": (LODADetector, {}),
    "autoencoder": (Autoencoder, {}),
    "vae": (VariationalAutoencoder, {}),
}

#: Registry names, in the book's order.
DETECTOR_NAMES = tuple(DETECTORS)

#: Readable labels for tables and figures.
DETECTOR_LABELS = {
    "zscore": "3-sigma (z-score)", "boxplot": "boxplot (IQR)", "gmm": "Gaussian mixture",
    "kde": "kernel density", "hbos": "HBOS", "knn1": "1-NN distance",
    "knn": "k-NN mean distance", "lof": "LOF", "kmeans": "k-means distance",
    "dbscan": "DBSCAN noise", "cblof": "CBLOF", "iforest": "Isolation Forest",
    "ocsvm": "one-class SVM", "pca": "PCA reconstruction", "loda": "LODA",
    "autoencoder": "autoencoder", "vae": "variational AE",
}

#: Detectors that need TensorFlow (the optional ``deep`` extra).
DEEP_DETECTORS = ("autoencoder", "vae")


def make_detector(name, **params) -> Detector:
    """An unfitted detector from its registry name; ``params`` override the defaults.

    ``random_state`` is accepted (and ignored) by deterministic detectors, so
    callers can pass a seed to every detector alike.
    """
    if isinstance(name, Detector):
        if params:
            raise ValueError("pass parameters to the detector's constructor, not to make_detector")
        return name
    try:
        cls, defaults = DETECTORS[str(name).lower()]
    except KeyError:
        known = ", ".join(DETECTORS)
        raise ValueError(f"unknown detector {name!r}; choose one of: {known}") from None
    merged = {**defaults, **params}
    accepted = cls._get_param_names()
    if "random_state" in merged and "random_state" not in accepted:
        merged.pop("random_state")
    unknown = sorted(set(merged) - set(accepted))
    if unknown:
        raise ValueError(f"detector {name!r} has no parameter(s) {unknown}; "
                         f"its parameters: {', '.join(accepted)}")
    return cls(**merged)


__all__ = [
    "CBLOF", "DEEP_DETECTORS", "DETECTORS", "DETECTOR_LABELS", "DETECTOR_NAMES", "HBOS", "LOF",
    "Autoencoder", "BoxplotRule", "DBSCANDetector", "Detector", "GaussianMixtureDetector",
    "IsolationForest", "KMeansDistance", "KNNDistance", "KernelDensityDetector", "LODADetector",
    "OneClassSVM", "PCAReconstruction", "VariationalAutoencoder", "ZScore", "make_detector",
]
