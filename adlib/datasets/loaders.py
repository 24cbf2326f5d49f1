"""``load_dataset(name)``: every registered dataset, verified, in the shape its chapters use.

* the ten benchmarks: a :class:`Dataset` (X, y with anomaly = 1), with ``orig_labels`` and
  ``tsne`` when the dataset has those files;
* ``face``: a :class:`Dataset` from ``face_with_anoms.csv``: X = (x, y), 310 rows, y = the
  file's 0/1 label (10 anomalies); ``orig_labels`` is the face part of each nominal row, read
  from ``face.csv`` (1 and 2: the eyes, 3: the mouth), and 0 for the anomalies;
* ``face`` with ``variant="clean"``: a :class:`Dataset` named ``face_clean`` from ``face.csv``:
  the 300 nominal rows, y all 0, ``orig_labels`` the face parts 1, 2, 3;
* ``donut``: a :class:`Dataset` with X = (x, y), 401 rows and ``y=None`` (the file has no
  labels: a ring of points for the GAN chapter);
* ``toy_scores``: a :class:`Dataset` whose X holds the 50 detectors' scores (X1..X50, higher =
  more anomalous) of the 485 ``toy`` rows, y = toy's labels (checked equal, row by row) and
  ``tsne`` = toy's own 2-D coordinates, for plots; fit ``PrecomputedScores`` on X;
* ``simulated_timeseries``: a :class:`TimeSeries`: 60745 values, 2000 segments (``starts``,
  ``activities`` 0/1/2); ``segments()`` cuts the series.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, overload

import numpy as np
import pandas as pd

from .container import Dataset
from .csv import frame_to_dataset, read_table
from .download import fetch_file
from .errors import DataError
from .registry import DatasetInfo, info
from .timeseries import TimeSeries

__all__ = ["load_dataset"]

FACE_VARIANTS = ("anomalies", "clean")


@overload
def load_dataset(name: Literal["simulated_timeseries"], *, variant: str | None = None,
                 download: bool = True) -> TimeSeries: ...
@overload
def load_dataset(name: str, *, variant: str | None = None, download: bool = True) -> Dataset: ...


def load_dataset(name, *, variant=None, download=True):
    """Load a registered dataset by name (case-insensitive), verified against its sha256.

    Benchmarks: the first column of the data file is the label (``label`` or ``ground.truth``;
    ``anomaly`` -> 1); ``orig_labels`` and ``tsne`` are attached when the dataset has them. The
    other data (``face``, ``donut``, ``toy_scores``, ``simulated_timeseries``) are described in
    this module's docstring; ``variant`` selects ``face``'s ``"anomalies"`` (default) or
    ``"clean"`` file and is an error for every other name.
    """
    entry = info(name)
    if entry.name == "face":
        return _load_face(entry, variant or "anomalies", download)
    if variant is not None:
        raise DataError(f"Dataset {entry.name!r} has no variants (got variant={variant!r}). "
                        "Fix: leave variant out; only 'face' has them "
                        f"({', '.join(FACE_VARIANTS)}).")
    if entry.kind == "benchmark":
        return _load_benchmark(entry, download)
    if entry.name == "donut":
        path = fetch_file(entry.name, "data", download=download)
        return frame_to_dataset(read_table(path), name="donut", source=str(path),
                                label_column=None, anomaly_value=None)
    if entry.name == "toy_scores":
        return _load_toy_scores(entry, download)
    if entry.name == "simulated_timeseries":
        return _load_timeseries(entry, download)
    raise DataError(f"No loader for {entry.name!r} (kind {entry.kind!r}). Fix: read its files "
                    "with fetch_file(name, role) and pandas.")  # pragma: no cover


def _load_benchmark(entry: DatasetInfo, download: bool) -> Dataset:
    path = fetch_file(entry.name, "data", download=download)
    df = read_table(path, ",")
    label_column = df.columns[0]
    ds = frame_to_dataset(df.astype({label_column: str}), name=entry.name, source=str(path),
                          label_column=label_column, anomaly_value="anomaly")

    orig = tsne = None
    if "orig_labels" in entry.files:
        opath = fetch_file(entry.name, "orig_labels", download=download)
        odf = read_table(opath, ",")
        check_rows(odf, ds, opath)
        truth = (odf["ground.truth"].astype(str).str.strip() == "anomaly").to_numpy(np.int64)
        if not np.array_equal(truth, ds.y):
            raise DataError(
                f"{opath} disagrees with {path} on which rows are anomalies. Fix: the two files "
                "are out of step; delete them from the cache (data_home()) and load again."
            )
        col = odf["label"]
        orig = (
            col.to_numpy() if pd.api.types.is_numeric_dtype(col) else col.astype(str).to_numpy(str)
        )
    if "tsne" in entry.files:
        tpath = fetch_file(entry.name, "tsne", download=download)
        tdf = read_table(tpath, r"\s+")
        check_rows(tdf, ds, tpath)
        tsne = tdf[["x", "y"]].to_numpy(dtype=np.float64)

    return Dataset(ds.name, ds.X, ds.y, ds.feature_names, orig_labels=orig, tsne=tsne)


def check_rows(df: pd.DataFrame, ds: Dataset, path: Path) -> None:
    """Side files must have one row per data row."""
    if len(df) != ds.n_samples:
        raise DataError(
            f"{path} has {len(df)} rows but the data file of {ds.name!r} has {ds.n_samples}. "
            "Fix: the files are out of step; delete them from the cache (data_home()) and reload."
        )


def _load_face(entry: DatasetInfo, variant: str, download: bool) -> Dataset:
    if variant not in FACE_VARIANTS:
        raise DataError(f"Unknown variant {variant!r} of 'face'. Fix: pass variant='anomalies' "
                        "(face_with_anoms.csv, the default) or variant='clean' (face.csv).")
    cpath = fetch_file(entry.name, "clean", download=download)
    clean = read_table(cpath, label_column="label")
    parts = clean["label"].astype(str).str.strip().astype(np.int64).to_numpy()
    if variant == "clean":
        return Dataset("face_clean", clean[["x", "y"]], np.zeros(len(clean), np.int64),
                       ["x", "y"], orig_labels=parts)
    path = fetch_file(entry.name, "data", download=download)
    ds = frame_to_dataset(read_table(path, label_column="label"), name="face", source=str(path),
                          label_column="label", anomaly_value="1", nominal_value="0")
    nominal = np.flatnonzero(ds.y == 0)
    if nominal.size != len(clean) or not np.array_equal(ds.X[nominal], clean[["x", "y"]]):
        raise DataError(f"The nominal rows of {path} differ from {cpath}. Fix: the files are out "
                        "of step; delete them from the cache (data_home()) and load again.")
    orig = np.zeros(ds.n_samples, np.int64)
    orig[nominal] = parts
    return Dataset("face", ds.X, ds.y, ds.feature_names, orig_labels=orig)


def _load_toy_scores(entry: DatasetInfo, download: bool) -> Dataset:
    path = fetch_file(entry.name, "data", download=download)
    ds = frame_to_dataset(read_table(path, label_column="label"), name="toy_scores",
                          source=str(path), label_column="label", anomaly_value="anomaly")
    toy = _load_benchmark(info("toy"), download)
    if toy.n_samples != ds.n_samples or not np.array_equal(toy.y, ds.y):
        raise DataError(f"The labels of {path} differ from toy's ({toy.n_samples} rows): the "
                        "scores must be of the toy rows, in the same order. Fix: delete both "
                        "from the cache (data_home()) and load again.")
    return Dataset("toy_scores", ds.X, ds.y, ds.feature_names, tsne=toy.X)


def _series_file(name: str, role: str, download: bool) -> tuple[np.ndarray, Path]:
    """Second column of a headerless ``index,value`` file, after checking the index is 0..n-1."""
    path = fetch_file(name, role, download=download)
    df = pd.read_csv(path, header=None, names=["index", "value"])
    if not np.array_equal(df["index"].to_numpy(), np.arange(len(df))):
        raise DataError(f"The first column of {path} is not the row index 0..{len(df) - 1}. "
                        "Fix: delete the file from the cache (data_home()) and load again.")
    return df["value"].to_numpy(), path


def _load_timeseries(entry: DatasetInfo, download: bool) -> TimeSeries:
    values, _ = _series_file(entry.name, "data", download)
    activities, apath = _series_file(entry.name, "activities", download)
    starts, spath = _series_file(entry.name, "starts", download)
    if activities.shape != starts.shape:
        raise DataError(f"{apath} has {activities.size} segments but {spath} {starts.size}. "
                        "Fix: delete them from the cache (data_home()) and load again.")
    return TimeSeries(entry.name, values, activities, starts)
