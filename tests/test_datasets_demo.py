"""The own-data chapter's error demonstration: damaged copies of the reader's own file, written
only into a fresh folder, and the chapter run on a reader's file next to a ``broken.csv``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adlib.datasets import DataError, load_csv
from adlib.datasets.demo import broken_examples

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "aad_own_data.ipynb"


def _readers_file(folder: Path, n=300, n_fraud=15, seed=1) -> Path:
    """A reader's CSV with columns of its own: nothing like the breast-cancer example."""
    rng = np.random.default_rng(seed)
    status = np.array(["ok"] * n + ["fraud"] * n_fraud)
    frame = pd.DataFrame({
        "status": status,
        "amount": np.r_[rng.gamma(2.0, 30.0, n), rng.gamma(9.0, 60.0, n_fraud)].round(2),
        "hour": np.r_[rng.normal(14, 3, n), rng.normal(3, 1, n_fraud)].round(1),
        "items": np.r_[rng.poisson(3, n), rng.poisson(12, n_fraud)],
    }).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    path = folder / "payments.csv"
    frame.to_csv(path, index=False)
    return path


def test_examples_use_the_readers_columns_and_only_the_given_folder(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    csv = _readers_file(mine)
    before = {p.name: p.read_bytes() for p in mine.iterdir()}
    with tempfile.TemporaryDirectory() as folder:
        examples = broken_examples(csv, folder, label_column="status", anomaly_value="fraud")
        names = [e.name for e in examples]
        assert names == ["label_name_typo.csv", "text_value.csv", "missing_value.csv",
                         "third_label_value.csv", "pandas_index.csv", "semicolons.csv"]
        assert sorted(p.name for p in Path(folder).iterdir()) == sorted(names)
        texts = {e.name: e.attempt() for e in examples}
        wrapped = examples[3].attempt(width=60)
    assert {p.name: p.read_bytes() for p in mine.iterdir()} == before  # the reader's folder
    for text in texts.values():
        assert folder not in text and "malignant" not in text and "diagnosis" not in text
    assert "Label column 'Status' not found in label_name_typo.csv. Did you mean 'status'?" \
        in texts["label_name_typo.csv"]
    assert "Non-numeric feature columns in text_value.csv: 'amount' (e.g. '" \
        in texts["text_value.csv"]
    assert "mm'" in texts["text_value.csv"]
    assert "in columns 'amount' (1 NaN)" in texts["missing_value.csv"]
    assert "'ok' (299), 'fraud' (15), 'unsure' (1)" in texts["third_label_value.csv"]
    assert "nominal_value='ok'" in texts["third_label_value.csv"]
    assert texts["pandas_index.csv"].startswith("DataWarning: pandas_index.csv: the first column")
    assert "loaded: Dataset('pandas_index', n_samples=315" in texts["pandas_index.csv"]
    assert "pass sep=';', decimal=','" in texts["semicolons.csv"]
    # wrapping never cuts a word: the words are the same
    assert wrapped.split() == texts["third_label_value.csv"].split()
    assert max(map(len, wrapped.splitlines())) <= 60 + 20


def test_examples_need_an_empty_existing_folder(tmp_path):
    csv = _readers_file(tmp_path)
    (tmp_path / "broken.csv").write_text("keep me")
    with pytest.raises(DataError, match=r"is not empty.*no existing file is overwritten"):
        broken_examples(csv, tmp_path, label_column="status", anomaly_value="fraud")
    assert (tmp_path / "broken.csv").read_text() == "keep me"
    with pytest.raises(DataError, match=r"is not a folder"):
        broken_examples(csv, tmp_path / "nope", label_column="status", anomaly_value="fraud")


def test_examples_of_an_unlabeled_semicolon_file(tmp_path):
    csv = tmp_path / "eu.csv"
    pd.DataFrame({"x": [1.5, 2.5, 3.5], "y": [0.1, 0.2, 0.3]}).to_csv(
        csv, sep=";", decimal=",", index=False)
    assert load_csv(csv, label_column=None, sep=";", decimal=",").n_samples == 3
    out = tmp_path / "out"
    out.mkdir()
    examples = broken_examples(csv, out, label_column=None, sep=";", decimal=",")
    assert [e.name for e in examples] == ["text_value.csv", "missing_value.csv",
                                          "pandas_index.csv"]
    assert "Non-numeric feature columns in text_value.csv: 'x'" in examples[0].attempt()
    assert "'x' (1 NaN)" in examples[1].attempt()


def test_malformed_reader_file_gets_adlibs_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("label,a\nanomaly,caf\xe9\n".encode("latin-1"))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(DataError, match=r"not utf-8 text.*encoding="):
        broken_examples(bad, out)
    assert list(out.iterdir()) == []


def _run_chapter(tmp_path, monkeypatch, **parameters) -> Path:
    """Execute the own-data chapter in quick mode with ``parameters``; the executed notebook.

    Skips when papermill or the data mirror (the chapter's precomputed example) is missing.
    """
    papermill = pytest.importorskip("papermill")
    mirror = os.environ.get("ADLIB_DATA") or str(ROOT.parent / "shared" / "datasets")
    if not (Path(mirror) / "toy_scores").is_dir() and not (ROOT / mirror / "toy_scores").is_dir():
        pytest.skip("the chapter's precomputed example needs the dataset mirror (ADLIB_DATA)")
    monkeypatch.setenv("ADLIB_FIGURES", str(tmp_path / "figures"))
    out = tmp_path / "own.ipynb"
    papermill.execute_notebook(
        str(CHAPTER), str(out), kernel_name="adlib", cwd=str(ROOT / "book"),
        progress_bar=False, execution_timeout=600, parameters={"quick": True, **parameters})
    return out


def _printed(notebook) -> str:
    """Everything the executed chapter printed or displayed as text, on one line."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    return " ".join(text.split())  # the chapter wraps long messages at spaces


@pytest.mark.notebook
def test_chapter_leaves_the_readers_folder_alone(tmp_path, monkeypatch):
    """Run the own-data chapter on a reader's file next to an existing broken.csv."""
    mine = tmp_path / "mine"
    mine.mkdir()
    csv = _readers_file(mine)
    (mine / "broken.csv").write_text("status,amount\nmy own file,do not touch\n")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in mine.iterdir()}
    out = _run_chapter(tmp_path, monkeypatch, csv_path=str(csv), label_column="status",
                       anomaly_value="fraud")
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in mine.iterdir()}
    assert after == before, "the chapter wrote into the reader's folder"
    text = _printed(out)
    assert tempfile.gettempdir() not in text, "a temporary path was printed"
    assert "malignant" not in text and "diagnosis" not in text
    assert "third_label_value.csv" in text and "'ok' (299), 'fraud' (15), 'unsure' (1)" in text
    assert "toy + toy_scores (50 detectors), budget 35" in text


@pytest.mark.notebook
def test_chapter_runs_on_a_file_without_labels(tmp_path, monkeypatch):
    """An analyst's file often has no label column: the chapter ranks, then says what it cannot count."""
    import pandas as pd

    mine = tmp_path / "mine"
    mine.mkdir()
    labeled = _readers_file(mine)
    csv = mine / "unlabeled.csv"
    pd.read_csv(labeled).drop(columns=["status"]).to_csv(csv, index=False)
    out = _run_chapter(tmp_path, monkeypatch, csv_path=str(csv), label_column=None)
    text = _printed(out)
    assert "no label column (you will be the judge)" in text
    assert "No labels in the file, so nobody can answer here" in text
    assert "three diverse rows to look at first" in text
