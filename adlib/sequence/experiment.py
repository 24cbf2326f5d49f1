"""The chapter's two studies: train TCC, compare it with the baselines, score planted anomalies.

:func:`synthetic_study`: synthetic actions (one action; the planted "wrong
activity" comes from a second one). :func:`series_study`: the simulated series,
one encoder for its three activities (training pairs drawn within an activity),
evaluated per activity. Both return a :class:`Study` with everything the
figures and tables need; every random step is seeded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import evaluate
from .data import SequenceSet, activity_sequences, plant_anomalies, synthetic_actions
from .tcc import TCC


@dataclass
class Study:
    """One data set's run: sets, model, comparison rows, anomalies, scores, AUC rows."""

    name: str
    train: SequenceSet
    test: SequenceSet
    model: TCC
    rows: list                      # evaluate.compare rows (with "activity" for the series)
    anomalies: dict = field(default_factory=dict)    # label -> AnomalySet
    scores: dict = field(default_factory=dict)       # label -> {method: [per-frame scores]}
    auc_rows: list = field(default_factory=list)     # evaluate.anomaly_auc rows (+ "activity")
    train_seconds: float = 0.0


def _anomalies(study: Study, label, train, test, others, seed, n_references):
    an = plant_anomalies(test, others, seed=seed)
    scores = evaluate.anomaly_scores(study.model, train, an, study.model.context, n_references)
    study.anomalies[label], study.scores[label] = an, scores
    study.auc_rows += [{"activity": label, **r} for r in evaluate.anomaly_auc(scores, an)]


def synthetic_study(n_train: int = 60, n_test: int = 20, steps: int = 1500, seed: int = 0,
                    max_pairs: int = 200, n_references: int = 10, **tcc) -> Study:
    """TCC on ``n_train`` synthetic actions, evaluated and attacked on ``n_test`` new ones."""
    train = synthetic_actions(n_train, seed=seed + 1)
    test = synthetic_actions(n_test, seed=seed + 2)
    start = time.perf_counter()
    model = TCC(train.n_channels, seed=seed, **tcc).fit(train.sequences, steps=steps)
    study = Study("synthetic actions", train, test, model,
                  evaluate.compare(model, train, test, model.context, max_pairs=max_pairs,
                                   seed=seed),
                  train_seconds=time.perf_counter() - start)
    others = synthetic_actions(max(4, n_test // 4), seed=seed + 3, actions=(1,)).sequences
    _anomalies(study, 0, train, test, others, seed + 4, n_references)
    return study


def series_study(ts, steps: int = 1500, max_test: int | None = None, seed: int = 0,
                 max_pairs: int = 200, n_references: int = 10, n_components: int = 3,
                 train_fraction: float = 0.8, **tcc) -> Study:
    """One TCC for the simulated series' activities; per-activity evaluation and anomalies.

    ``max_test``: held-out sequences per activity kept for evaluation (all if None).
    ``n_components``: PCA components of the raw windows (fewer than the window's
    ``context`` values, else PCA is only a rotation of them).
    """
    sequences = activity_sequences(ts)
    train, test = sequences.split(train_fraction, seed=seed)
    start = time.perf_counter()
    model = TCC(1, seed=seed, **tcc).fit(train.sequences, groups=train.labels, steps=steps)
    study = Study(ts.name, train, test, model, [], train_seconds=time.perf_counter() - start)
    for label in np.unique(train.labels).tolist():
        tr, te = train.of_label(label), test.of_label(label)
        if max_test is not None:
            te = te.subset(np.arange(min(max_test, len(te))))
        rows = evaluate.compare(model, tr, te, model.context, n_components, max_pairs,
                                n_references=n_references, seed=seed)
        study.rows += [{"activity": label, **r} for r in rows]
        others = [s for s, lab in zip(test.sequences, test.labels, strict=True) if lab != label]
        _anomalies(study, label, tr, te, others, seed + 5 + label, n_references)
    return study
