"""Keep pyproject.toml, environment.yml and constraints.txt in agreement.

pyproject.toml is the source of truth for the dependencies: the core list plus
the `book` and `test` extras. environment.yml (conda users) must list exactly
the same requirements under `pip:`, and constraints.txt (the exact versions
CI installs) must pin a version that satisfies every one of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
ENVIRONMENT = ROOT / "environment.yml"
CONSTRAINTS = ROOT / "constraints.txt"

EXTRAS = ("book", "test", "deep", "stream", "sequence")
# Conda-level (non-pip) entries that environment.yml may have beyond pyproject.
CONDA_ALLOWED = {"python", "pip"}


def _key(req: Requirement) -> tuple:
    """Comparable form of a requirement: specifier order and spacing do not matter."""
    return (
        canonicalize_name(req.name),
        frozenset(canonicalize_name(e) for e in req.extras),
        SpecifierSet(str(req.specifier)),
        str(req.marker) if req.marker else "",
    )


class _Req(Requirement):
    """A Requirement that remembers how it was written, for the messages."""

    text: str


def _parse(line: str) -> Requirement:
    req = _Req(line)
    req.text = line.strip()
    return req


def _show(req: Requirement) -> str:
    return getattr(req, "text", str(req))


def pyproject_requirements() -> dict[str, Requirement]:
    data = tomllib.loads(PYPROJECT.read_text())
    project = data["project"]
    lines = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for extra in EXTRAS:
        assert extra in optional, (
            f"pyproject.toml has no [project.optional-dependencies] {extra!r}; "
            f"this test (and `make venv`) expect the extras {EXTRAS}."
        )
        lines += optional[extra]
    reqs: dict[str, Requirement] = {}
    for line in lines:
        req = _parse(line)
        name = canonicalize_name(req.name)
        if name == canonicalize_name(project["name"]):
            continue  # self-reference such as "adlib[book]"
        assert name not in reqs or _key(reqs[name]) == _key(req), (
            f"pyproject.toml lists {name!r} twice with different specifiers "
            f"({reqs[name]} and {req}); keep one."
        )
        reqs[name] = req
    return reqs


def environment_entries() -> tuple[list[str], list[str]]:
    """(conda entries, pip entries) of environment.yml."""
    data = yaml.safe_load(ENVIRONMENT.read_text())
    conda, pip = [], []
    for item in data.get("dependencies", []):
        if isinstance(item, dict):
            assert set(item) == {"pip"}, f"environment.yml: unexpected mapping {item!r}"
            pip += [str(x) for x in item["pip"]]
        else:
            conda.append(str(item))
    return conda, pip


def environment_pip_requirements() -> dict[str, Requirement]:
    _, pip = environment_entries()
    reqs: dict[str, Requirement] = {}
    for line in pip:
        line = line.strip()
        if line.startswith("-e ") or line.startswith("--") or line == ".":
            continue  # the library itself / pip options
        try:
            req = _parse(line)
        except InvalidRequirement as exc:
            pytest.fail(f"environment.yml: cannot parse pip entry {line!r}: {exc}", pytrace=False)
        name = canonicalize_name(req.name)
        assert name not in reqs, f"environment.yml lists {name!r} twice under pip:; keep one."
        reqs[name] = req
    return reqs


def test_environment_yml_matches_pyproject():
    want = pyproject_requirements()
    have = environment_pip_requirements()
    problems = []
    for name, req in sorted(want.items()):
        if name not in have:
            problems.append(
                f"- {name}: in pyproject.toml as {_show(req)!r} but missing from environment.yml. "
                f"Fix: add `- {_show(req)}` under `pip:` in environment.yml."
            )
        elif _key(have[name]) != _key(req):
            problems.append(
                f"- {name}: pyproject.toml says {_show(req)!r}, environment.yml says "
                f"{_show(have[name])!r}. Fix: copy the pyproject.toml specifier into environment.yml."
            )
    for name, req in sorted(have.items()):
        if name not in want:
            problems.append(
                f"- {name}: in environment.yml as {_show(req)!r} but not in pyproject.toml "
                f"(core, {', '.join(EXTRAS)}). Fix: add it to pyproject.toml, or remove it "
                f"from environment.yml."
            )
    if problems:
        pytest.fail(
            "environment.yml and pyproject.toml disagree:\n" + "\n".join(problems), pytrace=False
        )


def test_environment_yml_conda_entries():
    conda, _ = environment_entries()
    names = {}
    for entry in conda:
        name = entry.split("=")[0].split("<")[0].split(">")[0].strip()
        names[canonicalize_name(name)] = entry
    extra = sorted(set(names) - CONDA_ALLOWED)
    assert not extra, (
        f"environment.yml has conda packages {extra} that pyproject.toml does not know about. "
        "Fix: list dependencies under `pip:` with the pyproject.toml specifier instead."
    )
    assert "python" in names and "pip" in names, (
        "environment.yml must pin `python=3.11` and include `pip` (the dependencies "
        "are installed by pip)."
    )
    python = names["python"].split("=", 1)[1].lstrip("=")
    requires = tomllib.loads(PYPROJECT.read_text())["project"].get("requires-python", "")
    assert SpecifierSet(requires).contains(Version(python + ".0")), (
        f"environment.yml pins python={python}, outside pyproject.toml requires-python "
        f"{requires!r}. Fix one of them."
    )


def constraints_pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for number, raw in enumerate(CONSTRAINTS.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", (
            f"constraints.txt line {number}: {raw!r} is not an exact pin `name==version`. "
            "Fix: regenerate it with `make constraints`."
        )
        pins[canonicalize_name(req.name)] = Version(specs[0].version)
    return pins


def test_constraints_satisfy_pyproject():
    pins = constraints_pins()
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    assert canonicalize_name(project["name"]) not in pins, (
        f"constraints.txt pins {project['name']} itself; remove that line "
        "(it is installed editable from the checkout)."
    )
    problems = []
    for name, req in sorted(pyproject_requirements().items()):
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # does not apply on this Python/platform
        if name not in pins:
            problems.append(
                f"- {name}: required by pyproject.toml ({_show(req)!r}) but not pinned in "
                "constraints.txt. Fix: `make constraints`, review the diff, run `make test book`."
            )
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(
                f"- {name}: constraints.txt pins {pins[name]}, which does not satisfy "
                f"{_show(req)!r} from pyproject.toml. Fix: `make constraints` (or correct the "
                "specifier), then run `make test book`."
            )
    if problems:
        pytest.fail(
            "constraints.txt does not match pyproject.toml:\n" + "\n".join(problems), pytrace=False
        )
