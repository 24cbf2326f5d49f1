"""The AFSS relevance network (Active Feature Space Suppression), in Keras 3 on TensorFlow 2.

One hidden layer of sigmoid units maps an instance ``x`` to ``M`` logits; the
relevance of member ``m`` at ``x`` is ``p_m(x) = sigmoid(logit_m(x))`` and the
GLAD score is ``sum_m p_m(x) s_m(x)`` over the normalised member scores
``s_m``. Settings of the original (``glad/afss.py``): hidden weights uniform
on ``[0, sqrt(6 / (n_in + n_out))]``, biases 0, Adam with learning rate 0.01.

Losses (``z`` the logits, ``b`` the prior relevance, 0.5):

* prior: the mean cross-entropy of every ``p_m(x)`` against ``b``,
  ``max(z, 0) - z b + log(1 + exp(-|z|))``;
* L2: ``l2_lambda * sum(W**2) / 2`` over the kernels (not the biases);
* AAD hinges on the labeled rows of a batch (``y = +1`` anomaly, ``-1``
  nominal): ``c_q mean(max(0, y (q_tau - score)))`` and
  ``c_x mean(max(0, y (score(x_tau) - score)))``, with ``q_tau`` and
  ``x_tau`` the score and the instance ranked at the ``tau`` quantile before
  the update; ``x_tau`` is appended to every batch.

Priming minimises prior + L2 (the output bias first set so that ``p = b`` when
every hidden unit is 1, as the original does). A feedback epoch minimises
hinges + L2 + ``lambda_prior`` (prior + L2): the original adds the L2 term to
both parts, so with ``lambda_prior = 1`` it counts twice; kept as is.

Every epoch is one ``tf.function`` call whose loop over the minibatches runs
inside the graph (``tf.GradientTape`` per batch, Adam applied in the graph):
no Python loop over batches or instances.
"""

from __future__ import annotations

import numpy as np

from ._tf import tensorflow


def init_params(n_inputs: int, n_hidden: int, n_members: int, seed: int) -> list[np.ndarray]:
    """The original's start: kernels uniform on ``[0, sqrt(6 / (n_in + n_out))]``, biases 0."""
    rng = np.random.default_rng(seed)
    lim1 = np.sqrt(6.0 / (n_inputs + n_hidden))
    lim2 = np.sqrt(6.0 / (n_hidden + n_members))
    return [rng.uniform(0.0, lim1, (n_inputs, n_hidden)).astype(np.float32),
            np.zeros(n_hidden, np.float32),
            rng.uniform(0.0, lim2, (n_hidden, n_members)).astype(np.float32),
            np.zeros(n_members, np.float32)]


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # no overflow warnings for large |z|


def relevance(params, X) -> np.ndarray:
    """``p(X)``, ``(n, M)``, from a parameter list ``[W1, b1, W2, b2]`` (NumPy, float64)."""
    W1, b1, W2, b2 = (np.asarray(p, dtype=np.float64) for p in params)
    H = _sigmoid(np.asarray(X, dtype=np.float64) @ W1 + b1)
    return _sigmoid(H @ W2 + b2)


