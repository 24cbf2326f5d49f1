"""What every benchmark script shares: the machine line and appending to RESULTS.md.

Not a benchmark itself (the Makefile skips bench/_*.py). Scripts run as
``python bench/<name>.py``, so this folder is on ``sys.path``.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    """CPU model, core count and Python version, for the header of a results block."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def report(script: str, description: str, table: list[str], write: bool = True) -> str:
    """Print a results block and (unless ``write`` is false) append it to bench/RESULTS.md.

    The block is a dated heading (``### <script>, <date time>``), the
    description (machine, settings, load) and the table's lines.
    """
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    block = "\n".join([f"### {script}, {when}", "", description, "", *table, ""])
    print(block)
    if write:
        append_results(block)
    return block


def append_results(block: str) -> None:
    """Append a dated block to bench/RESULTS.md (created with its heading if missing)."""
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by the scripts in bench/ "
                           "(`make bench`); newest last.\n\n")
    with RESULTS.open("a") as fh:
        fh.write(block + "\n")
