"""Temporal cycle-consistency: aligning sequences without labels (Dwibedi et al. 2019).

An encoder is trained, without labels, so that for two sequences of the same
action each frame's soft nearest neighbour in the other sequence cycles back to
itself; the embedding then aligns sequences, tracks progress through the
action and, trained on typical sequences, makes anomalous segments stand out.
A neural package above the AAD engine: TensorFlow 2 / Keras 3 is imported
lazily, the first time an encoder is built, never by ``import adlib.sequence``.

    from adlib.sequence import TCC, synthetic_actions, evaluate
    train = synthetic_actions(60, seed=1)
    model = TCC(train.n_channels, seed=0).fit(train.sequences)
    evaluate.compare(model, train, synthetic_actions(20, seed=2))

Modules: :mod:`~adlib.sequence.data` (sequences, phases, planted anomalies),
:mod:`~adlib.sequence.align` (NumPy: windows, nearest neighbours, Kendall's tau),
:mod:`~adlib.sequence.tcc` (the encoder and the cycle-back losses),
:mod:`~adlib.sequence.evaluate` (raw, PCA, DTW baselines; anomaly scores),
:mod:`~adlib.sequence.experiment` (the chapter's runs), :mod:`~adlib.sequence.plots`,
:mod:`~adlib.sequence.report` (the chapter's sentences and tables).
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_EXPORTS = {
    "TCC": "tcc", "cycle_back": "tcc",
    "SequenceSet": "data", "AnomalySet": "data", "synthetic_actions": "data",
    "activity_sequences": "data", "plant_anomalies": "data", "ANOMALY_KINDS": "data",
    "kendall_tau": "align", "nearest_neighbours": "align",
}
_SUBMODULES = ("data", "align", "tcc", "evaluate", "experiment", "plots", "report")

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS, _SUBMODULES)
