"""adlib.graph: the face_top graph, GCNs, the feature attack (one target and batched).

Tests that train a network are marked ``deep`` (TensorFlow, the deep extra).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from adlib.graph.adversarial import AdversarialSettings, most_uncertain
from adlib.graph.attack import bisect_steps
from adlib.graph.data import (
    face_graph,
    face_target_and_attackers,
    hop_matrix,
    knn_adjacency,
    normalize_adjacency,
    sbm_graph,
)


def test_import_does_not_load_tensorflow():
    code = ("import sys, adlib.graph, adlib.graph.data, adlib.graph.attack, adlib.graph.report; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_face_graph_is_the_originals_face_top():
    g = face_graph()
    assert g.n_nodes == 63 and g.n_classes == 2
    # 18 nodes drawn for labels, one of them on the nose (never labeled)
    assert g.labeled.sum() == 17 and (g.labels == -1).sum() == 2
    assert not np.any(g.labeled & (g.labels < 0))
    A = g.adjacency.toarray()
    assert np.array_equal(A, A.T) and np.all(np.diag(A) == 1) and set(np.unique(A)) == {0, 1}
    assert np.all(A.sum(axis=1) >= 5)              # 4 neighbours besides itself, at least
    # classes by position: right eye left of half the range, left eye right of it
    eyes = g.labels >= 0
    assert np.all((g.features[eyes, 0] < 0.5) == (g.labels[eyes] == 0))
    target, attackers = face_target_and_attackers(g)
    H = g.hops()
    assert H[target, attackers].tolist() == [1.0, 5.0]   # a near and a far attacker
    assert np.array_equal(face_graph().features, g.features)          # no hidden randomness
    other = face_graph(seed=3)
    assert other.n_nodes == 63 and not np.array_equal(other.features, g.features)


def test_normalised_adjacency_and_hops():
    x = np.array([[0, 0], [1, 0], [2, 0], [10, 0], [11, 0]], float)
    A = knn_adjacency(x, n_neighbors=2)
    dense = A.toarray()
    assert dense[0, 1] == 1 and dense[3, 4] == 1 and dense[0, 3] == 0
    N = normalize_adjacency(A).toarray()
    d = dense.sum(axis=1)
    assert np.allclose(N, dense / np.sqrt(np.outer(d, d)))
    H = hop_matrix(A)
    assert H[0, 2] == 2 and np.isinf(H[0, 4])
    with pytest.raises(ValueError, match="self-loops"):
        normalize_adjacency(np.zeros((2, 2)))


def test_block_model_is_seeded_and_class_dependent():
    a, b = sbm_graph(seed=1), sbm_graph(seed=1)
    assert np.array_equal(a.features, b.features) and (a.adjacency != b.adjacency).nnz == 0
    assert a.n_classes == 3 and a.labeled.sum() == 27
    A = a.adjacency.toarray() - np.eye(a.n_nodes)
    same = a.labels[:, None] == a.labels[None, :]
    assert A[same].mean() > 4 * A[~same].mean()      # edges mostly inside a class
    means = np.array([a.features[a.labels == c].mean(axis=0) for c in range(3)])
    assert np.all(np.argmax(means, axis=1) == np.arange(3))
    assert not np.isinf(a.hops()).any()


def test_binary_search_finds_each_threshold():
    thresholds = np.array([0.3, 1.234, 4.2, 7.0])     # the last is out of range
    found = bisect_steps(lambda s: s >= thresholds, 4)
    assert np.isnan(found[3])
    assert np.all(found[:3] >= thresholds[:3]) and np.all(found[:3] - thresholds[:3] < 0.01)


def test_most_uncertain_uses_the_probability_margin():
    proba = np.array([[0.9, 0.1], [0.55, 0.45], [0.2, 0.8], [0.48, 0.52]])
    nodes, best, second = most_uncertain(proba, 2)
    assert sorted(nodes.tolist()) == [1, 3]
    bug, _, _ = most_uncertain(proba, 2, margin="label_index")   # the original's: class indices
    assert bug.tolist() == [0, 1]
    with pytest.raises(ValueError, match="probability"):
        AdversarialSettings(margin="labels")


# -- trained networks ---------------------------------------------------------------

@pytest.fixture(scope="module")
def face():
    return face_graph()


@pytest.fixture(scope="module")
def gcn2(face):
    from adlib.graph.gcn import GCN

    return GCN(seed=0).fit(face)


@pytest.mark.deep
def test_training_fits_the_labeled_nodes(gcn2):
    assert gcn2.accuracy("labeled") == 1.0
    assert gcn2.accuracy("unlabeled") >= 0.9
    assert 20 < gcn2.epochs_[0] < 5000                  # the loss-change stop ended it


@pytest.mark.deep
def test_two_layers_see_exactly_two_hops(gcn2, face):
    from adlib.graph.attack import margin_gradients

    target, _ = face_target_and_attackers(face)
    g = np.abs(margin_gradients(gcn2, [target])[0]).sum(axis=1)
    hops = face.hops()[target]
    assert np.all(g[hops > 2] == 0.0)
    assert np.all(g[hops <= 2] > 0.0)


@pytest.mark.deep
def test_six_layers_see_further(face):
    from adlib.graph.attack import attack
    from adlib.graph.gcn import GCN

    target, attackers = face_target_and_attackers(face)
    model = GCN(n_layers=6, seed=0).fit(face)
    r = attack(model, target)
    hops = face.hops()[target][r.attackers]
    size = np.abs(r.gradients).sum(axis=1)
    assert np.all(size[(hops >= 3) & (hops <= 6)] > 0) and np.all(size[hops > 6] == 0)
    assert np.abs(r.gradient_of(attackers[1])).sum() > 0     # the far attacker (5 hops)


@pytest.mark.deep
def test_minimal_change_flips_and_a_smaller_one_does_not(gcn2, face):
    from adlib.graph.attack import attack

    target, attackers = face_target_and_attackers(face)
    for direction in ("feature", "gradient"):
        r = attack(gcn2, target, attackers=attackers, direction=direction)
        assert r.flipped and r.attacker == attackers[0]
        X = face.features.copy()
        X[r.attacker] = r.new_features
        assert gcn2.predict(X)[target] != r.old_label
        X[r.attacker] = face.features[r.attacker] + 0.9 * r.step * r.direction
        assert gcn2.predict(X)[target] == r.old_label
    assert np.count_nonzero(attack(gcn2, target, direction="feature").direction) == 1


@pytest.mark.deep
def test_batched_attack_equals_one_target_attacks(gcn2):
    from adlib.graph.attack import attack, attack_all

    targets = np.flatnonzero(~gcn2.graph_.labeled)[:6]
    for kw in ({}, {"within_hops": True}, {"direction": "gradient"}):
        table = attack_all(gcn2, targets, **kw)
        for row, t in zip(table.itertuples(), targets, strict=True):
            one = attack(gcn2, t, **kw)
            assert row.attacker == one.attacker and row.feature == one.feature
            assert np.isclose(row.gradient, one.gradients[one.attackers == one.attacker][0,
                                                                                       one.feature],
                              rtol=1e-4, atol=1e-6)
            assert (np.isnan(row.step) and not one.flipped) or np.isclose(row.step, one.step)


@pytest.mark.deep
def test_training_is_deterministic(face, gcn2):
    from adlib.graph.gcn import GCN

    again = GCN(seed=0).fit(face)
    assert all(np.array_equal(a, b) for a, b in zip(gcn2.weights(), again.weights(), strict=True))
    adv = [GCN(adversarial=AdversarialSettings(), n_epochs=300, seed=1).fit(face)
           for _ in range(2)]
    assert adv[0].perturbed_epochs_ > 0
    assert all(np.array_equal(a, b)
               for a, b in zip(adv[0].weights(), adv[1].weights(), strict=True))


@pytest.mark.deep
def test_ensemble_members_see_sampled_edges(face):
    from adlib.graph.gcn import GCN

    model = GCN(n_members=3, seed=0).fit(face)
    n_edges = face.edges().shape[0]
    for A in model.adjacency_:
        assert (A.nnz - face.n_nodes) // 2 == int(0.6 * n_edges)
    assert (model.adjacency_[0] != model.adjacency_[1]).nnz > 0
    assert len(model.epochs_) == 3 and model.accuracy() == 1.0


def test_bad_settings_say_what_to_do():
    from adlib.graph.gcn import GCN

    with pytest.raises(ValueError, match="activation"):
        GCN(activation="softplus")
    with pytest.raises(ValueError, match="at least 1"):
        GCN(n_layers=0)


def test_study_table_and_sentences():
    import pandas as pd

    from adlib.graph.report import (
        compare_models,
        gradient_comparison,
        original_observation,
        study_table,
        verdict_sentence,
    )

    rows = []
    for seed in range(10):
        for model, scale in (("2 layers", 1.0), ("ensemble of 10", 2.0), ("6 layers", 1.0),
                             ("adversarial", 0.5)):
            for t in range(5):
                d = scale * (1 + t)
                if model == "6 layers":          # harder on odd seeds, easier on even ones
                    d += 0.01 if seed % 2 else -0.01
                    d = np.nan if t == 4 else d
                rows.append(("face_top", model, seed, t, d))
    frame = pd.DataFrame(rows, columns=["graph", "model", "seed", "target", "distance"])
    frame["flipped"] = frame["distance"].notna()
    table = study_table(frame, "face_top")
    assert table.loc["6 layers", "flipped within range"].startswith("80%")
    assert table.loc["2 layers", "median change"] == "3.00"
    c = compare_models(frame, "face_top")
    assert c["ensemble of 10"]["verdict"] == "harder" and c["ensemble of 10"]["larger"] == 10
    assert c["adversarial"]["verdict"] == "easier" and c["adversarial"]["smaller"] == 10
    # 6 layers: four targets a little harder (odd seeds) or easier (even seeds), the fifth
    # never flipped: harder in five seeds, easier in five
    assert c["6 layers"]["larger"] == 5 and c["6 layers"]["smaller"] == 5
    assert c["6 layers"]["verdict"] == "no clear difference"
    text = verdict_sentence(c, "face_top")
    assert "ensemble of 10 (in 10 of 10 seeds) makes attacks harder" in text
    assert "adversarial (in 10 of 10 seeds) makes them easier" in text
    assert "the first holds and the second holds" in original_observation({"face_top": c})
    g = gradient_comparison([-3.6, 1.8])
    assert g["ours"] == "[-3.600, 1.800]" and 0.06 < g["max_relative"] < 0.07
