"""A safe ``rc_context`` for the book's figures.

``matplotlib.pyplot.rc_context`` restores *every* rc parameter on exit. When
a Jupyter kernel's first figure is created inside one, the inline backend is
activated there and switches ``rcParams["interactive"]`` on; the exit then
switches it off again, and every later figure of the chapter is silently not
shown. :func:`book_rc` restores the style parameters but keeps the backend
and the interactive flag as they are at exit.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl

_KEEP = ("backend", "interactive")


@contextmanager
def book_rc(rc: dict):
    """Like ``plt.rc_context(rc)``, without undoing a backend activated inside it."""
    saved = mpl.rcParams.copy()
    try:
        mpl.rcParams.update(rc)
        yield
    finally:
        keep = {k: dict.__getitem__(mpl.rcParams, k) for k in _KEEP}
        dict.update(mpl.rcParams, saved)
        dict.update(mpl.rcParams, keep)
