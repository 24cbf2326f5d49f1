"""Browser tests: Debian's Chromium (``/usr/bin/chromium``) driven headless by Playwright.

No browser is ever downloaded (never ``playwright install``): ``make browser``
(a dependency of ``make test``) installs ``chromium`` and ``chromium-driver``
with apt when ``/usr/bin/chromium`` is missing. Where Chromium is not
installed the tests skip with a message saying how to install it; everything
else (a missing Python package, a server that does not start) fails.

Servers bind to 127.0.0.1 only, on free ports, with temporary Jupyter folders,
and every process a test starts is stopped by its pid. Screenshots are kept
under ``_build/test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("ADLIB_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "_build" / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium headless (make browser installs it)")


def _chromium_context(viewport):
    """A fresh headless Chromium profile (its own --user-data-dir), closed afterwards."""
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}: run `make browser` (as root or "
                    "with sudo: apt-get install -y chromium chromium-driver) to run the browser "
                    "tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing: "
                    ".venv/bin/pip install -c constraints.txt -e '.[book,test]'", pytrace=False)
    profile = tempfile.mkdtemp(prefix="adlib-chromium-")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS,
            viewport=viewport)
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser_context():
    """A fresh headless Chromium profile, 1280 x 1000, for one test."""
    yield from _chromium_context({"width": 1280, "height": 1000})


#: The width at which the book is read and judged (issue 11).
BOOK_VIEWPORT = {"width": 1300, "height": 1000}


@pytest.fixture(scope="module")
def book_browser_context():
    """One headless Chromium at the book's reading width (1300 px), shared by a module's pages."""
    yield from _chromium_context(BOOK_VIEWPORT)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

