"""Each caption claim of Figs. 4c-d and 5b-f is checked against the summary numbers it is
drawn from: hand-written tables where the paper's effect holds and where it does not (the
latter like the offline run's numbers), and the claim must say which."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from signet.studies.synthetic.captions import (
    CLAIM_MARK,
    figure4c_claim,
    figure4d_claim,
    figure5b_claim,
    figure5c_claim,
    figure5d_claim,
    figure5e_claim,
    figure5f_claim,
    fill_caption,
)


def _complexity(area, cv, extrapolation=None):
    """Levels 1..n; the extrapolation r falls by 0.1 per level unless given."""
    if extrapolation is None:
        extrapolation = [0.9 - 0.1 * i for i in range(len(area))]
    return pd.DataFrame({"level": range(1, len(area) + 1), "area": area, "linear_cv_r": cv,
                         "extrapolation_r": extrapolation})


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"\d+\.\d+", text)]


# ---- Fig. 4c: more ligands cover more space ---------------------------------------------
def test_4c_claims_growth_only_when_every_step_grows():
    claim = figure4c_claim(_complexity([0.1, 0.5, 0.9, 1.4], [0.9] * 4))
    assert "grows with every added ligand" in claim and "unlike" not in claim
    assert _numbers(claim)[:2] == [0.1, 1.4]


def test_4c_peak_then_fall_is_said_as_such():
    """The offline run's shape: peak at 3 ligands, 0.34 at 6."""
    claim = figure4c_claim(_complexity([0.4, 0.8, 1.1, 0.9, 0.6, 0.34], [0.9] * 6))
    assert "does not grow steadily" in claim and "unlike the paper" in claim
    assert "largest (1.100) at 3 ligands" in claim and "0.340 at 6" in claim
    assert "grows with every" not in claim


# ---- Fig. 4d: the linear fit falls with more ligands --------------------------------------
def test_4d_claims_falling_fit_only_when_it_falls():
    falling = figure4d_claim(_complexity([1] * 4, [0.99, 0.95, 0.9, 0.8]))
    assert "falls with every added ligand" in falling and "unlike" not in falling
    dip = figure4d_claim(_complexity([1] * 6, [0.97, 0.95, 0.96, 0.97, 0.975, 0.98]))
    assert "does not fall steadily" in dip and "lowest (0.950) at 2 ligands" in dip
    assert "unlike the paper" in dip
    rising = figure4d_claim(_complexity([1] * 3, [0.9, 0.95, 0.98]))
    assert "rises" in rising and "unlike the paper" in rising


# ---- Fig. 5 -------------------------------------------------------------------------------
def _summary(sweep, controls=(), knockout=(0.6, 0.7)):
    """sweep: (samples, ligands, seed, r, r_tf_median, r_condition_median);
    controls: (name, r, paper)."""
    rows = []
    for samples, ligands, seed, r, r_tf, r_cond in sweep:
        for name, value in (("r", r), ("r_tf_median", r_tf), ("r_condition_median", r_cond)):
            rows.append(("sweep", samples, ligands, seed, name, value, None))
    for name, r, paper in controls:
        rows.append(("control", 50, 3, 1, f"{name}_r", r, paper))
    rows.append(("knockout", 50, 3, 1, "knockout_r", knockout[0], 0.8))
    rows.append(("knockout", 50, 3, 1, "knockout_sign_agreement", knockout[1], None))
    return pd.DataFrame(rows, columns=["part", "samples", "ligands", "seed", "name", "ours",
                                       "paper"])


def test_5b_rise_and_the_paper_line_only_beside_5_ligands():
    rising = _summary([(10, 5, 1, 0.4, 0, 0), (50, 5, 1, 0.7, 0, 0), (400, 5, 1, 0.95, 0, 0)])
    claim = figure5b_claim(rising)
    assert "With 5 ligands, test r rises" in claim and "0.400 at 10" in claim
    assert "0.950 at 400" in claim and "Stars: the paper's values at 5 ligands" in claim
    offline = _summary([(10, 3, 1, 0.6, 0, 0), (50, 3, 1, 0.55, 0, 0)])
    claim = figure5b_claim(offline)
    assert "does not rise steadily" in claim and "rises with" not in claim
    assert "not plotted" in claim and "Stars" not in claim


