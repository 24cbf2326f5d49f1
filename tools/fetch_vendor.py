#!/usr/bin/env python3
"""Fetch the JavaScript the rendered book needs, so it renders offline.

By default the Jupyter Book HTML loads MathJax, require.js and the ipywidgets
HTML manager from public CDNs. This script downloads pinned npm tarballs
straight from the npm registry (no ``npm`` needed), checks each against the
sha512 ``dist.integrity`` value published by the registry, and extracts only
the files the book uses into ``_vendor/`` (git-ignored), laid out as
``_config.yml`` expects::

    _vendor/require.js
    _vendor/widgets/embed-amd.js                 (+ its icon fonts, see below)
    _vendor/mathjax/tex-mml-chtml.js
    _vendor/mathjax/output/chtml/fonts/woff-v2/*.woff
    _vendor/mathjax/input/tex/extensions/*.js    (autoloaded TeX packages)

Sphinx copies ``_vendor/`` into ``_build/html/_static/``.

Standard library only. The output folder is written atomically: everything
is extracted into a temporary folder next to it, which is renamed into place
at the end, so an interrupted run never leaves a half-filled ``_vendor/``.

Usage: ``python tools/fetch_vendor.py [--dest _vendor] [--force]``
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"

# (package, version, npm dist.integrity) -- the integrity values were read once
# from https://registry.npmjs.org/<package>/<version> (field dist.integrity).
# To upgrade a package: change the version, read the new dist.integrity there,
# and update the expected layout in `_config.yml` if paths moved.
PACKAGES = {
    "html-manager": (
        "@jupyter-widgets/html-manager",
        "1.0.6",
        "sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbpmgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ==",
    ),
    "requirejs": (
        "requirejs",
        "2.3.7",
        "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
    ),
    "mathjax": (
        "mathjax",
        "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
    ),
}


def _keep_html_manager(member: str) -> str | None:
    # embed-amd.js is the AMD bundle (base + controls + output widgets). It
    # loads its Font Awesome icon fonts from its own folder (webpack public
    # path = the script's URL), so keep the woff2/woff files next to it.
    if member == "package/dist/embed-amd.js":
        return "widgets/embed-amd.js"
    if member.startswith("package/dist/") and member.endswith((".woff2", ".woff")):
        return "widgets/" + member.rsplit("/", 1)[1]
    if member == "package/LICENSE":
        return "widgets/LICENSE"
    return None


def _keep_requirejs(member: str) -> str | None:
    if member == "package/require.js":
        return "require.js"
    if member == "package/LICENSE":
        return "LICENSE.requirejs"
    return None


def _keep_mathjax(member: str) -> str | None:
    # tex-mml-chtml.js finds its fonts relative to itself at
    # output/chtml/fonts/woff-v2/, so keep that relative layout. It also
    # autoloads some TeX packages on first use (\boldsymbol, \cancel, \color,
    # mathtools, ...) from input/tex/extensions/: keep those too (0.5 MB).
    # Not kept: a11y/ and sre/ (speech/explorer, loaded only when a reader
    # turns them on in MathJax's menu).
    if member == "package/es5/tex-mml-chtml.js":
        return "mathjax/tex-mml-chtml.js"
    for sub in ("output/chtml/fonts/woff-v2/", "input/tex/extensions/"):
        prefix = "package/es5/" + sub
        if member.startswith(prefix) and len(member) > len(prefix):
            return "mathjax/" + sub + member[len(prefix) :]
    if member == "package/LICENSE":
        return "mathjax/LICENSE"
    return None


SELECTORS = {
    "html-manager": _keep_html_manager,
    "requirejs": _keep_requirejs,
    "mathjax": _keep_mathjax,
}

# Files whose presence means a previous run completed.
REQUIRED = [
    "require.js",
    "widgets/embed-amd.js",
    "mathjax/tex-mml-chtml.js",
    "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
    "mathjax/input/tex/extensions/boldsymbol.js",
]
STAMP = ".vendor.json"


def tarball_url(package: str, version: str) -> str:
    basename = package.rsplit("/", 1)[-1]
    return f"{REGISTRY}/{package}/-/{basename}-{version}.tgz"


def download(url: str, attempts: int = 3, timeout: float = 60.0) -> bytes:
    last: Exception | None = None
    for i in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:
                return resp.read()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            last = exc
            if i + 1 < attempts:
                time.sleep(2 * (i + 1))
    raise SystemExit(
        f"fetch_vendor: could not download {url}: {last}\n"
        "The rendered book needs these files to show math and widgets offline. "
        "Check network access to registry.npmjs.org (or a proxy via HTTPS_PROXY), "
        "or copy a `_vendor/` folder from a machine that has one."
    )


def check_integrity(data: bytes, integrity: str, what: str) -> None:
    algo, _, expected_b64 = integrity.partition("-")
    if algo != "sha512":
        raise SystemExit(f"fetch_vendor: unsupported integrity algorithm {algo!r} for {what}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected_b64:
        raise SystemExit(
            f"fetch_vendor: checksum mismatch for {what}\n"
            f"  expected sha512-{expected_b64}\n  got      sha512-{actual}\n"
            "The download is corrupt or the registry served a different file; "
            "nothing was written. Retry; if it persists, do not update the pin "
            "without checking why."
        )


def extract(data: bytes, keep, dest: Path) -> int:
    count = 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            target = keep(member.name)
            if target is None:
                continue
            out = dest / target
            # Paths come from our own fixed mapping, never from the archive
            # verbatim, but be strict anyway.
            if not out.resolve().is_relative_to(dest.resolve()):
                raise SystemExit(f"fetch_vendor: refusing to write outside {dest}: {target}")
            out.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            assert src is not None
            with open(out, "wb") as fh:
                shutil.copyfileobj(src, fh)
            count += 1
    return count


def is_complete(dest: Path) -> bool:
    stamp = dest / STAMP
    if not stamp.is_file():
        return False
    try:
        recorded = json.loads(stamp.read_text())
    except ValueError:
        return False
    wanted = {k: f"{p}@{v}" for k, (p, v, _) in PACKAGES.items()}
    return recorded == wanted and all((dest / f).is_file() for f in REQUIRED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", default="_vendor", help="output folder (default: _vendor)")
    parser.add_argument("--force", action="store_true", help="fetch even if up to date")
    args = parser.parse_args(argv)

    dest = Path(args.dest)
    if not args.force and is_complete(dest):
        print(f"fetch_vendor: {dest}/ is up to date")
        return 0

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        for key, (package, version, integrity) in PACKAGES.items():
            url = tarball_url(package, version)
            data = download(url)
            check_integrity(data, integrity, f"{package}@{version}")
            n = extract(data, SELECTORS[key], tmp)
            if n == 0:
                raise SystemExit(f"fetch_vendor: nothing extracted from {package}@{version}")
            print(f"fetch_vendor: {package}@{version}: {len(data) / 1e6:.1f} MB, kept {n} files")
        missing = [f for f in REQUIRED if not (tmp / f).is_file()]
        if missing:
            raise SystemExit(f"fetch_vendor: expected files missing after extraction: {missing}")
        (tmp / STAMP).write_text(
            json.dumps({k: f"{p}@{v}" for k, (p, v, _) in PACKAGES.items()}, indent=1) + "\n"
        )
        # Atomic swap: move any old folder aside, rename the new one in place.
        old = None
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            dest.rename(old)
        tmp.rename(dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    size = sum(f.stat().st_size for f in dest.rglob("*") if f.is_file())
    print(f"fetch_vendor: wrote {dest}/ ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
