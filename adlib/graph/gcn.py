"""Graph convolutional networks (Kipf & Welling 2017) in Keras 3, trained transductively.

A GCN layer is ``A_hat H W`` (``A_hat = D^-1/2 A D^-1/2``, a ``tf.sparse``
matrix, no bias), optionally followed by dense "sub-layers" ``H W + b``; every
sub-layer but the very last has the activation (leaky ReLU by default), the
last gives the logits. The original's settings are the defaults
(``graph/simple_gcn.py``): 2 layers of 10 units, kernels from a normal
truncated at two standard deviations of ``2 / sqrt(n_in)``, plain gradient
descent with learning rate 0.1 decayed by 0.96 every 200 steps, L2 ``1e-3``
on all weights (``sum(w**2) / 2``), up to 5000 epochs, stopping when the loss
differs from the mean of the previous 20 by less than ``1e-4``.

Every network has a member axis: ``n_members=1`` is one GCN, more make the
original's edge-sampled ensemble (each member sees ``edge_fraction`` of the
undirected edges, logits averaged). The members' adjacency matrices form one
block-diagonal sparse matrix and their weights are stacked, so all members
train in the same steps; each member stops on its own loss. Inputs may carry
a batch axis (``(B, n, d)``): ``B`` copies of the graph with different
features go through in one pass, which is what the batched attack uses.

Training runs inside ``tf.function``: a graph-side loop over the epochs (one
call for all 5000 epochs without adversarial training). Adversarial training
(:mod:`adlib.graph.adversarial`) interleaves graph-side chunks of plain epochs
with perturbed epochs.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._tf import tensorflow
from .data import Graph, normalize_adjacency

ACTIVATIONS = ("leaky_relu", "relu", "tanh", "sigmoid", "none")


def sample_edges(A, fraction: float, rng) -> sp.csr_matrix:
    """``fraction`` of the undirected edges of ``A`` (drawn without replacement), plus self-loops."""
    upper = sp.triu(sp.csr_matrix(A), k=1).tocoo()
    m = len(upper.row)
    keep = rng.permutation(m)[:int(fraction * m)]
    n = A.shape[0]
    B = sp.coo_matrix((np.ones(len(keep)), (upper.row[keep], upper.col[keep])), shape=(n, n))
    return sp.csr_matrix(B + B.T + sp.eye(n))


class GCN:
    """A (possibly edge-sampled ensemble of) GCN(s); see the module docstring.

    ``fit(graph)`` trains on ``graph.train_labels``; afterwards ``logits(X)``
    (NumPy, ``X`` of shape ``(n, d)`` or ``(B, n, d)``, default the graph's
    features) gives the members' mean logits, ``predict`` the classes.
    ``epochs_`` holds the epochs each member ran.
    """

    def __init__(self, n_layers: int = 2, n_sub_layers: int = 1, n_units: int = 10,
                 activation: str = "leaky_relu", learning_rate: float = 0.1,
                 decay_rate: float = 0.96, decay_steps: int = 200, l2_lambda: float = 1e-3,
                 n_epochs: int = 5000, tol: float = 1e-4, window: int = 20, n_members: int = 1,
                 edge_fraction: float = 0.6, adversarial=None, seed: int = 0):
        if n_layers < 1 or n_sub_layers < 1 or n_members < 1:
            raise ValueError(f"n_layers={n_layers}, n_sub_layers={n_sub_layers} and "
                             f"n_members={n_members} must all be at least 1")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation={activation!r}: use one of {ACTIVATIONS}")
        if not 0.0 < edge_fraction <= 1.0:
            raise ValueError(f"edge_fraction={edge_fraction} must lie in (0, 1]")
        self.n_layers, self.n_sub_layers, self.n_units = int(n_layers), int(n_sub_layers), int(n_units)
        self.activation = activation
        self.learning_rate, self.decay_rate, self.decay_steps = learning_rate, decay_rate, decay_steps
        self.l2_lambda, self.n_epochs, self.tol, self.window = l2_lambda, int(n_epochs), tol, window
        self.n_members, self.edge_fraction = int(n_members), float(edge_fraction)
        self.adversarial = adversarial
        self.seed = int(seed)

    # -- structure ------------------------------------------------------------
    def describe(self) -> str:
        kind = (f"ensemble of {self.n_members} GCNs" if self.n_members > 1 else
                "adversarially trained GCN" if self.adversarial is not None else "GCN")
        subs = f", {self.n_sub_layers} sub-layers per layer" if self.n_sub_layers > 1 else ""
        each = " each" if self.n_members > 1 else ""
        return f"{kind}, {self.n_layers} layers{subs}{each} ({self.activation.replace('_', ' ')})"

    def _sub_layers(self, d: int, n_classes: int):
        """``(n_in, n_out, is_graph_convolution, has_activation)`` of every sub-layer in order."""
        out, n_in = [], d
        for layer in range(self.n_layers):
            for sub in range(self.n_sub_layers):
                last = layer == self.n_layers - 1 and sub == self.n_sub_layers - 1
                n_out = n_classes if last else self.n_units
                out.append((n_in, n_out, sub == 0, not last))
                n_in = n_out
        return out

    def _build(self, graph: Graph):
        tf = tensorflow()
        import keras

        keras.utils.set_random_seed(self.seed)
        self.tf, self.n_classes_ = tf, graph.n_classes
        self.n_nodes_, self.n_features_ = graph.n_nodes, graph.features.shape[1]
        rng = np.random.default_rng([self.seed, 2])
        if self.n_members > 1:
            adj = [sample_edges(graph.adjacency, self.edge_fraction, rng)
                   for _ in range(self.n_members)]
        else:
            adj = [sp.csr_matrix(graph.adjacency)]
        self.adjacency_ = adj
        block = sp.block_diag([normalize_adjacency(a) for a in adj]).tocoo()
        order = np.lexsort((block.col, block.row))
        self._A = tf.sparse.SparseTensor(
            np.column_stack([block.row[order], block.col[order]]).astype(np.int64),
            block.data[order].astype(np.float32), block.shape)
        self.layers_ = self._sub_layers(self.n_features_, self.n_classes_)
        self.weights_, self.biases_ = [], []
        M = self.n_members
        for k, (n_in, n_out, conv, _) in enumerate(self.layers_):
            init = keras.initializers.TruncatedNormal(stddev=2.0 / np.sqrt(n_in),
                                                      seed=self.seed * 1000 + k)
            self.weights_.append(keras.Variable(init((M, n_in, n_out)), name=f"W{k}"))
            self.biases_.append(None if conv else
                                keras.Variable(np.zeros((M, 1, n_out), np.float32), name=f"b{k}"))
        self.variables_ = [v for v in self.weights_ + self.biases_ if v is not None]
        act = {"leaky_relu": tf.nn.leaky_relu, "relu": tf.nn.relu, "tanh": tf.tanh,
               "sigmoid": tf.sigmoid, "none": tf.identity}[self.activation]
        self._act = act
        self._compile_predict()

    # -- forward ----------------------------------------------------------------
    def _propagate(self, H):
        """``A_hat`` applied to every member's block of ``H`` (``(B, M, n, h)``), one sparse matmul."""
        tf = self.tf
        B, h = tf.shape(H)[0], tf.shape(H)[3]
        M, n = self.n_members, self.n_nodes_
        T = tf.reshape(tf.transpose(H, [1, 2, 0, 3]), [M * n, B * h])
        T = tf.sparse.sparse_dense_matmul(self._A, T)
        return tf.transpose(tf.reshape(T, [M, n, B, h]), [2, 0, 1, 3])

    def _forward(self, X):
        """Member logits ``(B, M, n, C)`` of a batch of feature matrices ``(B, n, d)``."""
        tf = self.tf
        H = None
        for k, (_, _, conv, has_act) in enumerate(self.layers_):
            W = self.weights_[k]
            H = (tf.einsum("bnd,mdh->bmnh", X, W) if H is None
                 else tf.einsum("bmnk,mkh->bmnh", H, W))
            H = self._propagate(H) if conv else H + self.biases_[k]
            if has_act:
                H = self._act(H)
        return H

    def _mean_logits(self, X):
        return self.tf.reduce_mean(self._forward(X), axis=1)

    def _losses(self, X, idx, onehot):
        """Every member's loss ``(M,)``: mean cross-entropy on the labeled nodes + L2."""
        tf = self.tf
        z = tf.gather(self._forward(X[None])[0], idx, axis=1)           # (M, L, C)
        ce = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
            labels=tf.broadcast_to(onehot, tf.shape(z)), logits=z), axis=1)
        l2 = tf.add_n([tf.reduce_sum(tf.square(v), axis=[1, 2]) / 2.0 for v in self.variables_])
        return ce + self.l2_lambda * l2

    # -- training ---------------------------------------------------------------
    def _make_trainer(self, idx, onehot):
        tf, M, w = self.tf, self.n_members, int(self.window)
        self._epoch = tf.Variable(0, dtype=tf.int64)
        self._active = tf.Variable(tf.ones([M], tf.bool))
        self._history = tf.Variable(tf.zeros([M, w], tf.float32))
        self._ran = tf.Variable(tf.zeros([M], tf.int64))
        self._last_loss = tf.Variable(tf.zeros([M], tf.float32))
        idx, onehot = tf.constant(idx, tf.int32), tf.constant(onehot, tf.float32)
        lr0, rate = float(self.learning_rate), float(self.decay_rate)
        steps, tol = float(self.decay_steps), float(self.tol)

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32),
                                      tf.TensorSpec([], tf.int64)])
        def train(X, until):
            while self._epoch < until and tf.reduce_any(self._active):
                e = self._epoch
                active = tf.cast(self._active, tf.float32)
                with tf.GradientTape() as tape:
                    losses = self._losses(X, idx, onehot)
                    total = tf.reduce_sum(losses * active)
                grads = tape.gradient(total, self.variables_)
                lr = lr0 * tf.pow(rate, tf.floor(tf.cast(e, tf.float32) / steps))
                for v, g in zip(self.variables_, grads, strict=True):
                    v.assign_sub(lr * g)
                slot = tf.cast(e % w, tf.int32)
                mean_prev = tf.reduce_mean(self._history, axis=1)
                converged = (e >= w) & (tf.abs(losses - mean_prev) < tol)
                self._ran.assign_add(tf.cast(self._active, tf.int64))
                self._last_loss.assign(tf.where(self._active, losses, self._last_loss))
                self._active.assign(self._active & ~converged)
                hist = tf.tensor_scatter_nd_update(
                    tf.transpose(self._history), [[slot]], [losses])
                self._history.assign(tf.transpose(hist))
                self._epoch.assign_add(1)
            return self._epoch

        self._train = train

    def fit(self, graph: Graph) -> GCN:
        """Train on ``graph``'s labeled nodes (features and adjacency are kept for prediction)."""
        y = graph.train_labels
        idx = np.flatnonzero(y >= 0)
        if idx.size == 0:
            raise ValueError(f"{graph.name} has no labeled node. Fix: label some nodes "
                             "(Graph.labeled) before training.")
        self._build(graph)
        self.graph_ = graph
        self.X_ = np.asarray(graph.features, np.float32)
        onehot = np.eye(graph.n_classes, dtype=np.float32)[y[idx]]
        self._make_trainer(idx, onehot)
        tf = self.tf
        if self.adversarial is None:
            self._train(tf.constant(self.X_), tf.constant(self.n_epochs, tf.int64))
        else:
            from .adversarial import train_adversarially

            self.perturbed_epochs_ = train_adversarially(self, self.adversarial)
        self.epochs_ = self._ran.numpy().astype(int)
        self.final_loss_ = self._last_loss.numpy().astype(float)
        return self

    # -- prediction -------------------------------------------------------------
    def _compile_predict(self):
        tf = self.tf

        @tf.function(input_signature=[tf.TensorSpec([None, None, None], tf.float32)])
        def batch_logits(Xb):
            return self._mean_logits(Xb)

        self._batch_logits = batch_logits

    def logits(self, X=None) -> np.ndarray:
        """Mean logits over the members, ``(n, C)`` (or ``(B, n, C)`` for a batch ``(B, n, d)``)."""
        X = self.X_ if X is None else np.asarray(X, np.float32)
        single = X.ndim == 2
        out = self._batch_logits(self.tf.constant(X[None] if single else X)).numpy()
        return out[0] if single else out

    def predict_proba(self, X=None) -> np.ndarray:
        z = self.logits(X)
        z = z - z.max(axis=-1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=-1, keepdims=True)

    def predict(self, X=None) -> np.ndarray:
        return np.argmax(self.logits(X), axis=-1)

    def accuracy(self, which: str = "labeled") -> float:
        """Accuracy on the ``"labeled"`` or the ``"unlabeled"`` nodes of known class."""
        g = self.graph_
        mask = g.labeled if which == "labeled" else (~g.labeled & (g.labels >= 0))
        return float(np.mean(self.predict()[mask] == g.labels[mask]))

    def weights(self) -> list[np.ndarray]:
        return [v.numpy().copy() for v in self.variables_]
