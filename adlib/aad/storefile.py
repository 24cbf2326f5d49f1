"""The label store's file: its errors, its chained lines, reading them back, appending one.

Format version 2 (written by this adlib) chains every line to the one before
it: each record carries ``"chain"``, the first 16 hex digits of
``sha256(previous chain + canonical JSON of the record without "chain")``
(the header starts from the empty string), and every event its number
``"n"`` (1, 2, ...). A line edited by hand, deleted, duplicated or written
by a second session no longer fits its chain, and :func:`scan` names the
first such line and what is wrong with it. Version 1 stores (no chain) are
read as before, without that check. See :mod:`adlib.aad.labelstore`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

FORMAT = "adlib-labelstore"
VERSION = 2
READ_VERSIONS = (1, 2)
EVENT_TYPES = ("answer", "skip", "undo", "pretrain", "window")  # window: streams
TWO_WRITERS = "edited or written by two sessions"


class LabelStoreError(ValueError):
    """A label store cannot be used; the message says why and what to do."""


class CorruptLabelStoreError(LabelStoreError):
    """A line before the last one is not a valid record.

    ``line`` is that line (1-based), ``kept`` the number of lines before it
    that are consistent (the header included).
    """

    def __init__(self, message: str, line: int | None = None, kept: int | None = None):
        super().__init__(message)
        self.line, self.kept = line, kept


class InconsistentLabelStoreError(CorruptLabelStoreError):
    """A record does not continue the store's chain: the file was edited or written by two sessions."""


class LabelStoreMismatchError(LabelStoreError):
    """The store was written for other data or other session parameters."""


class LabelStoreLockedError(LabelStoreError):
    """Another session (another process) has the store open; ``holder`` says who, if known."""

    def __init__(self, message: str, holder: dict | None = None):
        super().__init__(message)
        self.holder = holder


class LabelStoreClosedError(LabelStoreError):
    """The store object was closed (or taken over by a newer session) and records nothing more."""


class AnswerNotSavedError(LabelStoreError):
    """Writing an event failed: it is not in the store and the session did not apply it.

    ``os_error`` is the operating system's error (disk full, file too large, I/O error).
    """

    def __init__(self, message: str, os_error: OSError | None = None):
        super().__init__(message)
        self.os_error = os_error


