"""The :class:`Dataset` container: a checked feature matrix with labels and optional extras."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DataError

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Feature matrix plus labels and optional extras; arrays are checked and coerced on creation.

    ``y`` uses 1 = anomaly, 0 = nominal (``None`` for unlabeled data); ``orig_labels`` are the
    original class ids per row and ``tsne`` a 2-D embedding for plots. Equality is identity
    (arrays make field-wise ``==`` ambiguous).
    """

    name: str
    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    orig_labels: np.ndarray | None = None
    tsne: np.ndarray | None = None

    def __post_init__(self) -> None:
        X = np.ascontiguousarray(self.X, dtype=np.float64)
        if X.ndim != 2:
            raise DataError(
                f"X must be 2-D (n_samples, n_features), got shape {X.shape}. "
                "Fix: reshape it, e.g. X.reshape(-1, 1) for a single feature."
            )
        n, d = X.shape
        object.__setattr__(self, "X", X)
        names = [str(f) for f in self.feature_names]
        if len(names) != d:
            raise DataError(
                f"{len(names)} feature names for {d} columns of X. "
                "Fix: pass exactly one name per column."
            )
        object.__setattr__(self, "feature_names", names)
        if self.y is not None:
            y = np.asarray(self.y)
            if y.shape != (n,) or not np.isin(y, (0, 1)).all():
                raise DataError(
                    f"y must have shape ({n},) with values 0/1 (1 = anomaly); got "
                    f"shape {y.shape}. Fix: encode anomalies as 1, nominals as 0."
                )
            object.__setattr__(self, "y", np.ascontiguousarray(y, dtype=np.int64))
        if self.orig_labels is not None:
            orig = np.asarray(self.orig_labels)
            if orig.shape != (n,):
                raise DataError(
                    f"orig_labels must have shape ({n},), got {orig.shape}. "
                    "Fix: give one original class id per row."
                )
            object.__setattr__(self, "orig_labels", orig)
        if self.tsne is not None:
            tsne = np.ascontiguousarray(self.tsne, dtype=np.float64)
            if tsne.shape != (n, 2):
                raise DataError(
                    f"tsne must have shape ({n}, 2), got {tsne.shape}. "
                    "Fix: give one 2-D embedding point per row."
                )
            object.__setattr__(self, "tsne", tsne)

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of feature columns."""
        return int(self.X.shape[1])

    @property
    def n_anomalies(self) -> int | None:
        """Number of rows labelled anomaly, or None when unlabeled."""
        return None if self.y is None else int(self.y.sum())

    def to_frame(self, label_column: str = "label") -> pd.DataFrame:
        """The rows as a DataFrame: ``label_column`` (1 = anomaly; absent when unlabeled) first,
        then one column per feature name (a name equal to ``label_column`` is an error)."""
        frame = pd.DataFrame(self.X, columns=self.feature_names)
        if self.y is not None:
            if label_column in frame.columns:
                raise DataError(f"A feature is named {label_column!r}. Fix: pass another "
                                "label_column= to to_frame().")
            frame.insert(0, label_column, self.y)
        return frame

    def __repr__(self) -> str:
        if self.y is None:
            labels = "unlabeled"
        else:
            labels = (
                f"n_anomalies={self.n_anomalies} ({self.n_anomalies / max(self.n_samples, 1):.1%})"
            )
        extras = [e for e in ("orig_labels", "tsne") if getattr(self, e) is not None]
        tail = f", with {'+'.join(extras)}" if extras else ""
        return (
            f"Dataset({self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, {labels}{tail})"
        )
