"""Reading delimited text files into a :class:`Dataset`, with checks that never misread silently.

:func:`load_csv` reads a user's own table. Besides the checks every file gets (numeric features,
no NaN/inf, a label column with both classes), it

* refuses a label column whose values are not all named as anomaly or nominal (see
  :func:`adlib.datasets.labels.encode_labels`: ``anomaly_value=`` takes a list,
  ``nominal_value=`` names the nominal value(s));
* drops a pandas index column (``Unnamed: 0``) with a :class:`DataWarning`, and warns about an
  integer column that increases with the row number (an ID) and about duplicate column names
  (``drop_columns=`` removes columns);
* explains files that are not UTF-8 (``encoding=``), use another separator or decimal commas
  (``sep=``, ``decimal=``), or whose rows have more fields than the header.
"""

from __future__ import annotations

import difflib
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .container import Dataset
from .errors import DataError, DataFileMissingError, DataWarning, preview
from .formats import DECIMAL_COMMA, encoding_error, format_hint, short
from .labels import encode_labels

__all__ = ["load_csv", "read_table", "frame_to_dataset"]

_INDEX_COLUMN = "Unnamed: 0"


_HERE = str(Path(__file__).resolve().parent)
_MIN_ID_ROWS = 10  # in fewer rows an increasing integer column says little


def _warn(message: str) -> None:
    """A DataWarning attributed to the first caller outside this package."""
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_code.co_filename.startswith(_HERE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DataWarning, stacklevel=level)


# -- reading -----------------------------------------------------------------------------------


def _dedupe(names: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Unique names (later copies get ``.1``, ``.2``, ... as pandas does) and the duplicates."""
    seen: set[str] = set()
    out, dupes = [], {}
    for name in names:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        if k:
            dupes.setdefault(name, [name]).append(new)
        seen.add(new)
        out.append(new)
    return out, dupes


def read_table(path: Path, sep: str = ",", label_column: str | None = None, *,
               decimal: str = ".", encoding: str = "utf-8") -> pd.DataFrame:
    """Read a delimited text file with pandas; every parse problem becomes a DataError.

    Column names are stripped of spaces; duplicate names are made unique (``a``, ``a.1``) with
    a :class:`DataWarning`. The label column is read as text.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileMissingError(
            f"File not found: {path} (absolute: {path.absolute()}). "
            "Fix: check the path and the working directory."
        )
    if path.is_dir():
        raise DataError(
            f"{path} is a directory, not a file. Fix: pass the path of a CSV file inside it."
        )
    if path.stat().st_size == 0:
        raise DataError(
            f"{path} is empty (0 bytes). Fix: check the file was written completely "
            "(re-export or re-download it)."
        )
    options = dict(sep=sep, decimal=decimal, encoding=encoding)
    try:
        head = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False,
                           **options)
        raw = [str(c).strip().lstrip("\ufeff").strip() for c in head.iloc[0].tolist()]
        raw = [c if c else f"Unnamed: {i}" for i, c in enumerate(raw)]
        names, dupes = _dedupe(raw)
        dtype = {label_column: str} if label_column in names else None
        df = pd.read_csv(path, header=0, names=names, dtype=dtype, **options)
    except pd.errors.EmptyDataError:
        raise DataError(
            f"{path} has no header and no rows (only blank lines). "
            "Fix: check the file was written completely."
        ) from None
    except UnicodeDecodeError as exc:
        raise encoding_error(path, encoding, exc) from exc
    except LookupError as exc:
        raise DataError(f"Unknown encoding {encoding!r} for {path}: {exc}. Fix: pass a Python "
                        "codec name, e.g. encoding='utf-8', 'latin-1' or 'cp1252'.") from None
    except ValueError as exc:  # pandas' ParserError, and bad sep/decimal combinations
        raise DataError(
            f"Could not parse {path} as delimited text with sep={sep!r}, decimal={decimal!r}: "
            f"{exc}.{format_hint(path, sep, decimal, encoding)} Fix: check the separator "
            "(sep=), the decimal mark (decimal=) and that it is a plain-text CSV."
        ) from exc
    if not isinstance(df.index, pd.RangeIndex):
        n_extra = df.index.nlevels
        raise DataError(
            f"Rows of {path} have {n_extra} more field{'s' if n_extra > 1 else ''} than its "
            f"header ({len(names)} name{'s' if len(names) > 1 else ''}: "
            f"{preview([short(n) for n in names], 8)}), so columns would be shifted."
            f"{format_hint(path, sep, decimal, encoding)} Fix: check the separator (sep=) and the "
            "decimal mark (decimal=), or give every column a header name."
        )
    if dupes:
        listed = "; ".join(f"{name!r} ({len(copies)} columns, kept as {preview(copies)})"
                           for name, copies in dupes.items())
        extra = [c for copies in dupes.values() for c in copies[1:]]
        _warn(f"Duplicate column names in {path}: {listed}. Fix: rename them in the file, or "
              f"drop the copies with drop_columns={extra!r} if they hold the same values.")
    if len(df) == 0:
        raise DataError(
            f"{path} has a header ({preview(df.columns)}) but no data rows. "
            "Fix: check the file was written completely."
        )
    return df


