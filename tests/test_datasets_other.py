"""The original's other data (face, donut, toy_scores, simulated_timeseries): loaders, the
download path for files outside ``datasets/anomaly``, and the precomputed-scores example.

Files are read from the local mirror ($ADLIB_DATA); downloads go to a throwaway HTTP server on
127.0.0.1 that lays the files out as upstream's ``datasets/`` folder.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from adlib.datasets import (
    REGISTRY,
    ChecksumError,
    DataError,
    Dataset,
    TimeSeries,
    data_home,
    fetch_file,
    load_dataset,
)
from adlib.datasets import download as DL

REPO = Path(__file__).resolve().parents[1]
_raw = os.environ.get("ADLIB_DATA")
MIRROR = (Path(_raw) if _raw and Path(_raw).is_absolute() else
          REPO / (_raw or "../shared/datasets")).resolve()
HAVE = all((MIRROR / n).is_dir() for n in ("face", "donut", "toy_scores", "simulated_timeseries"))
needs_mirror = pytest.mark.skipif(not HAVE, reason=f"dataset mirror with the other data not "
                                  f"found at {MIRROR}; set ADLIB_DATA to a local copy")


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("ADLIB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ADLIB_DATA_URL", raising=False)
    if HAVE:
        monkeypatch.setenv("ADLIB_DATA", str(MIRROR))
    monkeypatch.setattr(DL, "_VERIFIED", {})


# -- loaders against the mirror (numbers from the mirror README) ---------------------------------


@needs_mirror
def test_face_with_anomalies_and_clean():
    face = load_dataset("face")
    assert isinstance(face, Dataset) and face.name == "face"
    assert face.X.shape == (310, 2) and face.feature_names == ["x", "y"]
    assert face.n_anomalies == 10 and (face.y[300:] == 1).all()
    # orig_labels: the face part (1, 2, 3, from face.csv) of each nominal row, 0 for anomalies
    assert dict(zip(*np.unique(face.orig_labels, return_counts=True), strict=True)) == \
        {0: 10, 1: 100, 2: 100, 3: 100}
    np.testing.assert_array_equal(face.orig_labels == 0, face.y == 1)
    clean = load_dataset("FACE", variant="clean")
    assert clean.name == "face_clean" and clean.X.shape == (300, 2) and clean.n_anomalies == 0
    np.testing.assert_array_equal(clean.X, face.X[face.y == 0])
    np.testing.assert_array_equal(clean.orig_labels, face.orig_labels[face.y == 0])
    with pytest.raises(DataError, match=r"Unknown variant 'noisy' of 'face'.*'clean'"):
        load_dataset("face", variant="noisy")


@needs_mirror
def test_donut_is_unlabeled_points():
    donut = load_dataset("donut")
    assert donut.X.shape == (401, 2) and donut.y is None and donut.n_anomalies is None
    assert donut.feature_names == ["x", "y"] and "unlabeled" in repr(donut)
    with pytest.raises(DataError, match=r"'donut' has no variants.*only 'face'"):
        load_dataset("donut", variant="clean")


@needs_mirror
def test_toy_scores_are_the_toy_rows():
    scores, toy = load_dataset("toy_scores"), load_dataset("toy")
    assert scores.X.shape == (485, 50) and scores.n_anomalies == 20
    assert scores.feature_names == [f"X{j}" for j in range(1, 51)]
    np.testing.assert_array_equal(scores.y, toy.y)
    np.testing.assert_array_equal(scores.tsne, toy.X)  # toy's own coordinates, for plots
    # higher = more anomalous: the mean score ranks anomalies above nominals
    mean = scores.X.mean(axis=1)
    assert mean[scores.y == 1].mean() > mean[scores.y == 0].mean()


@needs_mirror
def test_simulated_timeseries_segments():
    ts = load_dataset("simulated_timeseries")
    assert isinstance(ts, TimeSeries)
    assert (ts.n_samples, ts.n_segments) == (60745, 2000)
    assert dict(zip(*np.unique(ts.activities, return_counts=True), strict=True)) == \
        {0: 918, 1: 435, 2: 647}
    assert ts.starts[0] == 0 and ts.starts[-1] == 60711
    segs = ts.segments()
    assert len(segs) == 2000 and sum(map(len, segs)) == ts.n_samples
    np.testing.assert_array_equal(np.concatenate(segs), ts.values)
    np.testing.assert_array_equal(ts.lengths, [len(s) for s in segs])
    np.testing.assert_array_equal(ts.segment(1), ts.values[30:65])
    np.testing.assert_array_equal(ts.segment(-1), segs[-1])
    assert ts.sample_activities().shape == (60745,)
    assert (ts.sample_activities()[ts.starts] == ts.activities).all()
    with pytest.raises(DataError, match=r"segment 2000 does not exist.*0 \.\. 1999"):
        ts.segment(2000)


def test_timeseries_checks_its_arrays():
    ts = TimeSeries("t", [1.0, 2, 3, 4, 5], activities=[0, 1], starts=[0, 2])
    assert [s.tolist() for s in ts.segments()] == [[1, 2], [3, 4, 5]]
    with pytest.raises(DataError, match="begin at 0, increase strictly"):
        TimeSeries("t", [1.0, 2, 3], activities=[0, 1], starts=[0, 0])
    with pytest.raises(DataError, match="begin at 0"):
        TimeSeries("t", [1.0, 2, 3], activities=[0], starts=[1])
    with pytest.raises(DataError, match="one entry per segment"):
        TimeSeries("t", [1.0, 2, 3], activities=[0], starts=[0, 1])
    with pytest.raises(DataError, match="NaN/inf"):
        TimeSeries("t", [1.0, np.nan], activities=[0], starts=[0])


# -- the download path serves these files too ----------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass


@pytest.fixture
def upstream(tmp_path, monkeypatch):
    """A server laid out as upstream's datasets/ folder; returns (root, base URL of anomaly/)."""
    monkeypatch.delenv("ADLIB_DATA", raising=False)
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/anomaly"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _publish_all(root: Path) -> None:
    """Copy the mirror's files to where upstream keeps them."""
    for info in REGISTRY.values():
        for rel, _ in info.files.values():
            remote = info.remote_dir if info.remote_dir is not None else f"{info.name}/fullsamples"
            dest = (root / "anomaly" / remote / Path(rel).name).resolve()
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes((MIRROR / rel).read_bytes())


