"""Be the analyst: an ipywidgets panel that shows the next query and takes your answer.

:class:`AnalystPanel` puts buttons on any :class:`adlib.aad.Session`. It shows
the query the session asks next (its feature values, score and rank, where it
lies on a 2-D view of the data, and the rule of the region it falls in where a
``describe`` hook is given), buttons **Anomaly / Nominal / Skip / Undo**, and,
when ground truth is given, "let the oracle answer the next N" with a progress
bar. A discovery curve and (for 2-D data) the score contours are redrawn after
every answer.

The panel has no loop of its own: every button calls the Session
(``answer``, ``skip``, ``undo``). When the session records to a
:class:`~adlib.feedback.LabelStore` (``Session.open(path, X, ...)`` or
``store=`` here), the session writes each answer to the file *before* it
changes, so a killed kernel loses nothing: open the same store again and the
session resumes where it stopped.

Speed: the figure is drawn with matplotlib's Agg canvas (no pyplot) and its
artists are updated in place after each answer (offsets, colours, line data);
only the contours are re-drawn, from a coarse grid whose region features are
computed once (a new weight vector is one sparse product). The PNG goes to an
``ipywidgets.Image``, so executed notebooks keep it in their saved widget
state and the rendered book shows it.
"""

from __future__ import annotations

import html
import io
import time
from collections.abc import Callable
from functools import partial

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..aad.discover import baseline_curve
from ..aad.labelstore import LabelStore
from ..aad.session import UNLABELED, Session
from ..plotting import AAD_COLOR, ANOMALY_COLOR, BASELINE_COLOR, NOMINAL_COLOR
from .views import CSS, answerer, query_features_html, region_rule, store_note_html, view_2d

__all__ = ["AnalystPanel", "region_rule", "view_2d"]