# -- columns -----------------------------------------------------------------------------------


def _id_columns(df: pd.DataFrame, features: list[str]) -> list[str]:
    """Integer columns whose values are unique and increase with the row number (IDs)."""
    if len(df) < _MIN_ID_ROWS:
        return []
    out = []
    for c in features:
        if pd.api.types.is_integer_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            v = df[c].to_numpy()
            if (np.diff(v) > 0).all():
                out.append(c)
    return out


def _select_features(df, *, source, label_column, feature_columns, drop_columns,
                     hint) -> list[str]:
    """The feature columns, after the index/ID/duplicate checks; may drop ``Unnamed: 0``."""
    columns = list(df.columns)
    if label_column is not None and label_column not in columns:
        close = difflib.get_close_matches(str(label_column), [str(c) for c in columns], n=1)
        near = [c for c in columns if str(c).lower() == str(label_column).lower()]
        close = near or close
        did = f" Did you mean {close[0]!r}?" if close else ""
        sep_hint = (f" Only one column was found, so the separator may be wrong.{hint}"
                    if len(columns) == 1 else "")
        raise DataError(
            f"Label column {label_column!r} not found in {source}.{did}{sep_hint} Columns "
            f"present: {preview(columns, 30)}. Fix: pass label_column=<one of these>, or "
            "label_column=None for unlabeled data."
        )
    drop = [str(c) for c in (drop_columns or [])]
    missing = [c for c in drop if c not in columns]
    if missing:
        raise DataError(f"drop_columns not found in {source}: {preview(missing)}. Columns "
                        f"present: {preview(columns, 30)}. Fix: select from these.")
    if label_column in drop:
        raise DataError(f"The label column {label_column!r} is also listed in drop_columns. "
                        "Fix: remove it from drop_columns, or pass label_column=None.")

    if feature_columns is None:
        features = [c for c in columns if c != label_column and c not in drop]
        if columns and columns[0] == _INDEX_COLUMN and _INDEX_COLUMN in features:
            features.remove(_INDEX_COLUMN)
            _warn(f"{source}: the first column has no header name ({_INDEX_COLUMN!r}); it is "
                  "the row index that pandas writes with DataFrame.to_csv(path) unless "
                  "index=False, so it was dropped, not used as a feature. Fix: write the file "
                  "with to_csv(path, index=False); to use the column after all, list it in "
                  "feature_columns=.")
    else:
        features = [str(c) for c in feature_columns]
        missing = [c for c in features if c not in columns]
        if missing:
            raise DataError(
                f"feature_columns not found in {source}: {preview(missing)}. "
                f"Columns present: {preview(columns, 30)}. Fix: select from these."
            )
        if label_column in features:
            raise DataError(
                f"The label column {label_column!r} is also listed in "
                "feature_columns. Fix: remove it from feature_columns."
            )
        both = [c for c in features if c in drop]
        if both:
            raise DataError(f"{preview(both)} listed in both feature_columns and drop_columns. "
                            "Fix: list each column in one of them.")
    if not features:
        raise DataError(
            f"{source} has no feature columns (columns: {preview(columns)}). "
            "Fix: the file needs at least one numeric column besides the label."
        )
    for c in _id_columns(df, features):
        how = (f"pass drop_columns=[{c!r}]" if feature_columns is None
               else "leave it out of feature_columns")
        _warn(f"{source}: column {c!r} holds integers that are unique and increase with the row "
              "number, like a row ID; it is used as a feature, so the ranking would depend on "
              f"the order of the rows. Fix: if it is an ID, {how}.")
    return features


