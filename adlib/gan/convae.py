"""A small convolutional autoencoder for 8x8 images: the baseline AnoGAN is compared with.

Encoder: conv 3x3 stride 2 (16 maps, 8x8 -> 4x4), conv 3x3 stride 2 (32 maps,
-> 2x2), dense code of ``latent_dim``; the decoder mirrors it with transposed
convolutions and a sigmoid output. Trained with Adam on the mean squared
error (shuffled minibatches from ``default_rng(seed)``, one ``tf.function``
step). Score: the mean squared reconstruction error of an image (higher = more
anomalous); ``residual`` gives ``|x - x_hat|`` per pixel. Images are rows of
``side * side`` values in [0, 1].
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from ._tf import seed_everything, tensorflow


class ConvAutoencoder(BaseEstimator):
    def __init__(self, side=8, latent_dim=16, epochs=200, batch_size=32, learning_rate=1e-3,
                 random_state=0):
        self.side, self.latent_dim, self.epochs = side, latent_dim, epochs
        self.batch_size, self.learning_rate, self.random_state = batch_size, learning_rate, random_state

    def _build(self):
        tensorflow()
        import keras

        s, L = int(self.side), keras.layers
        if s % 4:
            raise ValueError(f"side={s}: the two stride-2 convolutions need a multiple of 4")
        seed_everything(int(self.random_state))
        x = keras.Input((s * s,))
        h = L.Reshape((s, s, 1))(x)
        h = L.Conv2D(16, 3, strides=2, padding="same", activation="relu")(h)
        h = L.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)
        code = L.Dense(int(self.latent_dim), activation="relu")(L.Flatten()(h))
        h = L.Reshape((s // 4, s // 4, 32))(L.Dense((s // 4) ** 2 * 32, activation="relu")(code))
        h = L.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(h)
        h = L.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(h)
        self.model_ = keras.Model(x, L.Flatten()(h), name="conv_autoencoder")
        return keras

    def fit(self, X, y=None):
        """Train on images ``X`` (``(n, side*side)`` in [0, 1]; ``y`` ignored)."""
        X = self._check(X, fit=True)
        keras = self._build()
        tf = tensorflow()
        model = self.model_
        opt = keras.optimizers.Adam(float(self.learning_rate))
        variables = model.trainable_variables

        @tf.function(reduce_retracing=True)
        def step(xb):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(xb - model(xb, training=True)))
            opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            return loss

        rng = np.random.default_rng(int(self.random_state))
        Xf, bs, losses = X.astype(np.float32), int(self.batch_size), []
        for _ in range(int(self.epochs)):
            order = rng.permutation(len(Xf))
            losses.append(tf.add_n([step(tf.constant(Xf[order[i:i + bs]]))
                                    for i in range(0, len(Xf), bs)]))
        self.loss_history_ = [float(v) / int(np.ceil(len(Xf) / bs)) for v in losses]
        return self

    def _check(self, X, fit=False):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != int(self.side) ** 2:
            raise ValueError(f"X must be (n, {int(self.side) ** 2}) images; got shape {X.shape}")
        if not fit and not hasattr(self, "model_"):
            raise RuntimeError("This ConvAutoencoder is not fitted yet: call fit(X) first.")
        return X

    def reconstruct(self, X) -> np.ndarray:
        X = self._check(X)
        return self.model_(X.astype(np.float32), training=False).numpy().astype(np.float64)

    def residual(self, X) -> np.ndarray:
        """``|x - x_hat|`` per pixel."""
        return np.abs(self._check(X) - self.reconstruct(X))

    def score_samples(self, X) -> np.ndarray:
        """Mean squared reconstruction error per image: higher = more anomalous."""
        return ((self._check(X) - self.reconstruct(X)) ** 2).mean(axis=1)

    def n_parameters(self) -> int:
        return int(sum(np.prod(v.shape) for v in self.model_.trainable_variables))
