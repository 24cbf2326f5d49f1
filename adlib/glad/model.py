"""The GLAD model: the AFSS relevance network behind the AAD engine's model interface.

:class:`adlib.aad.Session` drives any object with ``init(m)``, ``scores(Z)``,
``update(Z, labeled, labels, scores=...)``, ``w_`` and ``tau``. :class:`GLAD`
is one: ``Z`` is the dense ``[member scores | X]`` matrix of a
:class:`~adlib.glad.GLADEnsemble`, the score of a row is
``sum_m p_m(x) s_m(x)``, and ``update`` runs one feedback epoch of the
network (:mod:`adlib.glad.afss`). So the Oracle, the label store (resume,
undo: replay from the primed state) and the analyst panel drive GLAD exactly
as they drive tree AAD.

``w_`` is the network's state as a scoring operator (:class:`NetworkState`):
``Z @ model.w_`` scores the rows of ``Z`` the way ``Z @ w`` does for linear
AAD, and ``w_.copy()`` is a frozen snapshot (``Session.initial_weights``
scores with the primed network).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .afss import AFSSNetwork, relevance


class NetworkState:
    """A frozen copy of the network's parameters that scores feature rows: ``Z @ state``."""

    __array_ufunc__ = None  # ``ndarray @ state`` defers to ``state.__rmatmul__``

    def __init__(self, params, n_members: int):
        self.params = [np.array(p, dtype=np.float32) for p in params]
        self.n_members = int(n_members)

    def copy(self) -> NetworkState:
        return NetworkState(self.params, self.n_members)

    def relevance(self, X) -> np.ndarray:
        return relevance(self.params, X)

    def score(self, Z) -> np.ndarray:
        Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z, dtype=np.float64)
        m = self.n_members
        return np.sum(self.relevance(Z[:, m:]) * Z[:, :m], axis=1)

    __rmatmul__ = score

    def ravel(self) -> np.ndarray:
        """All parameters as one vector (for comparisons and hashing)."""
        return np.concatenate([p.ravel() for p in self.params])

    def __eq__(self, other) -> bool:
        return (isinstance(other, NetworkState)
                and all(np.array_equal(a, b) for a, b in zip(self.params, other.params,
                                                              strict=True)))

    __hash__ = None


def tau_instance(scores: np.ndarray, tau: float) -> tuple[int, float]:
    """The instance ranked ``int(tau * n)`` (0-based, decreasing score) and its score: the
    original's ``x_tau`` and ``q_tau``."""
    k = min(int(tau * scores.shape[0]), scores.shape[0] - 1)
    i = int(np.argsort(-scores, kind="stable")[k])
    return i, float(scores[i])


