"""Graph convolutional networks under a feature attack (TensorFlow 2 / Keras 3, lazily).

An adversary moves the features of a few "attacker" nodes so that a GCN's
prediction for a target node flips (in the style of Zügner et al. 2018). A
neural package above the AAD engine; ``import adlib.graph`` never imports
TensorFlow (the first GCN built does)::

    from adlib.graph import face_graph, GCN, attack, attack_all
    g = face_graph()                          # the original's face_top, 63 nodes
    model = GCN().fit(g)                      # 2 layers of 10, the original's training
    attack(model, target=20)                  # best attacker, feature, minimal flip
    attack_all(model)                         # every unlabeled node at once

Modules: :mod:`~adlib.graph.data` (graphs), :mod:`~adlib.graph.gcn` (the
network, ensembles), :mod:`~adlib.graph.adversarial` (adversarial training),
:mod:`~adlib.graph.attack`, :mod:`~adlib.graph.study` (the cached
many-targets study), :mod:`~adlib.graph.plots`, :mod:`~adlib.graph.report`.
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_EXPORTS = {
    "Graph": "data", "face_graph": "data", "sbm_graph": "data",
    "face_target_and_attackers": "data", "knn_adjacency": "data",
    "normalize_adjacency": "data",
    "GCN": "gcn", "AdversarialSettings": "adversarial",
    "attack": "attack", "attack_all": "attack", "AttackResult": "attack",
    "run_study": "study", "study_grid": "study", "study_frame": "study",
}
_SUBMODULES = ("data", "gcn", "adversarial", "attack", "study", "plots", "report")

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS, _SUBMODULES)
