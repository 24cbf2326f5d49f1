"""TensorFlow for ``adlib.glad``: the library's one configured import (:mod:`adlib._tf`)."""

from __future__ import annotations

from .._tf import seed_everything
from .._tf import tensorflow as _tensorflow


def tensorflow():
    """TensorFlow, imported once and configured (one thread, op determinism, no log noise)."""
    return _tensorflow("adlib.glad")


__all__ = ["seed_everything", "tensorflow"]
