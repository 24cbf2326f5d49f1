"""Temporal cycle-consistency (Dwibedi et al. 2019) in Keras 3 on TensorFlow 2.

The encoder maps a frame with its context (``k`` frames centred on it, the
sequence's first and last frames repeated at the edges) to an embedding: two
1-D convolutions over time (kernel ``(k + 1) // 2``, ReLU, no padding: they
reduce the ``k`` frames to one) and a linear layer. It never sees the frame
index, so it cannot "count" its way to a trivial solution (the paper's warning).

For embeddings ``U`` (``n`` frames of one sequence) and ``V`` (``m`` of another):

* soft nearest neighbour: ``alpha_ij = softmax_j(-||u_i - v_j||^2 / tau)``,
  ``v~_i = sum_j alpha_ij v_j``;
* cycle back: ``beta_ik = softmax_k(-||v~_i - u_k||^2 / tau)``;
* classification loss: ``-log beta_ii``;
* regression loss: ``|t_i - mu_i|^2 / sigma_i^2 + lambda log sigma_i`` with
  ``mu_i = sum_k beta_ik t_k``, ``sigma_i^2 = sum_k beta_ik (t_k - mu_i)^2``,
  ``t_k`` the frame number of ``u_k``; ``lambda = 0.001`` and the temperature
  ``tau = 0.1``, the paper's settings.

Both are matrix softmaxes over a batch of pairs (``(B, n, m)`` tensors), in both
directions (``U -> V -> U`` and ``V -> U -> V``), averaged over frames and pairs.
Training draws, for every step, ``batch_pairs`` random pairs of sequences of
the same activity and ``n_frames`` random frames of each (in time order);
a chunk of steps is one ``tf.function`` call whose loop runs in the graph.
Determinism: Keras' seed, a NumPy generator for the draws, TensorFlow on one
thread with op determinism.
"""

from __future__ import annotations

import numpy as np

from ._tf import tensorflow
from .align import context_windows

LOSSES = ("classification", "regression")


def _sq_dist(tf, a, b):
    """``(..., n, m)`` squared distances between ``a`` (..., n, D) and ``b`` (..., m, D)."""
    return (tf.reduce_sum(a * a, -1)[..., :, None] + tf.reduce_sum(b * b, -1)[..., None, :]
            - 2.0 * tf.linalg.matmul(a, b, transpose_b=True))


def cycle_logits(tf, u, v, temperature):
    """Logits of ``beta`` (``(..., n, n)``) and ``alpha`` (``(..., n, m)``) for ``u`` -> ``v`` -> ``u``."""
    alpha_logits = -_sq_dist(tf, u, v) / temperature
    v_soft = tf.linalg.matmul(tf.nn.softmax(alpha_logits, axis=-1), v)
    return -_sq_dist(tf, v_soft, u) / temperature, alpha_logits


def cycle_losses(tf, u, v, t_u, temperature, variance_lambda):
    """Mean classification and regression losses of ``u`` -> ``v`` -> ``u`` (``t_u``: frame numbers)."""
    logits, _ = cycle_logits(tf, u, v, temperature)
    logp = tf.nn.log_softmax(logits, axis=-1)
    classification = -tf.reduce_mean(tf.linalg.diag_part(logp))
    beta = tf.exp(logp)
    mu = tf.reduce_sum(beta * t_u[..., None, :], -1)
    var = tf.reduce_sum(beta * tf.square(t_u[..., None, :] - mu[..., None]), -1) + 1e-6
    regression = tf.reduce_mean(tf.square(t_u - mu) / var + 0.5 * variance_lambda * tf.math.log(var))
    return classification, regression


