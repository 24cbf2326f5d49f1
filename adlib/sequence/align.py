"""Alignment utilities in NumPy: context windows, nearest-neighbour alignment, Kendall's tau.

Kendall's tau of an alignment (Dwibedi et al. 2019, section 5.2): every frame
``i`` of ``u`` is matched to its nearest neighbour ``m(i)`` in ``v``; of all
pairs ``i < j`` a pair is concordant when ``m(i) < m(j)`` and discordant when
``m(i) > m(j)`` (equal matches count as neither);
``tau = (concordant - discordant) / (n (n - 1) / 2)``. 1 means the matches keep
the order of the frames, -1 that they reverse it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["context_windows", "sq_distances", "nearest_neighbours", "alignment_tau",
           "kendall_tau", "knn_distance"]


def context_windows(x: np.ndarray, k: int) -> np.ndarray:
    """``(T, k, d)``: each frame with its ``k // 2`` neighbours on each side (edges repeated).

    Repeating the first and last frame, rather than padding with zeros, keeps the
    encoder from seeing where a sequence starts or ends beyond what its frames show.
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"a sequence must be (frames, channels), got shape {x.shape}.")
    if k < 1 or k % 2 == 0:
        raise ValueError(f"context k={k} must be a positive odd number of frames.")
    idx = np.clip(np.arange(len(x))[:, None] + np.arange(k)[None, :] - k // 2, 0, len(x) - 1)
    return x[idx]


def sq_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of ``a`` and ``b`` (float64, >= 0)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d, 0.0)


def nearest_neighbours(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """For each row of ``u``, the index of its nearest row of ``v`` (the first on ties)."""
    return np.argmin(sq_distances(u, v), axis=1)


def alignment_tau(match: np.ndarray) -> float:
    """Kendall's tau of the matches ``match[i]`` of frames ``i = 0 .. n-1`` (module doc)."""
    m = np.asarray(match, dtype=np.float64)
    n = m.size
    if n < 2:
        raise ValueError("Kendall's tau needs at least two frames.")
    s = np.sign(m[None, :] - m[:, None])  # s[i, j] = sign(m[j] - m[i])
    return float(np.triu(s, 1).sum() / (n * (n - 1) / 2))


def kendall_tau(u: np.ndarray, v: np.ndarray) -> float:
    """Kendall's tau of the nearest-neighbour alignment of ``u``'s frames in ``v``."""
    return alignment_tau(nearest_neighbours(u, v))


def knn_distance(queries: np.ndarray, bank: np.ndarray, k: int = 1,
                 chunk: int = 2048) -> np.ndarray:
    """Mean Euclidean distance of each query row to its ``k`` nearest rows of ``bank``."""
    queries = np.asarray(queries, dtype=np.float64)
    out = np.empty(len(queries))
    for start in range(0, len(queries), chunk):  # chunks bound the memory, not a loop per row
        d = sq_distances(queries[start:start + chunk], bank)
        part = np.partition(d, k - 1, axis=1)[:, :k] if k < d.shape[1] else d
        out[start:start + chunk] = np.sqrt(part).mean(axis=1)
    return out
