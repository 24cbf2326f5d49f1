"""Synthetic data: the 2-D toy generator, two detectors' scores, and the breast-cancer CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .container import Dataset
from .errors import DataError

__all__ = ["make_toy", "make_two_detector_scores", "write_breast_cancer_csv"]

# Nominal mass: three blobs of different spread (centre x, centre y, sd, weight).
_TOY_BLOBS = np.array(
    [
        [0.0, 0.0, 1.0, 0.45],
        [3.5, 3.0, 0.6, 0.30],
        [0.0, 4.5, 0.8, 0.25],
    ]
)


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer counts proportional to ``weights`` that sum exactly to ``total``."""
    raw = total * weights / weights.sum()
    counts = np.floor(raw).astype(np.int64)
    counts[np.argsort(raw - counts)[::-1][: total - counts.sum()]] += 1
    return counts


def _min_distance(a: np.ndarray, b: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Distance from each row of ``a`` to its nearest row of ``b`` (chunked to bound memory)."""
    best = np.full(len(a), np.inf)
    for start in range(0, len(b), chunk):
        part = b[start : start + chunk]
        d2 = ((a[:, None, :] - part[None, :, :]) ** 2).sum(axis=-1)
        best = np.minimum(best, d2.min(axis=1))
    return np.sqrt(best)


def make_toy(
    n_nominal: int = 450, n_anomalies: int = 35, n_clusters: int = 2, seed: int = 0
) -> Dataset:
    """Synthetic 2-D data in the spirit of the AAD toy sets, for quick demos and tests.

    Nominal rows come from three Gaussian blobs of different spread; anomalies form
    ``n_clusters`` tight Gaussian clusters centred in empty space near the nominal mass, plus
    about one in ten scattered further out. ``orig_labels``: 0 nominal, ``k`` for cluster k
    (1-based), ``n_clusters + 1`` for scattered anomalies. Same ``seed`` -> identical arrays.
    """
    for arg, value, low in (
        ("n_nominal", n_nominal, 1),
        ("n_anomalies", n_anomalies, 0),
        ("n_clusters", n_clusters, 1),
    ):
        if int(value) != value or value < low:
            raise DataError(
                f"{arg} must be an integer >= {low}, got {value!r}. "
                f"Fix: pass {arg}={max(low, 1)} or more."
            )
    rng = np.random.default_rng(seed)

    counts = _split(n_nominal, _TOY_BLOBS[:, 3])
    nominal = np.concatenate(
        [
            blob[:2] + blob[2] * rng.standard_normal((k, 2))
            for blob, k in zip(_TOY_BLOBS, counts, strict=True)
        ]
    )

    n_scatter = n_anomalies // 10
    n_clustered = n_anomalies - n_scatter
    # Cluster centres: random candidates at least `gap` from every nominal point, then
    # greedily the ones closest to the nominal centre, kept `2 * gap` apart from each other.
    gap, spread = 1.2, 0.25
    lo, hi = nominal.min(axis=0) - 2.0, nominal.max(axis=0) + 2.0
    cand = rng.uniform(lo, hi, size=(2000, 2))
    cand = cand[_min_distance(cand, nominal) >= gap]
    cand = cand[np.argsort(np.linalg.norm(cand - nominal.mean(axis=0), axis=1))]
    centres: list[np.ndarray] = []
    for c in cand:
        if len(centres) == n_clusters:
            break
        if all(np.linalg.norm(c - p) >= 2 * gap for p in centres):
            centres.append(c)
    while len(centres) < n_clusters:  # degenerate layouts: fall back to a ring outside the data
        angle = 2 * np.pi * len(centres) / n_clusters
        centres.append(
            nominal.mean(axis=0) + (hi - lo).max() * np.array([np.cos(angle), np.sin(angle)])
        )
    centres_arr = np.array(centres)

    sizes = _split(n_clustered, np.ones(n_clusters))
    clustered = centres_arr.repeat(sizes, axis=0) + spread * rng.standard_normal((n_clustered, 2))
    # Scattered anomalies: uniform angle, radius beyond the bulk of the nominal data.
    centre = nominal.mean(axis=0)
    r_out = np.quantile(np.linalg.norm(nominal - centre, axis=1), 0.99)
    angle = rng.uniform(0, 2 * np.pi, n_scatter)
    radius = r_out * rng.uniform(1.2, 1.6, n_scatter)
    scattered = centre + radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])

    X = np.concatenate([nominal, clustered, scattered])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_nominal, n_anomalies])
    orig = np.concatenate(
        [
            np.zeros(n_nominal, dtype=np.int64),
            np.arange(1, n_clusters + 1, dtype=np.int64).repeat(sizes),
            np.full(n_scatter, n_clusters + 1, dtype=np.int64),
        ]
    )
    return Dataset("toy_synthetic", X, y, ["x", "y"], orig_labels=orig)


def write_breast_cancer_csv(path, n_malignant: int = 20, seed: int = 0) -> Path:
    """Write scikit-learn's bundled breast-cancer data as a CSV with rare malignant cases.

    The "bring your own CSV" chapter needs a real dataset that the rest of the
    book does not use and that works offline: the Wisconsin diagnostic breast
    cancer data ships inside scikit-learn. All 357 benign cases are kept and
    ``n_malignant`` malignant ones are drawn (seeded), so malignant is the rare
    class; the label column is ``diagnosis`` with values ``benign`` /
    ``malignant``, followed by the 30 named features. Returns the path.
    """
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer(as_frame=True)
    frame = raw.frame
    malignant = np.flatnonzero(frame["target"].to_numpy() == 0)  # sklearn: 0 = malignant
    if not 1 <= n_malignant <= malignant.size:
        raise DataError(f"n_malignant={n_malignant} must be between 1 and {malignant.size}")
    rng = np.random.default_rng(seed)
    keep = np.sort(np.concatenate([np.flatnonzero(frame["target"].to_numpy() == 1),
                                   rng.choice(malignant, n_malignant, replace=False)]))
    out = frame.iloc[keep].drop(columns="target")
    out.insert(0, "diagnosis", np.where(frame["target"].to_numpy()[keep] == 0,
                                        "malignant", "benign"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False)
    return path


def make_two_detector_scores(n_nominal: int = 300, n_false_alarms: int = 30,
                             n_anomalies: int = 20, seed: int = 0) -> Dataset:
    """Scores of two detectors on the same instances: the simplest AAD ensemble.

    Each row is ``(score of detector 1, score of detector 2)``, higher = more
    anomalous. Most nominals score low on both; a group of nominals fools
    detector 1 (high there, low on detector 2: its false alarms); the true
    anomalies score high on detector 2 and only moderately on detector 1. With
    equal weights the false alarms and the anomalies share the top of the
    ranking, so an analyst's answers have something to correct: the weights
    must tilt towards detector 2. ``orig_labels``: 0 nominal, 1 false alarm,
    2 anomaly. Seeded.
    """
    rng = np.random.default_rng(seed)
    parts = [
        rng.normal([0.30, 0.30], [0.12, 0.12], size=(n_nominal, 2)),
        rng.normal([0.85, 0.35], [0.06, 0.08], size=(n_false_alarms, 2)),
        rng.normal([0.42, 0.78], [0.09, 0.07], size=(n_anomalies, 2)),
    ]
    X = np.clip(np.vstack(parts), 0.0, 1.0)
    group = np.repeat([0, 1, 2], [n_nominal, n_false_alarms, n_anomalies])
    return Dataset(name="two_detector_scores", X=X, y=(group == 2).astype(np.int64),
                   feature_names=["detector 1", "detector 2"], orig_labels=group)
