"""Numbers as a reader should see them: ordinals, rounding, "ours (published)" cells.

Every chapter builds its sentences and tables from computed values; these
helpers keep the formatting in one place (and out of the notebooks). Plain
Python values come back (never numpy scalars), so that glued text and printed
dictionaries read ``0.71``, not ``np.float64(0.7083333333333334)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np


def ordinal(n: int) -> str:
    """``1 -> '1st'``, ``2 -> '2nd'``, ``11 -> '11th'``, ``91 -> '91st'``, ``100 -> '100th'``."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def plain(value):
    """numpy scalars and arrays as plain Python numbers and lists (recursively)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    return value


def rounded(value, digits: int = 2):
    """Floats rounded to ``digits`` decimals, in numbers, dicts, lists and tuples alike."""
    value = plain(value)
    if isinstance(value, float):
        return round(value, digits) if math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(rounded(v, digits) for v in value)
    return value


def fmt(x, digits: int = 1) -> str:
    """A number with ``digits`` decimals; ``'–'`` for missing values (None or NaN)."""
    if x is None or (isinstance(x, (float, np.floating)) and not math.isfinite(float(x))):
        return "–"
    return f"{float(x):.{digits}f}"


def mean_se(values: Sequence[float]) -> tuple[float, float]:
    """Mean and standard error of the mean (0 for a single value)."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        raise ValueError("mean_se of no values")
    se = float(v.std(ddof=1) / math.sqrt(v.size)) if v.size > 1 else 0.0
    return float(v.mean()), se


def fmt_pm(mean: float, se: float, digits: int = 1) -> str:
    """``'23.9 ± 0.4'``."""
    return f"{fmt(mean, digits)} ± {fmt(se, digits)}"


def fmt_vs(ours, published, digits: int = 1, published_digits: int | None = None) -> str:
    """One table cell with the published value beside ours: ``'23.9 (24.5)'``.

    ``published_digits``: the precision of the source (never print more digits
    than it has); by default the same as ours. A missing published value gives
    ours alone.
    """
    if published is None or (isinstance(published, float) and not math.isfinite(published)):
        return fmt(ours, digits)
    pd_ = digits if published_digits is None else published_digits
    return f"{fmt(ours, digits)} ({fmt(published, pd_)})"


def comparison_word(ours: float, reference: float, margin: float) -> str:
    """``'above'``, ``'below'`` or ``'level with'``: ours against a reference, within ``margin``."""
    if ours > reference + margin:
        return "above"
    if ours < reference - margin:
        return "below"
    return "level with"


# --------------------------------------------------------------------------- paths and errors
# A printed path must not show the machine that built the book (its home
# folder, its temporary folders): the reader sees ``~/...`` and
# ``<temporary folder>/name`` instead.

TEMPORARY = "<temporary folder>"


def _bases():
    import tempfile
    from pathlib import Path

    tmp = [Path(tempfile.gettempdir())]
    tmp.append(tmp[0].resolve())
    home = [Path.home(), Path.home().resolve()]
    return tmp, home


def display_path(path) -> str:
    """``path`` as a reader may see it: under the home folder as ``~/...``, in a temporary
    folder as ``<temporary folder>/<file name>``, any other path unchanged."""
    import os
    from pathlib import Path

    p = Path(os.path.abspath(Path(path).expanduser()))
    tmp, home = _bases()
    if any(p.is_relative_to(t) for t in tmp):
        return f"{TEMPORARY}/{p.name}"
    for h in home:
        if p.is_relative_to(h) and str(h) != "/":
            return "~/" + p.relative_to(h).as_posix()
    return str(path)


def shorten_paths(text: str) -> str:
    """Every temporary-folder and home-folder path in ``text`` written as :func:`display_path` does."""
    import re

    tmp, home = _bases()
    for t in dict.fromkeys(str(t) for t in tmp):
        text = re.sub(re.escape(t) + r"/(?:[^/\s'\"]+/)*([^/\s'\"]+)", TEMPORARY + r"/\1", text)
    for h in dict.fromkeys(str(h) for h in home):
        if h != "/":
            text = re.sub(re.escape(h) + r"(?=/)", "~", text)
    return text


def error_text(err: BaseException, width: int = 76) -> str:
    """``'TypeName: message'`` in full (never cut), wrapped at ``width`` columns, paths shortened.

    76 columns fit the book's column at 1300 px (about 80 monospace characters, less the
    output box's padding)."""
    import textwrap

    message = shorten_paths(f"{type(err).__name__}: {err}")
    return "\n".join(textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                     or line for line in message.splitlines())
