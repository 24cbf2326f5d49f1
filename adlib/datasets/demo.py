"""Broken copies of a reader's own CSV, to show what :func:`load_csv` says about each problem.

The "own data" chapter demonstrates adlib's errors on the reader's file, not on a fixed example:
:func:`broken_examples` writes a few damaged copies of it (a label column name in another
case, a text value and a gap in the first feature column, a third label value, a pandas index
column, semicolons with decimal commas) into a folder the caller gives, which must be a fresh
temporary one: nothing is written anywhere else, and existing files are never overwritten.
:meth:`BrokenExample.attempt` loads a copy and returns the error or warnings with the folder
left out of every path, so that printed output names files only.
"""

from __future__ import annotations

import os
import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .csv import load_csv, read_table
from .errors import DataError

__all__ = ["BrokenExample", "broken_examples"]


@dataclass(frozen=True)
class BrokenExample:
    """One damaged copy: its file, what was changed, and the ``load_csv`` arguments to try."""

    what: str
    path: Path
    load_kwargs: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The file name (no folder)."""
        return self.path.name

    def attempt(self, width: int | None = None) -> str:
        """Load the copy with ``load_csv``: the error, or the warnings and the result, as text.

        Paths inside the folder are shortened to file names. ``width`` wraps long lines at
        spaces (never inside a word); ``None`` leaves them as they are.
        """
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                ds = load_csv(self.path, **self.load_kwargs)
            except DataError as err:
                lines = [f"{type(err).__name__}: {err}"]
            else:
                lines = [f"loaded: {ds!r}"]
        lines = [f"{w.category.__name__}: {w.message}" for w in caught] + lines
        folder = str(self.path.parent)
        lines = [line.replace(folder + os.sep, "").replace(folder, ".") for line in lines]
        if width:
            lines = [textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False,
                                   subsequent_indent="  ") for line in lines]
        return "\n".join(lines)


def _other_case(name: str) -> str:
    """The same column name as a reader might mistype it (another case), or with a typo."""
    for candidate in (name.capitalize(), name.upper(), name.lower(), name + "_"):
        if candidate != name:
            return candidate
    return name + "_"  # pragma: no cover


def broken_examples(csv_path, folder, *, label_column: str | None = "label",
                    anomaly_value="anomaly", nominal_value=None, sep: str = ",",
                    decimal: str = ".", encoding: str = "utf-8") -> list[BrokenExample]:
    """Write damaged copies of ``csv_path`` into ``folder`` (an existing, empty folder).

    The copies keep the file's own columns and values and change one thing each; the arguments
    are those that load ``csv_path`` correctly. The folder must be empty, so that no file of the
    reader's is ever overwritten: use ``tempfile.TemporaryDirectory()``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder. Fix: create a fresh one, e.g. with "
                        "tempfile.TemporaryDirectory().")
    if any(folder.iterdir()):
        raise DataError(f"{folder} is not empty; the examples are written only into an empty "
                        "folder so that no existing file is overwritten. Fix: pass a fresh one, "
                        "e.g. tempfile.TemporaryDirectory().")
    good = load_csv(csv_path, label_column=label_column, anomaly_value=anomaly_value,
                    nominal_value=nominal_value, sep=sep, decimal=decimal, encoding=encoding)
    frame = read_table(Path(csv_path), sep, label_column, decimal=decimal, encoding=encoding)
    frame = frame[([label_column] if label_column else []) + good.feature_names]
    write_sep = sep if len(sep) == 1 else ","
    kwargs = dict(label_column=label_column, anomaly_value=anomaly_value,
                  nominal_value=nominal_value, sep=write_sep, decimal=decimal, encoding=encoding)
    first = good.feature_names[0]
    row = int(np.flatnonzero(good.y == 0)[0]) if good.y is not None else 0
    examples: list[BrokenExample] = []

    def write(file: str, what: str, table: pd.DataFrame, index=False, **changes) -> None:
        path = folder / file
        opts = dict(sep=write_sep, decimal=decimal, encoding=encoding)
        opts.update({k: changes.pop(k) for k in list(changes) if k in ("sep", "decimal")})
        with open(path, "x", encoding=encoding, newline="") as fh:  # "x": never overwrite
            table.to_csv(fh, index=index, sep=opts["sep"], decimal=opts["decimal"])
        examples.append(BrokenExample(what, path, {**kwargs, **changes}))

    if label_column is not None:
        wrong = _other_case(label_column)
        write("label_name_typo.csv", f"label_column={wrong!r} instead of {label_column!r}",
              frame, label_column=wrong)
    text = frame.astype({first: object})
    text.loc[row, first] = with_unit = f"{frame.loc[row, first]} mm"
    write("text_value.csv", f"{with_unit!r} (a unit) in row {row} of column {first!r}", text)
    gap = frame.astype({first: float})
    gap.loc[row, first] = np.nan
    write("missing_value.csv", f"an empty cell in row {row} of column {first!r}", gap)
    if label_column is not None:
        values = set(frame[label_column].astype(str).str.strip())
        extra = next(v for v in ("unsure", "unsure?", "unknown", "?") if v not in values)
        third = frame.astype({label_column: object})
        third.loc[row, label_column] = extra
        write("third_label_value.csv", f"label {extra!r} in row {row}", third)
    write("pandas_index.csv", "written with to_csv(path) instead of to_csv(path, index=False)",
          frame, index=True)
    if write_sep == "," and decimal == ".":
        write("semicolons.csv", "saved with ';' between fields and decimal commas (as European "
              "spreadsheets do)", frame, sep=";", decimal=",")
    return examples