class AFSSNetwork:
    """The relevance network and its two training modes (priming, feedback epochs).

    ``params`` / ``set_params`` read and write ``[W1, b1, W2, b2]`` (float32),
    ``reset_optimizer`` returns Adam to its initial state, so a model can go
    back exactly to its primed state (undo and resume replay from there).
    """

    def __init__(self, n_inputs, n_members, n_hidden=None, bias_prob=0.5, lambda_prior=1.0,
                 l2_lambda=1e-3, c_q=1.0, c_x=1.0, learning_rate=0.01, seed=0):
        if not 0.0 < bias_prob < 1.0:
            raise ValueError(f"bias_prob={bias_prob} must lie strictly between 0 and 1")
        tf = tensorflow()
        import keras

        self.tf, self.keras = tf, keras
        self.n_inputs, self.n_members = int(n_inputs), int(n_members)
        self.n_hidden = int(n_hidden) if n_hidden else max(50, 3 * self.n_members)
        self.bias_prob = float(bias_prob)
        keras.utils.set_random_seed(int(seed))
        self.model = keras.Sequential(
            [keras.Input((self.n_inputs,)),
             keras.layers.Dense(self.n_hidden, activation="sigmoid", name="hidden"),
             keras.layers.Dense(self.n_members, name="relevance_logits")], name="afss")
        self.variables = list(self.model.trainable_variables)
        self.set_params(init_params(self.n_inputs, self.n_hidden, self.n_members, seed))
        self.optimizer = keras.optimizers.Adam(learning_rate=float(learning_rate))
        self.optimizer.build(self.variables)
        self._optimizer0 = [v.numpy() for v in self.optimizer.variables]
        self._kernels = [self.variables[0], self.variables[2]]
        self._consts = {k: tf.constant(float(v), tf.float32) for k, v in
                        dict(b=bias_prob, lam=lambda_prior, l2=l2_lambda, cq=c_q, cx=c_x).items()}
        self._build_functions()

    # -- state --------------------------------------------------------------
    def params(self) -> list[np.ndarray]:
        return [v.numpy().copy() for v in self.variables]

    def set_params(self, params) -> None:
        for v, p in zip(self.variables, params, strict=True):
            v.assign(np.asarray(p, dtype=np.float32))

    def reset_optimizer(self) -> None:
        for v, p in zip(self.optimizer.variables, self._optimizer0, strict=True):
            v.assign(p)

    def relevance(self, X) -> np.ndarray:
        return relevance(self.params(), X)

    # -- losses and graph functions -------------------------------------------
    def _build_functions(self):
        tf, c, model, opt, variables = self.tf, self._consts, self.model, self.optimizer, \
            self.variables
        d, m = self.n_inputs, self.n_members

        def prior(z):
            return tf.reduce_mean(tf.maximum(z, 0.0) - z * c["b"]
                                  + tf.math.log1p(tf.exp(-tf.abs(z))))

        def l2():
            return c["l2"] * tf.add_n([tf.nn.l2_loss(k) for k in self._kernels])

        def integrated(xb, sb, yb, x_tau, s_tau, q):
            z = model(tf.concat([xb, x_tau[None]], 0), training=True)
            score = tf.reduce_sum(tf.sigmoid(z) * tf.concat([sb, s_tau[None]], 0), axis=1)
            s, st = score[:-1], score[-1]
            lab = tf.cast(yb >= 0.0, tf.float32)
            sign = 2.0 * yb - 1.0
            n_lab = tf.maximum(tf.reduce_sum(lab), 1.0)
            hinge = (c["cq"] * tf.reduce_sum(lab * tf.nn.relu(sign * (q - s)))
                     + c["cx"] * tf.reduce_sum(lab * tf.nn.relu(sign * (st - s)))) / n_lab
            penalty = l2()
            return hinge + penalty + c["lam"] * (prior(z) + penalty)

        def step(loss_fn):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))

        X_spec = tf.TensorSpec([None, d], tf.float32)
        S_spec = tf.TensorSpec([None, m], tf.float32)
        y_spec = tf.TensorSpec([None], tf.float32)
        scalar = tf.TensorSpec([], tf.float32)
        bs_spec = tf.TensorSpec([], tf.int32)

        @tf.function(input_signature=[X_spec, bs_spec])
        def prior_epoch(X, batch_size):
            n = tf.shape(X)[0]
            for start in tf.range(0, n, batch_size):
                xb = X[start:start + batch_size]
                step(lambda: prior(model(xb, training=True)) + l2())  # noqa: B023 (traced once)

        @tf.function(input_signature=[X_spec])
        def prior_loss(X):
            return prior(model(X, training=False)) + l2()

        @tf.function(input_signature=[X_spec, S_spec, y_spec, tf.TensorSpec([d], tf.float32),
                                      tf.TensorSpec([m], tf.float32), scalar, bs_spec])
        def feedback_epoch(X, S, y, x_tau, s_tau, q, batch_size):
            n = tf.shape(X)[0]
            for start in tf.range(0, n, batch_size):
                sl = slice(start, start + batch_size)
                step(lambda: integrated(X[sl], S[sl], y[sl], x_tau, s_tau, q))  # noqa: B023 (traced once)

        @tf.function(input_signature=[X_spec, S_spec, y_spec, tf.TensorSpec([d], tf.float32),
                                      tf.TensorSpec([m], tf.float32), scalar])
        def feedback_loss(X, S, y, x_tau, s_tau, q):
            return integrated(X, S, y, x_tau, s_tau, q)

        self._prior_epoch, self._prior_loss = prior_epoch, prior_loss
        self._feedback_epoch, self._feedback_loss = feedback_epoch, feedback_loss

    # -- training -------------------------------------------------------------
    def prime(self, X, epochs=200, batch_size=25, tol=1e-4, window=20) -> int:
        """Train towards ``p = b`` everywhere; returns the number of epochs run.

        Batches in data order (the original does not shuffle here); after
        ``window`` epochs it stops once the mean loss of the last ``window``
        epochs changes by less than ``tol`` from one epoch to the next.
        """
        tf = self.tf
        W2 = self.variables[2].numpy()
        b = self.bias_prob
        self.variables[3].assign((np.log(b / (1 - b)) - W2.sum(axis=0)).astype(np.float32))
        X = tf.constant(np.asarray(X, dtype=np.float32))
        bs = tf.constant(int(batch_size), tf.int32)
        losses, prev = [], 0.0
        for epoch in range(int(epochs)):
            self._prior_epoch(X, bs)
            losses.append(float(self._prior_loss(X)))
            if epoch + 1 >= window:
                avg = float(np.mean(losses[-window:]))
                if abs(avg - prev) < tol:
                    break
                prev = avg
        self.prime_losses_ = losses
        return len(losses)

    def _feedback_args(self, X, S, y, x_tau, s_tau, q):
        tf = self.tf
        return (tf.constant(np.asarray(X, np.float32)), tf.constant(np.asarray(S, np.float32)),
                tf.constant(np.asarray(y, np.float32)), tf.constant(np.asarray(x_tau, np.float32)),
                tf.constant(np.asarray(s_tau, np.float32)), tf.constant(float(q), tf.float32))

    def feedback_epoch(self, X, S, y, x_tau, s_tau, q, batch_size=25) -> None:
        """One epoch over the rows in the given order (``y``: 1, 0, or -1 = unlabeled)."""
        self._feedback_epoch(*self._feedback_args(X, S, y, x_tau, s_tau, q),
                             self.tf.constant(int(batch_size), self.tf.int32))

    def feedback_loss(self, X, S, y, x_tau, s_tau, q) -> float:
        """The feedback loss of all the given rows as one batch (for tests and diagnostics)."""
        return float(self._feedback_loss(*self._feedback_args(X, S, y, x_tau, s_tau, q)))
