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
