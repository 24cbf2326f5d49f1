"""Synthetic 2-D examples and measures behind two demonstrations of the book.

* **Outlier influence (masking)**: a few clustered anomalies pull the mean and
  inflate the covariance of a Gaussian fitted to all the data, so their own
  z-scores (Mahalanobis distances) shrink: :func:`make_masking_data`,
  :func:`gaussian_influence`.
* **Detector or classifier?**: nominal data with one small anomaly cluster for
  training, and at test time anomalies of that *seen* type plus *unseen* ones
  elsewhere: :func:`make_seen_unseen`, :func:`recall_at_fpr`,
  :func:`recall_at_top`, and the anomaly regions of a classifier's trees
  (:func:`tree_anomaly_boxes`, :func:`forest_anomaly_leaf_boxes`).

Every generator is seeded: the same ``seed`` gives the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# --------------------------------------------------------------------------- masking


@dataclass
class MaskingData:
    """2-D nominal Gaussian data plus a tight cluster of anomalies (``y == 1``)."""

    X: np.ndarray
    y: np.ndarray


def make_masking_data(n_nominal=200, n_anomalies=12, centre=(4.0, 4.0), spread=0.3,
                      seed=0) -> MaskingData:
    """Standard-normal nominal points (correlation 0.5) and a tight anomaly cluster at ``centre``."""
    rng = np.random.default_rng(seed)
    cov = np.array([[1.0, 0.5], [0.5, 1.0]])
    nominal = rng.multivariate_normal([0.0, 0.0], cov, size=n_nominal)
    anomalies = np.asarray(centre, float) + spread * rng.standard_normal((n_anomalies, 2))
    X = np.vstack([nominal, anomalies])
    y = np.r_[np.zeros(n_nominal, dtype=int), np.ones(n_anomalies, dtype=int)]
    return MaskingData(X, y)


def mahalanobis(X, mean, cov) -> np.ndarray:
    """Mahalanobis distance of every row of ``X`` from a Gaussian (``mean``, ``cov``)."""
    D = np.asarray(X, float) - mean
    return np.sqrt(np.einsum("ij,jk,ik->i", D, np.linalg.inv(cov), D))


def gaussian_influence(X, y) -> dict:
    """A Gaussian fitted with and without the anomalies, and what it does to their scores.

    Returns a dict: ``mean_all`` / ``cov_all`` (fitted to every row) and
    ``mean_clean`` / ``cov_clean`` (nominal rows only); ``maha_all`` /
    ``maha_clean``: the anomalies' Mahalanobis distances under each fit;
    ``z_all`` / ``z_clean``: their largest per-feature absolute z-score
    (the 3-sigma rule's score) under each fit; ``flagged_all`` /
    ``flagged_clean``: how many anomalies the 3-sigma rule flags.
    """
    X = np.asarray(X, float)
    y = np.asarray(y).astype(bool)
    out = {}
    for tag, rows in (("all", np.ones(len(X), bool)), ("clean", ~y)):
        mean, cov = X[rows].mean(axis=0), np.cov(X[rows].T)
        std = X[rows].std(axis=0)
        out[f"mean_{tag}"], out[f"cov_{tag}"] = mean, cov
        out[f"maha_{tag}"] = mahalanobis(X[y], mean, cov)
        out[f"z_{tag}"] = np.abs((X[y] - mean) / std).max(axis=1)
        out[f"flagged_{tag}"] = int((out[f"z_{tag}"] > 3).sum())
    return out


# --------------------------------------------------------------------------- detector or classifier


@dataclass
class SeenUnseen:
    """Training and test data of the detector-or-classifier example.

    ``kind_*``: 0 nominal, 1 anomaly of the type seen in training (the
    cluster), 2 an unseen type (only in the test data). ``y_*`` is
    ``kind_* > 0``.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    kind_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    kind_test: np.ndarray


def _nominal(rng, n):
    # two overlapping elongated blobs: a "normal" that is not one round Gaussian
    half = n // 2
    a = rng.multivariate_normal([0.0, 0.0], [[1.0, 0.6], [0.6, 1.0]], size=half)
    b = rng.multivariate_normal([2.0, -1.0], [[0.6, 0.0], [0.0, 0.3]], size=n - half)
    return np.vstack([a, b])


#: ``data_params`` that move both unseen types closer to the nominal data (the chapter's try-it).
CLOSER_UNSEEN = {"unseen_centre": (-2.5, -2.0), "ring_radius": (3.5, 4.5)}


def make_seen_unseen(n_nominal=400, n_seen=20, n_test_nominal=400, n_test_seen=10,
                     n_unseen_cluster=10, n_unseen_scattered=10, unseen_centre=(-3.5, -3.0),
                     ring_radius=(5.0, 6.0), seed=0) -> SeenUnseen:
    """The original's example: one anomaly cluster to learn from, new anomaly types at test time.

    Training: nominal data (two elongated blobs) and ``n_seen`` anomalies in a
    tight cluster at (4, 3). Test: fresh nominal data, ``n_test_seen`` new
    anomalies from the same cluster, and two unseen types: a second cluster at
    ``unseen_centre`` and points scattered on a ring (radii ``ring_radius``,
    centred near the nominal data) outside the quarter where the seen cluster
    lies. Smaller values of both put the unseen types closer to the nominal
    data (:data:`CLOSER_UNSEEN`).
    """
    rng = np.random.default_rng(seed)
    seen_centre = np.array([4.0, 3.0])

    def seen(k):
        return seen_centre + 0.35 * rng.standard_normal((k, 2))

    X_train = np.vstack([_nominal(rng, n_nominal), seen(n_seen)])
    kind_train = np.r_[np.zeros(n_nominal, int), np.ones(n_seen, int)]
    cluster = np.asarray(unseen_centre, float) + 0.35 * rng.standard_normal((n_unseen_cluster, 2))
    angle = rng.uniform(np.pi / 2, 2 * np.pi, n_unseen_scattered)   # not the seen quarter
    radius = rng.uniform(*ring_radius, n_unseen_scattered)
    ring = np.array([0.8, -0.4]) + radius[:, None] * np.column_stack([np.cos(angle),
                                                                     np.sin(angle)])
    X_test = np.vstack([_nominal(rng, n_test_nominal), seen(n_test_seen), cluster, ring])
    kind_test = np.r_[np.zeros(n_test_nominal, int), np.ones(n_test_seen, int),
                      np.full(n_unseen_cluster + n_unseen_scattered, 2)]
    return SeenUnseen(X_train, (kind_train > 0).astype(int), kind_train, X_test,
                      (kind_test > 0).astype(int), kind_test)


def threshold_at_fpr(scores, y, fpr=0.05) -> float:
    """The score above which a fraction ``fpr`` of the nominal rows (``y == 0``) lie."""
    scores, y = np.asarray(scores, float), np.asarray(y)
    return float(np.quantile(scores[y == 0], 1.0 - fpr, method="higher"))


def recall_at_fpr(scores, y, kind, fpr=0.05) -> dict:
    """Recall of every anomaly kind when flagging scores above the ``fpr`` threshold.

    Returns ``{kind: recall}`` for every kind > 0 in ``kind`` (flagged means
    strictly above :func:`threshold_at_fpr`).
    """
    scores, kind = np.asarray(scores, float), np.asarray(kind)
    t = threshold_at_fpr(scores, y, fpr)
    return {int(k): float((scores[kind == k] > t).mean()) for k in np.unique(kind) if k > 0}


def recall_at_top(scores, kind, k=None) -> dict:
    """Fraction of every anomaly kind among the ``k`` top-scored rows (default: #anomalies)."""
    scores, kind = np.asarray(scores, float), np.asarray(kind)
    k = int((kind > 0).sum()) if k is None else int(k)
    top = np.zeros(len(scores), bool)
    top[np.argsort(-scores, kind="stable")[:k]] = True
    return {int(c): float(top[kind == c].mean()) for c in np.unique(kind) if c > 0}


def _leaf_boxes(estimator, n_features):
    from ..ensembles.iforest import node_boxes

    tree = estimator.tree_
    lower, upper = node_boxes(tree, n_features)
    leaves = np.flatnonzero(tree.children_left < 0)
    return tree, leaves, lower, upper


def tree_anomaly_boxes(tree_model, n_features, anomaly_class=1):
    """Boxes (``lower < x <= upper``) of the leaves a fitted decision tree labels ``anomaly_class``.

    Returns ``(lower, upper)``, each ``(k, n_features)``; unbounded sides are
    +/- inf. Read them as rules with :meth:`adlib.describe.Rule.from_box`.
    """
    tree, leaves, lower, upper = _leaf_boxes(tree_model, n_features)
    cls_index = int(np.flatnonzero(tree_model.classes_ == anomaly_class)[0])
    votes = tree.value[leaves, 0, :]
    mine = leaves[votes.argmax(axis=1) == cls_index]
    return lower[mine], upper[mine]


def forest_anomaly_leaf_boxes(forest, X, y):
    """Boxes of the leaves, over all trees of a fitted forest, that hold a training anomaly.

    ``X``, ``y``: the training data (1 = anomaly). These are the candidate
    regions of a compact description of the anomalies by the forest
    (:func:`adlib.describe.compact_description` picks a few that cover them).
    Duplicated boxes are dropped. Returns ``(lower, upper)``.
    """
    X, y = np.asarray(X, float), np.asarray(y)
    lows, highs = [], []
    for est in forest.estimators_:
        tree, leaves, lower, upper = _leaf_boxes(est, X.shape[1])
        hit = np.unique(est.apply(X[y == 1]))
        lows.append(lower[hit])
        highs.append(upper[hit])
    lower, upper = np.vstack(lows), np.vstack(highs)
    _, keep = np.unique(np.hstack([lower, upper]), axis=0, return_index=True)
    keep = np.sort(keep)
    return lower[keep], upper[keep]


def detector_vs_classifier(seed=0, budget=40, n_trees=200, fpr=0.05, ensemble="iforest",
                           data_params=None) -> dict:
    """One run of the comparison: AAD (trained by answering ``budget`` queries) vs. a random forest.

    Generates :func:`make_seen_unseen` data with ``seed``; AAD on the training
    data (:meth:`adlib.aad.Session.from_data`, queries answered with the
    training labels by an :class:`~adlib.feedback.Oracle`); a random forest
    (``n_trees`` trees) fitted on *all* training labels. Both score the test
    data. Returns a dict with, for ``"iforest"`` (the detector without
    feedback), ``"aad"`` and ``"forest"``, the recall of the seen (1) and
    unseen (2) anomaly types at the false-positive rate ``fpr`` and among the
    top-k (k = number of test anomalies), plus the scores and the fitted
    models (``session``, ``forest``, ``data``) for plots.
    """
    from sklearn.ensemble import RandomForestClassifier

    from ..aad import Oracle, Session

    data = make_seen_unseen(seed=seed, **(data_params or {}))
    session = Session.from_data(data.X_train, ensemble=ensemble, seed=seed)
    before = session.score(data.X_test)
    session.run(Oracle(data.y_train), budget=budget)
    forest = RandomForestClassifier(n_estimators=n_trees, random_state=seed)
    forest.fit(data.X_train, data.y_train)
    scores = {"iforest": before, "aad": session.score(data.X_test),
              "forest": forest.predict_proba(data.X_test)[:, 1]}
    rows = []
    for method, s in scores.items():
        at_fpr = recall_at_fpr(s, data.y_test, data.kind_test, fpr)
        at_top = recall_at_top(s, data.kind_test)
        rows.append({"seed": seed, "method": method, "seen_at_fpr": at_fpr[1],
                     "unseen_at_fpr": at_fpr[2], "seen_at_top": at_top[1],
                     "unseen_at_top": at_top[2]})
    return {"rows": rows, "scores": scores, "session": session, "forest": forest,
            "data": data, "found": session.n_found}


# --------------------------------------------------------------------------- local vs global


@dataclass
class LocalGlobal:
    """A dense and a sparse cluster, with three kinds of anomaly (``kind``: 1, 2, 3)."""

    X: np.ndarray
    y: np.ndarray
    kind: np.ndarray

    KINDS = {1: "global outlier", 2: "local outlier", 3: "clustered anomalies"}


def make_local_global(n_dense=200, n_sparse=200, n_clustered=12, seed=0) -> LocalGlobal:
    """Where detectors differ: global and local outliers, and a tight anomaly cluster.

    Nominal: a dense blob (sd 0.25) at (0, 0) and a sparse one (sd 1.5) at
    (6, 6). Anomalies: two *global* outliers far from everything (kind 1),
    two *local* outliers 1.2 from the dense blob's centre, nearer to it than
    many sparse points are to theirs (kind 2), and ``n_clustered`` anomalies
    in a tight cluster (sd 0.15) at (6, -1) (kind 3).
    """
    rng = np.random.default_rng(seed)
    dense = 0.25 * rng.standard_normal((n_dense, 2))
    sparse = np.array([6.0, 6.0]) + 1.5 * rng.standard_normal((n_sparse, 2))
    glob = np.array([[-5.0, 9.0], [12.0, 0.0]])
    local = np.array([[1.2, 0.0], [0.0, -1.2]])
    clustered = np.array([6.0, -1.0]) + 0.15 * rng.standard_normal((n_clustered, 2))
    X = np.vstack([dense, sparse, glob, local, clustered])
    kind = np.r_[np.zeros(n_dense + n_sparse, int), [1, 1], [2, 2], np.full(n_clustered, 3)]
    return LocalGlobal(X, (kind > 0).astype(int), kind)


def rank_percentiles(scores, kind) -> dict:
    """Mean percentile rank (100 = the highest score) of every anomaly kind."""
    scores, kind = np.asarray(scores, float), np.asarray(kind)
    order = np.argsort(np.argsort(scores, kind="stable"), kind="stable")
    pct = 100.0 * (order + 1) / len(scores)
    return {int(k): float(pct[kind == k].mean()) for k in np.unique(kind) if k > 0}
