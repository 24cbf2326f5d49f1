import matplotlib as mpl
import matplotlib.pyplot as plt

from adlib._mpl import book_rc


def test_book_rc_restores_style_but_keeps_interactive_mode():
    was = mpl.is_interactive()
    size = mpl.rcParams["font.size"]
    try:
        mpl.interactive(False)
        with book_rc({"font.size": size + 7}):
            assert mpl.rcParams["font.size"] == size + 7
            mpl.interactive(True)        # what the inline backend does on first use
        assert mpl.rcParams["font.size"] == size
        assert mpl.is_interactive()       # kept: later figures are still shown
        mpl.interactive(False)
        with plt.rc_context({"font.size": size + 7}):
            mpl.interactive(True)
        assert not mpl.is_interactive()   # the pitfall book_rc avoids
    finally:
        mpl.interactive(was)


def test_library_uses_book_rc_not_rc_context():
    """A plt.rc_context around a kernel's first figure hides every later figure of the chapter."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "adlib"
    bad = [str(p.relative_to(root)) for p in root.rglob("*.py")
           if p.name != "_mpl.py" and re.search(r"^\s*with\s+\w+\.rc_context\(", p.read_text(), re.M)]
    assert bad == [], f"use adlib._mpl.book_rc instead of rc_context in: {bad}"
