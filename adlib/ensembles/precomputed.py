"""AAD on precomputed scores: the ensemble members are detectors someone already ran.

The AAD weight model only needs, for every instance, one value per ensemble
member. Those values can come from anywhere: a CSV of scores exported from
another tool, or the scores of several scikit-learn / PyOD detectors. The
original code calls this ``AadPrecomputed`` (Das et al.; ``precomputed_aad.py``):
it reads an ``(n x M)`` score file and uses its columns as the members.

Here :class:`PrecomputedScores` is a :class:`RegionEnsemble` whose "input" is
the score matrix itself: ``fit(S)`` / ``transform(S)`` take the ``(n, M)``
matrix, each column oriented so that higher = more anomalous. Detectors'
scores live on different scales (a LOF ratio near 1, an Isolation Forest score
in (0, 1), an SVM margin), so by default every column is standardised with the
mean and standard deviation fitted on the data; uniform weights then rank by
the mean z-score, which is what ``score_samples`` returns. ::

    S, names = detector_scores(X)                       # LOF, IForest, OC-SVM, LODA
    result = discover(S, y, budget=100, ensemble=PrecomputedScores())
    dict(zip(names, result.session.model.w_))          # the learned weight of each detector

:func:`load_scores_csv` reads a score file with a label column.

A handful of dense members is a different regime from a forest's thousands of
local regions: every label moves every weight, and the AAD optimiser's
defaults (tuned for tree regions: learning rate 0.01, 30 RMSProp steps) can
swing a 4-member weight vector far enough after a few nominal labels to turn a
good detector's weight negative. With ``detector_scores`` (4 detectors), a
10x smaller step (``learning_rate=0.001``) or a 10x stronger prior
(``prior_sigma2=0.05``) was more stable on the benchmarks (DESIGN.md has the
numbers), so this ensemble asks sessions for the smaller step by default
(``aad_defaults``; a ``learning_rate=`` given to ``discover`` still wins).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from .._validation import check_features
from ..datasets import Dataset, load_csv
from .base import RegionEnsemble, fixed_width_csr
from .loda import LODA

DETECTORS = ("lof", "iforest", "ocsvm", "loda")


def check_scores(S, name="S", n_columns=None) -> np.ndarray:
    """Return a score matrix as a finite 2-D float64 array, or raise a ValueError naming the fix."""
    try:
        arr = np.asarray(S, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"the score matrix {name} must be numeric: one column of scores per "
                         f"detector; drop label or text columns first ({err})") from None
    if arr.ndim == 1:
        raise ValueError(f"the score matrix {name} must be 2-D (n_instances, n_detectors); "
                         "for one detector's scores use s.reshape(-1, 1)")
    if arr.ndim != 2:
        raise ValueError(f"the score matrix {name} must be 2-D (n_instances, n_detectors), got "
                         f"shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"the score matrix {name} has no rows: give one row of scores per "
                         "instance")
    if arr.shape[1] == 0:
        raise ValueError(f"the score matrix {name} has 0 columns: give at least one detector's "
                         "scores (e.g. S, names = detector_scores(X))")
    finite = np.isfinite(arr)
    if not finite.all():
        cols = np.flatnonzero(~finite.all(axis=0)).tolist()
        rows = np.flatnonzero(~finite.all(axis=1))
        raise ValueError(
            f"the score matrix {name} has NaN or inf in columns {cols} ({rows.size} rows, e.g. "
            f"{rows[:5].tolist()}): a detector failed on those rows. Recompute those scores, "
            "or fill them (e.g. with the column's median) before fitting")
    if n_columns is not None and arr.shape[1] != n_columns:
        raise ValueError(
            f"the score matrix {name} has {arr.shape[1]} columns but the model was fitted on "
            f"{n_columns} detectors: pass the same detectors' scores in the same column order")
    return np.ascontiguousarray(arr)


class PrecomputedScores(RegionEnsemble):
    """Columns of a precomputed score matrix as the AAD ensemble members.

    Parameters
    ----------
    standardize : bool, default True
        Centre every column and divide it by its standard deviation (both
        fitted on the data), so detectors on different scales start with equal
        say. A constant column is only centred.
    normalize : {"global", "unit", None}, default "global"
        Row normalisation, see :class:`RegionEnsemble`. "global" keeps the
        ranking of the mean (standardised) score; "unit" scales every row to
        unit length, which for centred scores changes the ranking a lot (a row
        of near-zero scores becomes as long as any other).
    random_state : ignored
        Accepted so that sessions can pass their seed to every ensemble.

    ``fit(S)`` and ``transform(S)`` take the score matrix ``S`` (n, M), each
    column higher = more anomalous. ``score_samples(S)`` is the mean of the
    (standardised) columns: higher means more anomalous. A pandas DataFrame's
    column names are kept in ``feature_names_in_``.
    """

    aad_defaults = {"learning_rate": 1e-3}

    def __init__(self, standardize=True, normalize="global", random_state=None):
        self.standardize = standardize
        self.normalize = normalize
        self.random_state = random_state

    def fit(self, S, y=None):
        """Fit the column scaling on the score matrix ``S`` (``y`` is only checked for length)."""
        names = getattr(S, "columns", None)
        S = check_scores(S, "S")
        if y is not None and np.shape(y)[0] != S.shape[0]:
            raise ValueError(f"y has {np.shape(y)[0]} labels but the score matrix has "
                             f"{S.shape[0]} rows: scores and labels must describe the same "
                             "instances, in the same order")
        super().fit(S)
        if names is not None:
            self.feature_names_in_ = np.asarray([str(c) for c in names], dtype=object)
        return self

    def transform(self, S):
        """Member values: the (standardised) scores as CSR ``(n, M)``, rows normalised."""
        check_is_fitted(self, "scale_")
        return super().transform(check_scores(S, "S", n_columns=self.n_features_in_))

    def _fit(self, S):
        if self.standardize:
            self.mean_ = S.mean(axis=0)
            std = S.std(axis=0)
            self.std_ = np.where(std > 1e-12 * np.maximum(1.0, np.abs(self.mean_)), std, 1.0)
        else:
            self.mean_ = np.zeros(S.shape[1])
            self.std_ = np.ones(S.shape[1])

    def _n_members(self) -> int:
        return self.mean_.shape[0]

    def _standardized(self, S) -> np.ndarray:
        return (S - self.mean_) / self.std_

    def _member_values(self, S) -> sp.csr_matrix:
        V = self._standardized(S)
        return fixed_width_csr(V, V.shape[1])

    def score_samples(self, S) -> np.ndarray:
        """Mean of the (standardised) score columns: higher = more anomalous."""
        check_is_fitted(self, "mean_")
        S = check_scores(S, "S", n_columns=self.n_features_in_)
        return self._standardized(S).mean(axis=1)


# -- score matrices ------------------------------------------------------------
def _lof(X, random_state):
    from sklearn.neighbors import LocalOutlierFactor

    lof = LocalOutlierFactor(n_neighbors=min(20, X.shape[0] - 1), novelty=False).fit(X)
    return -lof.negative_outlier_factor_


def _iforest(X, random_state):
    from sklearn.ensemble import IsolationForest

    return -IsolationForest(random_state=random_state).fit(X).score_samples(X)


def _ocsvm(X, random_state):
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import OneClassSVM

    Xs = StandardScaler().fit_transform(X)
    return -OneClassSVM(gamma="scale", nu=0.1).fit(Xs).decision_function(Xs)


def _loda(X, random_state):
    return LODA(random_state=random_state).fit(X).score_samples(X)


_SCORERS: dict[str, Callable] = {"lof": _lof, "iforest": _iforest, "ocsvm": _ocsvm,
                                 "loda": _loda}


def detector_scores(X, detectors: Sequence | None = None,
                    random_state=0) -> tuple[np.ndarray, list[str]]:
    """Score ``X`` with several unsupervised detectors: ``(S, names)``, ``S`` of shape (n, M).

    Every detector is fitted on ``X`` and scores ``X`` itself; every column is
    oriented so that higher = more anomalous:

    * ``"lof"``: scikit-learn's LocalOutlierFactor (20 neighbours,
      ``novelty=False``), ``-negative_outlier_factor_``;
    * ``"iforest"``: IsolationForest (100 trees), ``-score_samples``;
    * ``"ocsvm"``: OneClassSVM (RBF, ``gamma="scale"``, ``nu=0.1``) on
      standardised ``X``, ``-decision_function``;
    * ``"loda"``: :class:`LODA`'s ``score_samples``.

    ``detectors`` lists names from those (default: all four, in that order) or
    ``(name, function)`` pairs whose ``function(X)`` returns one score per row,
    higher = more anomalous (e.g. a PyOD model's ``decision_scores_``).
    """
    X = check_features(X, "X")
    if X.shape[0] < 2:
        raise ValueError("X needs at least 2 rows to fit the detectors")
    detectors = list(DETECTORS if detectors is None else detectors)
    if not detectors:
        raise ValueError("detectors is empty: name at least one of "
                         f"{', '.join(DETECTORS)} (or pass detectors=None for all)")
    columns, names = [], []
    for det in detectors:
        if isinstance(det, str):
            key = det.lower()
            if key not in _SCORERS:
                raise ValueError(f"unknown detector {det!r}; use one of {', '.join(DETECTORS)}, "
                                 "or a (name, function) pair")
            name, scores = key, _SCORERS[key](X, random_state)
        elif isinstance(det, tuple) and len(det) == 2 and callable(det[1]):
            name, scores = str(det[0]), det[1](X)
        else:
            raise ValueError(f"detector {det!r} is neither a name ({', '.join(DETECTORS)}) nor a "
                             "(name, function) pair")
        scores = np.asarray(scores, dtype=np.float64).ravel()
        if scores.shape[0] != X.shape[0]:
            raise ValueError(f"detector {name!r} returned {scores.shape[0]} scores for "
                             f"{X.shape[0]} rows: it must score every row of X")
        columns.append(scores)
        names.append(name)
    S = np.column_stack(columns)
    check_scores(S, "S")
    return S, names


def load_scores_csv(path, label_column="label", anomaly_value="anomaly") -> Dataset:
    """Read a CSV of precomputed scores: one column per detector, plus a label column.

    Returns a :class:`adlib.datasets.Dataset` whose ``X`` is the score matrix
    (fit :class:`PrecomputedScores` on it), ``y`` the labels (1 = anomaly,
    rows whose ``label_column`` equals ``anomaly_value``; ``label_column=None``
    for unlabeled scores) and ``feature_names`` the detectors' names. The same
    checks as :func:`adlib.datasets.load_csv` apply (text columns, NaN, a
    missing label column, one class only).
    """
    return load_csv(path, label_column=label_column, anomaly_value=anomaly_value)
