"""The book built from the chapters executed in quick mode: what the browser checks read.

``tests/test_notebooks.py`` executes every chapter through papermill with
``quick=True`` and keeps each executed copy as
``_build/quick-book/book/<name>.ipynb`` (:func:`keep_executed`, written
atomically: a copy is complete or absent). ``tests/browser/test_book_pages.py``
then builds a whole book from those copies (:func:`build_quick_book`: the real
``_config.yml`` with execution switched off, the real ``_toc.yml``, the
markdown pages, the bibliography and the offline scripts) and reads every page
in a browser. A chapter whose copy is missing or older than its source is
executed by the browser test itself (:func:`ensure_executed`), so that test
also runs alone; a chapter that failed to execute earlier in the same pytest
run is not tried twice (:data:`FAILED`) and is left out of the book.

The kernel draws figures with the inline backend (as ``make book`` does), so
the executed copies hold the same images the book shows.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
QUICK_BOOK = ROOT / "_build" / "quick-book"
KERNEL = "adlib"
CELL_TIMEOUT = 600  # seconds, as `execute: timeout` in _config.yml
INLINE = "module://matplotlib_inline.backend_inline"  # the book's backend (see the Makefile)

#: Chapters (paths relative to book/, without suffix) that failed to execute in this run.
FAILED: set[str] = set()


def chapter_id(src: Path) -> str:
    return src.relative_to(BOOK).with_suffix("").as_posix()


def executed_copy(src: Path) -> Path:
    """Where the executed copy of the chapter notebook ``src`` is kept."""
    return QUICK_BOOK / "book" / src.relative_to(BOOK)


def is_fresh(src: Path) -> bool:
    """An executed copy exists and is not older than its source notebook."""
    dest = executed_copy(src)
    return dest.is_file() and dest.stat().st_mtime >= src.stat().st_mtime


def keep_executed(executed: Path, src: Path) -> Path:
    """Copy an executed notebook into the quick book, atomically (temporary file, then rename)."""
    dest = executed_copy(src)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copyfile(executed, tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return dest


@contextlib.contextmanager
def _environ(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute_chapter(src: Path, out: Path, figures: Path) -> None:
    """Run ``src`` with ``quick=True`` into ``out`` (papermill, kernel "adlib", cwd book/).

    The kernel inherits this process's environment: figures are saved under
    ``figures`` (``$ADLIB_FIGURES``) and drawn with the inline backend.
    Papermill's exceptions (``PapermillExecutionError``, ``NoSuchKernel``) pass through.
    """
    import papermill

    with _environ(ADLIB_FIGURES=str(figures), MPLBACKEND=INLINE):
        papermill.execute_notebook(str(src), str(out), parameters={"quick": True},
                                   kernel_name=KERNEL, cwd=str(BOOK), progress_bar=False,
                                   execution_timeout=CELL_TIMEOUT)


def toc_chapters() -> list[Path]:
    """The notebooks the real _toc.yml lists, in its order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    out = []
    for entry in _toc_files(toc):
        path = ROOT / f"{entry}.ipynb" if not entry.endswith(".ipynb") else ROOT / entry
        if path.is_file():
            out.append(path)
    return out


def _toc_files(node) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in ("file", "root") and isinstance(v, str)]
        for k, v in node.items():
            if k not in ("file", "root"):
                found += _toc_files(v)
        return found
    if isinstance(node, list):
        return [f for item in node for f in _toc_files(item)]
    return []


def ensure_executed(tmp: Path) -> dict[str, str]:
    """Execute every listed chapter whose copy is missing or stale; ``{chapter: why}`` of failures.

    Chapters in :data:`FAILED` are not tried again.
    """
    failures = {}
    for src in toc_chapters():
        cid = chapter_id(src)
        if cid in FAILED:
            failures[cid] = "it failed to execute earlier in this run (see its notebook test)"
            continue
        if is_fresh(src):
            continue
        out = tmp / src.name
        try:
            execute_chapter(src, out, tmp / "figures" / cid)
        except Exception as err:  # noqa: BLE001 - reported for that chapter, others go on
            FAILED.add(cid)
            failures[cid] = f"executing it failed: {type(err).__name__}: {err}"[:2000]
            continue
        keep_executed(out, src)
    return failures


def build_quick_book(leave_out=()) -> tuple[Path, str]:
    """Assemble the book source in _build/quick-book and build it; ``(html folder, log)``.

    The real ``_config.yml`` (execution off) and ``_toc.yml`` (minus the
    chapters in ``leave_out``), every non-notebook file of book/, the executed
    copies, and the folders of ``html_static_path``. Raises ``RuntimeError``
    with the build's output when jupyter-book fails.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    (QUICK_BOOK / "book").mkdir(parents=True, exist_ok=True)
    (QUICK_BOOK / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    if leave_out:
        toc = _drop(toc, {f"book/{c}" for c in leave_out})
    (QUICK_BOOK / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    for path in BOOK.rglob("*"):
        rel = path.relative_to(BOOK)
        if (path.is_file() and path.suffix != ".ipynb" and ".ipynb_checkpoints" not in rel.parts
                and "_build" not in rel.parts):
            (QUICK_BOOK / "book" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, QUICK_BOOK / "book" / rel)
    static = config.get("sphinx", {}).get("config", {}).get("html_static_path", [])
    for entry in static:
        dest = QUICK_BOOK / entry
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(ROOT / entry, dest)
    jb = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(jb), "build", str(QUICK_BOOK)], capture_output=True, text=True)
    log = run.stdout + run.stderr
    html = QUICK_BOOK / "_build" / "html"
    if run.returncode or not (html / "index.html").is_file():
        raise RuntimeError(f"jupyter-book build of {QUICK_BOOK} failed:\n{log[-5000:]}")
    return html, log


def _drop(node, files):
    """The toc without the entries in ``files`` (and without parts left empty)."""
    if isinstance(node, dict):
        return {k: _drop(v, files) for k, v in node.items()}
    if isinstance(node, list):
        kept = [_drop(x, files) for x in node
                if not (isinstance(x, dict) and x.get("file") in files)]
        return [x for x in kept if not (isinstance(x, dict) and "chapters" in x
                                        and not x["chapters"])]
    return node
