"""Benchmark anomaly-detection datasets: lookup, verified download, loading, and a toy generator.

The benchmark files are the ones used by the Active Anomaly Discovery papers (Das et al.),
published in ``shubhomoydas/ad_examples`` (MIT licence). They are never stored in this
repository: :func:`fetch_file` finds them in a local mirror (``$ADLIB_DATA``), in the user's
cache (:func:`data_home`), or downloads them into that cache, and always checks the sha256
recorded in :data:`REGISTRY` so every chapter of the book runs on exactly the same bytes.

Every bad-input problem raises a :class:`DataError` (a ``ValueError``) whose message says what
is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "REGISTRY",
    "UPSTREAM_URL",
    "ChecksumError",
    "DataError",
    "DataFileMissingError",
    "Dataset",
    "DatasetInfo",
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

UPSTREAM_URL = (
    "https://raw.githubusercontent.com/shubhomoydas/ad_examples/master/ad_examples/datasets/anomaly"
)

_DOWNLOAD_TIMEOUT_S = 60
_CHUNK = 1 << 16


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class DataError(ValueError):
    """Base class for every bad-input problem in this module; the message names the fix."""


class UnknownDatasetError(DataError):
    """The dataset name is not in :data:`REGISTRY`; the message lists the known names."""


class DataFileMissingError(DataError, FileNotFoundError):
    """A data file could not be found locally or downloaded; says where we looked."""


class ChecksumError(DataError):
    """A file's sha256 differs from the registry; says expected vs actual and what was done."""


# --------------------------------------------------------------------------------------------
# Registry (facts from the mirror's SHA256SUMS; upstream files are immutable at these hashes)
# --------------------------------------------------------------------------------------------

# Same format as ``sha256sum`` output, in the order of the mirror README table (small to large).
_SHA256SUMS = """
746de4647c02d71919a26b521e3c5ddc110ca343d1fd176678ae9a56f02e2b0d  toy/toy_1.csv
669fb7d54f0796dd27df40cc4fe9cd6cfe3916abaa690b33ef7219203a211c71  toy2/toy2_1.csv
aaf511b03937a3fda6c3d50766fd8678c58a01852c74420db8c58bf66e018815  toy2/toy2_1_orig_labels.csv
64019c33a765bdcc4bc57ce05d5dcdea0158fa7b046244ef146bd9761dbecf8a  toy_hard/toy_hard_1.csv
ba968c98d5cbe5da55fcfba053374be07eec02b914ba7faefcc63ecce8708ecf  toy_hard/toy_hard_1_orig_labels.csv
5c1336a1f3bcfc4dfb1d3c3e7737137b2c1a6f58548034bb9d2e86647593ee84  abalone/abalone_1.csv
2d20bf4b4a1ad3d4c8c3f206ff918c0763baad2cbfde7d4f3f30a23fbe406ce9  abalone/abalone_1_orig_labels.csv
cf441ab0af1c1d33be9a783b23163c6cf81eef6f73d853e1f30ded76866897cc  abalone/abalone_1_tsne.csv
ef723674ebbbfc50a8316eed50e2f78aa289bf50e0524936bd57798950fada0f  ann_thyroid_1v3/ann_thyroid_1v3_1.csv
b34042af2e588551bec6a0d51874fcc785057e7a9b18f099a4232b88e69e124c  ann_thyroid_1v3/ann_thyroid_1v3_1_orig_labels.csv
8ce7c0a820938833e1d2055b8afafd227dc3a94c3420b592ed1c69e3ed1c8566  ann_thyroid_1v3/ann_thyroid_1v3_1_tsne.csv
de88cc716e08e518b3ef4076916547c10fac05e19e7b0a24ab0cb099788d989b  cardiotocography_1/cardiotocography_1_1.csv
8bad7e5bfe57613dfee04961ebd14f754ce15da43ade2cffb711fd3b8bfd69e0  cardiotocography_1/cardiotocography_1_1_orig_labels.csv
e9dd01f9540fc6e49507a47ff2113a50ec19f3f4070f9475c50e9903458dc417  cardiotocography_1/cardiotocography_1_1_tsne.csv
39768ad8f3ade8c53712199277627393fb866ba9b0f241a57509f0476c661f92  yeast/yeast_1.csv
d70716c28cbe7016fad613e113677e273a8e5be772cd76c0eb46680563737ea2  yeast/yeast_1_orig_labels.csv
abf19113346dbdf5b6e1abe1962546e4824669f134bbe42381c3aa6a6ac78089  yeast/yeast_1_tsne.csv
73a583451b5989c7d70cd7c4e2cc11779ed304af0c90f98bf5bf7153db25441e  mammography/mammography_1.csv
38c9cc2fef1c512d22b0d996077ac027d8b8c3487623f5377a72edc68d703e5f  mammography/mammography_1_orig_labels.csv
8731299a8d23d8b8f20d590fbef8e80f1347f5225f92e4254ee7bf3508d20746  shuttle_1v23567/shuttle_1v23567_1.csv
04f6bcc37c133a35e67a7ae2bc2ffeef1dbb61b119a49ccf9c31dfeb1c82c4a9  shuttle_1v23567/shuttle_1v23567_1_orig_labels.csv
8ac52ed1657cf535fb8da10ece3205ffceb56815ea9ca8b4744a44dda2a01c12  weather/weather_1.csv
7689af8177cf7dc675fd93a4e3ace14ec46713095ce503c92210886adc28ef6f  weather/weather_1_orig_labels.csv
"""

