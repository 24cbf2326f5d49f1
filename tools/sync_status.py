"""Copy the book's "what is reproduced" table (book/_status.md) into README.md.

The table has one source, ``book/_status.md``: the introduction includes it
(``{include}``) and README.md carries a copy between the markers below, its
chapter links prefixed with ``book/``. ``tests/test_status_table.py`` fails
when the copy is stale; run ``python tools/sync_status.py`` to refresh it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "book" / "_status.md"
README = ROOT / "README.md"
START, END = "<!-- status table: generated from book/_status.md -->", "<!-- end of status table -->"


def readme_table(source: str) -> str:
    """The table with links relative to the repository root (``book/x.ipynb``)."""
    return re.sub(r"\]\((?!https?:)([^)/]+\.(?:ipynb|md))\)", r"](book/\1)", source.strip())


def readme_with_table(readme: str, source: str) -> str:
    if START not in readme or END not in readme:
        raise ValueError(f"README.md lacks the markers {START!r} ... {END!r}")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{readme_table(source)}\n{END}{tail}"


def main() -> int:
    new = readme_with_table(README.read_text(), SOURCE.read_text())
    if new != README.read_text():
        README.write_text(new)
        print("README.md: status table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
