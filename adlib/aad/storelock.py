"""One writer at a time: the lock a label store holds while a session has it open.

The lock is an OS advisory lock (``flock``, through the ``filelock``
package) on ``<store>.lock`` next to the store; the kernel drops it when the
holding process ends, however it ends, so a killed kernel never blocks the
next session. Who holds it is written to ``<store>.lock.json`` (process id,
host, since when), for the message another session gets; the holder removes
that file when it lets go. The empty ``.lock`` file itself stays (removing it
while another process waits on it would let two processes lock two files).

Within one process a store object that holds the lock can hand it to a
newer one (:mod:`adlib.aad.labelstore` does that when the same store is
opened again, e.g. a notebook cell run twice); see :data:`OWNERS`.
"""

from __future__ import annotations

import json
import os
import socket
import weakref
from pathlib import Path

import filelock

from .storefile import LabelStoreError, LabelStoreLockedError, now

#: Store path (resolved) -> weak reference to the store object of this process that holds its lock.
OWNERS: dict[str, weakref.ref] = {}


def lock_paths(path: Path) -> tuple[Path, Path]:
    """The lock file and the holder-info file of the store at ``path``."""
    return path.with_name(path.name + ".lock"), path.with_name(path.name + ".lock.json")


def key(path: Path) -> str:
    return os.path.realpath(path)


def _read_info(info: Path) -> dict | None:
    try:
        holder = json.loads(info.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def read_holder(path: Path) -> dict | None:
    """Who holds the lock of the store at ``path``, as its holder wrote it (None if unknown)."""
    return _read_info(lock_paths(Path(path))[1])


def describe_holder(holder: dict | None) -> str:
    if not holder:
        return "an unknown process (it has not written its holder file yet, or cannot)"
    mine = holder.get("host") == socket.gethostname() and holder.get("pid") == os.getpid()
    return (f"process {holder.get('pid')} on host {holder.get('host')}, since "
            f"{holder.get('since')}" + (" (this process)" if mine else ""))


def _let_go(lock, info: Path, pid: int) -> None:
    if os.getpid() != pid:  # a forked child must not release its parent's lock
        return
    try:
        if (_read_info(info) or {}).get("pid") == pid:
            info.unlink()
    except OSError:
        pass
    lock.release(force=True)


class Lease:
    """The lock on one store, held from creation until :meth:`release` (or garbage collection)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock_file, self.info_file = lock_paths(Path(key(self.path)))  # a link: its target's
        lock = filelock.FileLock(str(self.lock_file), timeout=0, thread_local=False)
        try:
            lock.acquire()
        except filelock.Timeout:
            holder = read_holder(self.path)
            raise LabelStoreLockedError(
                f"label store {self.path} is open in another session: "
                f"{describe_holder(holder)} (lock file {self.lock_file.name}). One session "
                "at a time may write to a store. To go on: close the other session "
                "(session.close() or store.close() there, or shut its kernel down; a process "
                "that ends releases the lock by itself), or look without writing: "
                "LabelStore.read(path), or Session.open(path, X, ..., read_only=True).",
                holder) from None
        except OSError as err:
            raise LabelStoreError(
                f"cannot lock label store {self.path}: {err}. A session needs to create "
                f"{self.lock_file.name} next to the store (a writable folder); to only look, "
                "use LabelStore.read(path).") from err
        self._lock = lock
        self.holder: dict = {}
        self.refresh()
        self._finalizer = weakref.finalize(self, _let_go, lock, self.info_file, os.getpid())

    def refresh(self) -> None:
        """(Re)write the holder file: this process, this host, from now on."""
        self.holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": now(),
                       "store": str(self.path)}
        tmp = self.info_file.with_name(f"{self.info_file.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(self.holder) + "\n", encoding="utf-8")
            os.replace(tmp, self.info_file)
        except OSError:  # the holder file only helps the message; the lock is what counts
            pass

    @property
    def held(self) -> bool:
        return self._finalizer.alive

    def release(self) -> None:
        self._finalizer()  # runs once: removes the holder file, unlocks


# -- handing the lock between the store objects of this process ------------------------
# A store object holds its lease in ``store._lease`` (None once closed) and the reason it
# was closed in ``store._closed``.
def take(path: Path):
    """``(lease, prior)``: the lock an open store of this process holds (``prior``), or a new one."""
    ref = OWNERS.get(key(path))
    prior = ref() if ref is not None else None
    if prior is not None and prior._lease is not None and prior._lease.held:
        return prior._lease, prior
    return Lease(path), None


def retire(store, why: str) -> None:
    """Close an older store object: it keeps its events but records nothing more."""
    store._lease, store._closed = None, why


def settle(store, lease: Lease, prior) -> None:
    """Make ``store`` the holder of ``lease`` (closing ``prior``, the older holder in this process)."""
    if prior is not None and prior is not store:
        retire(prior, f"the same store was opened again in this process at {now()} (a newer "
                      "Session.open or LabelStore.open); answer through that newer session")
        lease.refresh()
    store._lease = lease
    k = key(store.path)
    OWNERS[k] = weakref.ref(store, lambda ref: OWNERS.pop(k) if OWNERS.get(k) is ref else None)


def let_go(lease: Lease, prior) -> None:
    """Release a lease taken for one operation, unless an older store still holds it."""
    if prior is None or prior._lease is None:
        lease.release()


def forget(store) -> None:
    """``store`` closes: release its lease and drop it from :data:`OWNERS`."""
    lease, store._lease = store._lease, None
    if lease is not None:
        ref = OWNERS.get(key(store.path))
        if ref is not None and ref() is store:
            del OWNERS[key(store.path)]
        lease.release()
