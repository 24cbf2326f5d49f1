"""Adversarial training of a GCN (the original's ``AdversarialUpdater``).

In each epoch, with probability ``perturb_prob``, the training step sees
perturbed features: the ``n_vulnerable`` most uncertain nodes are taken as
targets; for each, ``n_sample_neighbors`` nodes within ``n_layers`` hops are
drawn as its attackers (an attacker already used this epoch is dropped); the
one with the largest absolute margin gradient ``g`` (as in the attack) moves
by ``epsilon * min(clip, |g|) * g``. After the step the features are restored.

"Most uncertain" is the smallest gap between the two largest predicted
probabilities. The original subtracts the two classes' *indices* instead
(``best_label - second_best_label``), so with two classes it picks the first
nodes predicted class 0 in node order: a bug, fixed here
(``margin="label_index"`` reproduces it). Its neighbour sampling also shuffles
an index array it then ignores, always taking the first three neighbours; here
they are drawn at random, as its docstring intends.

Plain epochs run in graph-side chunks between the perturbed ones; a
perturbed epoch costs one batched Jacobian (all targets at once) and one step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .attack import margin_gradients

MARGINS = ("probability", "label_index")


@dataclass(frozen=True)
class AdversarialSettings:
    """The settings the original's README uses for its adversarially trained figure."""

    n_vulnerable: int = 25
    n_sample_neighbors: int = 3
    perturb_prob: float = 0.1
    epsilon: float = 0.2
    clip: float = 2.0
    margin: str = "probability"

    def __post_init__(self):
        if self.margin not in MARGINS:
            raise ValueError(f"margin={self.margin!r}: use 'probability' (the fix) or "
                             "'label_index' (the original's bug)")
        if not 0.0 <= self.perturb_prob <= 1.0:
            raise ValueError(f"perturb_prob={self.perturb_prob} must lie in [0, 1]")


def most_uncertain(proba: np.ndarray, n: int, margin: str = "probability") -> np.ndarray:
    """The ``n`` nodes whose two most likely classes are closest (stable order)."""
    order = np.argsort(-proba, axis=1, kind="stable")
    best, second = order[:, 0], order[:, 1]
    rows = np.arange(len(proba))
    gap = (proba[rows, best] - proba[rows, second] if margin == "probability"
           else (best - second).astype(float))
    return np.argsort(gap, kind="stable")[:n], best, second


def perturbation(model, X: np.ndarray, settings: AdversarialSettings, rng,
                 hops: np.ndarray) -> tuple[np.ndarray, int]:
    """Perturbed features for one epoch and the number of attackers moved."""
    proba = model.predict_proba(X)
    targets, best, second = most_uncertain(proba, settings.n_vulnerable, settings.margin)
    grads = margin_gradients(model, targets, X, best[targets], second[targets])
    nodes = np.arange(len(X))
    moved: dict[int, np.ndarray] = {}
    for i, t in enumerate(targets):
        near = nodes[(hops[t] <= model.n_layers) & (nodes != t)]
        drawn = rng.permutation(near)[:settings.n_sample_neighbors]
        drawn = np.array([a for a in drawn if int(a) not in moved], dtype=int)
        if drawn.size == 0:
            continue
        g = grads[i, drawn]
        score = np.abs(g).max(axis=1)
        j = int(np.argmax(score))
        if score[j] > 0:
            moved[int(drawn[j])] = g[j]
    Xp = X.copy()
    for a, g in moved.items():
        Xp[a] += settings.epsilon * min(settings.clip, float(np.linalg.norm(g))) * g
    return Xp, len(moved)


def train_adversarially(model, settings: AdversarialSettings) -> int:
    """Run ``model``'s training loop with perturbed epochs; returns how many were perturbed."""
    tf = model.tf
    rng = np.random.default_rng([model.seed, 3])
    schedule = np.flatnonzero(rng.random(model.n_epochs) < settings.perturb_prob)
    hops = model.graph_.hops()
    X = model.X_
    Xt = tf.constant(X)
    n_perturbed = 0
    epoch = 0
    for e in list(schedule) + [model.n_epochs]:
        epoch = int(model._train(Xt, tf.constant(int(e), tf.int64)))
        if epoch < e or epoch >= model.n_epochs:      # converged, or out of epochs
            break
        Xp, _ = perturbation(model, X, settings, rng, hops)
        epoch = int(model._train(tf.constant(Xp), tf.constant(epoch + 1, tf.int64)))
        n_perturbed += 1
        if not bool(tf.reduce_any(model._active)):
            break
    return n_perturbed