def store_path(path) -> Path:
    """``path`` as a Path (``~`` expanded); a folder is a clear error."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise LabelStoreError(f"{path} is a folder, not a label store: give the path of a file "
                              f"in it, e.g. {path / 'answers.jsonl'}")
    return path


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def canonical(record: dict) -> bytes:
    """The bytes a chain hashes: sorted keys, no spaces, ASCII."""
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode("ascii")


def link(previous: str, record: dict) -> str:
    """The chain value of ``record`` (its own ``"chain"`` key, if any, left out) after ``previous``."""
    body = {k: v for k, v in record.items() if k != "chain"}
    return hashlib.sha256(previous.encode("ascii") + canonical(body)).hexdigest()[:16]


def line_of(record: dict) -> bytes:
    """The record as one line of the file (readable spacing, key order kept)."""
    return (json.dumps(record, separators=(", ", ": ")) + "\n").encode("utf-8")


def check_event(event, where: str) -> dict:
    if not isinstance(event, dict) or event.get("type") not in EVENT_TYPES:
        raise ValueError(f"{where}: not an event (type must be one of {', '.join(EVENT_TYPES)})")
    kind = event["type"]
    if kind in ("answer", "skip") and (not isinstance(event.get("index"), int)
                                       or isinstance(event.get("index"), bool)):
        raise ValueError(f"{where}: {kind} without an integer 'index'")
    if kind == "answer" and event.get("label") not in (0, 1):
        raise ValueError(f"{where}: answer label must be 0 or 1, got {event.get('label')!r}")
    if kind == "pretrain" and len(event.get("indices", ())) != len(event.get("labels", ())):
        raise ValueError(f"{where}: pretrain needs as many labels as indices")
    if kind == "window" and not all(isinstance(event.get(k), int) for k in ("window", "n_rows")):
        raise ValueError(f"{where}: window without integer 'window' and 'n_rows'")
    return event


class Scan:
    """What :func:`scan` found: the consistent records and the first problem, if any.

    ``records`` are the header and the events up to the first problem;
    ``good_end`` the byte offset just after the last of them; ``problem``
    ``None``, or ``(kind, line, message)`` with kind ``"torn"`` (an
    interrupted write: the last line, unfinished and without its newline),
    ``"corrupt"`` (a line that is not a record) or ``"chain"`` (a record
    that does not continue the chain).
    """

    def __init__(self, records, good_end, problem, n_lines, ends_with_newline):
        self.records, self.good_end, self.problem = records, good_end, problem
        self.n_lines, self.ends_with_newline = n_lines, ends_with_newline

    @property
    def chain(self) -> str | None:
        return self.records[-1].get("chain") if self.records else None


def _chain_problem(record, previous: list[tuple[int, dict, bytes]], expected_n: int,
                   line: bytes) -> str | None:
    """Why ``record`` (its text: ``line``) does not continue the chain (None when it does)."""
    last_line, last, _ = previous[-1]
    if record.get("chain") == link(last["chain"], record) and record.get("n") == expected_n:
        return None
    if "chain" not in record:
        return "it has no chain (a line added by hand, or by a writer that does not chain)"
    for j, _, text in previous[1:]:
        if text == line:
            return f"it repeats line {j} (a duplicated line)"
    for (i, before, _), (j, _, _) in zip(previous[:-1], previous[1:], strict=False):
        if record["chain"] == link(before["chain"], record):
            return (f"it continues from line {i} as line {j} does: two sessions appended "
                    "to the same history (or lines were moved)")
    if isinstance(record.get("n"), int) and record["n"] > expected_n:
        return (f"it is event {record['n']} but event {expected_n} is missing: a line before it "
                f"(after line {last_line}) was deleted")
    return "its content does not match its chain (the line was edited)"


def scan(raw: bytes, path) -> Scan:
    """Read a store's bytes: parse, check each event and (version 2) the chain; stop at a problem."""
    lines = raw.split(b"\n")
    filled = [k for k, line in enumerate(lines) if line.strip()]
    last = filled[-1] if filled else -1
    records: list[dict] = []
    seen: list[tuple[int, dict, bytes]] = []  # (line number, record, text) of the good lines
    pos, good_end, problem = 0, 0, None
    for k, line in enumerate(lines):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
            if not records:
                if not (isinstance(record, dict) and record.get("type") == "header"
                        and record.get("format") == FORMAT):
                    raise ValueError("the first line is not an adlib label-store header")
                if record.get("version") not in READ_VERSIONS:
                    raise LabelStoreError(
                        f"{path} has label-store version {record.get('version')}; this adlib "
                        f"reads versions {', '.join(map(str, READ_VERSIONS))}: update adlib")
            else:
                check_event(record, "record")
        except (ValueError, UnicodeDecodeError) as err:
            if isinstance(err, LabelStoreError):
                raise
            if not records:
                raise LabelStoreError(
                    f"{path} is not an adlib label store ({err}). Pass a path to a new "
                    "file, or to a store written by adlib's LabelStore.") from None
            if k == last and k == len(lines) - 1:  # unfinished and no newline: a torn write
                problem = ("torn", k + 1, f"{line[:80]!r} ({err})")
            else:
                problem = ("corrupt", k + 1, f"line {k + 1} of {len(filled)} is not a valid "
                           f"record ({err}): {line[:80]!r}")
            break
        if records and records[0]["version"] >= 2:
            why = _chain_problem(record, seen, len(records), line)
            if why is not None:
                problem = ("chain", k + 1, f"line {k + 1} of {len(filled)}: {why}")
                break
        elif not records and record["version"] >= 2 and record.get("chain") != link("", record):
            problem = ("chain", 1, "line 1 (the header) does not match its chain (it was edited)")
            break
        records.append(record)
        seen.append((k + 1, record, line))
        good_end = min(start + len(line) + 1, len(raw))
    if not records and problem is None:
        raise LabelStoreError(f"{path} is empty; it has no label-store header")
    return Scan(records, good_end, problem, len(filled), raw[:good_end].endswith(b"\n"))


def describe_event(record: dict) -> str:
    """How an error names an event: "The answer for instance 3 (anomaly)" etc."""
    kind = record["type"]
    if kind == "answer":
        return (f"The answer for instance {record['index']} "
                f"({'anomaly' if record['label'] else 'nominal'})")
    return {"skip": f"The skip of instance {record.get('index')}", "undo": "The undo",
            "pretrain": f"The pretrain labels ({len(record.get('indices', ()))} instances)",
            "header": "The new store's header",
            "window": f"Window {record.get('window')} ({record.get('n_rows')} rows)"}[kind]


