"""The errors and warnings of :mod:`adlib.datasets`: every message names the problem and the fix."""

from __future__ import annotations


class DataError(ValueError):
    """Base class for every bad-input problem in this package; the message names the fix."""


class UnknownDatasetError(DataError):
    """The dataset name is not in the registry; the message lists the known names."""


class DataFileMissingError(DataError, FileNotFoundError):
    """A data file could not be found locally or downloaded; says where we looked."""


class ChecksumError(DataError):
    """A file's sha256 differs from the registry; says expected vs actual and what was done."""


class DataWarning(UserWarning):
    """A file loaded, but something in it is probably not what you meant (an index column, an
    ID column, duplicate column names); the message names the column and how to change it."""


def preview(values, limit: int = 10) -> str:
    """Short comma list of the first ``limit`` items, for messages."""
    values = list(values)
    items = [repr(v) for v in values[:limit]]
    more = len(values) - limit
    return ", ".join(items) + (f", ... (+{more} more)" if more > 0 else "")