_ROLE_SUFFIX = {"data": "_1.csv", "orig_labels": "_1_orig_labels.csv", "tsne": "_1_tsne.csv"}


@dataclass(frozen=True)
class DatasetInfo:
    """Where a benchmark dataset's files live and what their sha256 must be.

    ``files`` maps a role (``"data"``, ``"orig_labels"``, ``"tsne"``) to
    ``(relative path, sha256)``; the relative path is ``"<name>/<file>"`` both in a local
    mirror and in the cache.
    """

    name: str
    files: dict[str, tuple[str, str]]

    def relpath(self, role: str = "data") -> str:
        """Relative path of the file for ``role`` (e.g. ``"abalone/abalone_1.csv"``)."""
        return self._entry(role)[0]

    def sha256(self, role: str = "data") -> str:
        """Expected sha256 (hex) of the file for ``role``."""
        return self._entry(role)[1]

    def url(self, role: str = "data", base_url: str | None = None) -> str:
        """Download URL: ``<base_url or UPSTREAM_URL>/<name>/fullsamples/<file>``."""
        file = Path(self.relpath(role)).name
        base = (base_url or UPSTREAM_URL).rstrip("/")
        return f"{base}/{self.name}/fullsamples/{file}"

    def _entry(self, role: str) -> tuple[str, str]:
        try:
            return self.files[role]
        except KeyError:
            raise DataError(
                f"Dataset {self.name!r} has no {role!r} file. "
                f"Fix: use one of the roles it has: {', '.join(self.files)}."
            ) from None


def _build_registry(text: str) -> dict[str, DatasetInfo]:
    """Parse ``sha256sum``-style lines into one :class:`DatasetInfo` per dataset folder."""
    files: dict[str, dict[str, tuple[str, str]]] = {}
    for line in text.strip().splitlines():
        sha, rel = line.split()
        name, file = rel.split("/")
        role = next(r for r, suffix in _ROLE_SUFFIX.items() if file == name + suffix)
        files.setdefault(name, {})[role] = (rel, sha)
    return {name: DatasetInfo(name, roles) for name, roles in files.items()}


REGISTRY: dict[str, DatasetInfo] = _build_registry(_SHA256SUMS)


def dataset_names() -> list[str]:
    """Names of the benchmark datasets, smallest (toy) first."""
    return list(REGISTRY)


