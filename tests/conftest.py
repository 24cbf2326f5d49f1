"""Test-wide set-up: read the benchmark data from the local mirror, as CI does.

CI (and `make test`) export ADLIB_DATA; a plain `pytest` from a checkout that
has ../shared/datasets next to it gets the same, so no test downloads data.
Set here, at import, so that worker processes (joblib, Dask) inherit it.
"""

import os
from pathlib import Path

_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
if "ADLIB_DATA" not in os.environ and _MIRROR.is_dir():
    os.environ["ADLIB_DATA"] = str(_MIRROR)

# Grids run by the tests (and by chapters executed in quick mode) go to a
# temporary cache, never into the book's results/ folder.
if "ADLIB_RESULTS" not in os.environ:
    import tempfile

    os.environ["ADLIB_RESULTS"] = tempfile.mkdtemp(prefix="adlib-results-")

# TensorFlow as the library configures it (adlib/_tf.py), whichever test imports
# it first (pytest.importorskip("tensorflow") imports it raw): oneDNN's reordered
# float sums would otherwise change the neural tests' numbers with test order.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_collection_modifyitems(session, config, items):
    """Browser tests last: the book they read is built from the chapters the notebook tests executed."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)  # stable sort
