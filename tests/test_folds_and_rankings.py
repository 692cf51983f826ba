"""LOOCV of the macrophage study: fold data, scrambled TF rows, r, knock-out ranking.

Fold construction on the real sample sheet (20 folds) is tested in tests/test_folds.py.
"""

import math

import numpy as np
import pandas as pd
import pytest
from signet.errors import SignetInputError
from signet.eval.folds import fold_data, scramble_tfs
from signet.eval.knockouts import agreement_categories, knockout_summary, rank_knockouts
from signet.eval.metrics import pearson, per_condition_r, per_tf_r, pooled_r
from signet.io import read_conditions

RELA = "Q04206"

# hand-made: condition A predicts (1, 2, 3) for observed (1, 2, 4), B (3, 2, 1) for (1, 2, 3)
PREDICTED = pd.DataFrame([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], index=["A", "B"],
                         columns=["T1", "T2", "T3"])
OBSERVED = pd.DataFrame([[1.0, 2.0, 4.0], [1.0, 2.0, 3.0]], index=["A", "B"],
                        columns=["T1", "T2", "T3"])


def test_per_condition_r_matches_hand_computed_values():
    """A: deviations (-1, 0, 1) and (-4/3, -1/3, 5/3): r = 3 / sqrt(2 * 42/9) = 9/sqrt(84).
    B: exactly reversed, r = -1."""
    r = per_condition_r(PREDICTED, OBSERVED)
    assert list(r.index) == ["A", "B"]
    assert r["A"] == pytest.approx(9 / math.sqrt(84), abs=1e-12)
    assert r["B"] == pytest.approx(-1.0, abs=1e-12)


def test_pooled_r_matches_hand_computed_value():
    """All six values: predicted deviations (-1, 0, 1, 1, 0, -1), observed mean 13/6 and
    deviations (-7, -1, 11, -7, -1, 5)/6: sum of products 1, squares 4 and 246/36, so
    r = 1 / sqrt(4 * 246/36) = 6 / sqrt(984)."""
    assert pooled_r(PREDICTED, OBSERVED) == pytest.approx(6 / math.sqrt(984), abs=1e-12)


def test_per_tf_r_hand_computed_and_constant_column_is_nan():
    """T1 observed is constant (1, 1): r undefined (NaN); T3 (3, 1) vs (4, 3): two points
    with the same order, r = 1."""
    r = per_tf_r(PREDICTED, OBSERVED)
    assert math.isnan(r["T1"])
    assert r["T3"] == pytest.approx(1.0, abs=1e-12)


def test_r_uses_only_shared_conditions_and_tfs():
    """An extra predicted TF and condition do not change the result (same hand values)."""
    predicted = PREDICTED.assign(T9=[5.0, 6.0])
    predicted.loc["Z"] = [0.0, 0.0, 0.0, 0.0]
    assert pooled_r(predicted, OBSERVED) == pytest.approx(6 / math.sqrt(984), abs=1e-12)


def test_pearson_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        pearson([1, 2, 3], [1, 2])
    assert math.isnan(pearson([1.0], [2.0]))


def test_fold_data_leaves_exactly_one_condition_out():
    ligands = pd.DataFrame([[0, 0], [1, 0], [1, 1]], index=["CON", "A", "A+B"],
                           columns=["A", "B"])
    tfs = pd.DataFrame([[0.5], [0.7], [0.9]], index=["A+B", "CON", "A"], columns=["T"])
    train_l, train_t, test_l, test_t = fold_data(ligands, tfs, "A")
    assert list(train_l.index) == list(train_t.index) == ["CON", "A+B"]
    assert list(test_l.index) == list(test_t.index) == ["A"]
    assert test_t.loc["A", "T"] == 0.9 and train_t.loc["A+B", "T"] == 0.5
    full = fold_data(ligands, tfs, None)
    assert len(full[0]) == 3 and full[2].empty
    with pytest.raises(SignetInputError, match="not a condition"):
        fold_data(ligands, tfs, "C")


def test_scrambled_tf_rows_are_a_derangement_of_the_real_table(paper_data):
    """Every condition of the paper's TF table gets another condition's (distinct) row;
    the same seed gives the same table."""
    tfs = read_conditions(paper_data / "macrophage" / "macrophage-TFs.tsv")
    scrambled = scramble_tfs(tfs, seed=7)
    assert list(scrambled.index) == list(tfs.index)
    sources = scrambled.attrs["derangement"]
    assert sorted(sources) == sorted(tfs.index)
    for condition, source in zip(tfs.index, sources):
        assert source != condition
        np.testing.assert_array_equal(scrambled.loc[condition].to_numpy(),
                                      tfs.loc[source].to_numpy())
        assert not np.array_equal(scrambled.loc[condition].to_numpy(),
                                  tfs.loc[condition].to_numpy())
    pd.testing.assert_frame_equal(scramble_tfs(tfs, seed=7), scrambled)