def test_5c_5d_name_the_best_point_and_its_medians():
    summary = _summary([(10, 3, 1, 0.6, 0.5, 0.4), (50, 3, 1, 0.8, 0.7, 0.65)])
    assert "(50 conditions, 3 ligands, seed 1)" in figure5c_claim(summary)
    assert "r = 0.800" in figure5c_claim(summary)
    assert figure5d_claim(summary) == "Median r per TF 0.700, median r per condition 0.650."


def test_5e_controls_below_the_model_and_the_spectral_term():
    low = _summary([(50, 3, 1, 0.9, 0, 0)], [("mean", 0.15, 0.16), ("scrambled", 0.1, 0.10),
                                            ("no_spectral", 0.85, None)])
    claim = figure5e_claim(low)
    assert "reaches r = 0.900" in claim and "Not below" not in claim
    assert "Below it: training mean 0.150 (paper ~0.16) and scrambled TF rows 0.100" in claim
    assert "Unlike the paper" not in claim
    assert "Without the spectral-radius term r is lower: 0.850 against 0.900." in claim


def test_5e_offline_like_numbers_are_said_as_they_are():
    """Offline numbers: model 0.7572, no_spectral 0.7572, mean 0.33, scrambled 0.46."""
    high = _summary([(50, 3, 1, 0.7572, 0, 0)], [("mean", 0.33, 0.16),
                                               ("scrambled", 0.46, 0.10),
                                               ("no_spectral", 0.7572, None)])
    claim = figure5e_claim(high)
    assert "Below it: training mean 0.330" in claim
    assert "Unlike the paper, training mean and scrambled TF rows stay well above" in claim
    assert "the same r (0.757, a difference under 0.0005)" in claim
    assert "made no difference to r" in claim and "never acted" not in claim
    above = _summary([(50, 3, 1, 0.5, 0, 0)], [("scrambled", 0.6, 0.10)])
    assert "Not below it: scrambled TF rows 0.600" in figure5e_claim(above)


def test_5f_weak_and_strong_knockout_agreement():
    weak = figure5f_claim(_summary([(50, 3, 1, 0.7, 0, 0)], knockout=(0.60, 0.7)), (40, 12))
    assert "r = 0.600 (paper ~0.80)" in weak and "more weakly than in the paper" in weak
    assert "70 %" in weak
    assert ("of the 40 pairs that the reference changes by less than 0.01 in size, the model "
            "moves 12 by 0.01 or more") in weak
    assert "vertical line" not in figure5f_claim(
        _summary([(50, 3, 1, 0.7, 0, 0)], knockout=(0.60, 0.7)), (40, 0))
    strong = figure5f_claim(_summary([(50, 3, 1, 0.7, 0, 0)], knockout=(0.82, 0.9)))
    assert "about as well as in the paper" in strong and "weakly" not in strong


def test_fill_caption_needs_the_mark():
    assert fill_caption(f"A. {CLAIM_MARK}", "B.") == "A. B."
    with pytest.raises(ValueError):
        fill_caption("no mark", "B.")


def test_generated_caption_templates_carry_one_mark_and_the_rest_none():
    report = Path(__file__).resolve().parents[1] / "workflow" / "report"
    generated = {f"figure{p}.rst" for p in ("4c", "4d", "5b", "5c", "5d", "5e", "5f")}
    for path in report.glob("*.rst"):
        count = path.read_text().count(CLAIM_MARK)
        assert count == (1 if path.name in generated else 0), path.name


def test_knockout_unchanged_counts_by_hand():
    """Reference deltas 0, 0, 0, 0.5; model 0, 0.02, 0.005, 0.4: three unchanged pairs, one
    of them moved by >= 0.01."""
    from signet.studies.synthetic.captions import knockout_unchanged

    assert knockout_unchanged([0, 0, 0, 0.5], [0, 0.02, 0.005, 0.4]) == (3, 1)


# ---- the offline run's numbers (tests/data/synthetic/offline-*.tsv) ------------------------
DATA = Path(__file__).resolve().parent / "data" / "synthetic"


def _offline(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"offline-{name}.tsv", sep="\t")