def _info(name: str) -> DatasetInfo:
    """Registry entry for ``name`` (case-insensitive), or a helpful UnknownDatasetError."""
    key = str(name).strip().lower()
    if key in REGISTRY:
        return REGISTRY[key]
    close = difflib.get_close_matches(key, list(REGISTRY), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownDatasetError(
        f"Unknown dataset {name!r}.{hint} Known datasets: {', '.join(REGISTRY)}. "
        "Fix: pass one of these names (case-insensitive), or use load_csv() for your own file."
    )


# --------------------------------------------------------------------------------------------
# Locating, verifying and downloading files
# --------------------------------------------------------------------------------------------


def data_home() -> Path:
    """Download cache: ``$ADLIB_CACHE`` if set, else ``$XDG_CACHE_HOME/adlib`` or ``~/.cache/adlib``."""
    if os.environ.get("ADLIB_CACHE"):
        return Path(os.environ["ADLIB_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "adlib"


def _mirror_dirs() -> list[Path]:
    """Candidate folders for ``$ADLIB_DATA``.

    A relative value is read against the working directory and, failing that, against the
    project root when running from a source checkout, so ``ADLIB_DATA=../shared/datasets``
    also works from notebooks executed inside ``book/``.
    """
    raw = os.environ.get("ADLIB_DATA")
    if not raw:
        return []
    path = Path(raw).expanduser()
    dirs = [path.absolute()]
    root = Path(__file__).resolve().parents[1]
    if not path.is_absolute() and (root / "pyproject.toml").is_file():
        alt = (root / path).resolve()
        if alt != dirs[0].resolve():
            dirs.append(alt)
    return dirs


# (resolved path, mtime_ns, size) -> sha256 hex; makes repeated loads of unchanged files cheap.
_VERIFIED: dict[tuple[str, int, int], str] = {}


def _sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _cache_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_mtime_ns, st.st_size)


def _file_sha256(path: Path) -> str:
    """sha256 of ``path``, memoised on (path, mtime, size)."""
    key = _cache_key(path)
    if key not in _VERIFIED:
        _VERIFIED[key] = _sha256_file(path)
    return _VERIFIED[key]


def fetch_file(
    name: str, role: str = "data", *, download: bool = True, base_url: str | None = None
) -> Path:
    """Return the verified local path of one benchmark file, downloading it if needed.

    Looks in ``$ADLIB_DATA/<relpath>``, then ``data_home()/<relpath>``, then (if ``download``)
    fetches ``<base_url>/<name>/fullsamples/<file>`` into ``data_home()``; ``base_url``
    defaults to ``$ADLIB_DATA_URL`` or :data:`UPSTREAM_URL`. Every file is sha256-checked.
    """
    info = _info(name)
    rel, expected = info._entry(role)
    looked: list[str] = []

    for folder in _mirror_dirs():
        path = folder / rel
        looked.append(f"{path} (ADLIB_DATA)")
        if path.is_file():
            actual = _file_sha256(path)
            if actual != expected:
                raise ChecksumError(
                    f"sha256 mismatch for {path}: expected {expected}, got {actual}. "
                    "The file is in your ADLIB_DATA folder and was left untouched. Fix: replace "
                    f"it with a fresh copy from {info.url(role)}, or unset ADLIB_DATA to use "
                    "the download cache."
                )
            return path.absolute()

    cached = data_home() / rel
    looked.append(f"{cached} (cache, data_home())")
    if cached.is_file():
        actual = _file_sha256(cached)
        if actual == expected:
            return cached.absolute()
        cached.unlink()
        if not download:
            raise ChecksumError(
                f"sha256 mismatch for cached file {cached}: expected {expected}, got {actual}. "
                "The corrupt copy was deleted. Fix: call again with download=True to fetch a "
                "fresh copy, or set ADLIB_DATA to a folder holding a good copy."
            )

    if not download:
        raise DataFileMissingError(
            f"Data file {rel!r} for dataset {info.name!r} was not found. Looked in: "
            f"{'; '.join(looked)}. Fix: set the environment variable ADLIB_DATA to a folder "
            f"holding '<name>/<file>' copies (e.g. a local mirror), or allow download=True."
        )

    base = base_url or os.environ.get("ADLIB_DATA_URL") or UPSTREAM_URL
    return _download(info.url(role, base), cached, expected)


def _download(url: str, dest: Path, expected: str) -> Path:
    """Stream ``url`` to a temp file beside ``dest``; rename into place only if sha256 matches."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        try:
            with (
                os.fdopen(fd, "wb") as out,
                urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT_S) as response,
            ):
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    digest.update(chunk)
                    out.write(chunk)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            if isinstance(exc, urllib.error.HTTPError):
                reason = f"HTTP {exc.code} {exc.reason}"
            raise DataFileMissingError(
                f"Could not download {url}: {reason}. Fix: check your network connection, or "
                "set ADLIB_DATA to a folder holding a local copy of the datasets "
                "('<name>/<file>'), or set ADLIB_DATA_URL to a reachable mirror."
            ) from exc
        actual = digest.hexdigest()
        if actual != expected:
            raise ChecksumError(
                f"sha256 mismatch for download {url} (destined for {dest}): expected {expected}, "
                f"got {actual}. The bad download was deleted and nothing was written to the cache. "
                "Fix: retry (the transfer may have been corrupted); if it persists, the file at "
                "that URL is not the published one: point ADLIB_DATA_URL/base_url at the "
                "original upstream, or set ADLIB_DATA to a verified local copy."
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    _VERIFIED[_cache_key(dest)] = expected
    return dest.absolute()


# --------------------------------------------------------------------------------------------
# The Dataset container
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _preview(values, limit: int = 10) -> str:
    """Short comma list of the first ``limit`` items, for error messages."""
    items = [repr(v) for v in list(values)[:limit]]
    more = len(values) - limit
    return ", ".join(items) + (f", ... (+{more} more)" if more > 0 else "")


def _read_table(path: Path, sep: str, label_column: str | None = None) -> pd.DataFrame:
    """Read a delimited text file with pandas, turning parse problems into DataError."""
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
    dtype = {label_column: str} if label_column is not None else None
    try:
        df = pd.read_csv(path, sep=sep, dtype=dtype)
    except pd.errors.EmptyDataError:
        raise DataError(
            f"{path} has no header and no rows (only blank lines). "
            "Fix: check the file was written completely."
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(
            f"Could not parse {path} as delimited text with sep={sep!r}: {exc}. "
            "Fix: check the separator (sep=) and that it is a plain-text CSV."
        ) from exc
    df.columns = [str(c).strip() for c in df.columns]
    if len(df) == 0:
        raise DataError(
            f"{path} has a header ({_preview(df.columns)}) but no data rows. "
            "Fix: check the file was written completely."
        )
    return df


def _frame_to_dataset(
    df: pd.DataFrame,
    *,
    name: str,
    source: str,
    label_column: str | None,
    anomaly_value,
    feature_columns: list[str] | None,
    sep: str = ",",
) -> Dataset:
    """Validate a parsed table and split it into X / y / feature_names."""
    columns = list(df.columns)
    if label_column is not None and label_column not in columns:
        close = difflib.get_close_matches(str(label_column), [str(c) for c in columns], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        sep_hint = (
            f" Only one column was found, so the separator may be wrong (sep={sep!r})."
            if len(columns) == 1
            else ""
        )
        raise DataError(
            f"Label column {label_column!r} not found in {source}.{hint}{sep_hint} Columns "
            f"present: {_preview(columns, 30)}. Fix: pass label_column=<one of these>, or "
            "label_column=None for unlabeled data."
        )

    if feature_columns is None:
        features = [c for c in columns if c != label_column]
    else:
        features = [str(c) for c in feature_columns]
        missing = [c for c in features if c not in columns]
        if missing:
            raise DataError(
                f"feature_columns not found in {source}: {_preview(missing)}. "
                f"Columns present: {_preview(columns, 30)}. Fix: select from these."
            )
        if label_column in features:
            raise DataError(
                f"The label column {label_column!r} is also listed in "
                "feature_columns. Fix: remove it from feature_columns."
            )
    if not features:
        raise DataError(
            f"{source} has no feature columns (columns: {_preview(columns)}). "
            "Fix: the file needs at least one numeric column besides the label."
        )

    non_numeric = [c for c in features if not pd.api.types.is_numeric_dtype(df[c])]
    if non_numeric:
        examples = []
        for c in non_numeric[:10]:
            bad = pd.to_numeric(df[c], errors="coerce").isna() & df[c].notna()
            example = df[c][bad].iloc[0] if bad.any() else df[c].dropna().iloc[0]
            examples.append(f"{c!r} (e.g. {example!r})")
        numeric = [c for c in features if c not in non_numeric]
        raise DataError(
            f"Non-numeric feature columns in {source}: {', '.join(examples)}"
            f"{' ...' if len(non_numeric) > 10 else ''}. Fix: drop them with "
            f"feature_columns={numeric[:20]!r}{'...' if len(numeric) > 20 else ''}, or encode them "
            "as numbers first (e.g. pandas.get_dummies or factorize)."
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

    y = None
    if label_column is not None:
        raw = df[label_column]
        if raw.isna().any():
            raise DataError(
                f"Label column {label_column!r} in {source} is empty in {int(raw.isna().sum())} "
                "rows. Fix: label every row, or drop unlabeled rows before loading."
            )
        labels = raw.astype(str).str.strip()
        target = str(anomaly_value).strip()
        y = (labels == target).to_numpy(dtype=np.int64)
        seen = sorted(labels.unique())
        if y.sum() == 0:
            raise DataError(
                f"No row of {source} has label {target!r} in column {label_column!r}; values seen: "
                f"{_preview(seen)}. Fix: pass anomaly_value=<the value that marks anomalies> "
                f"(e.g. anomaly_value={seen[-1]!r}), or label_column=None for unlabeled data."
            )
        if y.sum() == len(y):
            raise DataError(
                f"Every row of {source} has label {target!r} in column {label_column!r} (values "
                f"seen: {_preview(seen)}), so there are no nominal rows. Fix: check "
                "anomaly_value= and label_column=; anomaly detection needs nominal rows too."
            )

    return Dataset(name=name, X=X, y=y, feature_names=features)


def load_csv(
    path,
    *,
    label_column: str | None = "label",
    anomaly_value="anomaly",
    feature_columns: list[str] | None = None,
    sep: str = ",",
) -> Dataset:
    """Load a user's own CSV into a :class:`Dataset` with the same checks as the benchmarks.

    Rows whose ``label_column`` equals ``anomaly_value`` (compared as stripped strings, so
    ``anomaly_value=1`` works for a 0/1 column) get ``y = 1``. ``label_column=None`` loads
    unlabeled data (``y is None``). Features are ``feature_columns`` or all other columns.
    """
    path = Path(path).expanduser()
    df = _read_table(path, sep, label_column)
    return _frame_to_dataset(
        df,
        name=path.stem,
        source=str(path),
        label_column=label_column,
        anomaly_value=anomaly_value,
        feature_columns=feature_columns,
        sep=sep,
    )


def load_dataset(name: str, *, download: bool = True) -> Dataset:
    """Load a benchmark dataset by name (case-insensitive), verified against its sha256.

    The first column of the data file is the label (``label`` or ``ground.truth``;
    ``anomaly`` -> 1); ``orig_labels`` and ``tsne`` are attached when the dataset has them.
    """
    info = _info(name)
    path = fetch_file(info.name, "data", download=download)
    df = _read_table(path, ",")
    label_column = df.columns[0]
    ds = _frame_to_dataset(
        df.astype({label_column: str}),
        name=info.name,
        source=str(path),
        label_column=label_column,
        anomaly_value="anomaly",
        feature_columns=None,
    )

    orig = tsne = None
    if "orig_labels" in info.files:
        opath = fetch_file(info.name, "orig_labels", download=download)
        odf = _read_table(opath, ",")
        _check_rows(odf, ds, opath)
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
    if "tsne" in info.files:
        tpath = fetch_file(info.name, "tsne", download=download)
        tdf = _read_table(tpath, r"\s+")
        _check_rows(tdf, ds, tpath)
        tsne = tdf[["x", "y"]].to_numpy(dtype=np.float64)

    return Dataset(ds.name, ds.X, ds.y, ds.feature_names, orig_labels=orig, tsne=tsne)


def _check_rows(df: pd.DataFrame, ds: Dataset, path: Path) -> None:
    """Side files must have one row per data row."""
    if len(df) != ds.n_samples:
        raise DataError(
            f"{path} has {len(df)} rows but the data file of {ds.name!r} has {ds.n_samples}. "
            "Fix: the files are out of step; delete them from the cache (data_home()) and reload."
        )


# --------------------------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------------------------

# Nominal mass: three blobs of different spread (centre x, centre y, sd, weight).
_TOY_BLOBS = np.array(
    [
        [0.0, 0.0, 1.0, 0.45],
        [3.5, 3.0, 0.6, 0.30],
        [0.0, 4.5, 0.8, 0.25],
    ]
)


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer counts proportional to ``weights`` that sum exactly to ``total``."""
    raw = total * weights / weights.sum()
    counts = np.floor(raw).astype(np.int64)
    counts[np.argsort(raw - counts)[::-1][: total - counts.sum()]] += 1
    return counts


def _min_distance(a: np.ndarray, b: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Distance from each row of ``a`` to its nearest row of ``b`` (chunked to bound memory)."""
    best = np.full(len(a), np.inf)
    for start in range(0, len(b), chunk):
        part = b[start : start + chunk]
        d2 = ((a[:, None, :] - part[None, :, :]) ** 2).sum(axis=-1)
        best = np.minimum(best, d2.min(axis=1))
    return np.sqrt(best)


def make_toy(
    n_nominal: int = 450, n_anomalies: int = 35, n_clusters: int = 2, seed: int = 0
) -> Dataset:
    """Synthetic 2-D data in the spirit of the AAD toy sets, for quick demos and tests.

    Nominal rows come from three Gaussian blobs of different spread; anomalies form
    ``n_clusters`` tight Gaussian clusters centred in empty space near the nominal mass, plus
    about one in ten scattered further out. ``orig_labels``: 0 nominal, ``k`` for cluster k
    (1-based), ``n_clusters + 1`` for scattered anomalies. Same ``seed`` -> identical arrays.
    """
    for arg, value, low in (
        ("n_nominal", n_nominal, 1),
        ("n_anomalies", n_anomalies, 0),
        ("n_clusters", n_clusters, 1),
    ):
        if int(value) != value or value < low:
            raise DataError(
                f"{arg} must be an integer >= {low}, got {value!r}. "
                f"Fix: pass {arg}={max(low, 1)} or more."
            )
    rng = np.random.default_rng(seed)

    counts = _split(n_nominal, _TOY_BLOBS[:, 3])
    nominal = np.concatenate(
        [
            blob[:2] + blob[2] * rng.standard_normal((k, 2))
            for blob, k in zip(_TOY_BLOBS, counts, strict=True)
        ]
    )

    n_scatter = n_anomalies // 10
    n_clustered = n_anomalies - n_scatter
    # Cluster centres: random candidates at least `gap` from every nominal point, then
    # greedily the ones closest to the nominal centre, kept `2 * gap` apart from each other.
    gap, spread = 1.2, 0.25
    lo, hi = nominal.min(axis=0) - 2.0, nominal.max(axis=0) + 2.0
    cand = rng.uniform(lo, hi, size=(2000, 2))
    cand = cand[_min_distance(cand, nominal) >= gap]
    cand = cand[np.argsort(np.linalg.norm(cand - nominal.mean(axis=0), axis=1))]
    centres: list[np.ndarray] = []
    for c in cand:
        if len(centres) == n_clusters:
            break
        if all(np.linalg.norm(c - p) >= 2 * gap for p in centres):
            centres.append(c)
    while len(centres) < n_clusters:  # degenerate layouts: fall back to a ring outside the data
        angle = 2 * np.pi * len(centres) / n_clusters
        centres.append(
            nominal.mean(axis=0) + (hi - lo).max() * np.array([np.cos(angle), np.sin(angle)])
        )
    centres_arr = np.array(centres)

    sizes = _split(n_clustered, np.ones(n_clusters))
    clustered = centres_arr.repeat(sizes, axis=0) + spread * rng.standard_normal((n_clustered, 2))
    # Scattered anomalies: uniform angle, radius beyond the bulk of the nominal data.
    centre = nominal.mean(axis=0)
    r_out = np.quantile(np.linalg.norm(nominal - centre, axis=1), 0.99)
    angle = rng.uniform(0, 2 * np.pi, n_scatter)
    radius = r_out * rng.uniform(1.2, 1.6, n_scatter)
    scattered = centre + radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])

    X = np.concatenate([nominal, clustered, scattered])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_nominal, n_anomalies])
    orig = np.concatenate(
        [
            np.zeros(n_nominal, dtype=np.int64),
            np.arange(1, n_clusters + 1, dtype=np.int64).repeat(sizes),
            np.full(n_scatter, n_clusters + 1, dtype=np.int64),
        ]
    )
    return Dataset("toy_synthetic", X, y, ["x", "y"], orig_labels=orig)


def write_breast_cancer_csv(path, n_malignant: int = 20, seed: int = 0) -> Path:
    """Write scikit-learn's bundled breast-cancer data as a CSV with rare malignant cases.

    The "bring your own CSV" chapter needs a real dataset that the rest of the
    book does not use and that works offline: the Wisconsin diagnostic breast
    cancer data ships inside scikit-learn. All 357 benign cases are kept and
    ``n_malignant`` malignant ones are drawn (seeded), so malignant is the rare
    class; the label column is ``diagnosis`` with values ``benign`` /
    ``malignant``, followed by the 30 named features. Returns the path.
    """
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer(as_frame=True)
    frame = raw.frame
    malignant = np.flatnonzero(frame["target"].to_numpy() == 0)  # sklearn: 0 = malignant
    if not 1 <= n_malignant <= malignant.size:
        raise DataError(f"n_malignant={n_malignant} must be between 1 and {malignant.size}")
    rng = np.random.default_rng(seed)
    keep = np.sort(np.concatenate([np.flatnonzero(frame["target"].to_numpy() == 1),
                                   rng.choice(malignant, n_malignant, replace=False)]))
    out = frame.iloc[keep].drop(columns="target")
    out.insert(0, "diagnosis", np.where(frame["target"].to_numpy()[keep] == 0,
                                        "malignant", "benign"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False)
    return path


def make_two_detector_scores(n_nominal: int = 300, n_false_alarms: int = 30,
                             n_anomalies: int = 20, seed: int = 0) -> Dataset:
    """Scores of two detectors on the same instances: the simplest AAD ensemble.

    Each row is ``(score of detector 1, score of detector 2)``, higher = more
    anomalous. Most nominals score low on both; a group of nominals fools
    detector 1 (high there, low on detector 2: its false alarms); the true
    anomalies score high on detector 2 and only moderately on detector 1. With
    equal weights the false alarms and the anomalies share the top of the
    ranking, so an analyst's answers have something to correct: the weights
    must tilt towards detector 2. ``orig_labels``: 0 nominal, 1 false alarm,
    2 anomaly. Seeded.
    """
    rng = np.random.default_rng(seed)
    parts = [
        rng.normal([0.30, 0.30], [0.12, 0.12], size=(n_nominal, 2)),
        rng.normal([0.85, 0.35], [0.06, 0.08], size=(n_false_alarms, 2)),
        rng.normal([0.42, 0.78], [0.09, 0.07], size=(n_anomalies, 2)),
    ]
    X = np.clip(np.vstack(parts), 0.0, 1.0)
    group = np.repeat([0, 1, 2], [n_nominal, n_false_alarms, n_anomalies])
    return Dataset(name="two_detector_scores", X=X, y=(group == 2).astype(np.int64),
                   feature_names=["detector 1", "detector 2"], orig_labels=group)
