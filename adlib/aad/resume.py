"""Put a new Session on its label store: open (locked), check, replay; or recover and set aside.

The body of :func:`adlib.aad.open_session` (which documents the options);
kept apart so that the Session module stays about the loop itself.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from .labelstore import (
    CorruptLabelStoreError,
    LabelStore,
    LabelStoreMismatchError,
    ReplayError,
)


def resume(session, path, info=None, on_mismatch: str = "error", read_only: bool = False):
    """Record ``session`` (new, seeded) in the store at ``path``, replaying what it holds."""
    if read_only:
        return LabelStore.read(path).attach(session)
    path = Path(path).expanduser()
    for _ in range(3):  # at most: recover a damaged store, then set a mismatched one aside
        try:
            store = LabelStore.open(path, session.fingerprint(), info=info)
        except (CorruptLabelStoreError, LabelStoreMismatchError) as err:
            if on_mismatch == "error":
                raise
            if isinstance(err, CorruptLabelStoreError):
                LabelStore.recover(path)  # warns: what was kept, where the rest went
                continue
            reason = err
        else:
            try:
                return store.attach(session)
            except ReplayError as err:
                store.close()
                if on_mismatch == "error":
                    if store.version < 2:
                        raise ReplayError(f"{err} (This store has file-format version 1, "
                                          "without chained lines: it may also have been "
                                          "edited or written by two sessions.)") from None
                    raise
                reason = err
        session.reset()
        aside = LabelStore.set_aside(path)
        warnings.warn(f"{reason}\nThe old store was moved to {aside}; a new one starts at {path}.",
                      RuntimeWarning, stacklevel=3)
    raise LabelStoreMismatchError(f"label store {path} could not be opened, recovered or set "
                                  "aside; give another path")
