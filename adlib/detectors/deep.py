"""Autoencoder and variational autoencoder detectors (TensorFlow 2 / Keras, imported lazily).

TensorFlow is imported the first time one of these detectors is fitted, never
when ``adlib`` or ``adlib.detectors`` is imported (the import alone costs
3-6 s). It needs the optional ``deep`` extra: ``pip install -e ".[deep]"``.

Both train with a plain ``tf.GradientTape`` loop (Adam, shuffled minibatches
drawn from a seeded NumPy generator) after ``tf.keras.utils.set_random_seed``
and ``tf.config.experimental.enable_op_determinism()``, on one CPU thread, so
the same ``random_state`` gives the same weights and scores.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .._tf import tensorflow
from .base import Detector


def _tensorflow():
    """TensorFlow, imported once and configured by :mod:`adlib._tf`."""
    return tensorflow("The autoencoder detectors")


def _seed(random_state) -> int:
    if isinstance(random_state, (int, np.integer)):
        return int(random_state)
    return int(check_random_state(random_state).randint(2**31 - 1))


def _mlp(tf, sizes, out, name):
    layers = [tf.keras.layers.Dense(h, activation="relu") for h in sizes]
    layers.append(tf.keras.layers.Dense(out))
    return tf.keras.Sequential(layers, name=name)


class _DeepDetector(Detector):
    """What the autoencoder and the VAE share: parameters, seeded minibatch Adam training."""

    randomized = True

    def __init__(self, hidden=(32,), latent_dim=None, epochs=60, batch_size=64,
                 learning_rate=3e-3, standardize=True, max_train=None, random_state=None):
        self.hidden = hidden
        self.latent_dim = latent_dim
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.standardize = standardize
        self.max_train = max_train
        self.random_state = random_state

    def _default_latent(self, d):
        return max(1, d // 2) if self.latent_dim is None else int(self.latent_dim)

    def _train(self, X, loss_fn, variables):
        tf = self.tf_
        opt = tf.keras.optimizers.Adam(learning_rate=self.learning_rate)
        rng = np.random.default_rng(self.seed_)
        Xt = X.astype(np.float32)
        n = Xt.shape[0]
        bs = int(min(self.batch_size, n))

        @tf.function
        def step(xb):
            with tf.GradientTape() as tape:
                loss = loss_fn(xb, training=True)
            grads = tape.gradient(loss, variables)
            opt.apply_gradients(zip(grads, variables, strict=True))
            return loss

        losses = []
        for _ in range(int(self.epochs)):
            order = rng.permutation(n)
            # no float() per step: that would wait for every step to finish
            losses.append(tf.add_n([step(tf.constant(Xt[order[start:start + bs]]))
                                    for start in range(0, n, bs)]))
        n_batches = int(np.ceil(n / bs))
        self.loss_history_ = [float(v) / n_batches for v in losses]

    def _build(self, X):
        self.tf_ = _tensorflow()
        self.seed_ = _seed(self.random_state)
        self.tf_.keras.utils.set_random_seed(self.seed_)
        return self._subsample(X, self.max_train)

    def __getstate__(self):  # the TensorFlow module itself is not picklable
        state = dict(self.__dict__)
        state.pop("tf_", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "seed_" in state:
            self.tf_ = _tensorflow()


class Autoencoder(_DeepDetector):
    """Dense autoencoder; score = mean squared reconstruction error (standardised features).

    Encoder ``d -> hidden -> latent_dim``, decoder mirrored, ReLU, trained to
    reproduce the training data. Points unlike the training data reconstruct
    badly. A bottleneck that is too wide learns the identity (everything
    reconstructs), and anomalies in the training data are learned too if they
    are many. ``latent_dim=None`` is ``max(1, d // 2)``; ``max_train`` fits on
    a seeded subsample of large data. Higher = more anomalous.
    """

    def _fit(self, X):
        X = self._build(X)
        tf = self.tf_
        d = X.shape[1]
        self.latent_dim_ = self._default_latent(d)
        self.encoder_ = _mlp(tf, tuple(self.hidden), self.latent_dim_, "encoder")
        self.decoder_ = _mlp(tf, tuple(self.hidden)[::-1], d, "decoder")
        self.encoder_.build((None, d))
        self.decoder_.build((None, self.latent_dim_))
        variables = self.encoder_.trainable_variables + self.decoder_.trainable_variables

        def loss_fn(xb, training=False):
            return tf.reduce_mean(tf.square(xb - self.decoder_(self.encoder_(xb))))

        self._train(X, loss_fn, variables)

    def reconstruct(self, X) -> np.ndarray:
        """Reconstructions of ``X`` (in the standardised space when ``standardize``)."""
        return self._reconstruct(self._checked(X))

    def _reconstruct(self, X):
        return self.decoder_(self.encoder_(X.astype(np.float32))).numpy().astype(np.float64)

    def _score(self, X):
        return ((X - self._reconstruct(X)) ** 2).mean(axis=1)


class VariationalAutoencoder(_DeepDetector):
    """Variational autoencoder (Kingma & Welling 2014); score = reconstruction error + KL.

    The encoder gives a Gaussian ``q(z | x) = N(mu(x), diag sigma(x)^2)``, the
    decoder a Gaussian with unit variance around ``g(z)``; training maximises
    the evidence lower bound (one reparameterised sample per point). The score
    is the negative ELBO with the decoder evaluated at the mean code,

    .. math::  s(x) = \\tfrac12 \\lVert x - g(\\mu(x)) \\rVert^2
                     + \\mathrm{KL}\\big(q(z\\mid x) \\,\\Vert\\, N(0, I)\\big),

    deterministic (no sampling at scoring time). Points that reconstruct badly
    or whose code lies far from the prior score high (An & Cho 2015 use the
    reconstruction probability, a close relative). Higher = more anomalous.
    """

    def _fit(self, X):
        X = self._build(X)
        tf = self.tf_
        d = X.shape[1]
        k = self.latent_dim_ = self._default_latent(d)
        self.encoder_ = _mlp(tf, tuple(self.hidden), 2 * k, "encoder")
        self.decoder_ = _mlp(tf, tuple(self.hidden)[::-1], d, "decoder")
        self.encoder_.build((None, d))
        self.decoder_.build((None, k))
        variables = self.encoder_.trainable_variables + self.decoder_.trainable_variables
        noise = tf.random.Generator.from_seed(self.seed_)

        def loss_fn(xb, training=False):
            h = self.encoder_(xb)
            mu, logvar = h[:, :k], h[:, k:]
            z = mu + tf.exp(0.5 * logvar) * noise.normal(tf.shape(mu))
            rec = 0.5 * tf.reduce_sum(tf.square(xb - self.decoder_(z)), axis=1)
            kl = 0.5 * tf.reduce_sum(tf.square(mu) + tf.exp(logvar) - 1.0 - logvar, axis=1)
            return tf.reduce_mean(rec + kl)

        self._train(X, loss_fn, variables)

    def score_terms(self, X) -> tuple[np.ndarray, np.ndarray]:
        """The two terms of the score: (reconstruction error, KL divergence)."""
        return self._terms(self._checked(X))

    def _terms(self, X):
        k = self.latent_dim_
        h = self.encoder_(X.astype(np.float32)).numpy().astype(np.float64)
        mu, logvar = h[:, :k], h[:, k:]
        R = self.decoder_(mu.astype(np.float32)).numpy().astype(np.float64)
        rec = 0.5 * ((X - R) ** 2).sum(axis=1)
        kl = 0.5 * (mu ** 2 + np.exp(logvar) - 1.0 - logvar).sum(axis=1)
        return rec, kl

    def _score(self, X):
        rec, kl = self._terms(X)
        return rec + kl
