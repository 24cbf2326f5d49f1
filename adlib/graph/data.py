"""Graphs to attack: the original's ``face_top`` and a seeded stochastic block model.

``face_top`` (the original's ``gcn_test_support.read_dataset``) comes from the
registered ``face`` data (``face_with_anoms.csv``): both columns divided by
their range over all 310 rows; the mouth dropped; classes right eye (0) and
left eye (1); the ten anomalies (the nose, between the eyes) kept as nodes that
are never labeled; 30% of the 210 remaining rows sampled (63 nodes), 30% of
those labeled. The graph joins each node to its 5 nearest neighbours (itself
included) on the centred, range-scaled coordinates: binary, symmetric, with
self-loops. The face's right eye is the one on the viewer's left (``face.csv``
part 1, x below half the range), its left eye part 2; part 3 is the mouth.

The block model has nothing to do with 2-D geometry: edges are drawn between
classes with fixed probabilities, features from class-dependent Gaussians.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

#: ``face.csv`` part -> class of ``face_top`` (the mouth, 3, is dropped; 0 marks the anomalies)
FACE_PARTS = {1: "right eye", 2: "left eye", 3: "mouth", 0: "nose"}
NOSE = -1  # the label of nodes outside the model's classes


@dataclass(frozen=True, eq=False)
class Graph:
    """A partly labeled graph.

    ``features`` (n, d) float32; ``labels`` (n,) the true class of every node
    (``-1``: none of the model's classes, the face's nose); ``labeled`` (n,)
    bool, the nodes whose labels training sees; ``adjacency`` binary,
    symmetric, with self-loops (``scipy.sparse`` CSR); ``class_names``.
    """

    features: np.ndarray
    labels: np.ndarray
    labeled: np.ndarray
    adjacency: sp.csr_matrix
    class_names: tuple
    name: str
    seed: int | None = None

    @property
    def n_nodes(self) -> int:
        return int(self.features.shape[0])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def train_labels(self) -> np.ndarray:
        """Labels as training sees them: the class where labeled, ``-1`` elsewhere."""
        return np.where(self.labeled, self.labels, -1)

    @property
    def normalized(self) -> sp.csr_matrix:
        return normalize_adjacency(self.adjacency)

    def hops(self) -> np.ndarray:
        """Hop distances between all pairs of nodes (``inf`` when not connected)."""
        return hop_matrix(self.adjacency)

    def edges(self) -> np.ndarray:
        """The undirected edges ``(i, j)`` with ``i < j`` (self-loops left out)."""
        upper = sp.triu(self.adjacency, k=1).tocoo()
        return np.column_stack([upper.row, upper.col])


def normalize_adjacency(A) -> sp.csr_matrix:
    """``D^-1/2 A D^-1/2`` with ``D`` the row sums of ``A`` (self-loops included)."""
    A = sp.csr_matrix(A, dtype=np.float64)
    deg = np.asarray(A.sum(axis=1)).ravel()
    if np.any(deg <= 0):
        raise ValueError(f"{int(np.sum(deg <= 0))} node(s) have no edge and no self-loop. "
                         "Fix: add self-loops (A + I) before normalising.")
    d = sp.diags(1.0 / np.sqrt(deg))
    return sp.csr_matrix(d @ A @ d)


def hop_matrix(A) -> np.ndarray:
    """Unweighted shortest-path lengths (``inf`` between unconnected nodes)."""
    A = sp.csr_matrix(A)
    return shortest_path(A, unweighted=True, directed=False)


def knn_adjacency(x, n_neighbors: int = 5) -> sp.csr_matrix:
    """The original's graph: each node joined to its ``n_neighbors`` nearest (itself included).

    Distances on the coordinates centred and divided by their range (as the
    original's ``GraphAdjacency.build_adjacency``); binary, made symmetric,
    plus self-loops.
    """
    x = np.asarray(x, dtype=np.float64)
    xc = x - x.mean(axis=0)
    span = xc.max(axis=0) - xc.min(axis=0)
    xc = xc / np.where(span > 0, span, 1.0)        # a constant column stays 0
    d = np.sqrt(((xc[:, None, :] - xc[None, :, :]) ** 2).sum(-1))
    n = len(x)
    nearest = np.argsort(d, axis=1, kind="stable")[:, :n_neighbors]
    rows = np.repeat(np.arange(n), n_neighbors)
    cols = nearest.ravel()
    keep = rows != cols
    A = np.zeros((n, n))
    A[rows[keep], cols[keep]] = 1.0
    A = np.maximum(A, A.T) + np.eye(n)
    return sp.csr_matrix(A)


def _face_points(download: bool = True):
    from ..datasets import load_dataset

    ds = load_dataset("face", download=download)
    X = np.asarray(ds.X, dtype=np.float64)
    x = X / (X.max(axis=0) - X.min(axis=0))        # the original's load_face_data
    parts = np.asarray(ds.orig_labels)
    # the original labels the parts by position; the file's parts must agree
    eyes = x[:, 1] > 0.6
    by_position = np.where(ds.y == 1, 0, np.where(~eyes, 3, np.where(x[:, 0] < 0.5, 1, 2)))
    if not np.array_equal(by_position, parts):
        raise ValueError("The face data's parts do not match the original's positions "
                         "(eyes above 0.6, right eye left of 0.5). Fix: reload the 'face' data.")
    return x, parts


def face_graph(seed: int | None = None, sample_frac: float = 0.3, labeled_frac: float = 0.3,
               n_neighbors: int = 5, download: bool = True) -> Graph:
    """The original's ``face_top`` graph (63 nodes, 18 labeled, 2 classes).

    ``seed=None`` reproduces the original's sample exactly: its rows from
    ``RandomState(40)`` and its labeled nodes from NumPy's global generator
    right after ``np.random.seed(43)`` (its ``set_random_seeds(42, 43, 44)``).
    An integer seed draws both from ``numpy.random.default_rng(seed)``.
    """
    x, parts = _face_points(download)
    keep = np.flatnonzero(parts != 3)              # drop the mouth, keep file order
    x, parts = x[keep], parts[keep]
    n_sample = int(len(x) * sample_frac)
    if seed is None:
        order = np.arange(len(x), dtype=np.int32)
        np.random.RandomState(40).shuffle(order)
        idx = order[:n_sample]
        lab_order = np.arange(n_sample, dtype=np.int32)
        np.random.RandomState(43).shuffle(lab_order)
        lab = lab_order[:int(n_sample * labeled_frac)]
    else:
        rng = np.random.default_rng(seed)
        idx = rng.permutation(len(x))[:n_sample]
        lab = rng.permutation(n_sample)[:int(n_sample * labeled_frac)]
    x, parts = x[idx], parts[idx]
    labels = np.select([parts == 1, parts == 2], [0, 1], default=NOSE).astype(np.int64)
    labeled = np.zeros(n_sample, bool)
    labeled[lab] = True
    labeled &= labels >= 0                         # the nose is never labeled
    return Graph(x.astype(np.float32), labels, labeled, knn_adjacency(x, n_neighbors),
                 ("right eye", "left eye"), "face_top", seed)


def face_target_and_attackers(graph: Graph) -> tuple[int, np.ndarray]:
    """The original's illustration: its target node and attacker nodes, by position.

    Target: the first node with x in [0.4, 0.5) and y in [0.9, 1.0) (the right
    eye's inner edge); attackers: the nodes with x in [0.6, 0.95) and y in
    [0.8, 0.95) (the lower part of the left eye).
    """
    x = graph.features

    def inside(xr, yr):
        return np.flatnonzero((x[:, 0] >= xr[0]) & (x[:, 0] < xr[1])
                              & (x[:, 1] >= yr[0]) & (x[:, 1] < yr[1]))

    targets = inside((0.4, 0.5), (0.9, 1.0))
    if targets.size == 0:
        raise ValueError(f"No node of {graph.name} (seed {graph.seed}) lies where the original's "
                         "target does. Fix: use face_graph() (seed=None), the original's sample.")
    return int(targets[0]), inside((0.6, 0.95), (0.8, 0.95))


def sbm_graph(seed: int = 0, n_per_class=(30, 30, 30), p_in: float = 0.15, p_out: float = 0.02,
              n_features: int = 4, separation: float = 1.0, noise: float = 1.0,
              labeled_frac: float = 0.3) -> Graph:
    """A stochastic block model: classes of nodes, edges inside a class with ``p_in``,
    between classes with ``p_out``; features ``separation * e_class + noise * N(0, I)``.

    Self-loops are added; an isolated node gets an edge to a random member of
    its class, so every node can be reached. Labeled nodes: ``labeled_frac`` of
    each class (at least one).
    """
    n_per_class = tuple(int(k) for k in n_per_class)
    if len(n_per_class) > n_features:
        raise ValueError(f"{len(n_per_class)} classes need n_features >= {len(n_per_class)}")
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(n_per_class)), n_per_class)
    n = len(labels)
    P = np.where(labels[:, None] == labels[None, :], p_in, p_out)
    upper = np.triu(rng.random((n, n)) < P, k=1)
    A = (upper | upper.T).astype(np.float64)
    for i in np.flatnonzero(A.sum(axis=1) == 0):
        same = np.flatnonzero((labels == labels[i]) & (np.arange(n) != i))
        j = rng.choice(same)
        A[i, j] = A[j, i] = 1.0
    A += np.eye(n)
    means = separation * np.eye(len(n_per_class), n_features)
    X = means[labels] + noise * rng.standard_normal((n, n_features))
    labeled = np.zeros(n, bool)
    for c in range(len(n_per_class)):
        members = np.flatnonzero(labels == c)
        k = max(1, int(round(labeled_frac * len(members))))
        labeled[rng.choice(members, k, replace=False)] = True
    names = tuple(f"block {c}" for c in range(len(n_per_class)))
    return Graph(X.astype(np.float32), labels.astype(np.int64), labeled, sp.csr_matrix(A),
                 names, "block model", seed)
