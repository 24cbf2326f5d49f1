"""The library's layers: imports run downward only, no circles, TensorFlow only where it belongs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contract_holds():
    """`lint-imports` checks the layers written in pyproject.toml ([tool.importlinter])."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "lint-imports (the import-linter package, test extra) is not installed"
    run = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _cycles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    mods = sorted(m for m in graph.modules if m.startswith("adlib"))
    edges = {m: sorted(w for w in graph.find_modules_directly_imported_by(m)
                       if w.startswith("adlib")) for m in mods}
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in mods:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter[0]
                counter[0] += 1
                stack.append(v)
                on.add(v)
            recurse = False
            for k in range(i, len(edges[v])):
                w = edges[v][k]
                if w not in index:
                    work.append((v, k + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


def test_no_import_circles():
    """No two modules import each other, directly or through others (function-level imports too)."""
    graph = grimp.build_graph("adlib")
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for m in ("adlib.a", "adlib.b", "adlib.c"):
        graph.add_module(m)
    graph.add_import(importer="adlib.a", imported="adlib.b")
    graph.add_import(importer="adlib.b", imported="adlib.c")
    assert _cycles(graph) == []
    graph.add_import(importer="adlib.c", imported="adlib.a")
    assert _cycles(graph) == [["adlib.a", "adlib.b", "adlib.c"]]


@pytest.mark.parametrize("module", ["adlib.datasets", "adlib.ensembles", "adlib.aad",
                                    "adlib.describe", "adlib.experiments", "adlib.feedback"])
def test_core_does_not_import_tensorflow(module):
    code = (f"import sys, {module}; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_no_module_is_long():
    """Modules stay readable: none over 400 lines."""
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "adlib").rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
