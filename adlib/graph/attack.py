"""The feature attack on a trained GCN (in the style of Zügner et al. 2018, "Nettack").

For a target node ``t`` the model predicts class ``c1`` (best) and ranks
``c2`` second. The attack's objective is the logit margin ``z_t[c2] - z_t[c1]``;
its gradient with respect to every attacker's features says which attacker
and which feature move the target most. The attacker and feature with the
largest absolute gradient are chosen, and a binary search finds the smallest
step ``s`` in ``[0, 5]`` (at most 20 halvings, stopping once the bracket is
narrower than ``0.01``, the original's ``find_minimum_modification``) such
that moving the attacker by ``s * g_f e_f`` flips the target's prediction;
the model is not retrained. ``direction="gradient"`` moves along the
attacker's whole gradient ``s * g`` instead. The change reported is the
distance moved, ``|s g_f|`` (or ``s |g|``).

Two ways to run it, with the same answers:

* :func:`attack` — one target: one gradient tape, one forward pass per step
  of the search (the original's way, here the reference);
* :func:`attack_all` — every target at once: one backward pass over ``T``
  copies of the graph gives the ``(T, n, d)`` Jacobian of all targets'
  margins, and one batched forward pass per halving searches all targets
  together (no Python loop over targets).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LOW, HIGH, MAX_ITERS, TOL = 0.0, 5.0, 20, 1e-2
DIRECTIONS = ("feature", "gradient")


@dataclass
class AttackResult:
    """One target's attack: the gradients of every candidate attacker and the minimal flip."""

    target: int
    old_label: int
    new_label: int
    attackers: np.ndarray          # candidate attackers
    gradients: np.ndarray          # (len(attackers), d): d margin / d features
    attacker: int | None           # the chosen attacker (None: every gradient is zero)
    feature: int | None
    direction: np.ndarray | None   # the search direction (d,)
    step: float                    # the smallest flipping step s (NaN: none within [0, 5])
    distance: float                # |s * direction| (NaN when no flip)
    new_features: np.ndarray | None

    @property
    def flipped(self) -> bool:
        return bool(np.isfinite(self.step))

    def gradient_of(self, node: int) -> np.ndarray:
        return self.gradients[int(np.flatnonzero(self.attackers == node)[0])]


def top_two(model, X=None) -> tuple[np.ndarray, np.ndarray]:
    """Every node's predicted class and its second-ranked class."""
    order = np.argsort(-model.logits(X), axis=-1, kind="stable")
    return order[..., 0], order[..., 1]


def candidate_mask(model, targets, attackers=None, within_hops: bool = False) -> np.ndarray:
    """``(T, n)`` bool: which nodes may attack each target (never the target itself).

    ``attackers``: a fixed list for every target (default: every node);
    ``within_hops``: only nodes at most ``model.n_layers`` hops from the target.
    """
    n = model.n_nodes_
    targets = np.atleast_1d(np.asarray(targets, dtype=int))
    mask = np.ones((len(targets), n), bool)
    if attackers is not None:
        mask[:] = False
        mask[:, np.asarray(attackers, dtype=int)] = True
    mask[np.arange(len(targets)), targets] = False
    if within_hops:
        mask &= model.graph_.hops()[targets] <= model.n_layers
    return mask


def _functions(model):
    """The model's compiled gradient functions (built once per model)."""
    fns = getattr(model, "_attack_fns", None)
    if fns is not None:
        return fns
    tf = model.tf
    spec_X = tf.TensorSpec([None, None], tf.float32)
    spec_i = tf.TensorSpec([None], tf.int32)

    @tf.function(input_signature=[spec_X, spec_i, spec_i, spec_i])
    def batched(X, targets, best, second):
        """d margin_t / d X for every target t, from one pass over T copies of the graph."""
        Xb = tf.tile(X[None], [tf.shape(targets)[0], 1, 1])
        with tf.GradientTape() as tape:
            tape.watch(Xb)
            zt = tf.gather(model._mean_logits(Xb), targets, axis=1, batch_dims=1)   # (T, C)
            margin = (tf.gather(zt, second, axis=1, batch_dims=1)
                      - tf.gather(zt, best, axis=1, batch_dims=1))
            total = tf.reduce_sum(margin)
        return tape.gradient(total, Xb)

    @tf.function(input_signature=[spec_X, tf.TensorSpec([], tf.int32),
                                  tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.int32)])
    def single(X, target, best, second):
        with tf.GradientTape() as tape:
            tape.watch(X)
            z = model._mean_logits(X[None])[0]
            margin = z[target, second] - z[target, best]
        return tape.gradient(margin, X)

    model._attack_fns = (batched, single)
    return model._attack_fns


def margin_gradients(model, targets, X=None, best=None, second=None) -> np.ndarray:
    """``(T, n, d)``: the gradient of each target's margin ``z[c2] - z[c1]`` w.r.t. all features."""
    X = model.X_ if X is None else np.asarray(X, np.float32)
    targets = np.atleast_1d(np.asarray(targets, dtype=np.int32))
    if best is None or second is None:
        b, s = top_two(model, X)
        best, second = b[targets], s[targets]
    tf = model.tf
    g = _functions(model)[0](tf.constant(X), tf.constant(targets),
                             tf.constant(np.asarray(best, np.int32)),
                             tf.constant(np.asarray(second, np.int32)))
    return g.numpy()


