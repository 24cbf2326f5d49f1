"""Finding, verifying and downloading data files.

:func:`fetch_file` looks in ``$ADLIB_DATA/<relpath>``, then in the cache (:func:`data_home`),
then downloads into the cache through a temporary file that is renamed into place only once its
sha256 matches the registry. Every file, wherever it comes from, is checked.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from .errors import ChecksumError, DataError, DataFileMissingError
from .registry import info

__all__ = ["data_home", "fetch_file"]

_DOWNLOAD_TIMEOUT_S = 60
_CHUNK = 1 << 16
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


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
    if not path.is_absolute() and (_PROJECT_ROOT / "pyproject.toml").is_file():
        alt = (_PROJECT_ROOT / path).resolve()
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
    """Return the verified local path of one registered file, downloading it if needed.

    Looks in ``$ADLIB_DATA/<relpath>``, then ``data_home()/<relpath>``, then (if ``download``)
    fetches it from ``base_url`` (default ``$ADLIB_DATA_URL`` or :data:`UPSTREAM_URL`, see
    :meth:`DatasetInfo.url`) into ``data_home()``. Every file is sha256-checked.
    """
    entry = info(name)
    rel, expected = entry._entry(role)
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
                    f"it with a fresh copy from {entry.url(role)}, or unset ADLIB_DATA to use "
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
            f"Data file {rel!r} for dataset {entry.name!r} was not found. Looked in: "
            f"{'; '.join(looked)}. Fix: set the environment variable ADLIB_DATA to a folder "
            f"holding '<name>/<file>' copies (e.g. a local mirror), or allow download=True."
        )

    base = base_url or os.environ.get("ADLIB_DATA_URL") or None
    return _download(entry.url(role, base), cached, expected)


def _download(url: str, dest: Path, expected: str) -> Path:
    """Stream ``url`` to a temp file beside ``dest``; rename into place only if sha256 matches."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as exc:
        raise DataError(
            f"Cannot write to the download cache {dest.parent}: {exc}. Fix: set ADLIB_CACHE to a "
            "writable folder, or ADLIB_DATA to a folder holding the files."
        ) from exc
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
