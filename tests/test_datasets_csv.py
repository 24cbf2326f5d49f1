"""load_csv never misreads silently: label values, index/ID/duplicate columns, encodings,
separators and decimal marks. Every case writes a small file into tmp_path."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adlib.datasets import DataError, DataWarning, load_csv


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _frame(n=30, labels=None, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labels = labels if labels is not None else ["nominal"] * (n - 4) + ["anomaly"] * 4
    return pd.DataFrame({"label": labels, "a": rng.normal(size=len(labels)).round(3),
                         "b": rng.normal(size=len(labels)).round(3)})


def _quiet_load(*args, **kwargs):
    """load_csv, failing on any DataWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        return load_csv(*args, **kwargs)


# -- label values ---------------------------------------------------------------------------------


@pytest.fixture
def three(tmp_path):
    labels = ["nominal"] * 30 + ["anomaly"] * 6 + ["suspect"] * 4
    path = tmp_path / "three.csv"
    _frame(labels=labels).to_csv(path, index=False)
    return path


def test_third_label_value_is_an_error_listing_every_value(three):
    with pytest.raises(DataError) as err:
        load_csv(three)
    msg = str(err.value)
    assert "holds 3 distinct values (rows each): 'nominal' (30), 'anomaly' (6), 'suspect' (4)" in msg
    assert "anomaly_value=['anomaly', 'suspect']" in msg and "nominal_value='nominal'" in msg


def test_the_suggested_fixes_work(three):
    assert _quiet_load(three, anomaly_value=["anomaly", "suspect"]).n_anomalies == 10
    ds = _quiet_load(three, nominal_value=["nominal", "suspect"])
    assert ds.n_anomalies == 6 and ds.n_samples == 40
    assert _quiet_load(three, anomaly_value=("anomaly",), nominal_value={"nominal", "suspect"}
                       ).n_anomalies == 6
    with pytest.raises(DataError, match=r"'suspect' is neither in anomaly_value='anomaly' nor in "
                                        r"nominal_value='nominal'.*drop those rows"):
        load_csv(three, nominal_value="nominal")


def test_label_value_lists_are_checked(three):
    with pytest.raises(DataError, match=r"'anomaly' is listed both in anomaly_value= and "
                                        "nominal_value="):
        load_csv(three, anomaly_value=["anomaly", "suspect"], nominal_value=["anomaly"])
    with pytest.raises(DataError, match=r"anomaly_value is empty"):
        load_csv(three, anomaly_value=[])
    with pytest.raises(DataError, match=r"No row .* has a nominal label 'normal'.*nominal_value="):
        load_csv(three, anomaly_value=["anomaly", "suspect", "nominal"], nominal_value="normal")


def test_numeric_labels_with_three_values(tmp_path):
    p = tmp_path / "num.csv"
    _frame(labels=[0] * 20 + [1] * 3 + [2] * 5).to_csv(p, index=False)
    with pytest.raises(DataError, match=r"'0' \(20\), '2' \(5\), '1' \(3\)"):
        load_csv(p, anomaly_value=1)
    assert _quiet_load(p, anomaly_value=[1, 2]).n_anomalies == 8


def test_missing_anomaly_value_lists_values_and_suggests_the_rarer(tmp_path):
    p = tmp_path / "d.csv"
    _frame(labels=["normal"] * 25 + ["outlier"] * 5).to_csv(p, index=False)
    with pytest.raises(DataError) as err:
        load_csv(p)
    msg = str(err.value)
    assert "holds 2 distinct values (rows each): 'normal' (25), 'outlier' (5)" in msg
    assert "anomaly_value='outlier' (the rarer of the two)" in msg
    assert "anomaly_value='normal'" not in msg  # the old hint pointed at the nominal value
    assert _quiet_load(p, anomaly_value="outlier").n_anomalies == 5


@pytest.mark.parametrize("value, in_file", [("anomaly", "Anomaly"), ("anomaly", "ANOMALY"),
                                            ("anomaly", "an omaly"), (1.0, "1")])
