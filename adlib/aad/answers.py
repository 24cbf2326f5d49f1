"""What an answer is: the label words, index checks and JSON-friendly parameter values.

Shared by the Session (which validates answers before it records them) and
its label store.
"""

from __future__ import annotations

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