def _check_numeric(df, features, source, hint) -> np.ndarray:
    """The feature matrix as float64, or a DataError naming text and NaN/inf columns."""
    non_numeric = [c for c in features if not pd.api.types.is_numeric_dtype(df[c])]
    if non_numeric:
        examples, decimal_commas = [], False
        for c in non_numeric[:10]:
            bad = pd.to_numeric(df[c], errors="coerce").isna() & df[c].notna()
            example = df[c][bad].iloc[0] if bad.any() else df[c].dropna().iloc[0]
            decimal_commas |= bool(DECIMAL_COMMA.match(str(example)))
            examples.append(f"{c!r} (e.g. {example!r})")
        numeric = [c for c in features if c not in non_numeric]
        comma = (" The values look like numbers with decimal commas: pass decimal=','."
                 if decimal_commas and not hint else hint)
        keep = (f"drop them with feature_columns={numeric[:20]!r}"
                f"{'...' if len(numeric) > 20 else ''} (or drop_columns=), or "
                if numeric else "")
        raise DataError(
            f"Non-numeric feature columns in {source}: {', '.join(examples)}"
            f"{' ...' if len(non_numeric) > 10 else ''}.{comma} Fix: {keep}encode them as "
            "numbers first (e.g. pandas.get_dummies or factorize)."
        )
    X = df[features].to_numpy(dtype=np.float64, na_value=np.nan)
    finite = np.isfinite(X)
    if not finite.all():
        n_nan = np.isnan(X).sum(axis=0)
        n_inf = np.isinf(X).sum(axis=0)
        parts = []
        for j in np.flatnonzero(~finite.all(axis=0)):
            kinds = [f"{k} {w}" for k, w in ((n_nan[j], "NaN"), (n_inf[j], "inf")) if k]
            parts.append(f"{features[j]!r} ({', '.join(kinds)})")
        n_rows = int((~finite).any(axis=1).sum())
        raise DataError(
            f"Missing (NaN) or infinite values in {source}: {n_rows} of {len(X)} rows affected, in "
            f"columns {', '.join(parts)}. Fix: impute them (e.g. the column median) or drop those "
            "rows before loading, or leave those columns out via feature_columns=."
        )
    return X


def frame_to_dataset(df: pd.DataFrame, *, name: str, source: str, label_column: str | None,
                     anomaly_value, nominal_value=None, feature_columns=None, drop_columns=None,
                     hint: str = "") -> Dataset:
    """Validate a parsed table and split it into X / y / feature_names (``hint``: format hint
    appended to errors that a wrong separator or decimal mark can cause)."""
    features = _select_features(df, source=source, label_column=label_column,
                                feature_columns=feature_columns, drop_columns=drop_columns,
                                hint=hint)
    X = _check_numeric(df, features, source, hint)
    y = None
    if label_column is not None:
        y = encode_labels(df[label_column], anomaly_value=anomaly_value,
                          nominal_value=nominal_value, column=label_column, source=source)
    return Dataset(name=name, X=X, y=y, feature_names=features)


def load_csv(path, *, label_column: str | None = "label", anomaly_value="anomaly",
             nominal_value=None, feature_columns: list[str] | None = None,
             drop_columns: list[str] | None = None, sep: str = ",", decimal: str = ".",
             encoding: str = "utf-8") -> Dataset:
    """Load a user's own CSV into a :class:`Dataset` with the same checks as the benchmarks.

    Labels: rows whose ``label_column`` equals ``anomaly_value`` (a value or a list of values,
    compared as stripped strings, so ``anomaly_value=1`` works for a 0/1 column) get ``y = 1``.
    The other rows must all share one value, or every value must be listed in ``nominal_value``
    (a value or a list); a third, unnamed value is an error that lists every value with its
    count. ``label_column=None`` loads unlabeled data (``y is None``).

    Features: ``feature_columns``, or all other columns except ``drop_columns`` and a leading
    pandas index column ``Unnamed: 0`` (dropped with a :class:`DataWarning`). An integer column
    that increases with the row number (an ID) and duplicate column names are kept, with a
    warning that says how to drop them.

    Format: ``sep`` (``r"\\s+"`` for whitespace), ``decimal`` (``","`` for decimal commas) and
    ``encoding`` go to :func:`pandas.read_csv`; a file that does not parse gets an error that
    suggests the values that fit it.
    """
    path = Path(path).expanduser()
    df = read_table(path, sep, label_column, decimal=decimal, encoding=encoding)
    if len(df.columns) == 1 or any(not pd.api.types.is_numeric_dtype(df[c])
                                   for c in df.columns if c != label_column):
        hint = format_hint(path, sep, decimal, encoding)
    else:
        hint = ""
    return frame_to_dataset(df, name=path.stem, source=str(path), label_column=label_column,
                            anomaly_value=anomaly_value, nominal_value=nominal_value,
                            feature_columns=feature_columns, drop_columns=drop_columns,
                            hint=hint)
