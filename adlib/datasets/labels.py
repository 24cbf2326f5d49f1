"""Turning a label column into 0/1 without guessing: every value must be named as anomaly or
nominal, and every error lists what the column actually holds."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import DataError

__all__ = ["encode_labels"]

_MAX_LISTED = 30  # a label column with more distinct values is almost surely a feature column


def _as_values(value, arg: str) -> list[str]:
    """``value`` as a list of stripped strings: a scalar gives one, a list/tuple/set several."""
    if isinstance(value, (str, bytes)) or not np.iterable(value):
        items = [value]
    else:
        items = list(value)
    out = [v.decode() if isinstance(v, bytes) else str(v) for v in items]
    out = list(dict.fromkeys(v.strip() for v in out))
    if not out:
        raise DataError(f"{arg} is empty. Fix: name at least one label value, e.g. "
                        f"{arg}='anomaly'.")
    return out


def _listing(counts: pd.Series) -> str:
    """``'nominal' (465), 'anomaly' (20)``: every distinct value with its number of rows."""
    items = [f"{v!r} ({n})" for v, n in counts.items()]
    if len(items) > _MAX_LISTED:
        rest = len(items) - _MAX_LISTED
        items = items[:_MAX_LISTED] + [f"... (+{rest} more values; is this really the label "
                                       "column? a label column holds a few values)"]
    return ", ".join(items)


def _canonical(value: str) -> str:
    """Case-, space- and number-format-insensitive form, to spot near misses."""
    text = re.sub(r"\s+", "", value).lower()
    try:
        number = float(text)
    except ValueError:
        return text
    return repr(number) if np.isfinite(number) else text


def _near(targets: list[str], present) -> list[str]:
    """Values in the file that equal a target up to case, spaces or number format."""
    wanted = {_canonical(t) for t in targets}
    return [v for v in present if _canonical(v) in wanted and v not in targets]


def _fmt(values: list[str]):
    """How to write a value list back as a parameter: a scalar when there is one."""
    return repr(values[0]) if len(values) == 1 else repr(values)


def encode_labels(raw: pd.Series, *, anomaly_value, nominal_value, column: str,
                  source: str) -> np.ndarray:
    """1 for rows whose stripped label is one of ``anomaly_value``, 0 for the nominal ones.

    With ``nominal_value=None`` the column must hold the anomaly value(s) and exactly one other
    value (the nominal one). Otherwise every value must be listed in ``anomaly_value`` or
    ``nominal_value``. Anything else is a :class:`DataError` that lists every distinct value of
    the column with its number of rows and names the parameter that fixes it.
    """
    if raw.isna().any():
        raise DataError(
            f"Label column {column!r} in {source} is empty in {int(raw.isna().sum())} "
            "rows. Fix: label every row, or drop unlabeled rows before loading."
        )
    labels = raw.astype(str).str.strip()
    counts = labels.value_counts(sort=True)
    counts = counts.iloc[np.lexsort((counts.index.to_numpy(str), -counts.to_numpy()))]
    present = list(counts.index)
    anomalies = _as_values(anomaly_value, "anomaly_value")
    nominals = None if nominal_value is None else _as_values(nominal_value, "nominal_value")
    held = (f"Column {column!r} of {source} holds {len(present)} distinct value"
            f"{'s' if len(present) != 1 else ''} (rows each): {_listing(counts)}.")

    if nominals is not None and set(anomalies) & set(nominals):
        raise DataError(f"{_fmt(sorted(set(anomalies) & set(nominals)))} is listed both in "
                        "anomaly_value= and nominal_value=. Fix: list each label value once.")

    if not set(anomalies) & set(present):
        near = _near(anomalies, present)
        if near:
            hint = (f" {_fmt(near)} differs from anomaly_value={_fmt(anomalies)} only in case, "
                    f"spaces or number format. Fix: pass anomaly_value={_fmt(near)}.")
        elif len(present) == 2:
            rare = present[-1]
            hint = (f" Fix: pass anomaly_value=<the value that marks anomalies>, e.g. "
                    f"anomaly_value={rare!r} (the rarer of the two), or label_column=None for "
                    "unlabeled data.")
        else:
            hint = (" Fix: pass anomaly_value=<the value that marks anomalies> (a list if "
                    "several do), or label_column=None for unlabeled data.")
        raise DataError(f"No row of {source} has the anomaly label {_fmt(anomalies)} in column "
                        f"{column!r}. {held}{hint}")

    if nominals is None:
        others = [v for v in present if v not in anomalies]
        if not others:
            raise DataError(
                f"Every row of {source} has label {_fmt(anomalies)} in column {column!r} "
                f"(values seen: {_listing(counts)}), so there are no nominal rows. Fix: check "
                "anomaly_value= and label_column=; anomaly detection needs nominal rows too."
            )
        if len(others) > 1:
            common, rare = others[0], others[-1]
            raise DataError(
                f"{held} anomaly_value={_fmt(anomalies)} names the anomalies, but "
                f"{len(others)} other values remain, so it is not clear which rows are nominal "
                "(counting them all as nominal could hide anomalies). Fix: say what every value "
                f"means: list the anomaly values, e.g. anomaly_value={anomalies + [rare]!r}, "
                f"and/or the nominal ones, e.g. nominal_value={common!r}; every value must be "
                "one or the other, so drop rows you cannot label before loading."
            )
    else:
        unknown = [v for v in present if v not in anomalies and v not in nominals]
        if unknown:
            near = _near(nominals, unknown)
            hint = (f" ({_fmt(near)} differs from nominal_value={_fmt(nominals)} only in case, "
                    "spaces or number format.)" if near else "")
            raise DataError(
                f"{held} {_fmt(unknown)} {'is' if len(unknown) == 1 else 'are'} neither in "
                f"anomaly_value={_fmt(anomalies)} nor in nominal_value={_fmt(nominals)}.{hint} "
                "Fix: add each value to one of the two lists, or drop those rows before loading."
            )
        if not set(nominals) & set(present):
            raise DataError(
                f"No row of {source} has a nominal label {_fmt(nominals)}: {held} Fix: check "
                "nominal_value=; anomaly detection needs nominal rows too."
            )
    return labels.isin(anomalies).to_numpy(dtype=np.int64)
