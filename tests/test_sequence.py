"""adlib.sequence: data, alignment utilities, TCC (TensorFlow: the `deep` marker) and evaluation."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from adlib.sequence import align, data


# ---------------------------------------------------------------- data (no TensorFlow)
def test_import_sequence_loads_no_tensorflow():
    code = ("import sys, adlib.sequence, adlib.sequence.data, adlib.sequence.align; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_synthetic_actions_are_seeded_with_different_lengths_and_true_phases():
    a = data.synthetic_actions(12, seed=3)
    b = data.synthetic_actions(12, seed=3)
    c = data.synthetic_actions(12, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a.sequences, b.sequences, strict=True))
    assert not np.array_equal(a.sequences[0][:10], c.sequences[0][:10])
    assert len(set(a.lengths.tolist())) > 3 and a.n_channels == 6
    for p, ph in zip(a.progress, a.phases, strict=True):
        assert p[0] == 0 and p[-1] == 1 and (np.diff(p) > 0).all()   # monotone warp
        assert set(np.unique(ph)) == set(range(a.n_phases)) and (np.diff(ph) >= 0).all()


def test_activity_sequences_keep_lengths_and_phases_by_elapsed_time():
    from adlib.datasets.timeseries import TimeSeries

    values = np.sin(np.arange(100) / 3.0)
    ts = TimeSeries("t", values, np.array([0, 1, 0, 2]), np.array([0, 20, 50, 70]))
    s = data.activity_sequences(ts, n_phases=3, min_length=16)
    assert s.lengths.tolist() == [20, 30, 20, 30] and s.labels.tolist() == [0, 1, 0, 2]
    assert np.array_equal(s.sequences[1][:, 0], values[20:50].astype(np.float32))
    assert s.phases[0].tolist() == [0] * 7 + [1] * 6 + [2] * 7   # t / 19 in thirds
    half = data.activity_sequences(ts, rate=0.5, min_length=10)
    assert half.lengths.tolist() == [10, 15, 10, 15]


def test_planted_anomalies_mark_what_they_change():
    s = data.synthetic_actions(8, seed=0)
    other = data.synthetic_actions(3, seed=1, actions=(1,))
    an = data.plant_anomalies(s, other.sequences, seed=0)
    assert an.kinds == list(data.ANOMALY_KINDS) * 2
    for x0, x, m, kind in zip(s.sequences, an.sequences, an.masks, an.kinds, strict=True):
        assert m.any() and not m.all() and x.shape == x0.shape
        assert np.array_equal(x[~m], x0[~m])          # only the segment changes
        if kind == "flat":
            assert np.ptp(x[m], axis=0).max() == 0
        if kind == "reversed":
            assert np.allclose(x[m], x0[m][::-1])
    with pytest.raises(ValueError, match="unknown anomaly kinds"):
        data.plant_anomalies(s, other.sequences, kinds=("nope",))


# ---------------------------------------------------------------- alignment utilities
def test_kendall_tau_of_a_sequence_with_itself_is_one_and_reversal_minus_one():
    x = data.synthetic_actions(1, seed=0).sequences[0]
    assert align.kendall_tau(x, x) == 1.0
    assert align.kendall_tau(x, x[::-1]) == -1.0
    assert align.alignment_tau(np.array([0, 2, 1, 3])) == pytest.approx(4 / 6)


def test_context_windows_repeat_the_edges():
    x = np.arange(4.0)[:, None]
    w = align.context_windows(x, 3)
    assert w[:, :, 0].tolist() == [[0, 0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 3]]
    with pytest.raises(ValueError, match="odd"):
        align.context_windows(x, 4)


def test_dtw_match_recovers_a_time_stretch():
    from adlib.sequence.evaluate import dtw_match

    t = np.linspace(0, 1, 40)
    u = np.c_[np.sin(3 * t), t ** 2]
    v = np.c_[np.sin(3 * t[::2]), t[::2] ** 2]          # the same path at half the frames
    m = dtw_match(u, v)
    assert np.abs(m - np.arange(40) // 2).max() <= 1
    assert align.alignment_tau(m) > 0.9


# ---------------------------------------------------------------- TCC (TensorFlow)
@pytest.mark.deep
def test_cycle_back_of_a_sequence_with_itself_is_the_identity():
    from adlib.sequence.tcc import cycle_back

    u = np.c_[np.arange(12.0), np.sin(np.arange(12.0))]        # well separated frames
    alpha, beta = cycle_back(u, u, temperature=0.1)
    assert np.array_equal(beta.argmax(1), np.arange(12))
    assert np.allclose(np.diag(beta), 1.0, atol=1e-3)
    assert np.allclose(alpha.sum(1), 1.0) and np.allclose(beta.sum(1), 1.0)


@pytest.fixture(scope="module")
def tiny():
    return data.synthetic_actions(10, seed=0, length=(24, 40))


@pytest.mark.deep
@pytest.mark.parametrize("loss", ["classification", "regression"])
def test_each_loss_decreases_on_a_tiny_problem(tiny, loss):
    from adlib.sequence.tcc import TCC

    m = TCC(tiny.n_channels, loss=loss, learning_rate=3e-3, seed=0)
    m.mean_ = np.concatenate(tiny.sequences).mean(0)
    m.scale_ = np.concatenate(tiny.sequences).std(0)
    pairs = [(0, 1), (2, 3), (4, 5)]
    before = np.mean([m.pair_loss(tiny.sequences[a], tiny.sequences[b]) for a, b in pairs])
    m.fit(tiny.sequences, steps=150, batch_pairs=4, n_frames=16)
    after = np.mean([m.pair_loss(tiny.sequences[a], tiny.sequences[b]) for a, b in pairs])
    assert after < 0.8 * before, (loss, before, after)
    h = np.array(m.loss_history_)
    assert h.shape == (150,) and h[-30:].mean() < h[:30].mean()


@pytest.mark.deep
def test_two_runs_with_one_seed_give_identical_embeddings(tiny):
    from adlib.sequence.tcc import TCC

    def run(seed):
        m = TCC(tiny.n_channels, seed=seed).fit(tiny.sequences, steps=40, batch_pairs=4,
                                                 n_frames=12)
        return np.concatenate(m.embed(tiny.sequences))

    a, b, c = run(5), run(5), run(6)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.deep
def test_training_pairs_stay_within_a_group():
    from adlib.sequence.tcc import TCC

    groups = np.array([0, 0, 1, 1, 1, 2])
    pairs, frames = TCC.draw(np.random.default_rng(0), np.array([5, 6, 7, 8, 9, 10]), groups,
                             20, 4, 5)
    assert (groups[pairs[..., 0]] == groups[pairs[..., 1]]).all()
    assert (pairs[..., 0] != pairs[..., 1]).all() and (pairs != 5).all()
    assert (np.diff(frames, axis=-1) > 0).all()
    assert (frames < np.array([5, 6, 7, 8, 9, 10])[pairs][..., None]).all()


@pytest.mark.deep
def test_trained_tcc_aligns_held_out_actions_and_scores_planted_segments():
    from adlib.sequence import evaluate
    from adlib.sequence.tcc import TCC

    train = data.synthetic_actions(30, seed=1)
    test = data.synthetic_actions(8, seed=2)
    m = TCC(train.n_channels, seed=0).fit(train.sequences, steps=300)
    rows = {r["method"]: r for r in evaluate.compare(m, train, test, max_pairs=40)}
    assert set(rows) == {"raw", "PCA", "TCC", "DTW", "linear stretch"}
    assert rows["TCC"]["tau"] > 0.5 and rows["TCC"]["progress R2"] > 0.5
    other = data.synthetic_actions(4, seed=3, actions=(1,))
    an = data.plant_anomalies(test, other.sequences, seed=0)
    auc = {r["method"]: r for r in evaluate.anomaly_auc(evaluate.anomaly_scores(m, train, an),
                                                         an)}
    assert auc["TCC"]["all"] > 0.6 and auc["TCC"]["spike"] > 0.9
