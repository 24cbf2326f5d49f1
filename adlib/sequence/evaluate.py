"""TCC embeddings against raw frames, PCA and dynamic time warping, on held-out sequences.

Every method turns frames into something that can be aligned:

* ``raw``: the encoder's own input, each frame with its context of ``k`` frames,
  flattened and standardised with the training frames' statistics (so the
  baseline sees exactly what the encoder sees);
* ``PCA``: those windows projected on their first ``embedding_dim`` principal
  components (fitted on the training frames);
* ``TCC``: the trained encoder's embeddings;
* ``DTW``: no embedding: a dynamic-time-warping path (``dtaidistance``, on the
  standardised frames) matches frames directly; a frame of ``u`` matched to a
  run of frames of ``v`` is matched to the run's middle.

Measures on held-out sequences (Dwibedi et al. 2019, section 5.2, plus one):

* Kendall's tau of the nearest-neighbour alignment (DTW: of its path, which is
  monotone by construction, so its tau is near 1 whatever it matches);
* ``linear stretch``, a reference that reads no frame at all: frame ``i`` of
  ``n`` is matched to the same elapsed fraction of the other sequence and its
  progress is taken to be ``i / (n - 1)``. Where progress *is* elapsed time
  (the simulated series) it is perfect by definition; any method that only
  matches it has learned nothing from the frames;
* alignment error: the mean ``|progress_v(match(i)) - progress_u(i)|``, how far
  (in fractions of the action) a frame lands from where it should;
* phase progression: R^2 of a linear regression from the features to the
  progress (trained on the training sequences); DTW: the progress of the
  matched frames of ``n_references`` training sequences, averaged;
* phase classification: accuracy of a linear SVM from the features to the
  phase; DTW: the phase at the averaged matched progress.

Anomaly scores per frame: the distance to the nearest typical frame (TCC
embeddings or raw windows of the training sequences), or the smallest DTW
distance of the frame to the frames it is matched to in ``n_references``
training sequences. AUC at the frame level against the planted segments.
"""

from __future__ import annotations

import numpy as np
from dtaidistance import dtw, dtw_ndim
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from .align import alignment_tau, context_windows, knn_distance, nearest_neighbours

__all__ = ["WindowFeatures", "dtw_match", "dtw_frame_costs", "held_out_pairs",
           "alignment_scores", "progression_scores", "compare", "anomaly_scores",
           "anomaly_auc"]

METHODS = ("raw", "PCA", "TCC", "DTW")


class WindowFeatures:
    """Standardised context windows (``raw``) and their PCA, fitted on training sequences."""

    def __init__(self, train_sequences, context: int = 5, n_components: int = 8, seed: int = 0):
        frames = np.concatenate([np.asarray(s, np.float64) for s in train_sequences])
        self.mean_, self.scale_ = frames.mean(0), frames.std(0) + 1e-9
        self.context = int(context)
        W = np.concatenate(self.raw(train_sequences))
        self.pca = PCA(n_components=min(n_components, W.shape[1]), random_state=seed).fit(W)

    def frames(self, sequences) -> list[np.ndarray]:
        return [(np.asarray(s, np.float64) - self.mean_) / self.scale_ for s in sequences]

    def raw(self, sequences) -> list[np.ndarray]:
        return [context_windows(x, self.context).reshape(len(x), -1) for x in self.frames(sequences)]

    def pca_features(self, sequences) -> list[np.ndarray]:
        return [self.pca.transform(w) for w in self.raw(sequences)]


def _path(u, v):
    u, v = np.ascontiguousarray(u, np.float64), np.ascontiguousarray(v, np.float64)
    if u.shape[1] == 1:  # dtaidistance's n-dimensional DTW wants two or more channels
        path = dtw.warping_path(u[:, 0].copy(), v[:, 0].copy(), use_c=True)
    else:
        path = dtw_ndim.warping_path(u, v, use_c=True)
    p = np.asarray(path, dtype=np.int64)
    return p[:, 0], p[:, 1]


def dtw_match(u, v) -> np.ndarray:
    """For each frame of ``u``, the middle of the run of ``v``'s frames DTW matches it to."""
    i, j = _path(u, v)
    starts = np.flatnonzero(np.r_[True, np.diff(i) > 0])
    lo, hi = np.minimum.reduceat(j, starts), np.maximum.reduceat(j, starts)
    return (lo + hi) // 2


def dtw_frame_costs(u, v) -> np.ndarray:
    """For each frame of ``u``, its smallest distance to the frames of ``v`` on the DTW path."""
    i, j = _path(u, v)
    d = np.sqrt(((np.asarray(u)[i] - np.asarray(v)[j]) ** 2).sum(1))
    starts = np.flatnonzero(np.r_[True, np.diff(i) > 0])
    return np.minimum.reduceat(d, starts)


def held_out_pairs(labels, max_pairs: int = 200, seed: int = 0) -> np.ndarray:
    """Up to ``max_pairs`` ordered pairs ``(a, b)``, ``a != b``, of one label (seeded sample)."""
    labels = np.asarray(labels)
    a, b = np.nonzero((labels[:, None] == labels[None, :]) & ~np.eye(len(labels), dtype=bool))
    pairs = np.stack([a, b], 1)
    if len(pairs) > max_pairs:
        pairs = pairs[np.sort(np.random.default_rng(seed).choice(len(pairs), max_pairs,
                                                                 replace=False))]
    return pairs


def alignment_scores(matches, progress, pairs) -> dict:
    """Mean Kendall's tau and alignment error over ``pairs``; ``matches[(a, b)]`` from a to b."""
    taus, errors = [], []
    for a, b in pairs:
        m = matches[(a, b)]
        taus.append(alignment_tau(m))
        errors.append(np.abs(progress[b][m] - progress[a]).mean())
    return {"tau": float(np.mean(taus)), "alignment error": float(np.mean(errors))}


