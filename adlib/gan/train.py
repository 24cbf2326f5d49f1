"""A small GAN in Keras 3 with its own training step, and the original's tricks against mode collapse.

``GAN(kind=...)``, ``kind`` one of

* ``"simple"``: Goodfellow et al. (2014), non-saturating generator loss;
* ``"smoothing"``: one-sided label smoothing, real targets 0.9 (Salimans et al. 2016);
* ``"conditional"``: Mirza & Osindero (2014), the class fed to both networks; the
  classes come from a diagonal Gaussian mixture whose size (2-10) BIC chooses
  (:func:`~adlib.gan.data.bic_clusters`), so training stays unsupervised;
* ``"infogan"``: Chen et al. (2016), a categorical code ``c ~ Cat(p)`` (``p`` the
  BIC mixture's class shares) fed to the *generator*, and a softmax head ``Q`` on
  the discriminator's last hidden layer trained, with the generator, to recover
  ``c`` from ``G(z, c)`` (weight 1.0). The original never fed ``c`` to the
  generator, so ``Q`` had nothing to recover; fixed here (``feed_code=False``
  reproduces the original's behaviour: the generator sees zeros instead of ``c``).

Settings of the original: ``z`` of 10 dimensions uniform on [0, 1]; plain
gradient descent, learning rate 0.005 decayed by 0.96 every 200 steps
(staircase), L2 1e-3 on every weight and bias (``tf.nn.l2_loss``: half the
sum of squares), shuffled batches of 25, one discriminator then one generator
step per batch. Each chunk of epochs is one ``tf.function`` call whose loops
over epochs and batches run in the graph (``tf.GradientTape`` per step); the
shuffles, ``z`` and codes are drawn in NumPy from ``default_rng([seed, chunk])``
and weights start from ``seed``, so the same seed gives the same samples.
"""

from __future__ import annotations

import time

import numpy as np

from . import networks
from ._tf import seed_everything, tensorflow
from .data import bic_clusters

KINDS = ("simple", "smoothing", "conditional", "infogan")


