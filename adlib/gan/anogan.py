"""AnoGAN (Schlegl et al. 2017): score a point by how well a trained GAN can reproduce it.

For a query ``x`` AnoGAN searches the latent space for the ``z`` whose
``G(z)`` is closest to ``x``, minimising

    L(z) = (1 - lambda) R(z) + lambda D(z),    R(z) = sum_j |x_j - G(z)_j|,

with the discrimination loss ``D`` either the paper's *feature matching*
``sum |f(x) - f(G(z))|`` over the discriminator's last hidden layer ``f``
(``loss="feature"``, ``lambda = 0.1``, 500 back-propagation steps), or the
original code's ``-log sigmoid(D(G(z)))`` (``loss="logit"``, ``lambda = 0.5``
in its script). The anomaly score is ``A(x) = L(z*)`` at the best ``z*``, its
two components are reported apart, and ``|x - G(z*)|`` per feature (per pixel
for images) shows *where* ``x`` differs from anything the GAN can generate.

The search is vectorised: every query and every random restart is one row
of a single ``z`` matrix, optimised by one Adam (written out in the graph:
element-wise, so each row follows exactly the path it would follow alone)
for a fixed number of steps, ``z`` clipped to [0, 1] after each step; the
restart with the lowest final loss wins. For the conditional GAN and InfoGAN,
restart ``r`` uses class/code ``r mod K`` (``code="each"``; ``"mean"`` feeds
the class shares, as the original's default ``mode_avg`` does).
:func:`latent_search_pointwise` runs the same search one point at a time (the
original's way), for the equality test and the benchmark only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator

from ._tf import tensorflow
from .train import GAN

#: The two variants: (discrimination loss, lambda, steps) of the paper and of the original code.
VARIANTS = {"paper": ("feature", 0.1, 500), "original": ("logit", 0.5, 300)}


@dataclass
class SearchResult:
    """The outcome of the latent search for ``n`` queries (best restart per query)."""

    score: np.ndarray            # A(x) = (1 - lambda) R + lambda D, (n,)
    residual_loss: np.ndarray    # R, (n,)
    discrimination_loss: np.ndarray  # D, (n,)
    residual: np.ndarray         # |x - G(z*)| per feature, (n, d)
    reconstruction: np.ndarray   # G(z*), (n, d)
    z: np.ndarray                # z*, (n, latent_dim)
    code: np.ndarray             # the class/code of the best restart, (n,) (-1: none or mean)
    start_loss: np.ndarray       # L at the starting z, (restarts, n)
    final_loss: np.ndarray       # L after the search, (restarts, n)


def _search_fn(gan: GAN):
    """The graph function of ``gan``'s latent search (built once per GAN)."""
    fn = getattr(gan, "_anogan_search_fn", None)
    if fn is not None:
        return fn
    tf = tensorflow()
    G, D = gan.generator_, gan.discriminator_
    conditional = gan.kind == "conditional"

    def parts(z, X, F, Cg, Cd, feature):
        gx = G([z, Cg], training=False)
        f, logit = D([gx, Cd], training=False)
        r = tf.reduce_sum(tf.abs(X - gx), axis=1)
        disc = tf.reduce_sum(tf.abs(F - f), axis=1) if feature else tf.nn.softplus(-logit)
        return r, disc, gx

    @tf.function(reduce_retracing=True)
    def search(X, Cg, z0, steps, lr, lam, feature):
        Cd = Cg if conditional else Cg[:, :0]
        F, _ = D([X, Cd], training=False)
        b1, b2, eps = 0.9, 0.999, 1e-7
        z, m, v = z0, tf.zeros_like(z0), tf.zeros_like(z0)
        r0, d0, _ = parts(z0, X, F, Cg, Cd, feature)
        for t in tf.range(steps):
            with tf.GradientTape() as tape:
                tape.watch(z)
                r, disc, _ = parts(z, X, F, Cg, Cd, feature)
                total = tf.reduce_sum((1.0 - lam) * r + lam * disc)
            g = tape.gradient(total, z)
            m = b1 * m + (1.0 - b1) * g
            v = b2 * v + (1.0 - b2) * g * g
            k = tf.cast(t + 1, tf.float32)
            step = lr * (m / (1.0 - b1 ** k)) / (tf.sqrt(v / (1.0 - b2 ** k)) + eps)
            z = tf.clip_by_value(z - step, 0.0, 1.0)
        r, disc, gx = parts(z, X, F, Cg, Cd, feature)
        return z, gx, r, disc, (1.0 - lam) * r0 + lam * d0

    gan._anogan_search_fn = search
    return search


def _codes(gan: GAN, n: int, restarts: int, code: str):
    """One-hot codes per row of the z matrix (restart-major) and the class index (-1: none)."""
    k = getattr(gan, "n_codes_", 0)
    if not k:
        return np.zeros((restarts * n, 0), np.float32), np.full(restarts, -1)
    if code == "mean":
        return np.tile(gan.pvals_.astype(np.float32), (restarts * n, 1)), np.full(restarts, -1)
    if code != "each":
        raise ValueError(f"code={code!r}: use 'each' (a class per restart) or 'mean'")
    cls = np.arange(restarts) % k
    return np.eye(k, dtype=np.float32)[np.repeat(cls, n)], cls


def initial_z(gan: GAN, n: int, restarts: int, seed: int = 0) -> np.ndarray:
    """Starting points ``(restarts, n, latent_dim)``, uniform on [0, 1], seeded (per point)."""
    # drawn point-major, so the first m points get the same starts whatever n is
    Z = np.random.default_rng([int(seed), 7]).random((int(n), int(restarts), gan.latent_dim),
                                                     dtype=np.float32)
    return np.ascontiguousarray(Z.transpose(1, 0, 2))


