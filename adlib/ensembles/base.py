"""Common base class of the region-feature ensembles."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._validation import check_features


def index_dtype(*sizes: int):
    """int32 when every size fits (scoring is a memory-bound sparse product), else int64."""
    return np.int32 if max(sizes) < np.iinfo(np.int32).max else np.int64


def fixed_width_csr(values: np.ndarray, n_columns: int, columns=None) -> sp.csr_matrix:
    """CSR matrix with the same number ``k`` of entries in every row.

    ``values`` is ``(n, k)``; ``columns`` (``(n, k)``, increasing along each row)
    says where they go, or ``None`` for a dense block (``k == n_columns``):
    one leaf per tree, or one value per projection / detector.
    """
    n, k = values.shape
    itype = index_dtype(n * k, n_columns)
    if columns is None:
        columns = np.broadcast_to(np.arange(k, dtype=itype), (n, k))
    indptr = np.arange(0, n * k + 1, k, dtype=itype)
    return sp.csr_matrix((values.ravel(), np.asarray(columns, dtype=itype).ravel(), indptr),
                         shape=(n, n_columns))


class RegionEnsemble(BaseEstimator):
    """An unsupervised ensemble whose members give each instance a score.

    Subclasses implement ``_fit(X)``, ``_member_values(X)`` (a CSR matrix with
    one column per member, unnormalised) and ``score_samples(X)`` (the
    ensemble's own unsupervised score, higher = more anomalous).

    ``transform`` applies the row normalisation shared by all ensembles:

    * ``"unit"``: every row scaled to unit L2 length, as in the AAD papers
      (Das et al. 2017, 2019); scores become cosines between weights and rows.
    * ``"global"``: all rows divided by one constant (the mean row norm on the
      training data), so rows have unit length on average and uniform weights
      keep the ensemble's own ranking exactly.
    * ``None``: raw member values.
    """

    _normalizations = ("unit", "global", None)
    #: AAD settings this ensemble works best with (measured; see DESIGN.md).
    #: ``Session.from_data`` uses them unless the caller passes its own.
    aad_defaults: dict = {}

    def fit(self, X, y=None):
        """Fit the members on ``X`` (``y`` is ignored: the ensemble is unsupervised)."""
        X = check_features(X, "X")
        if self.normalize not in self._normalizations:
            raise ValueError(
                f"normalize={self.normalize!r} is not supported; use one of {self._normalizations}"
            )
        self.n_features_in_ = X.shape[1]
        self._fit(X)
        raw = self._member_values(X)
        self.scale_ = float(np.sqrt(raw.multiply(raw).sum(axis=1)).mean()) or 1.0
        return self

    def transform(self, X):
        """Region features of ``X``: CSR ``(n, n_members_)``, rows normalised as configured."""
        check_is_fitted(self, "scale_")
        X = check_features(X, "X", n_features=self.n_features_in_)
        Z = self._member_values(X)
        if self.normalize == "unit":
            norms = np.sqrt(np.asarray(Z.multiply(Z).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            Z = sp.csr_matrix(Z)  # scale rows in place of a diagonal product: keeps int32 indices
            Z.data /= np.repeat(norms, np.diff(Z.indptr))
        elif self.normalize == "global":
            Z = Z * (1.0 / self.scale_)
        return Z.tocsr()

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)

    @property
    def n_members_(self) -> int:
        """Number of columns of ``transform`` (ensemble members)."""
        return self._n_members()
