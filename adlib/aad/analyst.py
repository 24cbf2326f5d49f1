"""The Analyst protocol and the ground-truth Oracle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from .._validation import check_binary_labels

ANOMALY, NOMINAL = 1, 0


@runtime_checkable
class Analyst(Protocol):
    """Anything that labels instances: ``label(indices) -> labels`` (1 = anomaly, 0 = nominal)."""

    def label(self, indices: Sequence[int]) -> Sequence[int]: ...


class Oracle:
    """Answers every query with the ground-truth label (simulated feedback)."""

    def __init__(self, y):
        self.y = check_binary_labels(y)

    def label(self, indices) -> np.ndarray:
        idx = np.asarray(indices, dtype=np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= self.y.shape[0]):
            raise IndexError(f"query index out of range for {self.y.shape[0]} labeled instances")
        return self.y[idx]