def bisect_steps(flips, n: int, low=LOW, high=HIGH, max_iters=MAX_ITERS, tol=TOL) -> np.ndarray:
    """The original's binary search, for ``n`` searches at once.

    ``flips(steps)`` -> bool array: does the step flip each target? Starts at
    0.5; after a flip the upper end moves down, otherwise the lower end up;
    a search ends when a flip lands within ``tol`` of the upper end. Returns
    the last flipping step of each search (NaN where none flipped).
    """
    lo, hi = np.full(n, float(low)), np.full(n, float(high))
    step, found = np.full(n, 0.5), np.full(n, np.nan)
    done = np.zeros(n, bool)
    for _ in range(int(max_iters)):
        if done.all():
            break
        flipped = np.asarray(flips(step), bool) & ~done
        kept = ~done & ~flipped
        found[flipped] = step[flipped]
        done |= flipped & (hi - step < tol)
        hi = np.where(flipped & ~done, step, hi)
        lo = np.where(kept, step, lo)
        step = np.where(done, step, (lo + hi) / 2)
    return found


def _choose(grads: np.ndarray, mask: np.ndarray, direction: str):
    """Best attacker and feature of each target (largest |gradient|); -1 where all are zero."""
    score = np.where(mask[..., None], np.abs(grads), 0.0)        # (T, n, d)
    flat = score.reshape(len(score), -1).argmax(axis=1)
    attacker, feature = np.divmod(flat, grads.shape[2])
    rows = np.arange(len(score))
    ok = score[rows, attacker, feature] > 0
    g = grads[rows, attacker]                                     # (T, d)
    if direction == "feature":
        vec = np.zeros_like(g)
        vec[rows, feature] = g[rows, feature]
    else:
        vec = g
    return np.where(ok, attacker, -1), np.where(ok, feature, -1), vec


def _check_direction(direction):
    if direction not in DIRECTIONS:
        raise ValueError(f"direction={direction!r}: use 'feature' (the best feature only, as "
                         "Nettack and the original) or 'gradient' (the attacker's whole gradient)")


def attack(model, target: int, attackers=None, within_hops: bool = False,
           direction: str = "feature", X=None) -> AttackResult:
    """Attack one target (the reference implementation: one tape, one search)."""
    _check_direction(direction)
    tf = model.tf
    X = (model.X_ if X is None else np.asarray(X, np.float32)).copy()
    target = int(target)
    best, second = top_two(model, X)
    old, new = int(best[target]), int(second[target])
    mask = candidate_mask(model, [target], attackers, within_hops)
    grads = _functions(model)[1](tf.constant(X), tf.constant(target, tf.int32),
                                 tf.constant(old, tf.int32), tf.constant(new, tf.int32)).numpy()
    cand = np.flatnonzero(mask[0])
    a, f, vec = _choose(grads[None], mask, direction)
    a, f, vec = int(a[0]), int(f[0]), vec[0]
    if a < 0:
        return AttackResult(target, old, new, cand, grads[cand], None, None, None,
                            float("nan"), float("nan"), None)

    def flips(step):
        Xm = X.copy()
        Xm[a] = X[a] + step[0] * vec
        return np.array([int(np.argmax(model.logits(Xm)[target])) != old])

    step = float(bisect_steps(flips, 1)[0])
    flipped = np.isfinite(step)
    return AttackResult(target, old, new, cand, grads[cand], a, f, vec, step,
                        float(step * np.linalg.norm(vec)) if flipped else float("nan"),
                        X[a] + step * vec if flipped else None)


def attack_all(model, targets=None, attackers=None, within_hops: bool = False,
               direction: str = "feature", X=None) -> pd.DataFrame:
    """Attack every target at once (default: every unlabeled node); one row per target.

    Columns: ``target``, ``old_label``, ``attacker`` (-1: no attacker with a
    non-zero gradient), ``feature``, ``gradient`` (the chosen component),
    ``hops`` (attacker to target), ``step`` and ``distance`` (NaN: no flip
    within the search range) and ``flipped``.
    """
    _check_direction(direction)
    X = model.X_ if X is None else np.asarray(X, np.float32)
    if targets is None:
        targets = np.flatnonzero(~model.graph_.labeled)
    targets = np.atleast_1d(np.asarray(targets, dtype=int))
    best, second = top_two(model, X)
    old = best[targets]
    grads = margin_gradients(model, targets, X, old, second[targets])
    mask = candidate_mask(model, targets, attackers, within_hops)
    a, f, vec = _choose(grads, mask, direction)
    T = len(targets)
    rows = np.arange(T)
    ok = a >= 0
    a_safe = np.where(ok, a, targets)

    def flips(step):
        Xb = np.repeat(X[None], T, axis=0)
        Xb[rows, a_safe] += step[:, None] * vec
        z = model.logits(Xb)[rows, targets]
        return (np.argmax(z, axis=1) != old) & ok

    steps = bisect_steps(flips, T)
    hops = model.graph_.hops()[targets, a_safe]
    return pd.DataFrame({
        "target": targets, "old_label": old, "attacker": a, "feature": f,
        "gradient": np.where(ok, grads[rows, a_safe, np.maximum(f, 0)], 0.0),
        "hops": np.where(ok, hops, np.nan),
        "step": steps, "distance": steps * np.linalg.norm(vec, axis=1),
        "flipped": np.isfinite(steps)})
