"""Every chapter notebook runs, and is committed in the shape the book expects.

- Each notebook in book/ executes top to bottom through papermill with
  ``quick=True`` injected after its ``parameters`` cell, in the "adlib" kernel
  (`make venv` installs it), and saves at least one reproduced figure
  (``adlib.plotting.save_figure`` writes to ``$ADLIB_FIGURES``).
- Each notebook has a ``parameters`` cell with ``quick``, is stored without
  outputs, and names the ``adlib`` kernel.
- _toc.yml and book/ agree.

Each executed chapter is kept as ``_build/quick-book/book/<name>.ipynb``
(``tests/_quick_book.py``), the book the browser tests read
(tests/browser/test_book_pages.py): a chapter is executed once per test run.

Select or skip the (slow) runs with ``-m notebook`` / ``-m "not notebook"``.
"""

from __future__ import annotations

import re
from pathlib import Path

import _quick_book
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
TOC = ROOT / "_toc.yml"
KERNEL = _quick_book.KERNEL
CELL_TIMEOUT = _quick_book.CELL_TIMEOUT  # seconds, as `execute: timeout` in _config.yml

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def chapter_notebooks() -> list[Path]:
    return sorted(
        p
        for p in BOOK.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts
    )


NOTEBOOKS = chapter_notebooks()
IDS = [p.relative_to(BOOK).as_posix() for p in NOTEBOOKS]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# While book/ has no notebooks these parametrised tests are not defined at all,
# so they collect zero cases (an empty parametrize would report a skip).
if NOTEBOOKS:

    @pytest.mark.notebook
    @pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
    def test_notebook_runs(path: Path, tmp_path: Path):
        papermill = pytest.importorskip("papermill")
        from jupyter_client.kernelspec import NoSuchKernel

        figures = tmp_path / "figures"
        out = tmp_path / path.name
        failure = None
        _quick_book.FAILED.add(_quick_book.chapter_id(path))  # until it has run through
        try:
            # $ADLIB_FIGURES and the book's inline backend for the kernel (see _quick_book).
            _quick_book.execute_chapter(path, out, figures)
        except NoSuchKernel:
            failure = (
                f"Jupyter kernel {KERNEL!r} is not installed for {_rel(path)}. "
                "Run `make venv` (it runs `python -m ipykernel install --sys-prefix --name adlib`)."
            )
        except papermill.PapermillExecutionError as err:
            traceback = ANSI.sub("", "\n".join(err.traceback or []))
            failure = (
                f"{_rel(path)} failed in cell {err.cell_index} of the executed copy (execution count "
                f"{err.exec_count}) with {err.ename}: {err.evalue}\n"
                f"--- cell source ---\n{err.source}\n"
                f"--- traceback ---\n{traceback}\n"
                f"(executed copy with the error: {out})"
            )
        if failure:  # outside the except block: no chained papermill traceback
            pytest.fail(failure, pytrace=False)
        _quick_book.FAILED.discard(_quick_book.chapter_id(path))
        _quick_book.keep_executed(out, path)  # for the browser tests
        # Numbers glued into the text must be plain Python numbers: a numpy 2 scalar's
        # text is "np.float64(0.5)", which myst-nb cannot format (`{glue:text}`x:.2f``).
        executed = nbformat.read(out, as_version=4)
        numpy_glue = [
            (o.metadata["scrapbook"].get("name"), text)
            for c in executed.cells if c.cell_type == "code"
            for o in c.get("outputs", [])
            if "scrapbook" in o.get("metadata", {})
            for mime, text in o.get("data", {}).items()
            if mime.endswith("text/plain") and re.match(r"np\.\w+\(", str(text))
        ]
        assert not numpy_glue, (
            f"{_rel(path)} glues numpy scalars {numpy_glue}: wrap them in float() or int() "
            "so the book can format them."
        )
        pngs = sorted(figures.rglob("*.png")) if figures.exists() else []
        assert pngs, (
            f"{_rel(path)} ran but saved no figure: no .png under $ADLIB_FIGURES ({figures}). "
            "Save each reproduced figure with adlib.plotting.save_figure(fig, name)."
        )

    @pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
    def test_notebook_has_quick_parameter(path: Path):
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, (
            f"{_rel(path)} has {len(tagged)} cells tagged `parameters`; it needs exactly one, "
            "near the top, holding `quick = False` and the sizes it controls "
            "(JupyterLab: Property Inspector > Cell Tags)."
        )
        cell = tagged[0]
        assert cell.cell_type == "code", f"{_rel(path)}: the `parameters` cell must be a code cell."
        assert re.search(r"^\s*quick\s*[:=]", cell.source, flags=re.M), (
            f"{_rel(path)}: the `parameters` cell does not assign `quick`; add `quick = False` "
            "(CI injects quick=True).\nCell source:\n" + cell.source
        )

    @pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
    def test_notebook_is_stored_clean(path: Path):
        nb = nbformat.read(path, as_version=4)
        dirty = [
            i
            for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
        ]
        assert not dirty, (
            f"{_rel(path)} is stored with outputs or execution counts (cells {dirty}). "
            "The book and CI execute it; commit it clean: "
            f"`.venv/bin/jupyter nbconvert --clear-output --inplace {_rel(path)}`."
        )

    @pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
    def test_notebook_kernel_is_adlib(path: Path):
        nb = nbformat.read(path, as_version=4)
        name = nb.metadata.get("kernelspec", {}).get("name")
        assert name == KERNEL, (
            f"{_rel(path)} uses kernel {name!r}; chapters must use {KERNEL!r} "
            '("Python (adlib)", installed by `make venv`). Pick it in JupyterLab '
            "(Kernel > Change Kernel) and save."
        )


def _toc_files(node) -> list[str]:
    """All `file:` entries of a sphinx-external-toc tree (root, parts, chapters, sections)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root") and isinstance(value, str):
                found.append(value)
            else:
                found += _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            found += _toc_files(item)
    return found


SOURCE_SUFFIXES = (".ipynb", ".md", ".rst")


def _resolve(entry: str) -> Path | None:
    base = ROOT / entry
    if base.suffix in SOURCE_SUFFIXES and base.is_file():
        return base
    for suffix in SOURCE_SUFFIXES:
        candidate = base.with_name(base.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def test_toc_and_book_agree():
    toc = yaml.safe_load(TOC.read_text())
    entries = _toc_files(toc)
    assert entries, "_toc.yml lists no files"
    missing = [e for e in entries if _resolve(e) is None]
    listed = {_resolve(e).resolve() for e in entries if _resolve(e) is not None}
    unlisted = [_rel(p) for p in NOTEBOOKS if p.resolve() not in listed]
    problems = []
    if missing:
        problems.append(
            "entries in _toc.yml with no file (.ipynb/.md/.rst) behind them: "
            + ", ".join(missing)
            + ". Fix: create the chapter, or remove/rename the entry."
        )
    if unlisted:
        problems.append(
            "notebooks in book/ that _toc.yml does not list (the book would skip them): "
            + ", ".join(unlisted)
            + ". Fix: add `- file: book/<name>` (no extension) to _toc.yml."
        )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