def test_4d_states_the_offline_extrapolation_fall_from_0_96_to_0_35():
    """The offline table's dashed line: 0.963, 0.843, 0.680, 0.481, 0.349, 0.350 (by eye: it
    falls overall, with a last step up of 0.001, lowest at 5 ligands)."""
    claim = figure4d_claim(_offline("complexity"))
    assert "trained on the single-ligand conditions" in claim
    assert "falls from 0.963 at 1 ligand to 0.350 at 6" in claim
    assert "worse to more ligands overall, as in the paper" in claim
    assert "not with every added ligand (lowest 0.349 at 5 ligands)" in claim


def test_4d_extrapolation_trend_follows_the_numbers():
    steady = figure4d_claim(_complexity([1] * 3, [0.9] * 3, [0.9, 0.6, 0.4]))
    assert "extrapolates worse with every added ligand: its r falls from 0.900 at 1 ligand to " \
           "0.400 at 3, as in the paper" in steady
    rising = figure4d_claim(_complexity([1] * 3, [0.9] * 3, [0.4, 0.6, 0.9]))
    assert "does not extrapolate worse to more ligands: its r goes from 0.400 at 1 ligand to " \
           "0.900 at 3, unlike the paper" in rising
    assert "falls from" not in rising


def test_5b_one_seed_has_no_band_and_says_seed_in_the_singular():
    """The offline sweep trains seed 1 only."""
    claim = figure5b_claim(_offline("summary"))
    assert claim.startswith("One seed per point (seed 1): each line is that model's test r, "
                            "with no band.")
    assert "seeds" not in claim and "range" not in claim and "mean" not in claim


def test_5b_several_seeds_are_a_mean_and_a_range():
    rows = [(samples, 5, seed, r, 0, 0) for samples, values in ((10, (0.3, 0.4, 0.5)),
                                                                   (50, (0.7, 0.8, 0.9)))
            for seed, r in zip((1, 2, 3), values)]
    claim = figure5b_claim(_summary(rows))
    assert claim.startswith("Each line is the mean test r over the 3 seeds (seeds 1, 2 and 3) "
                            "at each point; the band is their range (lowest to highest).")
    assert "from 0.400 at 10 to 0.800 at 50 training conditions" in claim
    uneven = figure5b_claim(_summary(rows[:-1]))
    assert "over the seeds trained at each point (2 to 3 of seeds 1, 2 and 3)" in uneven


def test_5e_offline_numbers_say_the_term_made_no_difference_to_r():
    claim = figure5e_claim(_offline("summary"))
    assert "reaches r = 0.780" in claim
    assert "the same r (0.780, a difference under 0.0005): in this run the term made no " \
           "difference to r." in claim
    assert "never acted" not in claim
    assert "training mean, scrambled TF rows and regularisation only stay well above" in claim


def test_5f_counts_the_pairs_on_the_plotted_vertical_line():
    """Reference 0, 0.005, -0.009 lie within 0.01 of 0 (3 pairs); the model moves the first and
    third by 0.01 or more (0.3, -0.05), not the second (0.001): (3, 2). The 0.02 and 0.5
    reference changes are off the line."""
    from signet.studies.synthetic.captions import knockout_moved, knockout_unchanged

    reference = [0.0, 0.005, -0.009, 0.02, 0.5]
    model = [0.3, 0.001, -0.05, 0.3, 0.4]
    assert knockout_unchanged(reference, model) == (3, 2)
    assert list(knockout_moved(reference, model)) == [True, False, True, False, False]
    claim = figure5f_claim(_summary([(50, 3, 1, 0.7, 0, 0)]), knockout_unchanged(reference,
                                                                                  model))
    assert ("of the 3 pairs that the reference changes by less than 0.01 in size, the model "
            "moves 2 by 0.01 or more") in claim
    assert "|" not in claim  # no reStructuredText substitution markup