def damage_error(path, found: Scan) -> CorruptLabelStoreError:
    """The error for a store whose scan stopped at a bad line (not a torn last line)."""
    kind, line, msg = found.problem
    kept = (f"Lines before line {line} (the header and {len(found.records) - 1} events) are "
            "consistent; to keep them and move the rest" if found.records else
            "To move the whole file")
    fix = (f" Nothing was changed. {kept} to a side file next to the store (nothing is "
           "deleted): LabelStore.recover(path), or Session.open(path, X, ..., "
           "on_mismatch='set_aside').")
    if kind == "chain":
        return InconsistentLabelStoreError(f"label store {path} was {TWO_WRITERS}: {msg}." + fix,
                                           line, len(found.records))
    return CorruptLabelStoreError(
        f"label store {path}: {msg}. Only an unfinished LAST line (an interrupted write, no "
        f"newline after it) is repaired automatically, and this is not one: the file was "
        f"{TWO_WRITERS}, or damaged."
        + fix, line, len(found.records))


def fingerprint_diffs(stored: dict, current: dict) -> list[str]:
    """``"key.sub: stored a, now b"`` for every field where two fingerprints differ."""
    diffs = []
    for name in sorted(set(stored) | set(current)):
        a, b = stored.get(name), current.get(name)
        if a != b:
            if isinstance(a, dict) and isinstance(b, dict):
                diffs.extend(f"{name}.{sub}: stored {a.get(sub)!r}, now {b.get(sub)!r}"
                             for sub in sorted(set(a) | set(b)) if a.get(sub) != b.get(sub))
            else:
                diffs.append(f"{name}: stored {a!r}, now {b!r}")
    return diffs


def chained_lines(header: dict, events: list[dict]) -> bytes:
    """A version-2 file of this header and these events (numbered and chained afresh)."""
    header = {k: v for k, v in header.items() if k != "chain"}
    header.update(version=VERSION)
    header["chain"] = chain = link("", header)
    lines = [line_of(header)]
    for n, event in enumerate(events, 1):
        record = {k: v for k, v in event.items() if k not in ("n", "chain")}
        record["n"] = n
        record["chain"] = chain = link(chain, record)
        lines.append(line_of(record))
    return b"".join(lines)


def cut_to(path: Path, size: int) -> None:
    """Truncate the file at ``path`` to ``size`` bytes, fsync-ed."""
    with open(path, "r+b") as fh:
        fh.truncate(size)
        fh.flush()
        os.fsync(fh.fileno())


def append_bytes(path: Path, data: bytes, size: int | None, create: bool = False) -> int:
    """Append ``data`` (flushed and fsync-ed) to the file at ``path``; return the new size.

    ``size`` is the file's known good length (bytes beyond it, left by an
    earlier failed write, are cut first). When the write fails the file is
    cut back to that length and ``OSError`` is raised with ``.truncated``
    saying whether the cut worked. ``create`` starts a new, empty file.
    """
    flags = os.O_WRONLY | os.O_APPEND | (os.O_CREAT | os.O_TRUNC if create else 0)
    fd = os.open(path, flags, 0o644)
    try:
        current = os.fstat(fd).st_size
        target = current if size is None else min(size, current)
        if current > target:  # a partial line an earlier failed cut left behind
            os.ftruncate(fd, target)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                if written <= 0:
                    raise OSError(errno.EIO, "the write made no progress")
                view = view[written:]
            os.fsync(fd)
        except OSError as err:
            try:
                os.ftruncate(fd, target)
                os.fsync(fd)
                err.truncated = True
            except OSError as cut:
                err.truncated = cut
            raise
        return target + len(data)
    finally:
        os.close(fd)


def side_path(path: Path, what: str) -> Path:
    """A new file next to ``path`` (``<stem>.<what>-<UTC time>[-k]<suffix>``); never an existing one."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside, k = path.with_name(f"{path.stem}.{what}-{stamp}{path.suffix}"), 1
    while aside.exists():
        k += 1
        aside = path.with_name(f"{path.stem}.{what}-{stamp}-{k}{path.suffix}")
    return aside


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet (``x`` mode: never overwrites), fsync-ed."""
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
