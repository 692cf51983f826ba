"""Each caption claim of Figs. 4c-d and 5b-f is checked against the summary numbers it is
drawn from: hand-written tables where the paper's effect holds and where it does not (the
latter like the offline run's numbers), and the claim must say which."""

from __future__ import annotations

import re

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


def _complexity(area, cv):
    return pd.DataFrame({"level": range(1, len(area) + 1), "area": area, "linear_cv_r": cv,
                         "extrapolation_r": [0.5] * len(area)})


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
    assert "Below it: training mean 0.150 (paper ~0.16), scrambled TF rows 0.100" in claim
    assert "Unlike the paper" not in claim and "r = 0.850" in claim


def test_5e_offline_like_numbers_are_said_as_they_are():
    """Offline numbers: model 0.7572, no_spectral 0.7572, mean 0.33, scrambled 0.46."""
    high = _summary([(50, 3, 1, 0.7572, 0, 0)], [("mean", 0.33, 0.16),
                                               ("scrambled", 0.46, 0.10),
                                               ("no_spectral", 0.7572, None)])
    claim = figure5e_claim(high)
    assert "Below it: training mean 0.330" in claim
    assert "Unlike the paper, training mean, scrambled TF rows stay well above" in claim
    assert "the same r (0.757): the term never acted" in claim
    above = _summary([(50, 3, 1, 0.5, 0, 0)], [("scrambled", 0.6, 0.10)])
    assert "Not below it: scrambled TF rows 0.600" in figure5e_claim(above)


def test_5f_weak_and_strong_knockout_agreement():
    weak = figure5f_claim(_summary([(50, 3, 1, 0.7, 0, 0)], knockout=(0.60, 0.7)), (40, 12))
    assert "r = 0.600 (paper ~0.80)" in weak and "more weakly than in the paper" in weak
    assert "70 %" in weak and "12 of the 40 pairs that the reference leaves unchanged" in weak
    assert "vertical line" not in figure5f_claim(
        _summary([(50, 3, 1, 0.7, 0, 0)], knockout=(0.60, 0.7)), (40, 0))
    strong = figure5f_claim(_summary([(50, 3, 1, 0.7, 0, 0)], knockout=(0.82, 0.9)))
    assert "about as well as in the paper" in strong and "weakly" not in strong


def test_fill_caption_needs_the_mark():
    assert fill_caption(f"A. {CLAIM_MARK}", "B.") == "A. B."
    with pytest.raises(ValueError):
        fill_caption("no mark", "B.")


def test_generated_caption_templates_carry_one_mark_and_the_rest_none():
    from pathlib import Path

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