KO = pd.DataFrame(
    [  # model, condition, node, tf, delta
        ("f1", "TNFa", "N1", RELA, -0.1), ("f2", "TNFa", "N1", RELA, -0.3),
        ("f1", "TNFa", "N2", RELA, 0.5), ("f2", "TNFa", "N2", RELA, -0.1),
        ("f1", "TNFa", "N3", RELA, 0.05), ("f2", "TNFa", "N3", RELA, 0.05),
        ("f1", "TNFa", RELA, RELA, -0.9), ("f2", "TNFa", RELA, RELA, -0.8),
        ("f1", "TNFa", "N3", "OTHER", 3.0), ("f2", "TNFa", "N3", "OTHER", 3.0),
    ], columns=["model", "condition", "node", "tf", "delta"])


def test_rank_knockouts_on_hand_made_table():
    """Mean |delta RELA|: N2 (0.5 + 0.1)/2 = 0.3, N1 (0.1 + 0.3)/2 = 0.2, N3 0.05; the
    other TF's large deltas and the excluded read-out node itself do not count."""
    ranking = rank_knockouts(KO, tf=RELA, names={"N1": "CHUK", "N2": "TNFRSF1A"}, exclude=[RELA])
    assert list(ranking["node"]) == ["N2", "N1", "N3"]
    assert list(ranking["name"]) == ["TNFRSF1A", "CHUK", "N3"]
    assert list(ranking["rank"]) == [1, 2, 3]
    np.testing.assert_allclose(ranking["mean_abs_delta"], [0.3, 0.2, 0.05], atol=1e-15)
    np.testing.assert_allclose(ranking["mean_delta"], [0.2, -0.2, 0.05], atol=1e-15)
    assert list(ranking["n"]) == [2, 2, 2]
    top = rank_knockouts(KO, tf=RELA, top=1)
    assert list(top["node"]) == [RELA]


def test_rank_knockouts_by_the_papers_statistic():
    """|mean delta| over the fold models (hand-computed): N1 |(-0.1 - 0.3)/2| = 0.2,
    N2 |(0.5 - 0.1)/2| = 0.2, N3 0.05: N2's disagreeing folds no longer put it first (ties
    by node id)."""
    ranking = rank_knockouts(KO, tf=RELA, exclude=[RELA], by="abs_mean_delta")
    assert list(ranking["node"]) == ["N1", "N2", "N3"]
    np.testing.assert_allclose(ranking["abs_mean_delta"], [0.2, 0.2, 0.05], atol=1e-15)
    np.testing.assert_allclose(ranking["mean_abs_delta"], [0.2, 0.3, 0.05], atol=1e-15)
    with pytest.raises(ValueError, match="by must be"):
        rank_knockouts(KO, tf=RELA, by="median")


def test_knockout_summary_tells_no_effect_from_disagreement():
    """Hand-made deltas of three models: Z changes the TF in none (no sign to agree on: NaN,
    "no effect"), D by +0.1, -0.1, +0.1 (mean +0.033: 2 of 3 agree), E by +0.2, -0.2, 0
    (mean exactly 0, but nonzero changes: 0 of 3 agree, a disagreement), P by 0.2, 0.3, 0
    (2 of 3: a zero change does not agree)."""
    deltas = {"Z": [0.0, 0.0, 0.0], "D": [0.1, -0.1, 0.1], "E": [0.2, -0.2, 0.0],
              "P": [0.2, 0.3, 0.0]}
    per_model = pd.DataFrame(
        [(f"m{i}", "TNFa", node, RELA, value) for node, values in deltas.items()
         for i, value in enumerate(values)],
        columns=["model", "condition", "node", "tf", "delta"])
    summary = knockout_summary(per_model).set_index("node")
    assert math.isnan(summary.loc["Z", "sign_agreement"])
    assert summary.loc["D", "sign_agreement"] == pytest.approx(2 / 3)
    assert summary.loc["E", "sign_agreement"] == 0.0
    assert summary.loc["P", "sign_agreement"] == pytest.approx(2 / 3)
    assert summary.loc["Z", "mean_abs_delta"] == 0.0 and summary.loc["Z", "rank"] == 4
    categories = agreement_categories(summary.loc[["Z", "D", "E", "P"], "sign_agreement"], 0.6)
    assert list(categories) == ["no effect", "agree", "disagree", "agree"]
    assert list(agreement_categories([1.0, 0.89, float("nan")], 0.9)) == \
        ["agree", "disagree", "no effect"]


def test_rank_knockouts_bad_tables():
    with pytest.raises(SignetInputError, match="lacks column"):
        rank_knockouts(KO.drop(columns="delta"), tf=RELA)
    with pytest.raises(SignetInputError, match="no knock-out rows"):
        rank_knockouts(KO, tf="NOPE")
