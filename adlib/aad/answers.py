"""What an answer is: the label words, index checks and JSON-friendly parameter values.

Shared by the Session (which validates answers before it records them) and
its label store.
"""

from __future__ import annotations

import hashlib

import numpy as np

_LABEL_WORDS = {"anomaly": 1, "anomalous": 1, "nominal": 0, "normal": 0}


def as_label(label) -> int:
    """Normalise an answer to 1 (anomaly) or 0 (nominal)."""
    if isinstance(label, str):
        key = label.strip().lower()
        if key in _LABEL_WORDS:
            return _LABEL_WORDS[key]
    elif label in (0, 1):  # also True/False and numpy integers
        return int(label)
    raise ValueError(f"label {label!r} is not an answer; use 1 / 'anomaly' or 0 / 'nominal'")


def plain(value):
    """A JSON-friendly form of a parameter (numbers, strings, lists, dicts; else its repr)."""
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return repr(value)


def as_index(index, n: int) -> int:
    """An instance index as a Python int: integers only (int or numpy integer, not bool), in range."""
    if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"index {index!r} ({type(index).__name__}) is not an instance index: "
                        "give an integer (a Python or numpy int), e.g. one of "
                        "session.next_queries()")
    if not 0 <= index < n:
        raise IndexError(f"index {int(index)} is out of range for {n} instances (0 to {n - 1})")
    return int(index)


def as_indices(indices, n: int) -> np.ndarray:
    """Instance indices as an int64 array: integers only, in range (see :func:`as_index`)."""
    idx = np.asarray(indices).ravel()
    if idx.size and idx.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers, got {idx.dtype} values (e.g. "
                        f"{idx[0]!r}); give Python or numpy ints")
    idx = idx.astype(np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError(f"index out of range for {n} instances (0 to {n - 1}): "
                         f"{int(idx[(idx < 0) | (idx >= n)][0])}")
    return idx


def fingerprint(session) -> dict:
    """What a stored answer depends on (see :meth:`adlib.aad.Session.fingerprint`)."""
    h = hashlib.sha256()
    if session.X is not None:
        data = np.ascontiguousarray(session.X, dtype=np.float64)
        h.update(data.tobytes())
        kind, shape = "X", list(data.shape)
    else:
        f = session.features
        for part in (f.data, f.indices, f.indptr):
            h.update(np.ascontiguousarray(part).tobytes())
        kind, shape = "features", list(f.shape)
    model = {k: plain(v) for k, v in sorted(vars(session.model).items())
             if not k.endswith("_") and not k.startswith("_")}
    build = session.build_params
    ensemble = build.get("ensemble", type(session.ensemble).__name__
                         if session.ensemble is not None else None)
    return {"data_sha256": h.hexdigest(), "data_kind": kind, "data_shape": shape,
            "ensemble": ensemble,
            "ensemble_params": {k: plain(v) for k, v in build.get("ensemble_params", {}).items()},
            "seed": plain(session.seed), "strategy": getattr(session.strategy, "name",
                                                             type(session.strategy).__name__),
            "n_explore": plain(getattr(session.strategy, "n_explore", None)),
            "batch_size": session.batch_size, "model": model}
