"""Input checks shared by the library: one clear error per kind of bad input."""

from __future__ import annotations

import numpy as np


def check_features(X, name="X", n_features=None) -> np.ndarray:
    """Return ``X`` as a finite 2-D float64 array, or raise a ValueError that says how to fix it."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{name} must be numeric; convert or drop text columns first ({err})"
        ) from None
    if arr.ndim == 1:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features); reshape a single "
                         "feature with X.reshape(-1, 1)")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no rows")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no feature columns")
    if not np.isfinite(arr).all():
        bad_cols = np.flatnonzero(~np.isfinite(arr).all(axis=0)).tolist()
        raise ValueError(f"{name} contains NaN or inf in columns {bad_cols}; impute or drop "
                         "those values first")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(f"{name} has {arr.shape[1]} features but the model was fitted on "
                         f"{n_features}")
    return np.ascontiguousarray(arr)


def check_binary_labels(y, n=None, name="y") -> np.ndarray:
    """Return labels as an int array of 0 (nominal) and 1 (anomaly)."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} labels for {n} instances")
    if not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{name} must contain only 0 (nominal) and 1 (anomaly); found "
                         f"{np.unique(arr)[:10].tolist()}")
    return arr.astype(np.int64)