class AnalystPanel:
    """An ipywidgets analyst for a :class:`~adlib.aad.Session` (see the module docstring).

    Parameters
    ----------
    session : Session
        The loop to drive. Open it with ``Session.open(store_path, X, ...)`` so
        that answers are saved (or pass ``store=``).
    y : array of 0/1, optional
        Ground truth: enables "oracle answers the next N" and the no-feedback
        baseline on the curve. The panel never shows it otherwise.
    feature_names : list of str, optional
    view : (n, 2) array, optional
        Coordinates for the 2-D view; default :func:`view_2d` (the data if it
        is 2-D, else ``tsne`` if given, else PCA).
    tsne : (n, 2) array, optional
        A t-SNE embedding of the data (``Dataset.tsne``).
    describe : callable ``(session, index) -> str or None``, optional
        Text for the query's region; default :func:`region_rule` when the
        ensemble has region boxes. ``False`` turns it off.
    store : path or LabelStore, optional
        Record the session's answers there (if it does not record yet): an
        existing store is replayed first, so the session must be new.
    name : str
        Extra CSS class ``adlib-panel-<name>`` (to tell panels apart).
    contour_grid : int
        Grid size of the score contours on 2-D data (coarse: redrawn after each answer).
    """

    def __init__(self, session: Session, y=None, feature_names=None, view=None, tsne=None,
                 describe: Callable | bool | None = None, store=None, name: str | None = None,
                 title: str | None = None, contour_grid: int = 40, oracle_n: int = 5,
                 figsize=(7.2, 3.3), dpi: int = 100):
        if not isinstance(session, Session):
            raise TypeError(f"AnalystPanel needs an adlib.aad.Session, got {type(session).__name__}")
        self.session = session
        n = session.n_instances
        self.y = None
        if y is not None:
            y = np.asarray(y).astype(np.int64).ravel()
            if y.shape != (n,) or not np.isin(y, (0, 1)).all():
                raise ValueError(f"y must hold {n} labels, each 0 (nominal) or 1 (anomaly)")
            self.y = y
        X = session.X
        if X is None and view is None:
            raise ValueError("the session has no data (X) to show: open it with "
                             "Session.from_data / Session.open, or pass view=")
        d = X.shape[1] if X is not None else 0
        if feature_names is None:
            feature_names = [f"x{k}" for k in range(d)]
        if len(feature_names) != d:
            raise ValueError(f"{len(feature_names)} feature names for {d} features")
        self.feature_names = [str(f) for f in feature_names]
        if store is not None:
            if session.recorder is not None:
                raise ValueError("this session already records its answers; do not pass store=")
            if not isinstance(store, LabelStore):
                store = LabelStore.open(store, session.fingerprint())
            store.attach(session)
        if view is None:
            view, axis_names, self.view_kind = view_2d(X, tsne=tsne, feature_names=feature_names)
        else:
            view = np.asarray(view, dtype=np.float64)
            if view.shape != (n, 2):
                raise ValueError(f"view must have shape ({n}, 2), got {view.shape}")
            axis_names, self.view_kind = ("view 1", "view 2"), "given"
        self.view = view
        if describe is None:
            describe = partial(region_rule, feature_names=self.feature_names)
        self.describe = describe or None
        self.title = title
        self.last_update_s = float("nan")  # wall time of the last click -> updated view
        #: anomalies found after each query by the ranking without feedback (needs ``y``)
        self.baseline = None
        if self.y is not None:
            self.baseline = baseline_curve(session.initial_scores, self.y, n)
        self._by_oracle: set[int] = set()  # answered by the oracle (the legend names who answered)
        self._build_widgets(name, oracle_n)
        self._build_figure(axis_names, contour_grid, figsize, dpi)
        self.refresh()

    # -- widgets -----------------------------------------------------------
    def _build_widgets(self, name, oracle_n):
        def button(text, key, style, tip):
            b = W.Button(description=text, button_style=style, tooltip=tip,
                         layout=W.Layout(width="auto"))
            b.add_class(CSS[key])
            return b

        self.query_html = W.HTML()
        self.query_html.add_class(CSS["query"])
        self.features_html = W.HTML()
        self.features_html.add_class(CSS["features"])
        self.rule_html = W.HTML()
        self.rule_html.add_class(CSS["rule"])
        self.anomaly_button = button("Anomaly", "anomaly", "danger", "label this instance anomalous")
        self.nominal_button = button("Nominal", "nominal", "success", "label this instance nominal")
        self.skip_button = button("Skip", "skip", "", "do not label it; it is not asked again")
        self.undo_button = button("Undo", "undo", "warning", "take back the last answer or skip")
        self.anomaly_button.on_click(lambda _: self._act(self._answer, 1))
        self.nominal_button.on_click(lambda _: self._act(self._answer, 0))
        self.skip_button.on_click(lambda _: self._act(self._skip))
        self.undo_button.on_click(lambda _: self._act(self.session.undo))
        self.count_label = W.Label()
        self.count_label.add_class(CSS["count"])
        self.status_html = W.HTML()
        self.status_html.add_class(CSS["status"])
        self.store_html = W.HTML(store_note_html(getattr(self.session, "store", None)))
        self.store_html.add_class(CSS["store"])
        self.image = W.Image(format="png", layout=W.Layout(max_width="100%", height="auto",
                                                           object_fit="contain"))
        self.image.add_class(CSS["plot"])
        rows = [W.HBox([self.anomaly_button, self.nominal_button, self.skip_button,
                        self.undo_button, self.count_label])]
        self.oracle_n = W.IntText(value=int(oracle_n), description="next N:",
                                  style={"description_width": "initial"},
                                  layout=W.Layout(width="10em"))
        self.oracle_n.add_class(CSS["oracle_n"])
        self.oracle_button = button("Oracle answers next N", "oracle", "info",
                                    "simulated feedback: the ground truth answers")
        self.progress = W.IntProgress(value=0, min=0, max=1, description="oracle:",
                                      layout=W.Layout(width="16em"))
        self.progress.add_class(CSS["progress"])
        self.oracle_button.on_click(lambda _: self._act(self._oracle, self.oracle_n.value))
        if self.y is not None:
            rows.append(W.HBox([self.oracle_n, self.oracle_button, self.progress]))
        left = W.VBox([self.query_html, self.features_html, self.rule_html],
                      layout=W.Layout(width="18em", min_width="14em", overflow="auto",
                                      max_height="22em"))
        head = [W.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        body = W.HBox([left, self.image], layout=W.Layout(flex_flow="row wrap"))
        self.widget = W.VBox(head + [body, *rows, self.status_html, self.store_html])
        self.widget.add_class(CSS["panel"])
        if name:
            self.widget.add_class(f"{CSS['panel']}-{name}")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # -- figure ------------------------------------------------------------
    def _build_figure(self, axis_names, contour_grid, figsize, dpi):
        s = self.session
        self.figure = fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self._canvas = FigureCanvasAgg(fig)
        ax_v, ax_c = fig.subplots(1, 2, width_ratios=[1.15, 1])
        self._ax_view, self._ax_curve = ax_v, ax_c
        V = self.view
        self._grid = None
        self._contours = None
        if self.view_kind == "data" and s.ensemble is not None and contour_grid:
            from ..plotting import score_grid

            xx, yy, pts = score_grid(V, n=int(contour_grid))
            self._grid = (xx, yy, s.ensemble.transform(pts))  # features once; scores = Z @ w
            self._bg = ax_v.scatter(V[:, 0], V[:, 1], s=4, c="#333333", alpha=0.5, lw=0)
        else:  # shade every point by its current score rank (darker = asked sooner), via set_array
            self._bg = ax_v.scatter(V[:, 0], V[:, 1], s=5, c=np.zeros(len(V)), cmap="Greys",
                                    vmin=0, vmax=1, lw=0, rasterized=True)
        empty = np.empty((0, 2))
        self._sc_nom = ax_v.scatter(empty[:, 0], empty[:, 1], s=28, c=NOMINAL_COLOR,
                                    edgecolors="white", lw=0.5, zorder=3)
        self._sc_anom = ax_v.scatter(empty[:, 0], empty[:, 1], s=36, c=ANOMALY_COLOR, marker="^",
                                     edgecolors="black", lw=0.5, zorder=4)
        self._sc_query = ax_v.scatter(empty[:, 0], empty[:, 1], s=220, facecolors="none",
                                      edgecolors="black", lw=2.0, zorder=5)
        pad = (V.max(axis=0) - V.min(axis=0)) * 0.05
        ax_v.set_xlim(V[:, 0].min() - pad[0], V[:, 0].max() + pad[0])
        ax_v.set_ylim(V[:, 1].min() - pad[1], V[:, 1].max() + pad[1])
        ax_v.set_xlabel(axis_names[0])
        ax_v.set_ylabel(axis_names[1])
        where = {"data": "the data", "t-SNE": "t-SNE of the data", "PCA": "PCA of the data",
                 "given": "2-D view"}[self.view_kind]
        ax_v.set_title(f"where it lies ({where})", fontsize=10)
        ax_v.tick_params(labelsize=9)
        self._legend_labels = None  # set by _update_figure: who answered, a query pending?
        (self._line_found,) = ax_c.plot([], [], color=AAD_COLOR, lw=2, label="with feedback (the answers given)")
        if self.baseline is not None:
            (self._line_base,) = ax_c.plot([], [], color=BASELINE_COLOR, ls="--", lw=1.2,
                                           label="no feedback (ground truth)")
        ax_c.set_xlabel("queries answered")
        ax_c.set_ylabel("anomalies found")
        ax_c.set_title("discovery curve", fontsize=10)
        ax_c.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=9, frameon=False)
        ax_c.tick_params(labelsize=9)
        ax_c.grid(alpha=0.3)
        ax_c.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax_c.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        self._laid_out = False

    def _update_figure(self):
        s = self.session
        V = self.view
        if self._grid is not None:
            xx, yy, Zg = self._grid
            zz = np.asarray(Zg @ s.model.w_).reshape(xx.shape)
            if self._contours is not None:
                self._contours.remove()
            self._contours = self._ax_view.contourf(xx, yy, zz, levels=12, cmap="YlOrRd",
                                                    zorder=0)
        else:
            ranks = np.empty(len(s.scores))
            ranks[np.argsort(s.scores, kind="stable")] = np.linspace(0, 1, len(s.scores))
            self._bg.set_array(ranks ** 4)  # the top of the ranking stands out
        lab = np.flatnonzero(s.labels != UNLABELED)
        anom, nom = lab[s.labels[lab] == 1], lab[s.labels[lab] == 0]
        self._sc_anom.set_offsets(V[anom] if anom.size else np.empty((0, 2)))
        self._sc_nom.set_offsets(V[nom] if nom.size else np.empty((0, 2)))
        pending = s.pending
        self._sc_query.set_offsets(V[pending[:1]] if pending else np.empty((0, 2)))
        who = answerer(lab, self._by_oracle)
        labels = (f"{who}: nominal", f"{who}: anomaly", "next query" if pending else "_nolegend_")
        if labels != self._legend_labels:  # the legend (below the view) names who answered
            for artist, text in zip((self._sc_nom, self._sc_anom, self._sc_query), labels, strict=True):
                artist.set_label(text)
            self._ax_view.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3,
                                 fontsize=9, frameon=False)
            self._legend_labels, self._laid_out = labels, False
        k = s.n_queried
        xs = np.arange(k + 1)
        self._line_found.set_data(xs, np.concatenate([[0], s.found]))
        horizon = max(20, k + 10) if s.budget is None else max(s.budget, k)
        top = max(5, s.n_found + 2)
        if self.baseline is not None:
            h = min(horizon, len(self.baseline))
            self._line_base.set_data(np.arange(h + 1), np.concatenate([[0], self.baseline[:h]]))
            top = max(top, int(self.baseline[h - 1]) + 2, min(horizon, int(self.y.sum())) // 2)
        self._ax_curve.set_xlim(0, horizon)
        self._ax_curve.set_ylim(0, top)
        if not self._laid_out:  # lay out (constrained) when the legend changes, else keep: faster
            self.figure.set_layout_engine("constrained")
            self._canvas.draw()
            self.figure.set_layout_engine("none")
            self._laid_out = True
        buf = io.BytesIO()
        self._canvas.print_png(buf)
        self.image.value = buf.getvalue()

    # -- text --------------------------------------------------------------
    def _update_text(self):
        s = self.session
        pending = s.pending
        n = s.n_instances
        n_skipped = int(s.skipped.sum())
        self.count_label.value = (f"{s.n_queried} answers · {s.n_found} anomalies"
                                  + (f" · {n_skipped} skipped" if n_skipped else ""))
        if not pending:
            self.query_html.value = ("<div><b>No more queries</b>: the budget is spent.</div>"
                                     if s.remaining == 0 else "<div><b>No query pending.</b></div>")
            self.features_html.value = ""
            self.rule_html.value = ""
            return
        i = pending[0]
        score = float(s.scores[i])
        rank = int((s.scores > score).sum()) + 1
        more = f" (+{len(pending) - 1} more in this batch)" if len(pending) > 1 else ""
        self.query_html.value = (  # one <div>: ipywidgets lays out an HTML's children as flex items
            f"<div><b>Query {s.n_queried + 1}</b>: instance <b>{i}</b>{more}<br>"
            f"score {score:.4f}, rank <b>{rank}</b> of {n}</div>")
        if s.X is not None:
            self.features_html.value = query_features_html(self.feature_names, s.X, i)
        if self.describe is not None:
            rule = self.describe(s, i)
            self.rule_html.value = ("" if not rule else
                                    f"<div><b>Region:</b> <code>{html.escape(str(rule))}</code></div>")

    def refresh(self):
        """Redraw everything from the session's current state (the only view update)."""
        self.session.next_queries()
        self._update_text()
        self._update_figure()
        done = not self.session.pending
        for b in (self.anomaly_button, self.nominal_button, self.skip_button, self.oracle_button):
            b.disabled = done
        self.undo_button.disabled = not self.session.events
        self.store_html.value = store_note_html(self.session.store)  # closed or taken over?

    # -- actions (each one call into the Session) -------------------------------
    def _act(self, fn, *args, raise_errors=False):
        t0 = time.perf_counter()
        try:
            fn(*args)
            self.status_html.value = ""
        except Exception as err:  # shown in the panel: a click must not vanish silently
            self.status_html.value = (f"<div style='color:#b00020'>{type(err).__name__}: "
                                      f"{html.escape(str(err))}</div>")
            if raise_errors:
                raise
        finally:
            self.refresh()
            self.last_update_s = time.perf_counter() - t0

    def _current(self) -> int:
        pending = self.session.next_queries()
        if not pending.size:
            raise ValueError("no query pending: the budget is spent")
        return int(pending[0])

    def _answer(self, label):
        i = self._current()
        self.session.answer(i, label)
        self._by_oracle.discard(i)

    def _skip(self):
        self.session.skip(self._current())

    def _oracle(self, n):
        if self.y is None:
            raise ValueError("no ground truth: pass y= to let the oracle answer")
        n = int(n)
        if n < 1:
            raise ValueError(f"N={n}: give a number of queries of at least 1")
        self.progress.max, self.progress.value = n, 0
        for k in range(n):
            pending = self.session.next_queries()
            if not pending.size:
                break
            i = int(pending[0])
            self.session.answer(i, int(self.y[i]))
            self._by_oracle.add(i)
            self.progress.value = k + 1

    # The same actions from code (errors raise, and show in the panel).
    def answer(self, label):
        """Answer the shown query (as the Anomaly / Nominal buttons do) and update the view."""
        self._act(self._answer, label, raise_errors=True)

    def skip(self):
        """Skip the shown query (as the Skip button does)."""
        self._act(self._skip, raise_errors=True)

    def undo(self):
        """Take back the last answer or skip (as the Undo button does)."""
        self._act(self.session.undo, raise_errors=True)

    def oracle(self, n: int):
        """Let the ground truth answer the next ``n`` queries (simulated feedback)."""
        self._act(self._oracle, n, raise_errors=True)
