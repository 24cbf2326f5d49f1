"""What the analyst panel shows, apart from the panel itself: the 2-D view, the query's rule.

Helpers of :class:`~adlib.feedback.widgets.AnalystPanel` that need no widgets:
:func:`view_2d` (coordinates to draw the data on), :func:`region_rule` (the
box of the region that adds most to a query's score, as a rule), the CSS
class names of the panel's parts (:data:`CSS`; the browser tests select on
them) and the number format of the feature table. Import them from
:mod:`adlib.feedback.widgets` as before.
"""

from __future__ import annotations

import numpy as np

from ..aad.session import Session

__all__ = ["CSS", "region_rule", "view_2d"]

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
