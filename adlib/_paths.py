"""Where the book keeps generated files (figures, cached results)."""

from __future__ import annotations

from pathlib import Path


def book_root(start: Path | None = None) -> Path | None:
    """The nearest folder (from ``start`` or the working directory up) holding the book config."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").exists() and (folder / "_toc.yml").exists():
            return folder
    return None
