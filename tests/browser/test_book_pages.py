"""Every page of the book, read at 1300 px: nothing wider than the column, no tiny figure, no error.

The book is built from the chapters executed in quick mode
(``tests/_quick_book.py``: ``tests/test_notebooks.py`` keeps each executed
copy; chapters without a fresh copy are executed here), served on 127.0.0.1
and opened page by page in one headless Chromium, 1300 px wide (the width the
book is judged at). On every page of ``_toc.yml``:

- **Width.** No table, display equation (MathJax output), code output
  (text, HTML, widget) or figure is wider than the article column: an element
  fails when it scrolls sideways (``scrollWidth > clientWidth``, its own or
  that of the scrolling box around it) or sticks out of the column.
- **Figures.** Every figure image is loaded and shown at no less than
  :data:`MIN_FIGURE_SCALE` of its natural width (see there); images narrower
  than :data:`MIN_FIGURE_PX` natural pixels (icons) are not figures.
- **Console.** The page logs no console error and raises no uncaught
  exception (the favicon that Chromium asks for by itself excepted).

And, without a browser, no HTML page contains a path of the machine that
built it (:func:`machine_path_patterns`).

Messages name the page and the element (tag, classes, the nearest heading and
the start of its text) with the measured and the available width. Failing
pages are photographed to ``_build/test-artifacts/book_page_<name>.png``;
every measurement goes to ``_build/test-artifacts/book_pages.json``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest
from _serve import serve_directory  # noqa: E402 (tests/browser is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared helper
import _quick_book as qb  # noqa: E402

pytestmark = pytest.mark.browser

#: A figure may be shrunk to no less than this fraction of its natural width.
#: The book's figures are the inline backend's PNGs at matplotlib's 100 dpi: a
#: label of f points is f * 100/72 image pixels high, and shown at a scale s
#: it is f * s * 100/72 CSS pixels, f * s * 1.04 CSS points. Matplotlib's
#: default labels are 10 pt (titles 12): at 0.85 they show at 8.9 pt or more
#: (titles 10.6), the ~9 pt the book's reader rules ask. In the 704-px column
#: at 1300 px a figure may be up to about 828 px (8.3 inches) wide; the former
#: 17-panel grid showed at 0.66, its 6-pt ticks at 4 pt. Figures drawn with
#: smaller fonts need to be shown larger; the fonts themselves are the
#: plotting code's job (at least 9 pt), this check catches the shrinking.
MIN_FIGURE_SCALE = 0.85
#: Images narrower than this (natural pixels) are icons or logos, not figures.
MIN_FIGURE_PX = 120
#: The width the book is read at (the browser's viewport; conftest.BOOK_VIEWPORT).
VIEWPORT_WIDTH = 1300
#: Slack for sub-pixel rounding of widths, in CSS pixels.
TOLERANCE_PX = 2
#: Requests Chromium makes by itself that the book does not serve.
IGNORED_PATHS = ("/favicon.ico",)


def _pages() -> list[str]:
    """Every page of the real _toc.yml (``book/<name>``), in its order."""
    import yaml

    return qb._toc_files(yaml.safe_load((qb.ROOT / "_toc.yml").read_text()))


PAGES = _pages()


@pytest.fixture(scope="module")
def quick_book(artifacts_dir):
    """``(html folder, {chapter: why it is missing})``: the book of the quick-mode chapters.

    ``ADLIB_BOOK_HTML=_build/html`` checks an already built book instead (e.g.
    the full-size one of ``make book``): nothing is executed or built then.
    """
    given = os.environ.get("ADLIB_BOOK_HTML")
    if given:
        html = Path(given).resolve()
        if not (html / "index.html").is_file():
            pytest.fail(f"ADLIB_BOOK_HTML={given}: no index.html there (run `make book`)",
                        pytrace=False)
        return html, {}
    with tempfile.TemporaryDirectory(prefix="adlib-quick-book-") as tmp:
        missing = qb.ensure_executed(Path(tmp))
    try:
        html, log = qb.build_quick_book(leave_out=sorted(missing))
    except RuntimeError as err:
        pytest.fail(str(err), pytrace=False)
    (artifacts_dir / "book_pages_build.log").write_text(log)
    return html, missing


@pytest.fixture(scope="module")
def book_server(quick_book):
    html, _ = quick_book
    with serve_directory(html) as url:
        yield url


@pytest.fixture(scope="module")
def measurements(artifacts_dir):
    """Every page's measurements, written to book_pages.json when the module ends."""
    found: dict[str, dict] = {}
    yield found
    (artifacts_dir / "book_pages.json").write_text(json.dumps(found, indent=1))


