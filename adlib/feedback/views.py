"""What the analyst panel shows, apart from the panel itself: the 2-D view, the query's rule.

Helpers of :class:`~adlib.feedback.widgets.AnalystPanel` that need no widgets:
:func:`view_2d` (coordinates to draw the data on), :func:`region_rule` (the
box of the region that adds most to a query's score, as a rule), the CSS
class names of the panel's parts (:data:`CSS`; the browser tests select on
them) and the number format of the feature table. Import them from
:mod:`adlib.feedback.widgets` as before.
"""

from __future__ import annotations

import html

import numpy as np

from .._format import display_path
from ..aad.session import Session

__all__ = ["CSS", "answerer", "query_features_html", "region_rule", "store_note_html",
           "store_preview", "view_2d"]

CSS = {  # CSS classes of the parts (the browser tests select on them)
    "panel": "adlib-panel", "query": "adlib-query", "features": "adlib-features",
    "rule": "adlib-rule", "anomaly": "adlib-anomaly", "nominal": "adlib-nominal",
    "skip": "adlib-skip", "undo": "adlib-undo", "oracle": "adlib-oracle",
    "oracle_n": "adlib-oracle-n", "progress": "adlib-progress", "count": "adlib-count",
    "plot": "adlib-plot", "status": "adlib-status", "store": "adlib-store",
}


def view_2d(X, tsne=None, feature_names=None, seed=0):
    """2-D coordinates to draw the data on: ``(coords, (x label, y label), kind)``.

    The data itself when it has two features, else the given t-SNE embedding
    (the benchmark sets ship one: ``Dataset.tsne``), else the first two
    principal components of the standardised data.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"X must be a 2-D array with at least two rows, got shape {X.shape}")
    if X.shape[1] == 2:
        names = tuple(feature_names) if feature_names is not None else ("x0", "x1")
        return X, names, "data"
    if tsne is not None:
        tsne = np.asarray(tsne, dtype=np.float64)
        if tsne.shape != (X.shape[0], 2):
            raise ValueError(f"tsne must have shape ({X.shape[0]}, 2), got {tsne.shape}")
        return tsne, ("t-SNE 1", "t-SNE 2"), "t-SNE"
    from sklearn.decomposition import PCA

    sd = X.std(axis=0)
    Xs = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    coords = PCA(n_components=2, svd_solver="full", random_state=seed).fit_transform(Xs)
    return coords, ("PC 1", "PC 2"), "PCA"


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return str(v)
    return f"{v:.4g}"


def region_rule(session: Session, index: int, feature_names=None) -> str | None:
    """The box of the region that adds most to ``index``'s anomaly score, as a rule.

    Works for ensembles whose members are boxes (``member_lower_`` /
    ``member_upper_``: Isolation Forest, HS-Trees); ``None`` otherwise. Pass
    it (or any ``describe(session, index) -> str``) as ``describe=`` to
    :class:`AnalystPanel`.
    """
    ens = session.ensemble
    lower, upper = getattr(ens, "member_lower_", None), getattr(ens, "member_upper_", None)
    if lower is None or upper is None:
        return None
    from ..describe.regions import instance_regions
    from ..describe.rules import Rule

    (top,) = instance_regions(session.features, session.model.w_, [int(index)], n_top=1)
    if top.size == 0:
        return None
    rule = Rule.from_box(lower[top[0]], upper[top[0]])
    return rule.text(feature_names) if rule.predicates else "(the whole space)"


def query_features_html(feature_names, X, i: int) -> str:
    """The query's feature values as an HTML table, each with the share of the data below it."""
    x = X[i]
    pct = (X < x).mean(axis=0) * 100
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td style='text-align:right'>{_fmt(v)}</td>"
        f"<td style='text-align:right;color:#666'>{p:.0f}%</td></tr>"
        for name, v, p in zip(feature_names, x, pct, strict=True))
    return ("<table style='font-size:90%'><tr><th>feature</th><th>value</th>"
            f"<th title='share of the data below this value'>pctl</th></tr>{rows}</table>")


def store_note_html(store) -> str:
    """The line under the panel: where answers are saved, or why they are not.

    The store's path as :func:`adlib._format.display_path` writes it (``~/...``,
    ``<temporary folder>/name``): never a path of the machine that built the book.
    """
    grey = "<div style='color:#666;font-size:85%'>"
    if store is None:
        return (grey + "answers are not saved: open the session with "
                "<code>Session.open(path, X, ...)</code> or pass <code>store=</code></div>")
    where = html.escape(display_path(store.path))
    if store.closed or store.read_only:  # closed, taken over, or look-only
        why = "was closed" if store.closed else "is open read-only (to look)"
        return ("<div style='color:#b00020'>answers are <b>not saved</b>: this session's label "
                f"store <code>{where}</code> {why}; open it with "
                "<code>Session.open(path, X, ...)</code> to answer</div>")
    return f"{grey}answers saved as you click to <code>{where}</code></div>"


def answerer(labelled, by_oracle) -> str:
    """Who gave the answers ``labelled`` (indices): ``"oracle"``, ``"you"`` or ``"you + oracle"``.

    ``by_oracle``: the indices the oracle answered. No answers yet: ``"you"``
    (the panel waits for you).
    """
    labelled = {int(i) for i in labelled}
    mine = labelled - {int(i) for i in by_oracle}
    if not labelled or len(mine) == len(labelled):
        return "you"
    return "you + oracle" if mine else "oracle"


def store_preview(path, n_events: int = 3, width: int = 76) -> str:
    """The first lines of a label store as text a page can show: the header and ``n_events``
    events, each line wrapped at ``width`` columns (nothing cut), then the number of events
    and the file's name (never its folder: no path of the machine)."""
    import textwrap
    from pathlib import Path

    lines = Path(path).read_text().splitlines()
    shown = [textwrap.fill(line, width, subsequent_indent="    ", break_on_hyphens=False)
             for line in lines[:1 + n_events]]
    return "\n".join(shown + [f"... {len(lines) - 1} events in {Path(path).name}"])
