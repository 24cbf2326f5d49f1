"""The rendered book shows widgets and math with no outside request (the real _config.yml).

A small book is built in a temporary folder with the repository's own
``_config.yml`` (only ``execute_notebooks`` switched off), the ``_vendor``
scripts of ``make vendor`` (require.js, the widgets' HTML manager, MathJax)
and a table of contents of three real pages: a math-heavy chapter
(book/aad_in_one_picture, markdown only: it is not executed), "Be the
analyst" executed by papermill in quick mode (its widgets' saved state is
what the page must show), and the bibliography. The HTML is served on
127.0.0.1 and opened in headless Chromium: every request must go to that
server and succeed, the analyst panels must render from their saved state
(count text, plot image) and the formulas must be typeset by MathJax.
A screenshot of each page goes to ``_build/test-artifacts/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from _serve import serve_directory  # noqa: E402 (tests/browser is on sys.path)

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "be_the_analyst"
MATH_PAGE = "aad_in_one_picture"
IGNORED = {"/favicon.ico"}  # Chromium asks for it by itself; the book has none


def _vendor(tmp: Path) -> Path:
    vendor = ROOT / "_vendor"
    if (vendor / "require.js").is_file() and (vendor / "widgets" / "embed-amd.js").is_file():
        return vendor
    dest = tmp / "_vendor"  # not fetched yet (`make vendor` does it): fetch a private copy
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "fetch_vendor.py"),
                          "--dest", str(dest)], capture_output=True, text=True)
    if run.returncode:
        pytest.fail("the book's offline scripts are missing and could not be fetched "
                    f"(run `make vendor`):\n{run.stdout}\n{run.stderr}", pytrace=False)
    return dest


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small-book")
    src = tmp / "src"
    (src / "book").mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"  # executed below by papermill
    (src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (src / "_toc.yml").write_text(yaml.safe_dump({
        "format": "jb-book", "root": f"book/{MATH_PAGE}",
        "chapters": [{"file": f"book/{CHAPTER}"}, {"file": "book/bibliography"}]}))
    for name in (f"{MATH_PAGE}.ipynb", "bibliography.md", "references.bib"):
        shutil.copy(ROOT / "book" / name, src / "book" / name)
    shutil.copytree(_vendor(tmp), src / "_vendor")
    shutil.copytree(ROOT / "book" / "_css", src / "book" / "_css")  # the book's own CSS

    import papermill

    t0 = time.monotonic()
    papermill.execute_notebook(
        str(ROOT / "book" / f"{CHAPTER}.ipynb"), str(src / "book" / f"{CHAPTER}.ipynb"),
        parameters={"quick": True, "store_dir": str(tmp / "store")}, kernel_name="adlib",
        cwd=str(ROOT / "book"), progress_bar=False, execution_timeout=600)
    t_exec = time.monotonic() - t0
    jb = Path(sys.executable).with_name("jupyter-book")
    build = subprocess.run([str(jb), "build", str(src)], capture_output=True, text=True)
    html = src / "_build" / "html"
    if build.returncode or not (html / "book" / f"{CHAPTER}.html").is_file():
        pytest.fail(f"jupyter-book build failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}",
                    pytrace=False)
    timings = {"papermill_s": round(t_exec, 1), "build_s": round(time.monotonic() - t0 - t_exec, 1)}
    return html, timings


@pytest.fixture(scope="module")
def server(small_book):
    html, _ = small_book
    with serve_directory(html) as url:
        yield url


def _visit(context, url, base):
    """Open ``url``; return the page and the lists of outside / failed requests."""
    page = context.new_page()
    outside, failed = [], []
    host = urlparse(base).netloc

    def on_request(req):
        parsed = urlparse(req.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != host:
            outside.append(req.url)

    page.on("request", on_request)
    page.on("requestfailed", lambda req: failed.append(f"{req.url} ({req.failure})"))
    page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})")
            if r.status >= 400 and urlparse(r.url).path not in IGNORED else None)
    page.goto(url, wait_until="load")
    return page, outside, failed


def test_widget_page_renders_offline(browser_context, server, small_book, artifacts):
    t0 = time.monotonic()
    page, outside, failed = _visit(browser_context, f"{server}/book/{CHAPTER}.html", server)
    oracle = page.locator(".adlib-panel-toy2-oracle .adlib-count")
    oracle.wait_for(state="visible", timeout=60_000)  # drawn by the widgets' HTML manager
    assert oracle.inner_text().startswith("35 answers · "), oracle.inner_text()
    real = page.locator(".adlib-panel-real-oracle .adlib-count")
    assert real.inner_text().startswith("30 answers · "), real.inner_text()
    assert page.locator(".adlib-panel-toy2-yours .adlib-count").inner_text().startswith("0 answers")
    for panel in ("toy2-oracle", "real-oracle", "toy2-yours"):
        img = page.locator(f".adlib-panel-{panel} img.adlib-plot")
        page.wait_for_function("(e) => e.complete && e.naturalWidth > 300", arg=img.element_handle())
    assert page.locator(".adlib-panel-toy2-oracle .adlib-anomaly").inner_text() == "Anomaly"
    page.locator("mjx-container").first.wait_for(state="attached", timeout=60_000)  # $\tau$
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "book_be_the_analyst.png"), full_page=True)
    assert not outside, f"requests outside the book's server: {outside}"
    assert not failed, f"failed requests: {failed}"
    html, timings = small_book
    timings["page_s"] = round(time.monotonic() - t0, 1)
    (artifacts / "book_offline_timings.json").write_text(json.dumps(timings))


def test_math_page_renders_offline(browser_context, server, artifacts):
    page, outside, failed = _visit(browser_context, f"{server}/book/{MATH_PAGE}.html", server)
    page.locator("mjx-container").first.wait_for(state="attached", timeout=60_000)
    page.wait_for_load_state("networkidle")
    n_math = page.locator("mjx-container").count()
    assert n_math >= 3, f"only {n_math} formulas typeset"
    # No formula left as raw TeX (MathJax replaces the \( ... \) / \[ ... \] it typesets).
    body = page.locator("article").inner_text()
    assert "\\(" not in body and "\\[" not in body, "raw TeX left on the page"
    page.screenshot(path=str(artifacts / "book_math_page.png"), full_page=False)
    assert not outside, f"requests outside the book's server: {outside}"
    assert not failed, f"failed requests: {failed}"