class GLAD:
    """GLAD's relevance network as an AAD-engine model (see the module docstring).

    Parameters (defaults: the original's ``glad_batch`` settings)
    ----------
    n_members : int
        Number of ensemble members ``M`` (the first ``M`` columns of the features).
    tau : float
        Quantile of the hinge margin (0.03).
    n_hidden : int or None
        Hidden sigmoid units; ``None`` = ``max(50, 3 M)``.
    bias_prob : float
        The prior relevance ``b`` (0.5).
    lambda_prior, l2_lambda, c_q, c_x : float
        Weights of the prior loss (1.0), of the L2 penalty (1e-3), of the two hinges (1.0).
    learning_rate : float
        Adam's step (0.01).
    batch_size : int
        Minibatch of the feedback epochs (25).
    prime_epochs, prime_batch_size, prime_tol : priming (200 epochs; batch 25, or 100 on
        data over 10 000 rows when ``None``; early stop at a loss change below 1e-4).
    epochs : int
        Feedback epochs per update (1).
    max_labeled_reps : int
        Labeled rows repeated up to this many times in a feedback epoch (5), while
        fewer than 50 are labeled and they are under a tenth of the unlabeled.
    seed : int
        Seed of the initial weights and of the batch shuffles (update ``k`` shuffles
        with ``default_rng([seed, k])``, so a replay repeats it exactly).
    """

    def __init__(self, n_members, tau=0.03, n_hidden=None, bias_prob=0.5, lambda_prior=1.0,
                 l2_lambda=1e-3, c_q=1.0, c_x=1.0, learning_rate=0.01, batch_size=25,
                 prime_epochs=200, prime_batch_size=None, prime_tol=1e-4, epochs=1,
                 max_labeled_reps=5, seed=0):
        if not 0.0 < tau < 1.0:
            raise ValueError(f"tau={tau} must lie strictly between 0 and 1 (0.03 = top 3 %)")
        if int(n_members) < 1:
            raise ValueError("GLAD needs at least one ensemble member")
        self.n_members = int(n_members)
        self.tau = float(tau)
        self.n_hidden = None if n_hidden is None else int(n_hidden)
        self.bias_prob = float(bias_prob)
        self.lambda_prior = float(lambda_prior)
        self.l2_lambda = float(l2_lambda)
        self.c_q, self.c_x = float(c_q), float(c_x)
        self.learning_rate = float(learning_rate)
        self.batch_size = int(batch_size)
        self.prime_epochs = int(prime_epochs)
        self.prime_batch_size = None if prime_batch_size is None else int(prime_batch_size)
        self.prime_tol = float(prime_tol)
        self.epochs = int(epochs)
        self.max_labeled_reps = int(max_labeled_reps)
        self.seed = int(seed)
        self._net = None
        self._primed = None

    # -- the engine's interface -------------------------------------------
    def init(self, n_columns: int) -> GLAD:
        """Back to the primed network (or a fresh one) for ``n_columns = M + d`` features."""
        d = int(n_columns) - self.n_members
        if d < 1:
            raise ValueError(f"{n_columns} feature columns for {self.n_members} members: GLAD's "
                             "features are [member scores | X] (use GLADEnsemble.transform)")
        if self._net is None or self._net.n_inputs != d:
            self._net = AFSSNetwork(d, self.n_members, self.n_hidden, self.bias_prob,
                                    self.lambda_prior, self.l2_lambda, self.c_q, self.c_x,
                                    self.learning_rate, self.seed)
            self._primed = None
        if self._primed is not None:
            self._net.set_params(self._primed)
        self._net.reset_optimizer()
        self._params = self._net.params()
        self.n_updates_ = 0
        return self

    @property
    def w_(self) -> NetworkState:
        """The current network as a scoring operator (``Z @ model.w_``)."""
        self._check_init()
        return NetworkState(self._params, self.n_members)

    def scores(self, Z) -> np.ndarray:
        """GLAD scores of the rows of ``Z`` (primes the network on them first if needed)."""
        self._check_init()
        if self._primed is None:
            self.prime(Z)
        return self.w_.score(Z)

    def relevance(self, X) -> np.ndarray:
        """``p_m(x)`` of every row of ``X`` (the data, not the features): ``(n, M)``."""
        self._check_init()
        return relevance(self._params, X)

    def prime(self, Z) -> GLAD:
        """Train the network towards ``p = b`` on the data part of ``Z`` (before any label)."""
        self._check_init()
        X = self._split(Z)[1]
        bs = self.prime_batch_size or (100 if X.shape[0] > 10_000 else 25)
        self.prime_epochs_run_ = self._net.prime(X, self.prime_epochs, bs, self.prime_tol)
        self._net.reset_optimizer()
        self._primed = self._net.params()
        self._params = self._net.params()
        return self

    def update(self, Z, labeled, labels, scores=None) -> GLAD:
        """One feedback round: ``epochs`` epochs over all rows, labeled ones repeated."""
        labeled = np.asarray(labeled, dtype=np.int64)
        labels = np.asarray(labels, dtype=np.int64)
        if labeled.size == 0:
            return self
        if self._primed is None:
            self.prime(Z)
        S, X = self._split(Z)
        if scores is None:
            scores = self.w_.score(Z)
        i_tau, q = tau_instance(np.asarray(scores, dtype=np.float64), self.tau)
        n = X.shape[0]
        unlabeled = np.setdiff1d(np.arange(n), labeled)
        reps = (self.max_labeled_reps
                if labeled.size < 50 and labeled.size * 10 < unlabeled.size else 1)
        rows = np.concatenate([np.repeat(labeled, reps), unlabeled])
        y = np.concatenate([np.repeat(labels, reps), np.full(unlabeled.size, -1)])
        rng = np.random.default_rng([self.seed, self.n_updates_])
        for _ in range(self.epochs):
            order = rng.permutation(rows.size)
            r = rows[order]
            self._net.feedback_epoch(X[r], S[r], y[order], X[i_tau], S[i_tau], q,
                                     self.batch_size)
        self._params = self._net.params()
        self.q_ = q
        self.tau_index_ = i_tau
        self.n_updates_ += 1
        return self

    # -- helpers -----------------------------------------------------------
    def _check_init(self):
        if self._net is None:
            raise RuntimeError("call init(n_columns) first (a Session does it)")

    def _split(self, Z):
        Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z, dtype=np.float64)
        if Z.shape[1] != self.n_members + self._net.n_inputs:
            raise ValueError(f"features have {Z.shape[1]} columns; this GLAD model expects "
                             f"{self.n_members} member scores + {self._net.n_inputs} features")
        return Z[:, :self.n_members], Z[:, self.n_members:]

    @property
    def network(self) -> AFSSNetwork:
        """The Keras network (for inspection: ``model.network.model.summary()``)."""
        self._check_init()
        return self._net