def test_near_miss_anomaly_value_names_the_value_in_the_file(tmp_path, value, in_file):
    p = tmp_path / "d.csv"
    _frame(labels=["x0"] * 25 + [in_file] * 5).to_csv(p, index=False)
    with pytest.raises(DataError) as err:
        load_csv(p, anomaly_value=value)
    msg = str(err.value)
    assert f"'x0' (25), '{in_file}' (5)" in msg
    assert f"differs from anomaly_value='{value}' only in case, spaces or number format" in msg
    assert f"Fix: pass anomaly_value='{in_file}'" in msg


# -- index, ID and duplicate columns -----------------------------------------------------------


def test_pandas_index_column_is_dropped_with_a_warning(tmp_path):
    p = tmp_path / "idx.csv"
    _frame().to_csv(p)  # index=True: a first column without a header name
    with pytest.warns(DataWarning, match=r"idx\.csv: the first column has no header name "
                                         r"\('Unnamed: 0'\).*dropped.*index=False") as rec:
        ds = load_csv(p)
    assert ds.feature_names == ["a", "b"]
    assert rec[0].filename == __file__  # the warning points at the caller, not at adlib
    with pytest.warns(DataWarning, match=r"'Unnamed: 0' holds integers .* like a row ID"):
        kept = load_csv(p, feature_columns=["Unnamed: 0", "a"])  # asked for: kept, an ID still
    assert kept.feature_names == ["Unnamed: 0", "a"]


def test_increasing_integer_column_is_kept_with_a_warning(tmp_path):
    p = tmp_path / "ids.csv"
    frame = _frame()
    frame.insert(1, "record", np.arange(1000, 1000 + len(frame)))
    frame.to_csv(p, index=False)
    with pytest.warns(DataWarning, match=r"column 'record' holds integers that are unique and "
                                         r"increase with the row number.*drop_columns=\['record'\]"):
        ds = load_csv(p)
    assert ds.feature_names == ["record", "a", "b"]
    assert _quiet_load(p, drop_columns=["record"]).feature_names == ["a", "b"]
    with pytest.warns(DataWarning, match=r"'record'.*leave it out of feature_columns"):
        load_csv(p, feature_columns=["record", "a"])
    # an integer feature that is not monotone, and a tiny file, are not flagged
    frame["record"] = frame["record"][::-1].to_numpy()
    frame.to_csv(p, index=False)
    _quiet_load(p)
    _write(p, "label,a\nanomaly,1\nnominal,2\nnominal,3\n")
    _quiet_load(p)


def test_drop_columns_errors(tmp_path):
    p = tmp_path / "d.csv"
    _frame().to_csv(p, index=False)
    with pytest.raises(DataError, match=r"drop_columns not found .*'z'.*Columns present"):
        load_csv(p, drop_columns=["z"])
    with pytest.raises(DataError, match=r"label column 'label' is also listed in drop_columns"):
        load_csv(p, drop_columns=["label"])
    with pytest.raises(DataError, match=r"'a' listed in both feature_columns and drop_columns"):
        load_csv(p, feature_columns=["a"], drop_columns=["a"])
    with pytest.raises(DataError, match=r"no feature columns"):
        load_csv(p, drop_columns=["a", "b"])


def test_duplicate_column_names_warn(tmp_path):
    p = _write(tmp_path / "dup.csv", "label,a,b, a,b\nanomaly,1,2,3,4\nnominal,2,3,4,5\n")
    with pytest.warns(DataWarning, match=r"Duplicate column names in .*dup\.csv: 'a' \(2 columns, "
                                         r"kept as 'a', 'a\.1'\); 'b' \(2 columns, kept as 'b', "
                                         r"'b\.1'\).*drop_columns=\['a\.1', 'b\.1'\]"):
        ds = load_csv(p)
    assert ds.feature_names == ["a", "b", "a.1", "b.1"]
    np.testing.assert_array_equal(ds.X, [[1, 2, 3, 4], [2, 3, 4, 5]])


def test_label_column_with_spaces_in_header_is_read_as_text(tmp_path):
    p = _write(tmp_path / "d.csv", " label ,a\n1,1.5\n0,2.5\n0,3.5\n")
    ds = _quiet_load(p, anomaly_value="1")
    np.testing.assert_array_equal(ds.y, [1, 0, 0])


