"""The "what is reproduced" table: one source, the same in the book and the README."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("sync_status", ROOT / "tools" / "sync_status.py")
sync_status = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync_status)


def _toc_files() -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.add(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    return found


def test_readme_carries_the_current_table():
    readme = (ROOT / "README.md").read_text()
    expected = sync_status.readme_with_table(readme, sync_status.SOURCE.read_text())
    assert readme == expected, "README.md's status table is stale: run `python tools/sync_status.py`"


def test_intro_includes_the_table():
    intro = (ROOT / "book" / "intro.md").read_text()
    assert re.search(r"```\{include\}\s+_status\.md", intro)


def test_table_matches_the_chapters():
    rows = [line for line in sync_status.SOURCE.read_text().splitlines()
            if line.startswith("|") and not line.startswith("|---")][1:]
    linked = set()
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 3, row
        m = re.fullmatch(r"\[[^\]]+\]\(([\w-]+)\.ipynb\)", cells[2])
        assert m or cells[2] == "not yet", f"chapter cell must link a chapter or say 'not yet': {row}"
        if m:
            linked.add(f"book/{m.group(1)}")
            assert (ROOT / "book" / f"{m.group(1)}.ipynb").is_file(), row
    chapters = {f for f in _toc_files() if (ROOT / f"{f}.ipynb").is_file()}
    assert chapters - linked == set(), f"chapters missing from book/_status.md: {chapters - linked}"
    assert linked <= chapters, f"table links chapters not in _toc.yml: {linked - chapters}"


def test_link_rewrite():
    assert sync_status.readme_table("| a | b | [X](x.ipynb) |") == "| a | b | [X](book/x.ipynb) |"
    assert sync_status.readme_table("[w](https://e.org/a.md)") == "[w](https://e.org/a.md)"