@pytest.fixture(scope="module")
def artifacts_dir() -> Path:
    path = qb.ROOT / "_build" / "test-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


# The measurements, run in the page once it has settled. Returns a list of
# {kind, element, width, available, why} and the list of figures measured.
MEASURE_JS = r"""
([tol, minScale, minPx]) => {
  const article = document.querySelector("article.bd-article") || document.querySelector("main");
  const ar = article.getBoundingClientRect();
  const st = getComputedStyle(article);
  const colLeft = ar.left + parseFloat(st.paddingLeft);
  const colRight = ar.right - parseFloat(st.paddingRight);
  const colWidth = colRight - colLeft;
  const problems = [], figures = [];
  const heading = (el) => {
    // the nearest section heading before the element, to say where it is
    let sec = el.closest("section");
    while (sec) {
      const h = sec.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4");
      if (h) return h.textContent.replace(/[#¶]/g, "").trim();
      sec = sec.parentElement && sec.parentElement.closest("section");
    }
    return "";
  };
  const images = [...article.querySelectorAll("img")];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    const cls = [...el.classList].filter((c) => !c.startsWith("docutils") &&
                                              !/^(lm|p|jupyter)-/.test(c)).slice(0, 3);
    if (cls.length) s += "." + cls.join(".");
    if (el.tagName === "IMG") s = `figure ${images.indexOf(el) + 1} of ${images.length} (${s})`;
    const text = el.tagName === "IMG" ? "" : (el.innerText || "").replace(/\s+/g, " ").trim();
    const h = heading(el);
    return s + (h ? ` in "${h}"` : "") + (text ? ` ("${text.slice(0, 60)}")` : "");
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !el.closest("details:not([open])");
  };
  const scroller = (el) => {  // the nearest ancestor inside the article that scrolls sideways
    for (let p = el.parentElement; p && p !== article; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll" || ox === "hidden") return p;
    }
    return null;
  };
  const seen = new Set(), reported = [];
  const check = (el, kind, measured) => {
    // each element once; an output whose table was already reported is not reported again
    if (seen.has(el) || !visible(el) || reported.some((r) => el.contains(r))) return;
    seen.add(el);
    const before = problems.length;
    const r = el.getBoundingClientRect();
    const width = measured === undefined ? Math.max(r.width, el.scrollWidth) : measured;
    const box = scroller(el);
    if (el.scrollWidth > el.clientWidth + tol && getComputedStyle(el).overflowX !== "visible") {
      problems.push({kind, element: name(el), width: el.scrollWidth, available: el.clientWidth,
                     why: "scrolls sideways"});
    } else if (box && width > box.clientWidth + tol) {
      problems.push({kind, element: name(el), width: Math.round(width),
                     available: box.clientWidth, why: "scrolls sideways in its box"});
    } else if (width > colWidth + tol || r.left < colLeft - tol ||
               r.left + width > colRight + tol) {
      problems.push({kind, element: name(el), width: Math.round(width),
                     available: Math.round(colWidth), why: "wider than the column"});
    }
    if (problems.length > before) reported.push(el);
  };
  for (const t of article.querySelectorAll("table")) check(t, "table");
  for (const m of article.querySelectorAll('mjx-container[display="true"]')) {
    const inner = m.querySelector("mjx-math");
    check(m, "equation", inner ? inner.getBoundingClientRect().width : undefined);
  }
  for (const o of article.querySelectorAll(".cell_output > .output, .cell_output pre, " +
                                           ".cell_output .widget-subarea > .jupyter-widgets")) {
    check(o, "code output");
  }
  for (const img of images) {
    if (!visible(img)) continue;
    if (!img.complete || img.naturalWidth === 0) {
      problems.push({kind: "figure", element: name(img), width: 0, available: colWidth,
                     why: "image did not load"});
      continue;
    }
    // natural size: the image's pixels, or the width it asks for (high-dpi images ask for less)
    const natural = parseFloat(img.getAttribute("width")) || img.naturalWidth;
    if (natural < minPx) continue;
    const w = img.getBoundingClientRect().width;
    const scale = w / natural;
    figures.push({element: name(img), natural: Math.round(natural), shown: Math.round(w),
                  scale: Math.round(scale * 100) / 100});
    if (scale < minScale - 1e-3) {
      problems.push({kind: "figure", element: name(img), width: Math.round(natural),
                     available: Math.round(w),
                     why: `shown at ${Math.round(scale * 100)}% of its natural width`});
    } else {
      check(img, "figure", w);
    }
  }
  return {column: Math.round(colWidth), problems, figures};
}
"""

