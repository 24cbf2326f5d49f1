import numpy as np
import pytest

from adlib._format import comparison_word, fmt, fmt_pm, fmt_vs, mean_se, ordinal, plain, rounded


@pytest.mark.parametrize("n,text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                    (12, "12th"), (13, "13th"), (21, "21st"), (91, "91st"),
                                    (100, "100th"), (102, "102nd"), (111, "111th")])
def test_ordinal(n, text):
    assert ordinal(n) == text


def test_plain_and_rounded_give_python_numbers():
    d = {"precision": np.float64(0.7083333333333334), "n": np.int64(3), "xs": np.array([0.123456])}
    out = rounded(d, 2)
    assert out == {"precision": 0.71, "n": 3, "xs": [0.12]}
    assert type(out["precision"]) is float and type(out["n"]) is int
    assert repr(plain(np.float32(0.5))) == "0.5"


def test_cells():
    assert fmt(float("nan")) == "–" and fmt(None) == "–" and fmt(3.14159, 2) == "3.14"
    assert fmt_pm(23.91, 0.44) == "23.9 ± 0.4"
    assert fmt_vs(23.94, 24.5) == "23.9 (24.5)"
    assert fmt_vs(237.4, 194.1, digits=0, published_digits=1) == "237 (194.1)"
    assert fmt_vs(5.0, None) == "5.0"
    m, se = mean_se([1, 2, 3, 4])
    assert m == 2.5 and se == pytest.approx(np.std([1, 2, 3, 4], ddof=1) / 2)
    assert mean_se([7])[1] == 0.0
    with pytest.raises(ValueError):
        mean_se([])


def test_comparison_word():
    assert comparison_word(23.9, 24.5, 0.5) == "below"
    assert comparison_word(24.2, 24.5, 0.5) == "level with"
    assert comparison_word(25.1, 24.5, 0.5) == "above"


def test_paths_as_a_reader_sees_them(tmp_path):
    from pathlib import Path

    from adlib._format import display_path, error_text, shorten_paths

    store = tmp_path / "sub" / "toy2.jsonl"
    assert display_path(store) == "<temporary folder>/toy2.jsonl"
    assert display_path(Path.home() / ".cache" / "adlib" / "a.jsonl") == "~/.cache/adlib/a.jsonl"
    assert display_path("/srv/answers/x.jsonl") == "/srv/answers/x.jsonl"  # the user's own place
    text = f"store {store} was written; see {Path.home()}/.cache/x"
    assert shorten_paths(text) == "store <temporary folder>/toy2.jsonl was written; see ~/.cache/x"
    long = ValueError(f"label store {store} " + "word " * 40 + "end.")
    out = error_text(long, width=60)
    assert out.startswith("ValueError: label store <temporary folder>/toy2.jsonl")
    assert out.rstrip().endswith("end.") and max(len(x) for x in out.splitlines()) <= 60
    assert str(tmp_path) not in out