# -- encodings, separators, decimal marks ---------------------------------------------------------


def test_latin1_file_names_the_encoding_parameter(tmp_path):
    p = _write(tmp_path / "lat.csv", "label,température,b\nanomaly,1,2\nnominal,2,3\n", "latin-1")
    with pytest.raises(DataError, match=r"lat\.csv is not utf-8 text: byte 0xe9 on line 1 .*"
                                        r"'label,température,b'.*encoding='latin-1'"):
        load_csv(p)
    ds = _quiet_load(p, encoding="latin-1")
    assert ds.feature_names == ["température", "b"]


def test_latin1_byte_late_in_a_large_file_is_located(tmp_path):
    rows = "".join(f"nominal,{i % 7}\n" for i in range(20000))
    p = _write(tmp_path / "late.csv", "label,a\n" + rows + "anomaly,caf\xe9\n", "latin-1")
    with pytest.raises(DataError, match=r"byte 0xe9 on line 20002 .*'anomaly,café'"):
        load_csv(p)


def test_utf16_and_unknown_encodings(tmp_path):
    p = _write(tmp_path / "u16.csv", "label,a\nanomaly,1\nnominal,2\n", "utf-16")
    with pytest.raises(DataError, match=r"UTF-16 byte-order mark.*encoding='utf-16'"):
        load_csv(p)
    assert _quiet_load(p, encoding="utf-16").n_anomalies == 1
    with pytest.raises(DataError, match=r"Unknown encoding 'klingon'.*encoding='utf-8'"):
        load_csv(p, encoding="klingon")


def test_utf8_byte_order_mark_is_ignored(tmp_path):
    p = _write(tmp_path / "bom.csv", "\ufefflabel,a\nanomaly,1\nnominal,2\n")
    assert _quiet_load(p).feature_names == ["a"]


def test_semicolons_with_decimal_commas(tmp_path):
    p = tmp_path / "eu.csv"
    _frame().to_csv(p, sep=";", decimal=",", index=False)
    with pytest.raises(DataError, match=r"more fields than its header.*uses ';' between fields "
                                        r"and ',' as the decimal mark .*sep=';', decimal=','"):
        load_csv(p)
    with pytest.raises(DataError, match=r"Non-numeric feature columns.*',' as the decimal mark.*"
                                        r"pass decimal=','"):
        load_csv(p, sep=";")
    ds = _quiet_load(p, sep=";", decimal=",")
    np.testing.assert_allclose(ds.X, _frame()[["a", "b"]].to_numpy())
    # semicolons without decimal commas: the separator alone is suggested
    q = tmp_path / "semi.csv"
    _frame().assign(a=lambda f: (f.a * 1000).astype(int)).to_csv(q, sep=";", index=False)
    with pytest.raises(DataError, match=r"separator may be wrong\. The file looks like it uses "
                                        r"';' between fields: pass sep=';'\."):
        load_csv(q)
    with pytest.raises(DataError, match=r"uses ';' between fields: pass sep=';'"):
        load_csv(q, label_column=None)


def test_rows_longer_than_the_header(tmp_path):
    p = _write(tmp_path / "d.csv", "label,a\nanomaly,1,2\nnominal,2,3\n")
    with pytest.raises(DataError, match=r"Rows of .*d\.csv have 1 more field than its header "
                                        r"\(2 names: 'label', 'a'\)"):
        load_csv(p)


def test_dataset_to_frame_round_trips(tmp_path):
    p = tmp_path / "d.csv"
    _frame().to_csv(p, index=False)
    ds = _quiet_load(p)
    frame = ds.to_frame("is_anomaly")
    assert list(frame.columns) == ["is_anomaly", "a", "b"]
    np.testing.assert_array_equal(frame["is_anomaly"], ds.y)
    np.testing.assert_array_equal(frame[["a", "b"]].to_numpy(), ds.X)
    with pytest.raises(DataError, match=r"A feature is named 'a'"):
        ds.to_frame("a")
    assert list(_quiet_load(p, label_column=None, feature_columns=["a"]).to_frame().columns) == ["a"]
