"""Hints about a file's format: the separator, the decimal mark and the text encoding."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .errors import DataError

__all__ = ["DECIMAL_COMMA", "encoding_error", "format_hint", "short"]

DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d+,\d+\s*$")
_SEPARATORS = (";", "\t", "|", ",")


def short(text: str, limit: int = 60) -> str:
    """``text`` cut at a space before ``limit`` characters, with "..." when cut."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[:cut if cut > limit // 2 else limit] + " ..."


def format_hint(path: Path, sep: str, decimal: str, encoding: str) -> str:
    """A sentence suggesting ``sep=`` / ``decimal=`` from the file's first lines, or ``""``."""
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            lines = [line.rstrip("\r\n") for _, line in zip(range(50), fh, strict=False)]
    except (OSError, LookupError):
        return ""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return ""
    header = lines[0]
    suggest_sep = sep
    if sep not in (r"\s+", " ") and header.count(sep) == 0:
        counts = {s: header.count(s) for s in _SEPARATORS if s != sep}
        best = max(counts, key=counts.get)
        if counts[best]:
            suggest_sep = best

    def split(line: str) -> list[str]:
        return line.split(suggest_sep) if len(suggest_sep) == 1 else line.split()

    commas = [f.strip() for line in lines[1:] for f in split(line) if DECIMAL_COMMA.match(f)]
    suggest_decimal = "," if decimal != "," and suggest_sep != "," and commas else decimal
    parts, what = [], []
    if suggest_sep != sep:
        parts.append(f"sep={suggest_sep!r}")
        what.append(f"{suggest_sep!r} between fields")
    if suggest_decimal != decimal:
        parts.append(f"decimal={suggest_decimal!r}")
        what.append(f"',' as the decimal mark (e.g. {commas[0]!r})")
    if not parts:
        return ""
    return (f" The file looks like it uses {' and '.join(what)}: pass {', '.join(parts)}.")


def encoding_error(path: Path, encoding: str, exc: UnicodeDecodeError) -> DataError:
    """Say where the first undecodable byte is, what it reads as in Latin-1, and what to pass."""
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return DataError(f"{path} is not {encoding} text: it starts with a UTF-16 byte-order mark. "
                         "Fix: pass encoding='utf-16'.")
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    for start in range(0, len(data), 1 << 16):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(data[start:start + (1 << 16)], final=start + (1 << 16) >= len(data))
        except UnicodeDecodeError as err:
            offset = start - pending + err.start
            break
    offset = max(0, min(offset, len(data) - 1))
    line_no = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    line = data[line_start:line_end if line_end >= 0 else len(data)].decode("latin-1").strip()
    return DataError(
        f"{path} is not {encoding} text: byte 0x{data[offset]:02x} on line {line_no} cannot be "
        f"decoded ({exc.reason}); read as Latin-1 that line is {line[:80]!r}. Fix: pass the "
        "file's encoding, e.g. encoding='latin-1' (ISO-8859-1) or encoding='cp1252' (files "
        "saved by Excel on Windows), or re-save the file as UTF-8."
    )
