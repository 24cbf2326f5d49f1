"""Tests for adlib.datasets: registry, verified fetch/download, loaders, errors, toy data.

The benchmark files are read from the local mirror ($ADLIB_DATA, default
``<repo>/../shared/datasets``); downloads are exercised against a throwaway HTTP server on
127.0.0.1, never the internet. ADLIB_CACHE always points at a temporary folder.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import socket
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adlib.datasets import (
    REGISTRY,
    UPSTREAM_ROOT,
    UPSTREAM_URL,
    ChecksumError,
    DataError,
    DataFileMissingError,
    Dataset,
    DatasetInfo,
    UnknownDatasetError,
    data_home,
    dataset_names,
    fetch_file,
    load_csv,
    load_dataset,
    make_toy,
)
from adlib.datasets import download as DL
from adlib.datasets.registry import ROLE_SUFFIX

REPO = Path(__file__).resolve().parents[1]


def _mirror_path() -> Path:
    """The local dataset mirror: $ADLIB_DATA (cwd- or repo-relative) or <repo>/../shared/datasets."""
    raw = os.environ.get("ADLIB_DATA")
    if not raw:
        return (REPO / ".." / "shared" / "datasets").resolve()
    path = Path(raw).expanduser()
    if not path.is_absolute() and not path.is_dir():
        path = REPO / path
    return path.resolve()


MIRROR = _mirror_path()
HAVE_MIRROR = (MIRROR / "SHA256SUMS").is_file()
needs_mirror = pytest.mark.skipif(
    not HAVE_MIRROR,
    reason=f"dataset mirror not found at {MIRROR}; set ADLIB_DATA to a local copy of the datasets",
)

# The mirror README table: name -> (rows, anomalies, features).
EXPECTED = {
    "toy": (485, 20, 2),
    "toy2": (485, 35, 2),
    "toy_hard": (484, 34, 2),
    "abalone": (1920, 29, 9),
    "ann_thyroid_1v3": (3251, 73, 21),
    "cardiotocography_1": (1700, 45, 21),
    "yeast": (1191, 55, 8),
    "mammography": (11183, 260, 6),
    "shuttle_1v23567": (12345, 867, 9),
    "weather": (13117, 656, 8),
}
# The README's other data: name -> (kind, {role: file}).
OTHER = {
    "face": ("points", {"data": "face_with_anoms.csv", "clean": "face.csv"}),
    "donut": ("points", {"data": "donut-shape.csv"}),
    "toy_scores": ("scores", {"data": "toy_scores.csv"}),
    "simulated_timeseries": ("timeseries", {"data": "samples_2000.csv",
                                            "activities": "activities_2000.csv",
                                            "starts": "starts_2000.csv"}),
}


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    """Every test: a private empty cache, no custom download URL, ADLIB_DATA = the mirror."""
    monkeypatch.setenv("ADLIB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ADLIB_DATA_URL", raising=False)
    if HAVE_MIRROR:
        monkeypatch.setenv("ADLIB_DATA", str(MIRROR))
    else:
        monkeypatch.delenv("ADLIB_DATA", raising=False)
    monkeypatch.setattr(DL, "_VERIFIED", {})


@pytest.fixture
def offline(monkeypatch):
    """No local mirror: only the cache and downloads count."""
    monkeypatch.delenv("ADLIB_DATA", raising=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass


@pytest.fixture
def served(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/'www' laid out as <name>/fullsamples/<file>."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _publish(root: Path, name: str, role: str = "data", data: bytes | None = None) -> bytes:
    """Put a file (the mirror's bytes unless `data` is given) where the server serves it."""
    rel = REGISTRY[name].files[role][0]
    if data is None:
        data = (MIRROR / rel).read_bytes()
    dest = root / name / "fullsamples" / Path(rel).name
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return data


def _all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# ------------------------------------------------------------------------------------------
# Registry
# ------------------------------------------------------------------------------------------


def test_dataset_names_match_readme_table():
    assert dataset_names() == list(EXPECTED)
    assert dataset_names(None) == list(EXPECTED) + list(OTHER)
    assert set(REGISTRY) == set(EXPECTED) | set(OTHER)
    assert dataset_names("points") == ["face", "donut"]
    assert dataset_names("timeseries") == ["simulated_timeseries"]
    with pytest.raises(DataError, match=r"Unknown kind 'tabular'.*benchmark, points"):
        dataset_names("tabular")
    for name, info in REGISTRY.items():
        assert isinstance(info, DatasetInfo) and info.name == name
        assert "data" in info.files
        for role, (rel, sha) in info.files.items():
            assert rel.startswith(f"{name}/") and rel.endswith(".csv")
            assert len(sha) == 64 and int(sha, 16) >= 0
            if name in EXPECTED:
                assert info.kind == "benchmark" and role in {"data", "orig_labels", "tsne"}
                assert rel.startswith(f"{name}/{name}_1")
            else:
                assert info.kind == OTHER[name][0] and role in OTHER[name][1]


def test_url_follows_upstream_layout():
    info = REGISTRY["abalone"]
    assert info.url() == f"{UPSTREAM_URL}/abalone/fullsamples/abalone_1.csv"
    assert info.url("tsne").endswith("/abalone/fullsamples/abalone_1_tsne.csv")
    assert info.url("data", "http://x/y/").startswith("http://x/y/abalone/fullsamples/")
    with pytest.raises(DataError, match=r"no 'tsne' file.*roles it has: data"):
        REGISTRY["toy"].url("tsne")
    # The other data sit directly under upstream's datasets/ (the time series one level deeper).
    assert UPSTREAM_URL == UPSTREAM_ROOT + "/anomaly"
    for name, (_, files) in OTHER.items():
        for role, file in files.items():
            folder = "timeseries/simulated_timeseries/" if name == "simulated_timeseries" else ""
            assert REGISTRY[name].url(role) == f"{UPSTREAM_ROOT}/{folder}{file}"
    # A mirror URL stands for upstream's datasets/anomaly folder; '..' is resolved against it.
    assert REGISTRY["face"].url("clean", "http://m/ad/datasets/anomaly") == \
        "http://m/ad/datasets/face.csv"
    assert REGISTRY["simulated_timeseries"].url("starts", "http://m/a/") == \
        "http://m/timeseries/simulated_timeseries/starts_2000.csv"


@needs_mirror
def test_registry_matches_mirror_sha256sums():
    listed = {}
    for line in (MIRROR / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            sha, rel = line.split()
            listed[rel] = sha
    ours = {rel: sha for info in REGISTRY.values() for rel, sha in info.files.values()}
    assert ours == listed
    folders = {p.name for p in MIRROR.iterdir() if p.is_dir()}
    assert folders == set(REGISTRY)


# ------------------------------------------------------------------------------------------
# data_home and local lookup
# ------------------------------------------------------------------------------------------


def test_data_home_env_order(monkeypatch, tmp_path):
    monkeypatch.setenv("ADLIB_CACHE", str(tmp_path / "c"))
    assert data_home() == tmp_path / "c"
    monkeypatch.delenv("ADLIB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_home() == tmp_path / "xdg" / "adlib"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_home() == tmp_path / "home" / ".cache" / "adlib"


@needs_mirror
def test_fetch_file_prefers_adlib_data_and_caches_verification(monkeypatch):
    path = fetch_file("Abalone", "tsne", download=False)
    assert path == MIRROR / "abalone" / "abalone_1_tsne.csv"
    calls = []
    real = DL._sha256_file
    monkeypatch.setattr(DL, "_sha256_file", lambda p: calls.append(p) or real(p))
    fetch_file("toy")
    fetch_file("toy")
    load_dataset("toy")
    assert len(calls) == 1, "an unchanged file is hashed once"
    assert _all_files(data_home()) == [], "nothing is copied into the cache from ADLIB_DATA"


def test_relative_adlib_data_resolves_from_project_root(monkeypatch, tmp_path):
    if not HAVE_MIRROR:
        pytest.skip(f"dataset mirror not found at {MIRROR}; set ADLIB_DATA to a local copy")
    rel = os.path.relpath(MIRROR, REPO)
    monkeypatch.setenv("ADLIB_DATA", rel)
    monkeypatch.chdir(tmp_path)  # e.g. a notebook executed from inside book/
    assert fetch_file("toy", download=False) == MIRROR / "toy" / "toy_1.csv"


# ------------------------------------------------------------------------------------------
# Benchmark loading
# ------------------------------------------------------------------------------------------


@needs_mirror
@pytest.mark.parametrize("name", list(EXPECTED))
def test_load_dataset_counts_match_readme(name):
    rows, anomalies, features = EXPECTED[name]
    ds = load_dataset(name, download=False)
    assert ds.name == name
    assert (ds.n_samples, ds.n_anomalies, ds.n_features) == (rows, anomalies, features)
    assert ds.X.dtype == np.float64 and ds.X.flags.c_contiguous and ds.X.shape == (rows, features)
    assert ds.y.dtype == np.int64 and set(np.unique(ds.y)) == {0, 1}
    assert len(ds.feature_names) == features and "label" not in ds.feature_names
    assert np.isfinite(ds.X).all()
    info = REGISTRY[name]
    assert (ds.orig_labels is not None) == ("orig_labels" in info.files)
    assert (ds.tsne is not None) == ("tsne" in info.files)
    if ds.orig_labels is not None:
        assert ds.orig_labels.shape == (rows,)
        # The original classes of anomalies and of nominals never overlap.
        assert not set(ds.orig_labels[ds.y == 1]) & set(ds.orig_labels[ds.y == 0])
    if ds.tsne is not None:
        assert ds.tsne.shape == (rows, 2) and ds.tsne.dtype == np.float64
    assert name in repr(ds) and str(rows) in repr(ds)


@needs_mirror
def test_load_dataset_details():
    ds = load_dataset("MAMMOGRAPHY ")  # case and whitespace do not matter
    assert ds.feature_names == ["v1", "v2", "v3", "v4", "v5", "v6"]  # label header: ground.truth
    assert load_dataset("toy").feature_names == ["x", "y"]
    yeast = load_dataset("yeast")
    assert set(yeast.orig_labels[yeast.y == 1]) == {"VAC", "POX", "ERL"}
    first = pd.read_csv(MIRROR / "abalone" / "abalone_1.csv", nrows=1)
    np.testing.assert_array_equal(load_dataset("abalone").X[0], first.iloc[0, 1:].to_numpy(float))


def test_load_dataset_with_custom_registry_entry(monkeypatch, tmp_path):
    """load_dataset wiring (orig labels, space-separated tsne, row checks) without the mirror."""
    mirror = tmp_path / "mirror"
    (mirror / "fake").mkdir(parents=True)
    texts = {
        "data": "label,a,b\nnominal,1,2\nanomaly,3,4\nnominal,5,6\n",
        "orig_labels": "ground.truth,label\nnominal,0\nanomaly,7\nnominal,0\n",
        "tsne": "x y\n0.5 1.5\n2 3\n-1 -2\n",
    }
    files = {}
    for role, text in texts.items():
        rel = f"fake/fake{ROLE_SUFFIX[role]}"
        (mirror / rel).write_text(text)
        files[role] = (rel, hashlib.sha256(text.encode()).hexdigest())
    monkeypatch.setitem(REGISTRY, "fake", DatasetInfo("fake", files))
    monkeypatch.setenv("ADLIB_DATA", str(mirror))
    ds = load_dataset("fake", download=False)
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(ds.y, [0, 1, 0])
    np.testing.assert_array_equal(ds.orig_labels, [0, 7, 0])
    np.testing.assert_array_equal(ds.tsne, [[0.5, 1.5], [2, 3], [-1, -2]])

    short = "x y\n0.5 1.5\n"
    (mirror / files["tsne"][0]).write_text(short)
    files["tsne"] = (files["tsne"][0], hashlib.sha256(short.encode()).hexdigest())
    with pytest.raises(DataError, match=r"has 1 rows but the data file of 'fake' has 3"):
        load_dataset("fake", download=False)


# ------------------------------------------------------------------------------------------
# Download path (local HTTP server, no internet)
# ------------------------------------------------------------------------------------------


@needs_mirror
def test_download_verifies_and_lands_in_cache(offline, served):
    root, url = served
    data = _publish(root, "toy2")
    path = fetch_file("toy2", base_url=url)
    assert path == data_home() / "toy2" / "toy2_1.csv"
    assert path.read_bytes() == data
    assert _all_files(data_home()) == [path], "no temp file left behind"
    # Now cached: no network needed.
    shutil.rmtree(root / "toy2")
    assert fetch_file("toy2", download=False) == path


@needs_mirror
def test_load_dataset_downloads_all_roles_via_env_url(offline, served, monkeypatch):
    root, url = served
    for role in REGISTRY["yeast"].files:
        _publish(root, "yeast", role)
    monkeypatch.setenv("ADLIB_DATA_URL", url + "/")
    ds = load_dataset("yeast")
    assert (ds.n_samples, ds.n_anomalies, ds.n_features) == EXPECTED["yeast"]
    assert ds.tsne is not None and ds.orig_labels is not None
    assert len(_all_files(data_home())) == 3


@needs_mirror
def test_corrupt_download_raises_checksum_error_and_leaves_nothing(offline, served):
    root, url = served
    good = (MIRROR / "toy" / "toy_1.csv").read_bytes()
    _publish(root, "toy", data=good.replace(b"nominal", b"anomaly", 1))
    expected = REGISTRY["toy"].files["data"][1]
    with pytest.raises(ChecksumError, match=rf"expected {expected}, got [0-9a-f]{{64}}.*deleted"):
        fetch_file("toy", base_url=url)
    assert _all_files(data_home()) == []


def test_unreachable_url_raises_missing_error(offline):
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(
        DataFileMissingError, match=r"Could not download http://127\.0\.0\.1.*ADLIB_DATA"
    ):
        fetch_file("toy", base_url=url)
    assert _all_files(data_home()) == []


def test_http_404_raises_missing_error(offline, served):
    _, url = served
    with pytest.raises(DataFileMissingError, match=r"toy/fullsamples/toy_1\.csv.*404.*ADLIB_DATA"):
        fetch_file("toy", base_url=url)
    assert _all_files(data_home()) == []


def test_missing_file_without_download(offline):
    with pytest.raises(
        DataFileMissingError,
        match=r"not found\. Looked in: .*cache.*set .*ADLIB_DATA.*download=True",
    ):
        fetch_file("abalone", download=False)
    with pytest.raises(FileNotFoundError):  # also catchable as the builtin
        load_dataset("abalone", download=False)


# ------------------------------------------------------------------------------------------
# Checksums of local files
# ------------------------------------------------------------------------------------------


@needs_mirror
def test_corrupt_file_in_adlib_data_is_reported_not_deleted(monkeypatch, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR / "toy", mirror / "toy")
    bad = mirror / "toy" / "toy_1.csv"
    bad.write_bytes(bad.read_bytes() + b"nominal,0,0\n")
    monkeypatch.setenv("ADLIB_DATA", str(mirror))
    with pytest.raises(
        ChecksumError, match=r"sha256 mismatch for .*toy_1\.csv: expected .*left untouched"
    ):
        load_dataset("toy")
    assert bad.exists()


@needs_mirror
def test_corrupt_cached_file_is_deleted_and_redownloaded(offline, served):
    root, url = served
    good = _publish(root, "toy")
    cached = data_home() / "toy" / "toy_1.csv"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"label,x,y\nanomaly,1,2\n")
    with pytest.raises(ChecksumError, match=r"cached file .*deleted.*download=True"):
        fetch_file("toy", download=False)
    assert not cached.exists()
    cached.write_bytes(b"garbage")
    assert fetch_file("toy", base_url=url).read_bytes() == good


# ------------------------------------------------------------------------------------------
# Errors from names and user CSVs
# ------------------------------------------------------------------------------------------


def test_unknown_dataset_lists_names_and_suggests():
    with pytest.raises(
        UnknownDatasetError, match=r"Did you mean 'abalone'\?.*Known datasets: toy, toy2"
    ):
        load_dataset("abalon")
    with pytest.raises(
        UnknownDatasetError, match=r"Unknown dataset 'zzz'\. Known datasets:.*weather"
    ):
        fetch_file("zzz")
    assert issubclass(UnknownDatasetError, ValueError)


def test_load_csv_missing_label_column_lists_columns(tmp_path):
    p = _write(tmp_path / "d.csv", "ground.truth,a,b\nanomaly,1,2\nnominal,3,4\n")
    with pytest.raises(
        DataError,
        match=r"'label' not found.*Columns present: 'ground.truth', 'a', 'b'.*label_column=",
    ):
        load_csv(p)
    ds = load_csv(p, label_column="ground.truth")
    assert ds.n_anomalies == 1


def test_load_csv_wrong_separator_hint(tmp_path):
    p = _write(tmp_path / "d.csv", "label;a\nanomaly;1\nnominal;2\n")
    with pytest.raises(DataError, match=r"separator may be wrong"):
        load_csv(p)
    assert load_csv(p, sep=";").n_anomalies == 1


def test_load_csv_no_anomalies_suggests_anomaly_value(tmp_path):
    p = _write(tmp_path / "d.csv", "label,a\n0,1\n1,2\n0,3\n")
    with pytest.raises(
        DataError,
        match=r"No row .* anomaly label 'anomaly'.*holds 2 distinct values \(rows each\): '0' "
        r"\(2\), '1' \(1\)\. .*anomaly_value='1' \(the rarer of the two\)",
    ):
        load_csv(p)
    ds = load_csv(p, anomaly_value=1)
    np.testing.assert_array_equal(ds.y, [0, 1, 0])


def test_load_csv_only_anomalies(tmp_path):
    p = _write(tmp_path / "d.csv", "label,a\nanomaly,1\n anomaly ,2\n")
    with pytest.raises(DataError, match=r"Every row .*no nominal rows.*anomaly_value="):
        load_csv(p)


def test_load_csv_missing_labels(tmp_path):
    p = _write(tmp_path / "d.csv", "label,a\nanomaly,1\n,2\nnominal,3\n")
    with pytest.raises(DataError, match=r"empty in 1 rows.*label every row"):
        load_csv(p)


def test_load_csv_non_numeric_features(tmp_path):
    p = _write(tmp_path / "d.csv", "label,a,colour,b\nanomaly,1,red,?\nnominal,2,blue,3\n")
    with pytest.raises(
        DataError,
        match=r"Non-numeric feature columns .*'colour' \(e.g. 'red'\), 'b' \(e.g. '\?'\).*feature_columns=\['a'\].*encode",
    ):
        load_csv(p)
    assert load_csv(p, feature_columns=["a"]).feature_names == ["a"]


def test_load_csv_nan_and_inf(tmp_path):
    p = _write(tmp_path / "d.csv", "label,a,b,c\nanomaly,1,,3\nnominal,inf,2,3\nnominal,1,nan,3\n")
    with pytest.raises(
        DataError,
        match=r"3 of 3 rows affected, in columns 'a' \(1 inf\), 'b' \(2 NaN\).*impute.*drop",
    ):
        load_csv(p)
    assert load_csv(p, feature_columns=["c"]).n_features == 1


def test_load_csv_empty_file(tmp_path):
    with pytest.raises(DataError, match=r"is empty \(0 bytes\).*Fix"):
        load_csv(_write(tmp_path / "zero.csv", ""))
    with pytest.raises(DataError, match=r"header \('label', 'a'\) but no data rows.*Fix"):
        load_csv(_write(tmp_path / "header.csv", "label,a\n"))
    with pytest.raises(DataError, match=r"only blank lines"):
        load_csv(_write(tmp_path / "blank.csv", "\n\n"))


def test_load_csv_bad_paths(tmp_path):
    with pytest.raises(DataError, match=r"is a directory, not a file.*Fix"):
        load_csv(tmp_path)
    with pytest.raises(DataFileMissingError, match=r"File not found: .*nope\.csv.*Fix"):
        load_csv(tmp_path / "nope.csv")


def test_load_csv_feature_column_errors(tmp_path):
    p = _write(tmp_path / "d.csv", "label,a,b\nanomaly,1,2\nnominal,3,4\n")
    with pytest.raises(DataError, match=r"feature_columns not found .*'z'.*Columns present"):
        load_csv(p, feature_columns=["a", "z"])
    with pytest.raises(DataError, match=r"also listed in feature_columns"):
        load_csv(p, feature_columns=["label", "a"])
    with pytest.raises(DataError, match=r"no feature columns"):
        load_csv(_write(tmp_path / "only.csv", "label\nanomaly\nnominal\n"))


# ------------------------------------------------------------------------------------------
# load_csv happy paths
# ------------------------------------------------------------------------------------------


def test_load_csv_round_trips_a_dataset(tmp_path):
    src = load_dataset("cardiotocography_1") if HAVE_MIRROR else make_toy(seed=3)
    frame = pd.DataFrame(src.X, columns=src.feature_names)
    frame.insert(0, "label", np.where(src.y == 1, "anomaly", "nominal"))
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    ds = load_csv(path)
    assert ds.name == "mine"
    assert ds.feature_names == src.feature_names
    np.testing.assert_array_equal(ds.y, src.y)
    np.testing.assert_allclose(ds.X, src.X, rtol=1e-15, atol=0)
    assert ds.X.dtype == np.float64 and ds.X.flags.c_contiguous


def test_load_csv_unlabeled_and_tsne_style(tmp_path):
    p = _write(tmp_path / "emb.txt", "x y\n1 2\n3 4\n")
    ds = load_csv(p, label_column=None, sep=r"\s+")
    assert ds.y is None and ds.n_anomalies is None and ds.feature_names == ["x", "y"]
    assert "unlabeled" in repr(ds)


# ------------------------------------------------------------------------------------------
# Dataset container and make_toy
# ------------------------------------------------------------------------------------------


def test_dataset_coerces_and_validates():
    ds = Dataset("d", [[1, 2], [3, 4]], [0, 1], ("a", "b"))
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.int64 and ds.feature_names == ["a", "b"]
    with pytest.raises(DataError, match="one name per column"):
        Dataset("d", [[1, 2]], None, ["a"])
    with pytest.raises(DataError, match="values 0/1"):
        Dataset("d", [[1], [2]], [0, 2], ["a"])
    with pytest.raises(DataError, match=r"tsne must have shape \(2, 2\)"):
        Dataset("d", [[1], [2]], None, ["a"], tsne=[[0, 0]])


def test_make_toy_shape_and_counts():
    ds = make_toy()
    assert ds.name == "toy_synthetic" and ds.feature_names == ["x", "y"]
    assert ds.X.shape == (485, 2) and ds.n_anomalies == 35
    assert set(np.unique(ds.orig_labels)) == {0, 1, 2, 3}  # nominal, 2 clusters, scattered
    assert (ds.orig_labels == 0).sum() == 450
    small = make_toy(n_nominal=100, n_anomalies=7, n_clusters=3, seed=5)
    assert small.X.shape == (107, 2) and small.n_anomalies == 7
    # Anomaly clusters sit away from the nominal mass.
    nominal, anomalies = ds.X[ds.y == 0], ds.X[ds.y == 1]
    gaps = np.linalg.norm(anomalies[:, None] - nominal[None], axis=-1).min(axis=1)
    assert np.median(gaps) > 0.3
    with pytest.raises(DataError, match="n_clusters must be an integer >= 1"):
        make_toy(n_clusters=0)


def test_make_toy_is_deterministic():
    a, b, c = make_toy(seed=7), make_toy(seed=7), make_toy(seed=8)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    np.testing.assert_array_equal(a.orig_labels, b.orig_labels)
    assert not np.array_equal(a.X, c.X)
