"""Sequences of one action at different speeds, their phases, and planted anomalous segments.

Two sources:

* :func:`activity_sequences`: the original's simulated univariate series
  (``load_dataset("simulated_timeseries")``) cut into its segments and grouped
  by activity. The series is sampled at one rate, so a frame is one sample
  (``rate`` resamples every segment by linear interpolation to another frame
  rate); segments are never stretched to a common length. The data say nothing
  about where an activity "is", so progress is the elapsed fraction of the
  segment and its ``n_phases`` phases are the quantiles of elapsed time
  (phase ``p`` covers elapsed fractions ``[p / n, (p + 1) / n)``).
* :func:`synthetic_actions`: a seeded generator of multichannel "actions".
  Each action is a smooth template trajectory in ``n_channels`` channels over
  its own time ``s`` in [0, 1]; a sequence plays it at a random, varying speed
  (a random monotone time warp) and a random length, adds noise and
  ``n_nuisance`` channels that follow nothing in the action (smooth signals of
  random frequency and phase). Progress is ``s`` and phase ``p`` covers
  ``s`` in ``[p / n, (p + 1) / n)``: quantiles of the action's own time, not
  of the clock, so a slow start stretches phase 0 over more frames.

:func:`plant_anomalies` copies held-out sequences and plants one anomalous
segment in each: a spike, a flat stretch, a reversed phase, or a piece of a
different activity (``wrong_activity``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["SequenceSet", "AnomalySet", "ANOMALY_KINDS", "resample", "elapsed_phases",
           "activity_sequences", "synthetic_actions", "plant_anomalies"]

ANOMALY_KINDS = ("spike", "flat", "reversed", "wrong_activity")


@dataclass
class SequenceSet:
    """Variable-length sequences with their per-frame progress in [0, 1] and phase.

    ``sequences[i]`` is ``(T_i, d)`` float32; ``progress[i]`` and ``phases[i]`` have
    ``T_i`` entries; ``labels[i]`` is the activity (or action) of sequence ``i``.
    """

    name: str
    sequences: list
    progress: list
    phases: list
    labels: np.ndarray
    n_phases: int

    def __post_init__(self):
        if not self.sequences:
            raise ValueError(f"{self.name}: no sequences. Fix: lower min_length or pass more data.")
        d = {s.shape[1] for s in self.sequences}
        if len(d) != 1:
            raise ValueError(f"{self.name}: sequences have different channel counts {sorted(d)}.")
        self.labels = np.asarray(self.labels, dtype=np.int64)

    def __len__(self):
        return len(self.sequences)

    @property
    def n_channels(self) -> int:
        return int(self.sequences[0].shape[1])

    @property
    def lengths(self) -> np.ndarray:
        return np.array([len(s) for s in self.sequences])

    def subset(self, index) -> SequenceSet:
        index = np.asarray(index, dtype=int)
        return SequenceSet(self.name, [self.sequences[i] for i in index],
                           [self.progress[i] for i in index], [self.phases[i] for i in index],
                           self.labels[index], self.n_phases)

    def of_label(self, label: int) -> SequenceSet:
        """The sequences of one activity."""
        return self.subset(np.flatnonzero(self.labels == label))

    def split(self, n_train: int | float, seed: int = 0) -> tuple[SequenceSet, SequenceSet]:
        """A seeded random split: ``n_train`` sequences (or that fraction) and the rest."""
        n = len(self)
        k = int(round(n_train * n)) if isinstance(n_train, float) else int(n_train)
        if not 0 < k < n:
            raise ValueError(f"n_train={n_train} leaves no training or no held-out sequence "
                             f"among {n}.")
        order = np.random.default_rng(seed).permutation(n)
        return self.subset(np.sort(order[:k])), self.subset(np.sort(order[k:]))


@dataclass
class AnomalySet:
    """Held-out sequences, each with one planted anomalous segment (``masks``: True there)."""

    sequences: list
    masks: list
    kinds: list
    progress: list = field(default_factory=list)


def resample(x: np.ndarray, length: int) -> np.ndarray:
    """``x`` (``(T, d)`` or ``(T,)``) linearly interpolated to ``length`` frames over the same span."""
    x = np.asarray(x, dtype=np.float64)
    flat = x.ndim == 1
    x2 = x[:, None] if flat else x
    t_old = np.linspace(0.0, 1.0, len(x2))
    t_new = np.linspace(0.0, 1.0, int(length))
    out = np.stack([np.interp(t_new, t_old, x2[:, c]) for c in range(x2.shape[1])], axis=1)
    return out[:, 0] if flat else out


def elapsed_phases(length: int, n_phases: int) -> tuple[np.ndarray, np.ndarray]:
    """Elapsed fraction ``t / (T - 1)`` of each frame and its phase by quantiles of elapsed time."""
    progress = np.linspace(0.0, 1.0, int(length))
    return progress, np.minimum((progress * n_phases).astype(np.int64), n_phases - 1)


def activity_sequences(ts, n_phases: int = 3, min_length: int = 16, rate: float = 1.0,
                       activities=None) -> SequenceSet:
    """The segments of a :class:`~adlib.datasets.TimeSeries`, one sequence each, grouped by activity.

    ``rate``: frames per sample (1 keeps every sample; 0.5 resamples each segment to half as
    many frames). Segments shorter than ``min_length`` frames (after resampling) are left
    out. Each sequence is ``(T, 1)``; progress and phases are by elapsed time (module doc).
    """
    if rate <= 0:
        raise ValueError(f"rate={rate} must be positive (frames per sample).")
    keep = set(np.unique(ts.activities).tolist() if activities is None else activities)
    seqs, prog, phases, labels = [], [], [], []
    for seg, act in zip(ts.segments(), ts.activities.tolist(), strict=True):
        n = int(round(len(seg) * rate))
        if act not in keep or n < min_length:
            continue
        x = seg if n == len(seg) else resample(seg, n)
        p, ph = elapsed_phases(n, n_phases)
        seqs.append(np.asarray(x, np.float32)[:, None])
        prog.append(p)
        phases.append(ph)
        labels.append(act)
    return SequenceSet(ts.name, seqs, prog, phases, np.array(labels), n_phases)


def _template(action: int, n_channels: int, template_seed: int):
    """A smooth trajectory ``s -> (n_channels,)``: three sine harmonics per channel."""
    rng = np.random.default_rng([template_seed, action])
    amp = rng.normal(0.0, 1.0, (n_channels, 3)) / np.arange(1, 4)
    phase = rng.uniform(0.0, 2 * np.pi, (n_channels, 3))

    def f(s):
        arg = np.pi * np.arange(1, 4)[None, None, :] * s[:, None, None] + phase[None]
        return (amp[None] * np.sin(arg)).sum(axis=2)

    return f


def _warp(rng, n: int, strength: float) -> np.ndarray:
    """A random monotone map of ``n`` frames onto [0, 1]: integrated random positive speed."""
    knots = rng.normal(0.0, strength, 5)
    log_speed = np.interp(np.linspace(0, 1, n), np.linspace(0, 1, 5), knots)
    s = np.concatenate([[0.0], np.cumsum(np.exp(log_speed[1:]))])
    return s / s[-1]


def synthetic_actions(n_sequences: int, seed: int = 0, actions=(0,), n_phases: int = 4,
                      n_channels: int = 4, n_nuisance: int = 2, length=(40, 120),
                      warp: float = 0.6, noise: float = 0.1, nuisance_scale: float = 1.0,
                      template_seed: int = 0) -> SequenceSet:
    """``n_sequences`` seeded synthetic actions (cycling through ``actions``); module doc.

    Channels: ``n_channels`` carry the action, ``n_nuisance`` more carry smooth signals of
    random frequency (1-4 cycles per sequence) and phase, scaled by ``nuisance_scale``.
    The templates depend on ``template_seed`` and the action only, so two calls with
    different ``seed`` play the same actions.
    """
    lo, hi = int(length[0]), int(length[1])
    if not 2 <= lo <= hi:
        raise ValueError(f"length={length} must be (min, max) with 2 <= min <= max.")
    rng = np.random.default_rng(seed)
    templates = {a: _template(a, n_channels, template_seed) for a in actions}
    seqs, prog, phases, labels = [], [], [], []
    for i in range(int(n_sequences)):
        a = actions[i % len(actions)]
        n = int(rng.integers(lo, hi + 1))
        s = _warp(rng, n, warp)
        x = templates[a](s)
        t = np.linspace(0.0, 1.0, n)[:, None]
        freq = rng.uniform(1.0, 4.0, n_nuisance)
        ph = rng.uniform(0.0, 2 * np.pi, n_nuisance)
        nuisance = nuisance_scale * np.sin(2 * np.pi * freq[None] * t + ph[None])
        x = np.concatenate([x, nuisance], axis=1) + rng.normal(0.0, noise, (n, n_channels
                                                                             + n_nuisance))
        seqs.append(x.astype(np.float32))
        prog.append(s)
        phases.append(np.minimum((s * n_phases).astype(np.int64), n_phases - 1))
        labels.append(a)
    return SequenceSet("synthetic actions", seqs, prog, phases, np.array(labels), n_phases)


def _stretch(rng, n: int, frac) -> tuple[int, int]:
    m = max(2, int(round(rng.uniform(*frac) * n)))
    a = int(rng.integers(max(1, n // 10), max(2, n - m - n // 10)))
    return a, min(n, a + m)


def plant_anomalies(held_out: SequenceSet, others, seed: int = 0, kinds=ANOMALY_KINDS,
                    frac=(0.15, 0.25), spike_height: float = 5.0) -> AnomalySet:
    """Copies of ``held_out``'s sequences, each with one anomalous segment (kinds in turn).

    * ``spike``: three frames shifted by ``spike_height`` standard deviations (of the
      sequence, per channel) on every channel, alternating in sign;
    * ``flat``: a stretch (``frac`` of the frames) held at the value of its first frame;
    * ``reversed``: the frames of one phase (not the first or last) played backwards;
    * ``wrong_activity``: a stretch replaced by a piece of a sequence of ``others``
      (another activity), resampled to the stretch's length.
    """
    unknown = set(kinds) - set(ANOMALY_KINDS)
    if unknown:
        raise ValueError(f"unknown anomaly kinds {sorted(unknown)}; use {ANOMALY_KINDS}.")
    rng = np.random.default_rng(seed)
    seqs, masks, out_kinds = [], [], []
    for i, x0 in enumerate(held_out.sequences):
        kind = kinds[i % len(kinds)]
        x = np.array(x0, dtype=np.float64)
        n = len(x)
        mask = np.zeros(n, bool)
        if kind == "spike":
            a = int(rng.integers(n // 5, n - n // 5 - 3))
            sign = np.where(np.arange(3) % 2 == 0, 1.0, -1.0)[:, None]
            x[a:a + 3] += sign * spike_height * (x.std(axis=0) + 1e-6)
            mask[a:a + 3] = True
        elif kind == "flat":
            a, b = _stretch(rng, n, frac)
            x[a:b] = x[a]
            mask[a:b] = True
        elif kind == "reversed":
            ph = held_out.phases[i]
            p = int(rng.integers(1, max(2, held_out.n_phases - 1)))
            idx = np.flatnonzero(ph == p)
            x[idx] = x[idx[::-1]]
            mask[idx] = True
        else:
            if not len(others):
                raise ValueError("wrong_activity needs sequences of another activity (others).")
            a, b = _stretch(rng, n, frac)
            src = np.asarray(others[int(rng.integers(len(others)))], dtype=np.float64)
            m = min(len(src), max(b - a, 2))
            start = int(rng.integers(0, len(src) - m + 1))
            x[a:b] = resample(src[start:start + m], b - a)
            mask[a:b] = True
        seqs.append(x.astype(np.float32))
        masks.append(mask)
        out_kinds.append(kind)
    return AnomalySet(seqs, masks, out_kinds, list(held_out.progress))
