"""Data: the benchmark and other published data sets, verified download, and users' own CSVs.

The files are the ones used by the Active Anomaly Discovery papers (Das et al.), published in
``shubhomoydas/ad_examples`` (MIT licence). They are never stored in this repository:
:func:`fetch_file` finds them in a local mirror (``$ADLIB_DATA``), in the user's cache
(:func:`data_home`), or downloads them into that cache, and always checks the sha256 recorded in
:data:`REGISTRY`, so every chapter of the book runs on exactly the same bytes.

Modules (this package imports nothing else of adlib):

* :mod:`.registry`: :data:`REGISTRY` (names, files, sha256, upstream location), ``dataset_names``;
* :mod:`.download`: ``fetch_file``, ``data_home`` (mirror, cache, verified download);
* :mod:`.container`: the :class:`Dataset` container; :mod:`.timeseries`: :class:`TimeSeries`;
* :mod:`.csv` and :mod:`.labels`: ``load_csv`` and its checks; :mod:`.loaders`: ``load_dataset``;
* :mod:`.synthetic`: ``make_toy``, ``make_two_detector_scores``, ``write_breast_cancer_csv``;
* :mod:`.demo`: broken copies of a user's CSV for the "own data" chapter.

Every bad-input problem raises a :class:`DataError` (a ``ValueError``) whose message says what
is wrong and how to fix it; a file that loads but probably not as meant gets a
:class:`DataWarning`.
"""

from __future__ import annotations

from .container import Dataset
from .csv import load_csv
from .download import data_home, fetch_file
from .errors import (
    ChecksumError,
    DataError,
    DataFileMissingError,
    DataWarning,
    UnknownDatasetError,
)
from .loaders import load_dataset
from .registry import REGISTRY, UPSTREAM_ROOT, UPSTREAM_URL, DatasetInfo, dataset_names
from .synthetic import make_toy, make_two_detector_scores, write_breast_cancer_csv
from .timeseries import TimeSeries

__all__ = [
    "REGISTRY",
    "UPSTREAM_ROOT",
    "UPSTREAM_URL",
    "ChecksumError",
    "DataError",
    "DataFileMissingError",
    "DataWarning",
    "Dataset",
    "DatasetInfo",
    "TimeSeries",
    "UnknownDatasetError",
    "data_home",
    "dataset_names",
    "fetch_file",
    "load_csv",
    "load_dataset",
    "make_toy",
    "make_two_detector_scores",
    "write_breast_cancer_csv",
]