def latent_search(gan: GAN, X, *, variant="paper", lam=None, loss=None, steps=None, restarts=4,
                  learning_rate=0.02, code="each", seed=0, z0=None) -> SearchResult:
    """AnoGAN's latent search for every row of ``X`` at once (see the module docstring).

    ``variant`` sets the defaults of ``loss``, ``lam`` and ``steps``
    (:data:`VARIANTS`); ``z0`` (``(restarts, n, latent_dim)``) overrides the
    seeded starting points.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant={variant!r} is not one of {sorted(VARIANTS)}")
    v_loss, v_lam, v_steps = VARIANTS[variant]
    loss, lam, steps = loss or v_loss, v_lam if lam is None else lam, steps or v_steps
    if loss not in ("feature", "logit"):
        raise ValueError(f"loss={loss!r}: use 'feature' (paper) or 'logit' (original code)")
    if not 0.0 <= float(lam) <= 1.0:
        raise ValueError(f"lam={lam} must lie in [0, 1]")
    gan._check_fitted()
    tf = tensorflow()
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[1] != gan.n_features_in_:
        raise ValueError(f"X must be (n, {gan.n_features_in_}); got shape {X.shape}")
    n = X.shape[0]
    Z0 = initial_z(gan, n, restarts, seed) if z0 is None else np.asarray(z0, np.float32)
    restarts = Z0.shape[0]
    Cg, cls = _codes(gan, n, restarts, code)
    z, gx, r, disc, start = _search_fn(gan)(
        tf.constant(np.tile(X, (restarts, 1))), tf.constant(Cg),
        tf.constant(Z0.reshape(restarts * n, -1)), tf.constant(int(steps), tf.int32),
        tf.constant(float(learning_rate), tf.float32), tf.constant(float(lam), tf.float32),
        tf.constant(loss == "feature"))
    r, disc = r.numpy().reshape(restarts, n), disc.numpy().reshape(restarts, n)
    final = (1.0 - lam) * r + lam * disc
    best = np.argmin(final, axis=0)
    pick = best * n + np.arange(n)
    gx = gx.numpy()[pick].astype(np.float64)
    return SearchResult(score=final[best, np.arange(n)].astype(np.float64),
                        residual_loss=r[best, np.arange(n)].astype(np.float64),
                        discrimination_loss=disc[best, np.arange(n)].astype(np.float64),
                        residual=np.abs(X - gx), reconstruction=gx, z=z.numpy()[pick],
                        code=cls[best], start_loss=start.numpy().reshape(restarts, n),
                        final_loss=final)


def latent_search_pointwise(gan: GAN, X, *, restarts=4, seed=0, **kwargs) -> SearchResult:
    """The same search one query at a time (the original's loop): for tests and benchmarks only."""
    X = np.asarray(X, dtype=np.float32)
    Z0 = initial_z(gan, len(X), restarts, seed)
    res = [latent_search(gan, X[i:i + 1], z0=Z0[:, i:i + 1], **kwargs) for i in range(len(X))]
    cat = {f: np.concatenate([getattr(s, f) for s in res], axis=-1 if f in
                             ("start_loss", "final_loss") else 0)
           for f in SearchResult.__dataclass_fields__}
    return SearchResult(**cat)


class AnoGANDetector(BaseEstimator):
    """AnoGAN as a detector: ``fit`` a GAN on normal data, ``score_samples``: higher = more anomalous.

    ``gan_params`` go to :class:`~adlib.gan.train.GAN` (e.g. ``spec`` and
    ``optimizer`` for images); ``standardize`` rescales each feature with the
    training mean and standard deviation first (off by default: the original
    trains on toy2 as it is). ``fit_score(X)`` fits and scores the same rows,
    as the detector tour's table does.
    """

    def __init__(self, kind="simple", epochs=2000, variant="paper", lam=None, loss=None,
                 steps=None, restarts=4, learning_rate=0.02, standardize=False,
                 gan_params=None, random_state=0):
        self.kind, self.epochs, self.variant, self.lam, self.loss = kind, epochs, variant, lam, loss
        self.steps, self.restarts, self.learning_rate = steps, restarts, learning_rate
        self.standardize, self.gan_params, self.random_state = standardize, gan_params, random_state

    def _prep(self, X, fit=False):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or not np.isfinite(X).all():
            raise ValueError(f"X must be a finite 2-D array (n, d); got shape {X.shape}")
        if fit:
            self.mean_ = X.mean(axis=0) if self.standardize else np.zeros(X.shape[1])
            sd = X.std(axis=0) if self.standardize else np.ones(X.shape[1])
            self.scale_ = np.where(sd > 0, sd, 1.0)
        elif not hasattr(self, "gan_"):
            raise RuntimeError("This AnoGANDetector is not fitted yet: call fit(X) first.")
        return (X - self.mean_) / self.scale_

    def fit(self, X, y=None):
        """Train the GAN on ``X`` (``y`` ignored). Returns ``self``."""
        Xs = self._prep(X, fit=True)
        self.gan_ = GAN(self.kind, epochs=self.epochs, seed=int(self.random_state),
                        **(self.gan_params or {})).fit(Xs)
        return self

    def score_terms(self, X) -> SearchResult:
        """The whole search result: score, its two components, residuals, reconstructions."""
        Xs = self._prep(X)
        return latent_search(self.gan_, Xs, variant=self.variant, lam=self.lam,
                             loss=self.loss, steps=self.steps, restarts=self.restarts,
                             learning_rate=self.learning_rate, seed=int(self.random_state))

    def score_samples(self, X) -> np.ndarray:
        """A(x) of every row: higher = more anomalous."""
        return self.score_terms(X).score

    def fit_score(self, X) -> np.ndarray:
        return self.fit(X).score_samples(X)