class TCC:
    """A TCC encoder: ``fit`` on unlabeled sequences, ``embed`` frames of new ones."""

    def __init__(self, n_channels: int, context: int = 5, hidden: int = 32,
                 embedding_dim: int = 8, loss: str = "regression", temperature: float = 0.1,
                 variance_lambda: float = 1e-3, learning_rate: float = 1e-3, seed: int = 0):
        if loss not in LOSSES:
            raise ValueError(f"loss={loss!r}: use one of {LOSSES}.")
        if context < 1 or context % 2 == 0:
            raise ValueError(f"context={context} must be a positive odd number of frames.")
        tf = tensorflow()
        import keras

        self.tf, self.keras = tf, keras
        self.n_channels, self.context, self.loss = int(n_channels), int(context), loss
        self.temperature, self.variance_lambda = float(temperature), float(variance_lambda)
        self.seed = int(seed)
        keras.utils.set_random_seed(self.seed)
        k1 = (self.context + 1) // 2
        self.model = keras.Sequential(
            [keras.Input((self.context, self.n_channels)),
             keras.layers.Conv1D(hidden, k1, activation="relu", name="conv1"),
             keras.layers.Conv1D(hidden, k1, activation="relu", name="conv2"),
             keras.layers.Flatten(),
             keras.layers.Dense(int(embedding_dim), name="embedding")], name="tcc_encoder")
        self.variables = list(self.model.trainable_variables)
        self.optimizer = keras.optimizers.Adam(learning_rate=float(learning_rate))
        self.optimizer.build(self.variables)
        self.mean_ = np.zeros(self.n_channels, np.float32)
        self.scale_ = np.ones(self.n_channels, np.float32)
        self.loss_history_: list[float] = []
        self._build_functions()

    # -- graph functions -------------------------------------------------------
    def _build_functions(self):
        tf, model, opt, variables = self.tf, self.model, self.optimizer, self.variables
        k, temp, lam = self.context, self.temperature, self.variance_lambda
        which = LOSSES.index(self.loss)
        offsets = tf.range(k) - k // 2

        def embed_frames(X, L, pairs, frames):
            """Embeddings ``(B, 2, n, D)`` of the chosen frames of each pair's two sequences."""
            last = tf.gather(L, pairs)[..., None, None] - 1
            win = tf.clip_by_value(frames[..., None] + offsets, 0, last)      # (B, 2, n, k)
            seq = tf.broadcast_to(pairs[..., None, None], tf.shape(win))
            x = tf.gather_nd(X, tf.stack([seq, win], -1))                    # (B, 2, n, k, d)
            shape = tf.shape(x)
            z = model(tf.reshape(x, [-1, k, self.n_channels]), training=True)
            return tf.reshape(z, tf.concat([shape[:3], [-1]], 0))

        def pair_loss(X, L, pairs, frames):
            z = embed_frames(X, L, pairs, frames)
            t = tf.cast(frames, tf.float32)
            both = [cycle_losses(tf, z[:, a], z[:, 1 - a], t[:, a], temp, lam) for a in (0, 1)]
            return 0.5 * (both[0][which] + both[1][which])

        X_spec = tf.TensorSpec([None, None, self.n_channels], tf.float32)
        L_spec = tf.TensorSpec([None], tf.int32)

        @tf.function(input_signature=[X_spec, L_spec, tf.TensorSpec([None, None, 2], tf.int32),
                                      tf.TensorSpec([None, None, 2, None], tf.int32)])
        def train_chunk(X, L, pairs, frames):
            n_steps = tf.shape(pairs)[0]
            losses = tf.TensorArray(tf.float32, size=n_steps)
            for s in tf.range(n_steps):
                with tf.GradientTape() as tape:
                    loss = pair_loss(X, L, pairs[s], frames[s])
                opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
                losses = losses.write(s, loss)
            return losses.stack()

        @tf.function(input_signature=[X_spec, L_spec, tf.TensorSpec([None, 2], tf.int32),
                                      tf.TensorSpec([None, 2, None], tf.int32)])
        def eval_loss(X, L, pairs, frames):
            return pair_loss(X, L, pairs, frames)

        @tf.function(input_signature=[tf.TensorSpec([None, k, self.n_channels], tf.float32)])
        def encode(windows):
            return model(windows, training=False)

        self._train_chunk, self._eval_loss, self._encode = train_chunk, eval_loss, encode

    # -- data -----------------------------------------------------------------
    def _padded(self, sequences):
        seqs = [(np.asarray(s, np.float32) - self.mean_) / self.scale_ for s in sequences]
        for s in seqs:
            if s.ndim != 2 or s.shape[1] != self.n_channels:
                raise ValueError(f"a sequence has shape {s.shape}; expected (frames, "
                                 f"{self.n_channels}).")
        L = np.array([len(s) for s in seqs], np.int32)
        X = np.zeros((len(seqs), int(L.max()), self.n_channels), np.float32)
        for i, s in enumerate(seqs):
            X[i, :len(s)] = s
        return self.tf.constant(X), self.tf.constant(L), L

    @staticmethod
    def draw(rng, lengths, groups, n_steps, batch_pairs, n_frames):
        """Random pairs of different sequences of one group, and sorted random frames of each.

        Returns ``pairs`` ``(n_steps, batch_pairs, 2)`` and ``frames``
        ``(n_steps, batch_pairs, 2, n_frames)`` (int32), all from ``rng``.
        """
        groups = np.asarray(groups)
        order = np.argsort(groups, kind="stable")
        _, start, size = np.unique(groups[order], return_index=True, return_counts=True)
        gid = np.searchsorted(np.unique(groups), groups)
        pos = np.empty(len(groups), int)
        pos[order] = np.arange(len(groups)) - np.repeat(start, size)
        eligible = np.flatnonzero(size[gid] >= 2)
        first = eligible[rng.integers(0, len(eligible), (n_steps, batch_pairs))]
        g = gid[first]
        shift = rng.integers(1, np.maximum(size[g], 2))
        second = order[start[g] + (pos[first] + shift) % size[g]]
        pairs = np.stack([first, second], -1)
        L = np.asarray(lengths)[pairs]
        keys = rng.random(pairs.shape + (int(L.max()),))
        keys[np.arange(keys.shape[-1]) >= L[..., None]] = np.inf
        frames = np.sort(np.argsort(keys, axis=-1)[..., :n_frames], axis=-1)
        return pairs.astype(np.int32), frames.astype(np.int32)

    # -- training and embedding -------------------------------------------------
    def fit(self, sequences, groups=None, steps: int = 400, batch_pairs: int = 8,
            n_frames: int = 20, chunk: int = 100):
        """Train on random pairs of ``sequences`` (pairs within a group when ``groups`` is given)."""
        groups = np.zeros(len(sequences), int) if groups is None else np.asarray(groups)
        sizes = np.unique(groups, return_counts=True)[1]
        if len(sequences) < 2 or sizes.max() < 2:
            raise ValueError("TCC trains on pairs: pass at least two sequences of one group.")
        frames = np.concatenate([np.asarray(s, np.float32) for s in sequences])
        self.mean_ = frames.mean(axis=0)
        self.scale_ = frames.std(axis=0) + 1e-6
        X, L, lengths = self._padded(sequences)
        n_frames = int(min(n_frames, lengths.min()))
        self.batch_pairs_, self.n_frames_ = int(batch_pairs), n_frames
        rng = np.random.default_rng([self.seed, 1])
        done = 0
        while done < steps:
            n = min(chunk, steps - done)
            pairs, idx = self.draw(rng, lengths, groups, n, batch_pairs, n_frames)
            self.loss_history_ += self._train_chunk(X, L, self.tf.constant(pairs),
                                                    self.tf.constant(idx)).numpy().tolist()
            done += n
        return self

    def pair_loss(self, u, v) -> float:
        """This model's loss (all frames) of the pair ``u``, ``v`` (for tests and diagnostics)."""
        X, L, lengths = self._padded([u, v])
        n = int(lengths.min())
        frames = np.stack([np.round(np.linspace(0, lengths[i] - 1, n)) for i in (0, 1)])
        return float(self._eval_loss(X, L, self.tf.constant([[0, 1]], self.tf.int32),
                                     self.tf.constant(frames[None].astype(np.int32))))

    def embed(self, sequences) -> list[np.ndarray]:
        """Embeddings ``(T_i, D)`` of every frame of each sequence (one batched call)."""
        single = isinstance(sequences, np.ndarray)
        seqs = [sequences] if single else list(sequences)
        wins = [context_windows((np.asarray(s, np.float32) - self.mean_) / self.scale_,
                                self.context) for s in seqs]
        z = self._encode(self.tf.constant(np.concatenate(wins).astype(np.float32))).numpy()
        out = np.split(z.astype(np.float64), np.cumsum([len(w) for w in wins])[:-1])
        return out[0] if single else out

    def cycle_back(self, u_embedding, v_embedding):
        """``(alpha, beta)`` (NumPy) of the soft cycle ``u -> v -> u`` between two embeddings."""
        return cycle_back(u_embedding, v_embedding, self.temperature)


def cycle_back(u, v, temperature: float = 0.1):
    """``alpha`` ``(n, m)`` and ``beta`` ``(n, n)`` of ``u -> v -> u`` (TensorFlow, as in training)."""
    tf = tensorflow()
    u = tf.constant(np.asarray(u, np.float32))
    v = tf.constant(np.asarray(v, np.float32))
    logits, alpha_logits = cycle_logits(tf, u, v, float(temperature))
    return (tf.nn.softmax(alpha_logits, -1).numpy().astype(np.float64),
            tf.nn.softmax(logits, -1).numpy().astype(np.float64))
