"""The ipywidgets analyst, driven in plain Python (Button.click() fires the handlers)."""

import json

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from adlib.aad import Session  # noqa: E402
from adlib.datasets import make_toy  # noqa: E402
from adlib.feedback import LabelStore  # noqa: E402
from adlib.feedback.widgets import CSS, AnalystPanel, region_rule, view_2d  # noqa: E402

PARAMS = dict(ensemble="iforest", seed=0)


@pytest.fixture(scope="module")
def toy():
    return make_toy(seed=0)


@pytest.fixture
def panel(toy, tmp_path):
    session = Session.open(tmp_path / "answers.jsonl", toy.X, budget=30, **PARAMS)
    return AnalystPanel(session, y=toy.y, name="t")


def _stored_answers(path):
    return [json.loads(x) for x in path.read_text().splitlines()[1:]]


def test_buttons_answer_the_shown_query_and_the_store_has_it_first(panel, tmp_path):
    s = panel.session
    (q,) = s.next_queries()
    assert f"instance <b>{q}</b>" in panel.query_html.value
    image0 = panel.image.value
    panel.anomaly_button.click()
    assert s.queried == [q] and s.labels[q] == 1
    (q2,) = s.next_queries()
    panel.nominal_button.click()
    assert s.queried == [q, q2] and s.answers == [1, 0]
    stored = _stored_answers(tmp_path / "answers.jsonl")
    assert [(e["index"], e["label"]) for e in stored] == [(q, 1), (q2, 0)]
    assert panel.count_label.value.startswith("2 answers · 1 anomalies")
    assert panel.image.value != image0  # the view was redrawn
    assert panel.last_update_s > 0
    assert panel.status_html.value == ""
    assert "answers.jsonl" in panel.store_html.value


def test_skip_and_undo(panel):
    s = panel.session
    panel.nominal_button.click()
    w1, (q,) = s.model.w_.copy(), s.next_queries()
    panel.skip_button.click()
    assert s.skipped[q] and q not in s.next_queries()
    assert "1 skipped" in panel.count_label.value
    panel.undo_button.click()
    assert not s.skipped[q] and s.next_queries().tolist() == [q]
    np.testing.assert_array_equal(s.model.w_, w1)
    panel.undo_button.click()
    assert s.n_queried == 0 and panel.undo_button.disabled
    assert [e["type"] for e in s.store.events] == ["answer", "skip", "undo", "undo"]


def test_oracle_answers_the_next_n_with_a_progress_bar(panel, toy):
    panel.oracle_n.value = 7
    panel.oracle_button.click()
    s = panel.session
    assert s.n_queried == 7 and panel.progress.value == panel.progress.max == 7
    assert s.answers == [int(toy.y[i]) for i in s.queried]
    xs, ys = panel._line_found.get_data()
    assert len(xs) == 8 and ys[-1] == s.n_found  # the curve has every answer
    panel.oracle(100)  # more than the budget: stops at the budget
    assert s.n_queried == 30 and panel.anomaly_button.disabled
    assert "budget is spent" in panel.query_html.value


def test_errors_show_in_the_panel(panel):
    panel.oracle_n.value = 0
    panel.oracle_button.click()
    assert "at least 1" in panel.status_html.value and panel.session.n_queried == 0
    with pytest.raises(ValueError, match="at least 1"):
        panel.oracle(0)


def test_without_ground_truth_there_is_no_oracle(toy):
    p = AnalystPanel(Session.from_data(toy.X, **PARAMS))
    rows = p.widget.children
    assert not any(p.oracle_button in getattr(r, "children", ()) for r in rows)
    with pytest.raises(ValueError, match="no ground truth"):
        p.oracle(3)
    assert "not saved" in p.store_html.value


def test_resume_through_the_panel(toy, tmp_path):
    path = tmp_path / "answers.jsonl"
    p = AnalystPanel(Session.from_data(toy.X, **PARAMS), y=toy.y, store=path)
    for _ in range(3):
        p.anomaly_button.click()
    p.oracle(4)
    w = p.session.model.w_.copy()
    p2 = AnalystPanel(Session.from_data(toy.X, **PARAMS), y=toy.y, store=path)
    assert p2.session.n_queried == 7 and LabelStore.read(path).n_answers == 7
    np.testing.assert_array_equal(p2.session.model.w_, w)
    assert p2.count_label.value.startswith("7 answers")


def test_css_classes_for_the_browser_tests(panel):
    assert {CSS["panel"], "adlib-panel-t"} <= set(panel.widget._dom_classes)
    assert CSS["anomaly"] in panel.anomaly_button._dom_classes
    assert CSS["count"] in panel.count_label._dom_classes


def test_view_2d_data_tsne_or_pca(toy):
    V, names, kind = view_2d(toy.X, feature_names=["a", "b"])
    assert kind == "data" and names == ("a", "b") and V is not None
    X4 = np.column_stack([toy.X, toy.X[:, ::-1] * 2])
    tsne = np.random.default_rng(0).normal(size=(len(X4), 2))
    assert view_2d(X4, tsne=tsne)[2] == "t-SNE"
    V, _, kind = view_2d(X4)
    assert kind == "PCA" and V.shape == (len(X4), 2)
    with pytest.raises(ValueError, match="tsne must have shape"):
        view_2d(X4, tsne=tsne[:5])


