"""Lazy package attributes: the neural packages expose their names without importing TensorFlow.

``from adlib.glad import GLAD`` imports ``adlib.glad.model`` (and so
TensorFlow) on first use only; ``import adlib.glad`` alone stays cheap.
"""

from __future__ import annotations

import importlib
import sys


def lazy_attributes(package: str, exports: dict[str, str], submodules=()):
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps a name to its submodule."""

    def __getattr__(name):
        if name in exports:
            value = getattr(importlib.import_module(f".{exports[name]}", package), name)
            setattr(sys.modules[package], name, value)  # found directly next time
            return value
        if name in submodules:
            return importlib.import_module(f".{name}", package)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(exports) | set(submodules))

    return __getattr__, __dir__
