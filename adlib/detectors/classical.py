"""Classical unsupervised detectors behind one interface (higher score = more anomalous).

Statistical rules (z-score, boxplot), densities (Gaussian mixture, kernel
density, HBOS), neighbours (k-NN distance, LOF), clusters (k-means distance,
DBSCAN, CBLOF), and the isolation / boundary / subspace / projection detectors
(Isolation Forest, one-class SVM, PCA reconstruction error, LODA). scikit-learn
does the work wherever it has the algorithm; these modules only fix the
conventions (see :class:`~adlib.detectors.base.Detector`).

This module gathers them; each family lives in its own module:
:mod:`~adlib.detectors.statistical` (z-score, boxplot, Gaussian mixture,
kernel density, HBOS), :mod:`~adlib.detectors.neighbours` (k-NN, LOF),
:mod:`~adlib.detectors.clustering` (k-means, DBSCAN, CBLOF) and
:mod:`~adlib.detectors.isolation` (Isolation Forest, one-class SVM, PCA, LODA).
"""

from .clustering import (
    CBLOF,
    DBSCANDetector,
    KMeansDistance,
    _kmeans,  # noqa: F401  (importable here as before the split)
)
from .isolation import IsolationForest, LODADetector, OneClassSVM, PCAReconstruction
from .neighbours import LOF, KNNDistance
from .statistical import HBOS, BoxplotRule, GaussianMixtureDetector, KernelDensityDetector, ZScore

__all__ = [
    "CBLOF", "HBOS", "LOF", "BoxplotRule", "DBSCANDetector", "GaussianMixtureDetector",
    "IsolationForest", "KMeansDistance", "KNNDistance", "KernelDensityDetector", "LODADetector",
    "OneClassSVM", "PCAReconstruction", "ZScore",
]
