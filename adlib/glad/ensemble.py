"""The GLAD ensemble: LODA projections whose normalised scores the relevance network weighs.

GLAD (Das & Doppa 2018) keeps a few global detectors and learns where each is
relevant. As in the original experiments the detectors are LODA projections
(:class:`adlib.ensembles.LODA`, Pevny 2016), one member per projection, its
score ``-log p_m(w_m . x)``:

* on 2-D data, the original's four fixed directions (7.5, 4), (4, 6), (-2, 2),
  (-1, 8), each scaled to unit length (its ``--loda_debug`` option);
* elsewhere random sparse directions drawn as :class:`~adlib.ensembles.LODA`
  draws them, as many as the original LODA's stopping rule keeps between
  ``mink = 2`` and ``maxk = 15`` (:func:`stopping_rule_projections`).

Member scores are normalised before they are combined (``normalize``):
``"standard"`` (default) centres each member's scores on the training data
and scales them to unit standard deviation, so no member dominates the sum
by its scale; ``"minmax"`` maps them to [0, 1]; ``None`` keeps the raw
``-log p`` as the original code does. The default was measured against the
other two (DESIGN.md, "GLAD").

:class:`GLADEnsemble` is what a :class:`adlib.aad.Session` holds as its
``ensemble``: ``transform(X)`` gives the dense matrix ``[member scores | X]``
that the GLAD model (:class:`adlib.glad.GLAD`) splits again.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._validation import check_features
from ..ensembles import LODA

#: The original's fixed projection directions for 2-D toy data (before unit scaling).
TOY_DIRECTIONS = ((7.5, 4.0), (4.0, 6.0), (-2.0, 2.0), (-1.0, 8.0))
NORMALIZATIONS = ("standard", "minmax", None)


class FixedLODA(LODA):
    """LODA on given projection directions (one row each, scaled to unit length).

    Everything else (histogram bins by Birge & Rozenholc, pseudo-counts, the
    row normalisation of ``transform``) is :class:`adlib.ensembles.LODA`'s, so
    the same object serves GLAD and LODA-AAD (``adlib.aad.discover(...,
    ensemble=FixedLODA(directions))``) on identical members.
    """

    def __init__(self, directions=TOY_DIRECTIONS, bins="birge", pseudo_count=0.01,
                 normalize="global", random_state=None):
        self.directions = directions
        self.bins = bins
        self.pseudo_count = pseudo_count
        self.normalize = normalize
        self.random_state = random_state

    @property
    def n_projections(self) -> int:  # read by LODA's parameter checks
        return int(np.atleast_2d(np.asarray(self.directions, dtype=np.float64)).shape[0])

    @property
    def n_nonzero(self):
        return None

    def _directions(self, d: int, k: int, nnz: int) -> np.ndarray:
        D = np.atleast_2d(np.asarray(self.directions, dtype=np.float64))
        if D.shape != (k, d) or not np.isfinite(D).all():
            raise ValueError(f"directions must be a finite ({k}, {d}) array, one row per "
                             f"projection of the {d} features; got shape {D.shape}")
        norms = np.linalg.norm(D, axis=1)
        if (norms == 0).any():
            raise ValueError(f"direction(s) {np.flatnonzero(norms == 0).tolist()} are zero: "
                             "a projection needs a non-zero direction")
        return (D / norms[:, None]).T


def stopping_rule_projections(X, random_state=None, mink=2, maxk=15, threshold=0.01):
    """Random LODA directions, as many as the original LODA's stopping rule keeps.

    Draws ``maxk + 1`` directions the way :class:`adlib.ensembles.LODA` does,
    then, like the original ``get_best_proj``: ``sigma_k`` is the mean absolute
    change of the mean score when projection ``k + 2`` joins the first
    ``k + 1``; the search stops at the first ``k >= mink`` whose ``sigma_k``
    falls below ``threshold`` times ``sigma_0``, and keeps ``k* + 1``
    projections, ``k*`` the ``argmin`` of the ``sigma`` seen (at least
    ``mink``). Returns the ``(k* + 1, d)`` directions. Vectorised over ``k``.
    """
    if not 1 <= mink < maxk:
        raise ValueError(f"need 1 <= mink < maxk, got mink={mink}, maxk={maxk}")
    lo = LODA(n_projections=maxk + 1, normalize=None, random_state=random_state).fit(X)
    F = np.cumsum(-lo.log_densities(X), axis=1)          # sum of the first j + 1 members
    ks = np.arange(maxk)
    sigma = np.abs(F[:, 1:] / (ks + 2) - F[:, :-1] / (ks + 1)).mean(axis=0)
    stop = np.flatnonzero((sigma / sigma[0] < threshold) & (ks >= mink))
    if stop.size:
        sigma[stop[0] + 1:] = np.inf                      # never computed in the original
    best = max(int(np.argmin(sigma)), mink)
    return lo.projections_[:, :best + 1].T.copy()


class GLADEnsemble(BaseEstimator):
    """LODA members for GLAD: fit, then ``transform(X) = [normalised member scores | X]``.

    Parameters
    ----------
    directions : "auto", None or (k, d) array
        ``"auto"``: the original's four fixed directions on 2-D data, the
        stopping rule elsewhere; ``None``: always the stopping rule; an
        array: these directions.
    mink, maxk : int
        Range of the stopping rule (the original's ``loda_mink = 2``, ``loda_maxk = 15``).
    normalize : {"standard", "minmax", None}
        How member scores are normalised (fitted on the training data).
    random_state : int or None
        Seed of the random directions.
    """

    def __init__(self, directions="auto", mink=2, maxk=15, normalize="standard",
                 random_state=None):
        self.directions = directions
        self.mink = mink
        self.maxk = maxk
        self.normalize = normalize
        self.random_state = random_state

    def plain_params(self) -> dict:
        """The parameters as JSON values (for a label store's fingerprint)."""
        d = self.directions
        if not (d is None or isinstance(d, str)):
            d = np.asarray(d, dtype=np.float64).tolist()
        return {"directions": d, "mink": self.mink, "maxk": self.maxk,
                "normalize": self.normalize, "random_state": self.random_state}

    def fit(self, X, y=None) -> GLADEnsemble:
        X = check_features(X, "X")
        if self.normalize not in NORMALIZATIONS:
            raise ValueError(f"normalize={self.normalize!r}: use one of {NORMALIZATIONS}")
        D = self.directions
        if isinstance(D, str):
            if D != "auto":
                raise ValueError(f"directions={D!r}: use 'auto', None or a (k, d) array")
            D = TOY_DIRECTIONS if X.shape[1] == 2 else None
        if D is None:
            D = stopping_rule_projections(X, self.random_state, self.mink, self.maxk)
        self.loda_ = FixedLODA(np.asarray(D, dtype=np.float64), normalize="global").fit(X)
        self.directions_ = self.loda_.projections_.T.copy()
        raw = self.raw_member_scores(X)
        if self.normalize == "minmax":
            self.offset_, span = raw.min(axis=0), np.ptp(raw, axis=0)
        elif self.normalize == "standard":
            self.offset_, span = raw.mean(axis=0), raw.std(axis=0)
        else:
            self.offset_, span = np.zeros(raw.shape[1]), np.ones(raw.shape[1])
        self.scale_ = np.where(span > 0, span, 1.0)
        self.n_features_in_ = X.shape[1]
        return self

    @property
    def n_members_(self) -> int:
        check_is_fitted(self, "loda_")
        return self.directions_.shape[0]

    def raw_member_scores(self, X) -> np.ndarray:
        """``-log p_m(w_m . x)`` of every member: ``(n, n_members)``, higher = more anomalous."""
        check_is_fitted(self, "loda_")
        return -self.loda_.log_densities(X)

    def member_scores(self, X) -> np.ndarray:
        """The normalised member scores GLAD combines: ``(n, n_members)``."""
        return (self.raw_member_scores(X) - self.offset_) / self.scale_

    def transform(self, X) -> np.ndarray:
        """``[member_scores(X) | X]``, dense ``(n, n_members + d)``: the Session's features."""
        X = check_features(X, "X", n_features=self.n_features_in_)
        return np.hstack([self.member_scores(X), X])

    def fit_transform(self, X, y=None) -> np.ndarray:
        return self.fit(X).transform(X)

    def loda_scores(self, X) -> np.ndarray:
        """The unsupervised LODA score (mean ``-log p`` over the members): the baseline ranking."""
        check_is_fitted(self, "loda_")
        return self.loda_.score_samples(X)