def progression_scores(train_feats, train, test_feats, test, seed: int = 0) -> dict:
    """R^2 of a linear regression to progress and accuracy of a linear SVM on phases."""
    Xtr, Xte = np.concatenate(train_feats), np.concatenate(test_feats)
    reg = LinearRegression().fit(Xtr, np.concatenate(train.progress))
    svm = make_pipeline(StandardScaler(), LinearSVC(C=1.0, max_iter=5000, random_state=seed))
    svm.fit(Xtr, np.concatenate(train.phases))
    return {"progress R2": float(reg.score(Xte, np.concatenate(test.progress))),
            "phase accuracy": float((svm.predict(Xte) == np.concatenate(test.phases)).mean())}


def _references(train, n_references: int) -> np.ndarray:
    """The ``n_references`` training sequences whose lengths are closest to the median."""
    lengths = train.lengths
    return np.argsort(np.abs(lengths - np.median(lengths)), kind="stable")[:n_references]


def _dtw_progress(train, test, feats, n_references):
    """DTW: per test frame, the matched progress averaged over reference training sequences."""
    refs = _references(train, n_references)
    tr_frames, te_frames = feats.frames(train.sequences), feats.frames(test.sequences)
    preds = []
    for x in te_frames:
        preds.append(np.mean([train.progress[r][dtw_match(x, tr_frames[r])] for r in refs], 0))
    return preds


def compare(model, train, test, context: int = 5, n_components: int = 8, max_pairs: int = 200,
            n_references: int = 5, seed: int = 0) -> list[dict]:
    """Rows ``{method, tau, alignment error, progress R2, phase accuracy}`` on ``test``

    (methods raw, PCA, TCC, DTW and the linear stretch).

    ``model``: a fitted :class:`~adlib.sequence.tcc.TCC`; ``train`` and ``test``: the
    :class:`~adlib.sequence.data.SequenceSet` of one activity.
    """
    feats = WindowFeatures(train.sequences, context, n_components, seed)
    pairs = held_out_pairs(test.labels, max_pairs, seed)
    embedded = {"raw": (feats.raw(train.sequences), feats.raw(test.sequences)),
                "PCA": (feats.pca_features(train.sequences), feats.pca_features(test.sequences)),
                "TCC": (model.embed(train.sequences), model.embed(test.sequences))}
    rows = []
    for name, (tr, te) in embedded.items():
        matches = {(a, b): nearest_neighbours(te[a], te[b]) for a, b in pairs}
        rows.append({"method": name, **alignment_scores(matches, test.progress, pairs),
                     **progression_scores(tr, train, te, test, seed)})
    frames = feats.frames(test.sequences)
    matches = {(a, b): dtw_match(frames[a], frames[b]) for a, b in pairs}
    pred = np.concatenate(_dtw_progress(train, test, feats, n_references))
    phase = np.minimum((pred * test.n_phases).astype(int), test.n_phases - 1)
    rows.append({"method": "DTW", **alignment_scores(matches, test.progress, pairs),
                 "progress R2": float(r2_score(np.concatenate(test.progress), pred)),
                 "phase accuracy": float((phase == np.concatenate(test.phases)).mean())})
    lengths = test.lengths
    matches = {(a, b): np.round(np.linspace(0, lengths[b] - 1, lengths[a])).astype(int)
               for a, b in pairs}
    pred = np.concatenate([np.linspace(0.0, 1.0, n) for n in lengths])
    phase = np.minimum((pred * test.n_phases).astype(int), test.n_phases - 1)
    rows.append({"method": "linear stretch", **alignment_scores(matches, test.progress, pairs),
                 "progress R2": float(r2_score(np.concatenate(test.progress), pred)),
                 "phase accuracy": float((phase == np.concatenate(test.phases)).mean())})
    return rows


def anomaly_scores(model, train, anomalies, context: int = 5, n_references: int = 10,
                   k: int = 1) -> dict:
    """Per-frame anomaly scores of each planted sequence, per method (``TCC``, ``raw``, ``DTW``).

    ``train``: the typical sequences (one activity); ``anomalies``: an
    :class:`~adlib.sequence.data.AnomalySet` of held-out sequences of that activity.
    """
    feats = WindowFeatures(train.sequences, context, 1)
    bank_tcc = np.concatenate(model.embed(train.sequences))
    bank_raw = np.concatenate(feats.raw(train.sequences))
    train_frames = feats.frames(train.sequences)
    refs = [train_frames[r] for r in _references(train, n_references)]
    tcc = [knn_distance(z, bank_tcc, k) for z in model.embed(anomalies.sequences)]
    raw = [knn_distance(w, bank_raw, k) for w in feats.raw(anomalies.sequences)]
    dtw = [np.min([dtw_frame_costs(x, r) for r in refs], axis=0)
           for x in feats.frames(anomalies.sequences)]
    return {"TCC": tcc, "raw": raw, "DTW": dtw}


def anomaly_auc(scores: dict, anomalies) -> list[dict]:
    """Frame-level AUC per method, over all planted sequences and per kind of anomaly."""
    kinds = np.asarray(anomalies.kinds)
    rows = []
    for name, per_seq in scores.items():
        row = {"method": name, "all": float(roc_auc_score(np.concatenate(anomalies.masks),
                                                         np.concatenate(per_seq)))}
        for kind in dict.fromkeys(anomalies.kinds):
            idx = np.flatnonzero(kinds == kind)
            row[kind] = float(roc_auc_score(np.concatenate([anomalies.masks[i] for i in idx]),
                                            np.concatenate([per_seq[i] for i in idx])))
        rows.append(row)
    return rows