def test_5f_knockout_figure_highlights_the_counted_pairs():
    """The orange points are the pairs the caption counts, and the legend gives their number."""
    from signet.studies.synthetic import figures

    merged = pd.DataFrame({"delta_ref": [0.0, 0.005, -0.009, 0.02, 0.5],
                           "delta_model": [0.3, 0.001, -0.05, 0.3, 0.4]})
    fig = figures.knockouts(merged, 0.6)
    ax = fig.axes[0]
    sizes = sorted(len(c.get_offsets()) for c in ax.collections)
    assert sizes == [2, 3]
    assert ax.get_legend().get_texts()[0].get_text().endswith(": 2 pairs")
    plt.close(fig)


def test_5b_sweep_figure_draws_a_band_only_with_two_seeds_or_more():
    from matplotlib.collections import PolyCollection
    from signet.studies.synthetic import figures

    one = pd.DataFrame({"samples": [10, 50], "ligands": [3, 3], "seed": [1, 1],
                        "r": [0.3, 0.8]})
    fig = figures.sweep(one)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["3 ligands (one seed)"]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    plt.close(fig)
    three = pd.DataFrame({"samples": [10] * 3 + [50] * 3, "ligands": [3] * 6,
                          "seed": [1, 2, 3] * 2, "r": [0.2, 0.3, 0.4, 0.7, 0.8, 0.9]})
    fig = figures.sweep(three)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["3 ligands (mean of 3 seeds)"]
    band = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(band) == 1
    y = band[0].get_paths()[0].vertices[:, 1]
    assert y.min() == pytest.approx(0.2) and y.max() == pytest.approx(0.9)
    plt.close(fig)


def test_4b_heatmap_names_the_tfs_and_runs_its_colour_from_0_to_1():
    """TF a and TF c rise together, TF b falls: clustering puts b at one end; every TF is
    named on the y axis, and the colour scale is 0..1 (with an arrow where data leave it)."""
    from signet.studies.synthetic import figures

    tfs = pd.DataFrame({"TFa": [0.1, 0.5, 0.9, 0.2], "TFb": [0.9, 0.4, 0.05, 0.8],
                        "TFc": [0.15, 0.55, 0.95, 0.25]},
                       index=[f"c{i}" for i in range(4)])
    fig = figures.tf_heatmap(tfs)
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(names) == ["TFa", "TFb", "TFc"] and names[1] != "TFb"
    image = ax.get_images()[0]
    assert image.get_clim() == (0.0, 1.0)
    assert image.colorbar.extend == "neither"
    plt.close(fig)
    over = tfs.assign(TFa=[0.1, 0.5, 1.004, 0.2])
    fig = figures.tf_heatmap(over)
    assert fig.axes[0].get_images()[0].colorbar.extend == "max"
    plt.close(fig)


def test_captions_name_files_that_exist():
    """Every repository path a caption names (workflow/, scripts/, config/, docs/) exists."""
    report = Path(__file__).resolve().parents[1] / "workflow" / "report"
    root = report.parents[1]
    for path in report.glob("*.rst"):
        for named in re.findall(r"(?<![\w/])(?:workflow|scripts|config|docs)/[\w./-]*\w",
                                path.read_text()):
            assert (root / named).exists(), f"{path.name} names {named}"


def test_5b_says_what_the_seed_ensemble_adds_and_that_it_is_not_plotted():
    """Seeds' mean r 0.4 and 0.8; ensembles 0.45 (+0.05) and 0.79 (-0.01): raised at 1 of
    2 points, by up to 0.050."""
    rows = [(samples, 5, seed, r, 0, 0) for samples, values in ((10, (0.3, 0.4, 0.5)),
                                                                   (50, (0.7, 0.8, 0.9)))
            for seed, r in zip((1, 2, 3), values)]
    summary = _summary(rows)
    extra = pd.DataFrame([("sweep", 10, 5, None, "r_ensemble", 0.45, 0.44),
                          ("sweep", 50, 5, None, "r_ensemble", 0.79, 0.80)],
                         columns=summary.columns)
    claim = figure5b_claim(pd.concat([summary, extra], ignore_index=True))
    assert ("Not plotted: averaging the seeds' test predictions (an ensemble, ``r_ensemble`` "
            "in summary.tsv) raises test r above the seeds' mean at 1 of 2 points, by up to "
            "0.050.") in claim
    assert "from 0.400 at 10 to 0.800 at 50 training conditions" in claim
    assert "ensemble" not in figure5b_claim(summary)
