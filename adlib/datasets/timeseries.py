"""The original's simulated time series: one univariate series cut into activity segments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import DataError

__all__ = ["TimeSeries"]


@dataclass(frozen=True, eq=False)
class TimeSeries:
    """A univariate series made of consecutive segments, each one of a few "activities".

    ``values`` (float64, one per sample), ``starts`` (int64, the sample at which each segment
    starts: 0 first, strictly increasing) and ``activities`` (int64, the activity of each
    segment). Segment ``i`` is ``values[starts[i]:starts[i + 1]]`` (the last one runs to the end).
    Equality is identity.
    """

    name: str
    values: np.ndarray
    activities: np.ndarray
    starts: np.ndarray

    def __post_init__(self) -> None:
        values = np.ascontiguousarray(self.values, dtype=np.float64)
        starts = np.asarray(self.starts)
        activities = np.asarray(self.activities)
        if values.ndim != 1 or values.size == 0:
            raise DataError(f"values must be a non-empty 1-D series, got shape {values.shape}. "
                            "Fix: pass one value per sample.")
        if not np.isfinite(values).all():
            raise DataError(f"values has {int((~np.isfinite(values)).sum())} NaN/inf samples. "
                            "Fix: fill or drop them first.")
        if starts.ndim != 1 or starts.shape != activities.shape or starts.size == 0:
            raise DataError(f"starts {starts.shape} and activities {activities.shape} must be 1-D "
                            "with one entry per segment. Fix: pass the same number of each.")
        if not (np.issubdtype(starts.dtype, np.integer)
                and np.issubdtype(activities.dtype, np.integer)):
            raise DataError("starts and activities must be integers. Fix: convert them, e.g. "
                            "with .astype(int), after checking they hold whole numbers.")
        if starts[0] != 0 or (np.diff(starts) <= 0).any() or starts[-1] >= values.size:
            raise DataError(f"starts must begin at 0, increase strictly and stay below the "
                            f"{values.size} samples (got {starts[:3].tolist()} ... "
                            f"{starts[-3:].tolist()}). Fix: check the starts file.")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "starts", np.ascontiguousarray(starts, dtype=np.int64))
        object.__setattr__(self, "activities", np.ascontiguousarray(activities, dtype=np.int64))

    @property
    def n_samples(self) -> int:
        """Length of the series."""
        return int(self.values.size)

    @property
    def n_segments(self) -> int:
        """Number of segments."""
        return int(self.starts.size)

    @property
    def lengths(self) -> np.ndarray:
        """Number of samples of each segment."""
        return np.diff(np.append(self.starts, self.n_samples))

    def segments(self) -> list[np.ndarray]:
        """The series cut at ``starts``: one array (a view) per segment, in order."""
        return np.split(self.values, self.starts[1:])

    def segment(self, i: int) -> np.ndarray:
        """Segment ``i`` (negative counts from the end), a view into ``values``."""
        if not -self.n_segments <= i < self.n_segments:
            raise DataError(f"segment {i} does not exist: there are {self.n_segments}. "
                            f"Fix: pass 0 .. {self.n_segments - 1}.")
        i %= self.n_segments
        end = self.starts[i + 1] if i + 1 < self.n_segments else self.n_samples
        return self.values[self.starts[i]:end]

    def sample_activities(self) -> np.ndarray:
        """The activity of every sample (each segment's activity repeated over its samples)."""
        return np.repeat(self.activities, self.lengths)

    def __repr__(self) -> str:
        kinds = np.unique(self.activities).tolist()
        return (f"TimeSeries({self.name!r}, n_samples={self.n_samples}, n_segments="
                f"{self.n_segments}, activities={kinds}, segment lengths "
                f"{int(self.lengths.min())}-{int(self.lengths.max())})")