def test_region_rule_holds_for_the_query(toy):
    s = Session.from_data(toy.X, **PARAMS)
    (q,) = s.next_queries()
    rule = region_rule(s, q, ["x", "y"])
    assert rule and ("x" in rule or "y" in rule)
    x, y = toy.X[q]  # the rule's text is a Python expression over the feature names
    expr = rule.replace(" and ", ") and (")
    assert eval(f"({expr})", {"x": x, "y": y})  # noqa: S307
    p = AnalystPanel(s, feature_names=["x", "y"])
    assert "Region:" in p.rule_html.value


def test_bad_input(toy):
    s = Session.from_data(toy.X, **PARAMS)
    with pytest.raises(ValueError, match="labels, each 0"):
        AnalystPanel(s, y=np.full(len(toy.X), 2))
    with pytest.raises(ValueError, match="feature names"):
        AnalystPanel(s, feature_names=["a"])
    with pytest.raises(TypeError, match="needs an adlib.aad.Session"):
        AnalystPanel("session")


def test_an_answer_that_is_not_saved_shows_in_the_panel(panel, tmp_path, monkeypatch):
    import errno

    import adlib.aad.storefile as storefile

    s = panel.session
    (q,) = s.next_queries()
    before = (tmp_path / "answers.jsonl").read_bytes()

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(storefile.os, "write", full)
        panel.anomaly_button.click()
    assert "AnswerNotSavedError" in panel.status_html.value
    assert "was NOT saved" in panel.status_html.value and "No space left" in panel.status_html.value
    assert s.n_queried == 0 and s.next_queries().tolist() == [q]
    assert (tmp_path / "answers.jsonl").read_bytes() == before
    panel.anomaly_button.click()  # room again: the same click works
    assert s.queried == [q] and panel.status_html.value == ""


def test_a_panel_whose_store_was_taken_over_says_so(toy, panel, tmp_path):
    newer = Session.open(tmp_path / "answers.jsonl", toy.X, budget=30, **PARAMS)
    panel.anomaly_button.click()
    assert "LabelStoreClosedError" in panel.status_html.value
    assert "not saved" in panel.store_html.value and panel.session.n_queried == 0
    assert newer.n_queried == 0 and not newer.store.closed
    look = AnalystPanel(Session.open(tmp_path / "answers.jsonl", toy.X, read_only=True, **PARAMS))
    assert "read-only" in look.store_html.value
    look.anomaly_button.click()
    assert "read-only" in look.status_html.value and look.session.n_queried == 0


def test_the_legend_names_who_answered_and_drops_the_query_when_the_budget_is_spent(panel):
    def legend():
        return [t.get_text() for t in panel._ax_view.get_legend().get_texts()]

    assert legend() == ["you: nominal", "you: anomaly", "next query"]
    panel.nominal_button.click()
    assert legend()[:2] == ["you: nominal", "you: anomaly"]
    panel.oracle(3)
    assert legend()[:2] == ["you + oracle: nominal", "you + oracle: anomaly"]
    panel.undo()  # the oracle's last answer; one of yours and two of the oracle's remain
    panel.oracle(100)  # to the budget
    assert panel.session.n_queried == 30
    assert legend() == ["you + oracle: nominal", "you + oracle: anomaly"]  # no "next query"


def test_an_oracle_only_panel_says_oracle(toy, tmp_path):
    session = Session.open(tmp_path / "o.jsonl", toy.X, budget=5, **PARAMS)
    p = AnalystPanel(session, y=toy.y)
    p.oracle(5)
    texts = [t.get_text() for t in p._ax_view.get_legend().get_texts()]
    assert texts == ["oracle: nominal", "oracle: anomaly"]


def test_the_store_note_shows_no_path_of_the_machine(panel, tmp_path):
    from pathlib import Path

    note = panel.store_html.value
    assert "answers.jsonl" in note
    assert str(tmp_path) not in note and str(Path.home()) + "/" not in note
    assert "&lt;temporary folder&gt;/answers.jsonl" in note


def test_answerer():
    from adlib.feedback.views import answerer

    assert answerer([], []) == "you"
    assert answerer([1, 2], []) == "you"
    assert answerer([1, 2], [1, 2, 5]) == "oracle"
    assert answerer([1, 2], [2]) == "you + oracle"


def test_store_preview_wraps_every_line_and_names_only_the_file(panel, tmp_path):
    from adlib.feedback.views import store_preview

    panel.oracle(4)
    text = store_preview(tmp_path / "answers.jsonl", n_events=3, width=60)
    lines = text.splitlines()
    assert max(len(x) for x in lines) <= 60
    assert lines[0].startswith('{"type": "header"')
    assert lines[-1] == "... 4 events in answers.jsonl"
    assert str(tmp_path) not in text
    # nothing cut: unwrapping gives back the file's first four lines
    raw = (tmp_path / "answers.jsonl").read_text().splitlines()[:4]
    assert "".join(raw).replace(" ", "") == "".join(lines[:-1]).replace(" ", "")
