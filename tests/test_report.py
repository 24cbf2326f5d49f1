"""The AAD chapters' sentence and table builders (adlib.experiments.report*) and their figures'
layout: every comparison word follows the numbers, tables are narrow, figures fit the column."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from adlib.experiments import (  # noqa: E402
    BENCHMARK_BUDGETS,
    PUBLISHED_IFOREST,
    RunSpec,
    run_grid,
    summarize,
)
from adlib.experiments.report import (  # noqa: E402
    MEASURED,
    benchmark_differences,
    benchmark_tables,
    cached_table,
    leaf_changes,
    published_comparison,
    ranking_auc,
    rotation_facts,
    strategy_table,
    toy_facts,
)
from adlib.experiments.report_describe import (  # noqa: E402
    bald_vs_top3,
    description_compare_table,
    description_facts,
    description_real_facts,
    description_real_table,
    diversity_facts,
    diversity_found_table,
    rules_line,
    rules_table,
)
from adlib.plotting import (  # noqa: E402
    panel_grid,
    plot_discovery_curves,
    plot_discovery_panels,
    plot_measure_curves,
)


def _runs(dataset, ensemble, found_end, base_end, budget, n_anomalies, setting=None):
    """A run table: one row per value of ``found_end`` (curves rising linearly to it)."""
    rows = []
    for seed, (f, b) in enumerate(zip(found_end, base_end, strict=True)):
        rows.append({"dataset": dataset, "ensemble": ensemble, "seed": seed, "budget": budget,
                     "found": np.linspace(f / budget, f, budget),
                     "baseline": np.linspace(b / budget, b, budget),
                     "found_at_budget": int(round(f)), "baseline_at_budget": int(round(b)),
                     "n_anomalies": n_anomalies, "seconds": 1.0, "setting": setting,
                     "strategy": "top", "batch_size": 1})
    return rows


@pytest.fixture
def benchmark():
    """Isolation Forest on the seven benchmark sets at the published budgets (two runs each),
    with chosen means: abalone 23 (published 24.5), weather 232, mammography 237."""
    means = {"abalone": (23, 22), "ann_thyroid_1v3": (73, 39), "cardiotocography_1": (45, 44),
             "yeast": (35, 31), "mammography": (237, 165), "shuttle_1v23567": (867, 854),
             "weather": (232, 45)}
    rows = []
    for ds, (f, b) in means.items():
        rows += _runs(ds, "iforest", [f - 1, f + 1], [b, b], BENCHMARK_BUDGETS[ds], 900)
        rows += _runs(ds, "loda", [f, f], [b, b], BENCHMARK_BUDGETS[ds], 900)
    table = pd.DataFrame(rows)
    return table, summarize(table)


def test_benchmark_tables_put_the_published_value_beside_ours(benchmark):
    _, summary = benchmark
    published, ensembles, area = benchmark_tables(summary)
    assert published.loc["abalone", "AAD"] == "23.0 (24.5)"
    assert published.loc["mammography", "no feedback"] == "165.0 (144.1)"
    assert list(ensembles.columns) == ["IForest", "LODA"]
    assert ensembles.loc["weather", "IForest"] == "232.0"
    assert len(published.columns) <= 4 and len(area.columns) == 2
    # area against the Isolation Forest ranking without feedback: linear curves, so f / b
    assert area.loc["weather", "LODA"] == f"{232 / 45:.2f}"


def test_published_values_appear_only_at_the_published_budget(benchmark):
    table, _ = benchmark
    short = table.copy()
    short.loc[short.dataset == "abalone", "budget"] = 60
    published, _, _ = benchmark_tables(summarize(short))
    assert published.loc["abalone", "AAD"] == "23.0"
    assert "(" in published.loc["yeast", "AAD"]


def test_the_comparison_words_follow_the_numbers(benchmark):
    _, summary = benchmark
    cmp_ = published_comparison(summary)
    assert cmp_["words"]["abalone"] == "below"           # 23.0 against 24.5
    assert cmp_["words"]["mammography"] == "above"       # 237 against 194.1
    assert cmp_["words"]["yeast"] == "level with"        # 35 against 35.3, within half
    assert cmp_["below"] == "abalone" and cmp_["n_compared"] == 7 and cmp_["n_at_least"] == 6


def test_benchmark_differences_compute_every_number(benchmark):
    table, summary = benchmark
    d = benchmark_differences(table, summary)
    assert d["shuttle_pub_gap"] == f"{855.7 - 836.9:.1f}"  # published AAD ends below its baseline
    assert d["mammo_ours"] == "237.0" and d["mammo_pub"] == "194.1" and d["mammo_orig"] == "190"
    assert d["abalone_word"] == "below" and d["abalone_se"] == "1.0"
    assert d["weather_lr001"] == f"{MEASURED['lr001_30']['weather']:.1f}"
    # the step size's largest effect outside weather: |23.8 - 23| on abalone here
    assert d["step_max_set"] == "abalone" and d["step_max_change"] == "0.8"
    assert not any("np." in str(v) for v in d.values())


def test_strategy_table_is_mean_and_standard_error(benchmark):
    table, _ = benchmark
    t = table[table.ensemble == "iforest"].assign(setting="top-1")
    out = strategy_table(t)
    assert out.loc["top-1", "abalone"] == "23.0 ± 1.0"      # runs 22 and 24
    assert out.index.name == "strategy" and "weather" in out.columns


def test_toy_facts_compare_with_the_published_whole_numbers():
    found = np.tile(np.arange(1, 36, dtype=float) * 0.6, (3, 1))   # 18.0 after 30
    base = np.tile(np.arange(1, 36, dtype=float) * 0.25, (3, 1))   # 7.5 after 30
    f = toy_facts(SimpleNamespace(found=found, baseline=base), at=30)
    assert (f["aad_at"], f["base_at"], f["at"]) == ("18.0", "7.5", 30)
    assert f["aad_word"] == "above" and f["base_word"] == "level with"   # 15 and 8
    assert f["toy_counts"] == "20 and 35"          # the original's two toy sets
    f = toy_facts(SimpleNamespace(found=found / 2, baseline=base), at=30)
    assert f["aad_word"] == "below"


def test_cached_table_reads_only_a_complete_cache(tmp_path):
    specs = [RunSpec("toy2", budget=5, seed=s) for s in range(2)]
    assert cached_table(specs, cache_dir=tmp_path) is None
    run_grid(specs[:1], cache_dir=tmp_path, n_jobs=1, progress=False)
    assert cached_table(specs, cache_dir=tmp_path) is None     # one run missing: not started
    run_grid(specs, cache_dir=tmp_path, n_jobs=1, progress=False)
    table = cached_table(specs, cache_dir=tmp_path)
    assert table is not None and table.cached.all() and len(table) == 2


def test_session_facts_on_the_toy_data():
    from adlib.aad import Oracle, Session
    from adlib.datasets import load_dataset

    toy = load_dataset("toy2")
    session = Session.from_data(toy.X, seed=0).run(Oracle(toy.y), budget=35)
    leaves = leaf_changes(session)
    assert leaves.leaves.sum() == session.features.shape[1]
    assert leaves.loc["holding an answered anomaly", "mean change of contribution"].startswith("+")
    auc = ranking_auc(session, toy.y)
    assert float(auc["auc_after"]) > float(auc["auc_before"])
    assert len(auc["auc_after"].split(".")[1]) == 3


def test_rotation_facts():
    import scipy.sparse as sp

    from adlib.aad import AAD, Oracle, Session
    from adlib.datasets import make_two_detector_scores

    data = make_two_detector_scores(seed=0)
    session = Session(sp.csr_matrix(data.X), model=AAD(tau=0.05), X=data.X)
    snaps = [session.snapshot()]
    session.run(Oracle(data.y), budget=10, on_answer=lambda s: snaps.append(s.snapshot()))
    f = rotation_facts(snaps, session, data.y, 0.05, 10)
    assert f["angle_start"] == "45"                    # equal weights
    assert f["found_2d"] == session.n_found and f["top_k"] == round(0.05 * data.y.size)
    assert f["above_after"] >= f["above_before"]


# ---------------------------------------------------------------- descriptions, diversity


def _last(cd, brs):
    keys = ("f1", "precision", "recall", "length", "n_rules", "n_candidates", "runs", "n_queried")
    return pd.DataFrame({"compact": dict(zip(keys, cd, strict=True)),
                         "brs": dict(zip(keys, brs, strict=True))}).T


def test_description_table_and_sentences_follow_the_numbers():
    last = _last((0.617, 0.549, 0.76, 3.3125, 3.8, 20.1, 10, 40),
                 (0.735, 0.812, 0.691, 3.25, 3.3, 20.1, 10, 40))
    table = description_compare_table(last)
    assert table.loc["F1", "compact descriptions"] == "0.62 (0.57)"
    assert table.loc["bounds per rule", "compact descriptions"] == "3.3 (2.8)"
    assert table.loc["rules", "compact descriptions"] == "3.8"          # a count: one decimal
    toy = pd.DataFrame({"method": ["compact", "brs"], "seconds": [0.001, 0.05]})
    f = description_facts(last, toy)
    assert f["cd_n_rules"] == "3.8" and f["cd_longer"] == "longer than"      # 3.3 vs 2.8
    assert f["brs_longer"] == "about as long as"                              # 3.25 vs 3.2
    assert f["tradeoff_claim"].startswith("As in the original")
    assert f["f1_winner"] == "Bayesian Rule Sets" and f["f1_gap"] == "0.12"
    assert f["brs_tradeoff"] == "ours trade less recall for precision than the original's"
    assert (f["cd_ms"], f["brs_ms"]) == ("1", "50")
    # turn the numbers round and the words turn with them
    swapped = _last((0.7, 0.9, 0.5, 2.0, 2.0, 20, 10, 40), (0.6, 0.5, 0.8, 2.1, 2.0, 20, 10, 40))
    f = description_facts(swapped, toy)
    assert f["tradeoff_claim"].startswith("Unlike the original")
    assert f["cd_longer"] == "shorter than" and f["f1_winner"] == "compact descriptions"


def test_description_table_compares_only_at_the_published_checkpoint():
    last = _last((0.6, 0.5, 0.7, 3.0, 3.0, 20, 2, 20), (0.7, 0.8, 0.6, 3.0, 3.0, 20, 2, 20))
    table = description_compare_table(last)
    assert not any("(" in cell for cell in table.to_numpy().ravel())
    assert table.index.name == "measure"


def test_real_description_table_has_one_cell_per_measure():
    rs = pd.DataFrame([
        {"dataset": "abalone", "method": "compact", "f1": 0.721, "precision": 0.776,
         "recall": 0.683, "length": 5.083, "runs": 10},
        {"dataset": "abalone", "method": "brs", "f1": 0.7548, "precision": 0.912,
         "recall": 0.648, "length": 4.742, "runs": 10}])
    table = description_real_table(rs)
    assert table.loc["abalone", "F1"] == "0.72 / 0.75"
    assert table.loc["abalone", "bounds per rule"] == "5.1 / 4.7"
    f = description_real_facts(rs, pd.DataFrame({"budget": [300]}))
    assert (f["brs_f1_wins"], f["cd_rec_wins"], f["len_min"], f["len_max"]) == (1, 1, "4.7", "5.1")


def test_rules_are_printed_rounded():
    scores = {"precision": 0.7083333333333334, "recall": 0.680851, "f1": 0.69, "length": 3.25,
              "n_rules": 1}
    assert rules_line(scores) == ("precision 0.71, recall 0.68, F1 0.69; 1 rule of 3.2 bounds "
                                  "on average")
    table = rules_table({"a": scores})
    assert table.loc["a", "precision"] == "0.71" and table.loc["a", "rules"] == 1


@pytest.fixture
def diversity():
    rows = []
    found = {"top-1": [26, 27.6], "batch top-3": [25, 26.2], "random 3 of top 10": [24, 25.8],
             "BAL-D": [27, 26.8], "BAL-E": [25, 26.6]}
    for budget, ds in ((45, "toy2"), (150, "abalone")):
        for name, f in found.items():
            rows += _runs(ds, "iforest", f, [18.3, 18.3], budget, 35, setting=name)
    return summarize(pd.DataFrame(rows), by=("dataset", "setting"))


def test_diversity_table_and_facts(diversity):
    table = diversity_found_table(diversity)
    assert table.loc["top-1", "toy2: ours (published)"] == f"{100 * 26.8 / 35:.1f} (76.6)"
    assert table.loc["no feedback", "toy2: ours (published)"] == f"{100 * 18.3 / 35:.1f} (44.6)"
    assert table.loc["BAL-D", "abalone"] == f"{100 * 26.9 / 35:.1f}"
    f = diversity_facts(diversity)
    assert f["gap_top3"] == f"{0.774 * 35 - 25.6:.1f}"           # anomalies below the published
    se = np.std([25, 26.2]) / np.sqrt(2)
    assert f["se_top3"] == f"{se:.1f}" and f["ratio_top3"] == f"{(0.774 * 35 - 25.6) / se:.1f}"
    assert f["word_top1"] == "level with" and f["word_top3"] == "below"
    cmp_ = bald_vs_top3(diversity)
    assert cmp_.loc["toy2", "difference"] == "+1.3"


def test_diversity_compares_the_toy_set_only_at_the_published_budget(diversity):
    short = diversity.assign(budget=15)
    assert "(" not in diversity_found_table(short).to_string()


# ---------------------------------------------------------------- figures at the column width


def _text_sizes(fig):
    sizes = []
    for ax in fig.axes:
        if not ax.axison:
            continue
        sizes += [ax.title.get_fontsize(), ax.xaxis.label.get_fontsize()]
        sizes += [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    for legend in fig.legends + [a.get_legend() for a in fig.axes if a.get_legend()]:
        sizes += [t.get_fontsize() for t in legend.get_texts()]
    return sizes


def test_panel_figures_fit_the_column(benchmark):
    table, _ = benchmark
    fig = plot_discovery_panels(table, panel="dataset", hue="ensemble")
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 7
    cols = {round(ax.get_position().x0, 2) for ax in visible}
    assert len(cols) <= 3                                   # at most three panels per row
    assert fig.get_figwidth() <= 7.5
    assert min(_text_sizes(fig)) >= 9
    legends = [a.get_legend() for a in fig.axes if a.get_legend()] + fig.legends
    assert len(legends) == 1                                # one legend, in a free panel
    assert not legends[0].axes.axison
    plt.close("all")


def test_measure_curves_and_single_curves_are_legible():
    t = pd.DataFrame({"method": ["a", "a", "b", "b"], "n_queried": [5, 10, 5, 10],
                      "f1": [0.2, 0.4, 0.3, 0.5], "length": [2, 3, 2, 3],
                      "recall": [0.1, 0.2, 0.3, 0.4], "precision": [0.5] * 4,
                      "n_candidates": [3, 4, 3, 4]})
    fig = plot_measure_curves(t, "n_queried", ["f1", "precision", "recall", "length",
                                                "n_candidates"], published={"a": {"f1": 0.3}})
    assert fig.get_figwidth() <= 7.5 and min(_text_sizes(fig)) >= 9
    fig = plot_discovery_curves({"AAD": np.arange(10.0)}, n_anomalies=12)
    ax = fig.axes[0]
    legend = ax.get_legend()
    fig.canvas.draw()
    box = legend.get_window_extent().transformed(ax.transAxes.inverted())
    assert box.x0 >= 1.0                                    # the legend is outside the data
    assert min(_text_sizes(fig)) >= 9
    plt.close("all")


def test_panel_grid_refuses_more_than_three_columns():
    with pytest.raises(ValueError, match="1 to 3 panels per row"):
        panel_grid(4, ncols=4)
    fig, axes, spare = panel_grid(7)
    assert len(axes) == 7 and len(spare) == 2 and not spare[0].axison
    plt.close("all")


def test_published_constants_have_the_sources_precision():
    # one decimal for the benchmark values: never more digits than the source has
    for aad, base in PUBLISHED_IFOREST.values():
        assert round(aad, 1) == aad and round(base, 1) == base


def test_step_sweep_sentence_names_the_best_step():
    from adlib.experiments.report import step_sweep_sentence

    text = step_sweep_sentence({0.001: 12, 0.003: 18, 0.01: 18, 0.03: 16}, default=0.001)
    assert text.startswith("0.001 (the default): 12; 0.003: 18")
    assert text.endswith("The most is 18, at a step of 0.003.")


def test_step_sweep_runs_each_rate():
    import numpy as np

    from adlib.experiments.report import step_sweep

    rng = np.random.default_rng(0)
    y = np.zeros(120, dtype=int)
    y[:8] = 1
    S = rng.normal(size=(120, 3))
    S[:8, 0] += 3.0
    found = step_sweep(S, y, budget=10, rates=(0.001, 0.01))
    assert set(found) == {0.001, 0.01} and all(0 <= v <= 8 for v in found.values())