class GAN:
    """A GAN for tabular data (``d <= 2``: the original's networks) or small images (``spec``).

    ``fit(X)`` trains; ``sample(n)`` draws generated rows; ``history_`` holds the
    mean losses per epoch and, every ``monitor_every`` epochs, the original's
    data-likelihood monitor: the mean log-likelihood of the data under a
    Gaussian mixture (2-10 components, BIC) fitted to ``len(X)`` generated rows.
    """

    def __init__(self, kind="simple", *, latent_dim=10, epochs=1000, batch_size=25,
                 learning_rate=0.005, decay_rate=0.96, decay_steps=200, optimizer="sgd",
                 l2=1e-3, smoothing=0.9, info_weight=1.0, n_classes=None, spec=None,
                 monitor_every=None, feed_code=True, seed=0):
        if kind not in KINDS:
            raise ValueError(f"kind={kind!r} is not one of {KINDS}")
        if optimizer not in ("sgd", "adam"):
            raise ValueError(f"optimizer={optimizer!r}: use 'sgd' (the original's) or 'adam'")
        self.kind, self.latent_dim, self.epochs = kind, int(latent_dim), int(epochs)
        self.batch_size, self.learning_rate = int(batch_size), float(learning_rate)
        self.decay_rate, self.decay_steps, self.optimizer = decay_rate, decay_steps, optimizer
        self.l2, self.smoothing, self.info_weight = float(l2), float(smoothing), float(info_weight)
        self.n_classes, self.spec, self.monitor_every, self.seed = n_classes, spec, monitor_every, seed
        self.feed_code = bool(feed_code)  # False: the original's InfoGAN bug, kept to measure it

    # -- set-up -----------------------------------------------------------------------
    @property
    def uses_code(self) -> bool:
        return self.kind in ("conditional", "infogan")

    def _clusters(self, X):
        if not self.uses_code:
            self.clusters_ = None
            self.n_codes_, self.pvals_ = 0, np.zeros(0)
            return np.zeros((len(X), 0), np.float32)
        if self.n_classes is None:
            self.clusters_ = bic_clusters(X, seed=self.seed)
            labels = self.clusters_.labels
        else:
            from sklearn.mixture import GaussianMixture

            g = GaussianMixture(int(self.n_classes), covariance_type="diag",
                                random_state=self.seed).fit(X)
            labels = g.predict(X)
            self.clusters_ = None
        self.n_codes_ = int(labels.max()) + 1 if self.n_classes is None else int(self.n_classes)
        self.pvals_ = np.bincount(labels, minlength=self.n_codes_) / len(labels)
        self.labels_ = labels
        return np.eye(self.n_codes_, dtype=np.float32)[labels]

    def _optimizer(self, keras):
        if self.optimizer == "adam":
            return keras.optimizers.Adam(self.learning_rate, beta_1=0.5)
        lr = keras.optimizers.schedules.ExponentialDecay(
            self.learning_rate, self.decay_steps, self.decay_rate, staircase=True)
        return keras.optimizers.SGD(lr)

    def _build(self, d):
        tf = tensorflow()
        import keras

        seed_everything(self.seed)
        spec = self.spec or networks.original_spec(d)
        self.spec_ = spec
        k = self.n_codes_
        self.generator_ = networks.build_generator(spec, self.latent_dim, k, d, self.seed)
        self.discriminator_ = networks.build_discriminator(
            spec, d, k if self.kind == "conditional" else 0, self.seed)
        self.q_head_ = networks.build_q_head(spec, k, self.seed) if self.kind == "infogan" else None
        q_vars = list(self.q_head_.trainable_variables) if self.q_head_ is not None else []
        self._d_vars = list(self.discriminator_.trainable_variables) + q_vars
        self._g_vars = list(self.generator_.trainable_variables) + q_vars
        self._d_opt, self._g_opt = self._optimizer(keras), self._optimizer(keras)
        self._d_opt.build(self._d_vars)
        self._g_opt.build(self._g_vars)
        self._train_chunk = self._make_train_fn(tf)

    def _make_train_fn(self, tf):
        G, D, Q = self.generator_, self.discriminator_, self.q_head_
        d_vars, g_vars, d_opt, g_opt = self._d_vars, self._g_vars, self._d_opt, self._g_opt
        real_target = self.smoothing if self.kind == "smoothing" else 1.0
        l2, info_w, bs = self.l2, self.info_weight, self.batch_size
        conditional, info = self.kind == "conditional", self.kind == "infogan"
        feed = self.feed_code

        def penalty(variables):
            return l2 * tf.add_n([tf.nn.l2_loss(v) for v in variables]) if l2 > 0 else 0.0

        def losses(xb, cb, zb, gb):
            g_code = cb if conditional else (gb if feed else tf.zeros_like(gb))
            d_code = cb if conditional else cb[:, :0]
            fake = G([zb, g_code], training=True)
            _, real_logit = D([xb, d_code], training=True)
            feat_fake, fake_logit = D([fake, d_code], training=True)
            d_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
                labels=tf.fill(tf.shape(real_logit), real_target), logits=real_logit)
                + tf.nn.softplus(fake_logit))
            g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logit))
            q_loss = 0.0
            if info:
                q_loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
                    labels=gb, logits=Q(feat_fake, training=True)))
            return d_loss, g_loss, q_loss

        def step(xb, cb, zb, gb):
            with tf.GradientTape() as tape:
                d_loss, _, q_loss = losses(xb, cb, zb, gb)
                total = d_loss + info_w * q_loss + penalty(d_vars)
            d_opt.apply_gradients(zip(tape.gradient(total, d_vars), d_vars, strict=True))
            with tf.GradientTape() as tape:
                _, g_loss, q_loss = losses(xb, cb, zb, gb)
                total = g_loss + info_w * q_loss + penalty(g_vars)
            g_opt.apply_gradients(zip(tape.gradient(total, g_vars), g_vars, strict=True))
            return tf.stack([d_loss, g_loss, tf.cast(q_loss, tf.float32)])

        @tf.function(reduce_retracing=True)
        def train_chunk(X, C, order, Z, Gc):
            n_epochs, n = tf.shape(order)[0], tf.shape(order)[1]
            out = tf.TensorArray(tf.float32, size=n_epochs)
            for e in tf.range(n_epochs):
                acc, nb = tf.zeros(3), 0.0
                for start in tf.range(0, n, bs):
                    idx = order[e, start:start + bs]
                    acc += step(tf.gather(X, idx), tf.gather(C, idx), Z[e, start:start + bs],
                                Gc[e, start:start + bs])
                    nb += 1.0
                out = out.write(e, acc / nb)
            return out.stack()

        return train_chunk

    # -- training ---------------------------------------------------------------------
    def fit(self, X, y=None):
        """Train on ``X`` (``(n, d)``; ``y`` is ignored: classes come from the BIC mixture)."""
        tf = tensorflow()
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2 or not np.isfinite(X).all():
            raise ValueError(f"X must be a finite 2-D array (n, d); got shape {X.shape}")
        C = self._clusters(X)
        self.n_features_in_ = X.shape[1]
        self._build(X.shape[1])
        chunk = int(self.monitor_every or min(self.epochs, 100))
        Xt, Ct = tf.constant(X), tf.constant(C)
        losses, monitor, t0 = [], [], time.perf_counter()
        done, k = 0, 0
        while done < self.epochs:
            e = min(chunk, self.epochs - done)
            rng = np.random.default_rng([int(self.seed), k])
            order = np.argsort(rng.random((e, len(X))), axis=1).astype(np.int32)
            Z = rng.random((e, len(X), self.latent_dim), dtype=np.float32)
            Gc = self._draw_codes(rng, (e, len(X)))
            losses.append(self._train_chunk(Xt, Ct, tf.constant(order), tf.constant(Z),
                                            tf.constant(Gc)).numpy())
            done, k = done + e, k + 1
            if self.monitor_every:
                monitor.append((done, self.log_likelihood(X, seed=k)))
        L = np.concatenate(losses)
        self.history_ = {"epoch": np.arange(1, len(L) + 1), "d_loss": L[:, 0],
                         "g_loss": L[:, 1], "q_loss": L[:, 2],
                         "monitor_epoch": np.array([m[0] for m in monitor]),
                         "log_likelihood": np.array([m[1] for m in monitor])}
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def _draw_codes(self, rng, shape):
        if not self.uses_code:
            return np.zeros((*shape, 0), np.float32)
        idx = rng.choice(self.n_codes_, size=shape, p=self.pvals_)
        return np.eye(self.n_codes_, dtype=np.float32)[idx]

    # -- use --------------------------------------------------------------------------
    def _check_fitted(self):
        if not hasattr(self, "generator_"):
            raise RuntimeError(f"This {type(self).__name__} is not fitted yet: call fit(X) first.")

    def generate(self, z, codes=None) -> np.ndarray:
        """``G(z, c)`` for given latent rows (and one-hot codes, for the conditional/InfoGAN)."""
        self._check_fitted()
        z = np.asarray(z, dtype=np.float32)
        codes = (np.zeros((len(z), self.n_codes_), np.float32) if codes is None
                 else np.asarray(codes, dtype=np.float32))
        return self.generator_([z, codes], training=False).numpy().astype(np.float64)

    def sample(self, n: int, seed: int = 0, return_codes: bool = False):
        """``n`` generated rows (``z ~ U[0, 1]``, codes ~ the cluster shares), seeded."""
        self._check_fitted()
        rng = np.random.default_rng([int(self.seed), 10_000 + int(seed)])
        z = rng.random((int(n), self.latent_dim), dtype=np.float32)
        codes = self._draw_codes(rng, (int(n),))
        x = self.generate(z, codes)
        if return_codes:
            return x, (codes.argmax(axis=1) if self.uses_code else np.zeros(int(n), int))
        return x

    def discriminate(self, X, codes=None) -> tuple[np.ndarray, np.ndarray]:
        """The discriminator's ``(features, logit)`` of rows ``X``."""
        self._check_fitted()
        X = np.asarray(X, dtype=np.float32)
        width = self.n_codes_ if self.kind == "conditional" else 0
        codes = (np.zeros((len(X), width), np.float32) if codes is None
                 else np.asarray(codes, dtype=np.float32))
        f, logit = self.discriminator_([X, codes], training=False)
        return f.numpy().astype(np.float64), logit.numpy().astype(np.float64)

    def log_likelihood(self, X, seed: int = 0) -> float:
        """The original's monitor: mean log-likelihood of ``X`` under a BIC mixture of samples."""
        gen = self.sample(len(X), seed=seed)
        if not np.isfinite(gen).all() or np.ptp(gen, axis=0).min() < 1e-9:
            return float("nan")  # collapsed to one point: no mixture to fit
        return float(bic_clusters(gen, seed=seed).gmm.score_samples(np.asarray(X, float)).mean())