SETTLE_JS = r"""
async () => {
  // widgets: the HTML manager puts a .widget-subarea before each saved view
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  for (let i = 0; i < 200; i++) {
    const done = [...document.querySelectorAll(".widget-subarea")].filter((d) => d.children.length);
    if (done.length >= views.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await Promise.all([...document.images].map((img) => img.complete ? null :
    new Promise((r) => { img.onload = img.onerror = r; })));
  await new Promise((r) => setTimeout(r, 300));  // layout after the last image
  return views.length;
}
"""


def _describe(x: dict) -> str:
    if x["kind"] == "figure" and x["width"]:
        return (f"{x['element']}: {x['why']} ({x['width']} px natural, {x['available']} px "
                f"shown; at least {MIN_FIGURE_SCALE:.0%}: make it narrower, or split it)")
    return f"{x['kind']} {x['element']}: {x['why']} ({x['width']} px; {x['available']} px available)"


def _page_file(page: str) -> str:
    return f"{page}.html"


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_at_1300px(page, book_browser_context, quick_book, book_server,
                              measurements, artifacts_dir):
    # (the browser first: without Chromium the test skips before building the book)
    html, missing = quick_book
    chapter = page.removeprefix("book/")
    if chapter in missing:
        pytest.fail(f"{page}: not in the quick book, {missing[chapter]}", pytrace=False)
    errors: list[str] = []
    p = book_browser_context.new_page()

    def on_console(msg):
        if msg.type == "error":
            url = (msg.location or {}).get("url", "")
            if not url.endswith(IGNORED_PATHS):
                errors.append(f"console error: {msg.text}" + (f" ({url})" if url else ""))

    p.on("console", on_console)
    p.on("pageerror", lambda exc: errors.append(f"uncaught exception: {exc}"))
    p.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}")
         if r.status >= 400 and not r.url.endswith(IGNORED_PATHS) else None)
    try:
        p.goto(f"{book_server}/{_page_file(page)}", wait_until="load")
        p.evaluate(SETTLE_JS)
        try:
            p.wait_for_load_state("networkidle", timeout=15_000)
        except Exception:  # noqa: BLE001 - a page that keeps polling is measured anyway
            pass
        result = p.evaluate(MEASURE_JS, [TOLERANCE_PX, MIN_FIGURE_SCALE, MIN_FIGURE_PX])
        problems = [_describe(x) for x in result["problems"]]
        measurements[page] = {**result, "errors": errors}
        if problems or errors:
            p.screenshot(path=str(artifacts_dir / f"book_page_{chapter}.png"), full_page=True)
    finally:
        p.close()
    assert not (problems or errors), (
        f"{page} at {VIEWPORT_WIDTH} px (article column {result['column']} px):\n  "
        + "\n  ".join(problems + errors)
        + f"\n(screenshot: _build/test-artifacts/book_page_{chapter}.png)")


def machine_path_patterns() -> list[re.Pattern]:
    """Paths of the machine that built the book: this checkout, home, temporary folders."""
    literal = {str(qb.ROOT), str(Path.home()), tempfile.gettempdir()}
    literal = sorted((s for s in literal if len(s) > 1), key=len, reverse=True)
    generic = r"(?<![\w.:/~-])(/tmp/|/var/tmp/|/var/folders/|/root/|/home/[^/\s\"'<]+/|/work/|/Users/[^/\s\"'<]+/)"
    pats = [re.compile(generic)]
    pats += [re.compile(r"(?<![\w.:/~-])" + re.escape(s) + r"(?=[/\"'<\s])") for s in literal]
    return pats


def test_no_machine_path_in_html(quick_book):
    html, _ = quick_book
    hits = []
    pats = machine_path_patterns()
    for path in sorted(html.rglob("*.html")):
        text = path.read_text(errors="replace")
        for pat in pats:
            for m in pat.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                around = text[max(0, m.start() - 60):m.end() + 60].replace("\n", " ")
                hits.append(f"{path.relative_to(html)}:{line}: ...{around}...")
                break
    assert not hits, ("paths of the build machine in the book's HTML (print file names or "
                      "~/-relative paths instead):\n  " + "\n  ".join(sorted(set(hits))))