@needs_mirror
def test_other_data_download_verified_into_cache(upstream, monkeypatch):
    root, base = upstream
    _publish_all(root)
    assert (root / "face.csv").is_file()
    assert (root / "timeseries" / "simulated_timeseries" / "starts_2000.csv").is_file()
    monkeypatch.setenv("ADLIB_DATA_URL", base)
    ts = load_dataset("simulated_timeseries")
    assert ts.n_segments == 2000
    assert load_dataset("toy_scores").n_anomalies == 20  # also fetches toy
    assert load_dataset("face").n_anomalies == 10
    cached = sorted(p.relative_to(data_home()).as_posix() for p in data_home().rglob("*")
                    if p.is_file())
    assert cached == ["face/face.csv", "face/face_with_anoms.csv",
                      "simulated_timeseries/activities_2000.csv",
                      "simulated_timeseries/samples_2000.csv",
                      "simulated_timeseries/starts_2000.csv", "toy/toy_1.csv",
                      "toy_scores/toy_scores.csv"]


@needs_mirror
def test_other_data_corrupt_download_is_refused(upstream):
    root, base = upstream
    (root / "donut-shape.csv").write_bytes((MIRROR / "donut/donut-shape.csv").read_bytes() + b"1,2\n")
    with pytest.raises(ChecksumError, match=r"donut-shape\.csv.*expected .*deleted"):
        fetch_file("donut", base_url=base)
    assert [p for p in data_home().rglob("*") if p.is_file()] == []


# -- the original's precomputed-scores example (toy + toy_scores, budget 35) ---------------------


@needs_mirror
def test_precomputed_example_feedback_beats_the_mean_score_and_is_deterministic():
    from adlib.aad import discover_reruns

    scores = load_dataset("toy_scores")
    reruns = discover_reruns(scores.X, scores.y, n_reruns=2, budget=35, ensemble="precomputed")
    found, base = reruns.found[:, -1], reruns.baseline[:, -1]
    assert (found > base).all(), (found, base)
    # nothing in a precomputed-scores run is random: the seeds give identical curves
    np.testing.assert_array_equal(reruns.found[0], reruns.found[1])
