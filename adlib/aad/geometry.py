"""The geometry behind tree-ensemble AAD: angles between instances and the weight vector.

Das et al. (2019, 2024: "Insights, Batch and Streaming Active Learning")
explain why AAD works so well on tree ensembles: the region-feature rows
``z(x)`` of anomalies make a smaller angle with the uniform weight vector
than those of nominals, so the uniform vector is a good prior and a few
labels suffice to turn the weights towards the anomalies. This module
measures that claim.

* :func:`row_angles` is the angle (degrees) between every row of a feature
  matrix and a weight vector, vectorised (one sparse product and one sparse
  row-norm pass; no loop over instances). Angles do not change when a row is
  scaled by a positive number, so they are the same for the library's
  "global" row scale and the original's unit-length rows.
* :func:`initial_weights` is the weight vector AAD actually starts from: the
  model's own :meth:`AAD.init` (every entry ``+1/sqrt(m)``). Leaf values of
  the Isolation Forest are negative (minus path lengths), so every row makes
  an obtuse angle with it; "close to the uniform vector" means the least
  obtuse angle, which is also the highest initial score.
* :func:`ensemble_angles` fits an ensemble exactly as :meth:`Session.from_data`
  does (same registry name, ``random_state=seed``), so its angles belong to
  the forest that the seed's discovery run used.
* :func:`sphere_view` gathers what the picture of the unit sphere needs: the
  angles of every row to the initial and to the learned weights, the side of
  each row relative to the plane of the two, and the tau-quantile margins
  (with unit-length rows the score is a cosine, so the margin is a cone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import roc_auc_score

from ..ensembles import make_ensemble
from .model import AAD, tau_margin


def row_norms(Z) -> np.ndarray:
    """Euclidean length of every row of ``Z`` (sparse or dense), vectorised."""
    if sp.issparse(Z):
        Z = sp.csr_matrix(Z)
        return np.sqrt(np.asarray(Z.multiply(Z).sum(axis=1)).ravel())
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2:
        raise ValueError(f"Z must be a 2-D matrix (instances x members), got shape {Z.shape}")
    return np.sqrt(np.einsum("ij,ij->i", Z, Z))


def row_angles(Z, w, degrees: bool = True) -> np.ndarray:
    """Angle between every row of ``Z`` and the vector ``w`` (degrees unless ``degrees=False``).

    ``Z`` is an ``(n, m)`` matrix, CSR or dense; ``w`` has length ``m``. A row of
    zeros has no direction: it raises, naming the rows.
    """
    w = np.asarray(w, dtype=np.float64).ravel()
    if Z.shape[1] != w.shape[0]:
        raise ValueError(f"Z has {Z.shape[1]} columns but w has {w.shape[0]} entries: the weight "
                         "vector needs one entry per ensemble member (column of Z)")
    w_norm = float(np.linalg.norm(w))
    if w_norm == 0.0:
        raise ValueError("w is the zero vector: an angle to it is undefined")
    norms = row_norms(Z)
    empty = np.flatnonzero(norms == 0)
    if empty.size:
        raise ValueError(f"{empty.size} row(s) of Z are all zero (first: {empty[:5].tolist()}); "
                         "a zero row has no direction, drop those rows first")
    cos = np.asarray(Z @ w).ravel() / (norms * w_norm)
    angle = np.arccos(np.clip(cos, -1.0, 1.0))
    return np.degrees(angle) if degrees else angle


def initial_weights(n_members: int, **aad_params) -> np.ndarray:
    """The weights AAD starts from: :meth:`AAD.init` (uniform, unit length, positive)."""
    return AAD(**aad_params).init(n_members).w_.copy()


def iforest_angle(path_lengths, n_members: int) -> np.ndarray:
    """Angle (degrees) of Isolation Forest rows to the uniform weights, from their path lengths.

    A row holds ``-h_t / s`` in one leaf column per tree ``t`` (``s`` the row
    scale), so ``cos = sum(z) / (sqrt(m) |z|) = -sqrt(T/m) * mean(h) / rms(h)``:
    the angle depends only on how much the path lengths ``h`` (``(n, T)``) vary
    between trees relative to their mean. Equal path lengths give the largest
    angle, ``90° + arcsin(sqrt(T/m))``.
    """
    h = np.asarray(path_lengths, dtype=np.float64)
    if h.ndim != 2:
        raise ValueError(f"path_lengths must be (n_instances, n_trees), got shape {h.shape}")
    t = h.shape[1]
    cos = -np.sqrt(t / n_members) * h.mean(axis=1) / np.sqrt((h * h).mean(axis=1))
    return np.degrees(np.arccos(cos))


def angle_bound(n_nonzero: int, n_members: int) -> float:
    """Largest angle (degrees) a row of ``n_nonzero`` negative values can make with w0."""
    return float(90.0 + np.degrees(np.arcsin(np.sqrt(n_nonzero / n_members))))


def angle_auc(angles, y) -> float:
    """How well a small angle alone singles out the anomalies: ROC AUC of ``-angle``.

    1 = every anomaly is closer to the reference vector than every nominal,
    0.5 = no better than chance, below 0.5 = anomalies are farther away.
    """
    y = np.asarray(y)
    if y.min() == y.max():
        raise ValueError("angle_auc needs both anomalies (1) and nominals (0) in y")
    return float(roc_auc_score(y, -np.asarray(angles, dtype=np.float64)))


@dataclass
class EnsembleAngles:
    """Angles of every instance to the initial weights of one fitted ensemble."""

    angles: np.ndarray     # degrees, one per instance
    scores: np.ndarray     # initial AAD scores w0 . z (the ensemble's own ranking)
    y: np.ndarray          # 1 = anomaly, 0 = nominal
    n_members: int
    n_nonzero: int         # most non-zero entries in a row (trees: one leaf per tree)

    def summary(self) -> dict:
        """Medians and quartiles of the angles per class, and the two AUCs (plain floats)."""
        a, y = self.angles, self.y
        qa = np.percentile(a[y == 1], [25, 50, 75])
        qn = np.percentile(a[y == 0], [25, 50, 75])
        return {"median_anomaly": float(qa[1]), "median_nominal": float(qn[1]),
                "iqr_anomaly": float(qa[2] - qa[0]), "iqr_nominal": float(qn[2] - qn[0]),
                "min_angle": float(a.min()), "max_angle": float(a.max()),
                "angle_auc": angle_auc(a, y),
                "score_auc": float(roc_auc_score(y, self.scores)),
                "n_members": int(self.n_members), "n_nonzero": int(self.n_nonzero)}


def fit_features(X, ensemble="iforest", seed=0, ensemble_params=None):
    """Fit ``ensemble`` on ``X`` as :meth:`Session.from_data` does; return it and its features."""
    params = dict(ensemble_params or {})
    if isinstance(ensemble, str):
        params = {"random_state": seed, **params}
    ens = make_ensemble(ensemble, **params).fit(X)
    return ens, ens.transform(X)


def ensemble_angles(X, y, ensemble="iforest", seed=0, ensemble_params=None) -> EnsembleAngles:
    """Angles of the rows of a freshly fitted ensemble to the weights AAD starts from."""
    _, Z = fit_features(X, ensemble, seed, ensemble_params)
    w0 = initial_weights(Z.shape[1])
    nnz = int(np.diff(Z.indptr).max()) if sp.issparse(Z) else int(Z.shape[1])
    return EnsembleAngles(angles=row_angles(Z, w0), scores=np.asarray(Z @ w0).ravel(),
                          y=np.asarray(y).astype(np.int64), n_members=int(Z.shape[1]),
                          n_nonzero=nnz)


@dataclass
class SphereView:
    """Everything the unit-sphere picture needs, for unit-length rows.

    The picture is the plane spanned by the initial weights ``w0`` and the
    learned ones ``w1``: ``x = z . w0`` and ``y = z . u`` for every unit row
    ``z``, where ``u`` is the unit vector of the plane orthogonal to ``w0`` (on
    the side of ``w1``). It is a projection of the unit sphere onto that plane,
    so the rows land inside the unit disc; the scores are exact in it
    (``z . w0 = x`` and ``z . w1 = x cos r + y sin r``, ``r`` the rotation), so
    the two tau-quantile margins are exact lines. ``angle0`` / ``angle1`` are
    the rows' true angles (degrees) to ``w0`` / ``w1``, ``q0`` / ``q1`` the
    tau-quantile scores (cosines), ``margin0`` / ``margin1`` the half-angles of
    the cones they define; ``queried`` / ``answers`` the labeled rows.
    """

    x: np.ndarray
    y: np.ndarray
    angle0: np.ndarray
    angle1: np.ndarray
    labels: np.ndarray
    rotation: float
    q0: float
    q1: float
    tau: float
    queried: np.ndarray
    answers: np.ndarray

    @property
    def margin0(self) -> float:
        return float(np.degrees(np.arccos(np.clip(self.q0, -1.0, 1.0))))

    @property
    def margin1(self) -> float:
        return float(np.degrees(np.arccos(np.clip(self.q1, -1.0, 1.0))))

    def inside(self, which: int = 0) -> np.ndarray:
        """Rows at or above the tau-quantile score of the initial (0) or learned (1) weights."""
        return (self.angle0 <= self.margin0) if which == 0 else (self.angle1 <= self.margin1)

    def summary(self) -> dict:
        """Anomalies inside each cone (all, and not among the queried), rotation, half-angles."""
        a = self.labels == 1
        fresh = np.ones(a.size, dtype=bool)
        fresh[self.queried] = False
        return {"rotation": float(self.rotation), "margin0": self.margin0,
                "margin1": self.margin1, "n_inside": int(self.inside(0).sum()),
                "anomalies_inside0": int((self.inside(0) & a).sum()),
                "anomalies_inside1": int((self.inside(1) & a).sum()),
                "unqueried_anomalies_inside1": int((self.inside(1) & a & fresh).sum()),
                "n_anomalies": int(a.sum()), "n_queried": int(self.queried.size),
                "n_queried_anomalies": int((self.answers == 1).sum())}


def sphere_view(Z, w0, w1, y, tau=0.03, queried=(), answers=()) -> SphereView:
    """The rows of ``Z`` (scaled to unit length) seen in the plane of ``w0`` and ``w1``.

    With unit-length rows the AAD score ``w . z`` is the cosine of the angle
    between ``z`` and the unit vector ``w``, so "score above the tau-quantile
    score ``q``" is "angle below ``arccos(q)``": the margin is a cone around
    ``w``. The angles are those of any positive row scaling.
    """
    w0 = np.asarray(w0, dtype=np.float64) / np.linalg.norm(w0)
    w1 = np.asarray(w1, dtype=np.float64) / np.linalg.norm(w1)
    norms = row_norms(Z)
    if np.any(norms == 0):
        raise ValueError("Z has all-zero rows: they have no direction; drop them first")
    u = w1 - (w1 @ w0) * w0
    u_norm = float(np.linalg.norm(u))
    u = u / u_norm if u_norm > 1e-12 else np.zeros_like(u)
    x = np.asarray(Z @ w0).ravel() / norms
    yy = np.asarray(Z @ u).ravel() / norms
    rot = float(np.arctan2(u_norm, w1 @ w0))
    cos1 = np.clip(x * np.cos(rot) + yy * np.sin(rot), -1.0, 1.0)
    return SphereView(
        x=x, y=yy, angle0=np.degrees(np.arccos(np.clip(x, -1.0, 1.0))),
        angle1=np.degrees(np.arccos(cos1)), labels=np.asarray(y).astype(np.int64),
        rotation=float(np.degrees(rot)), q0=tau_margin(x, tau).q, q1=tau_margin(cos1, tau).q,
        tau=float(tau), queried=np.asarray(queried, dtype=np.int64),
        answers=np.asarray(answers, dtype=np.int64))
