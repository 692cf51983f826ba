"""LOOCV folds and the derangement of the scrambled control."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from signet.eval.folds import derangement, loocv_folds
from signet.io import read_conditions
from signet.studies.macrophage.sdrf import read_sample_sheet
from signet.studies.macrophage.tf_table import make_ligand_table


def test_real_sample_sheet_gives_20_folds(paper_data):
    """Paper: 20 of 23 conditions; GC, IL10 and IL13 are the only users of their ligand."""
    macrophage = paper_data / "macrophage"
    sheet = read_sample_sheet(macrophage / "sample-conditions.tsv")
    ligands = make_ligand_table(sorted(sheet["condition"].unique()))
    folds = loocv_folds(ligands)
    assert len(folds) == 20
    assert set(ligands.index) - set(folds) == {"GC", "IL10", "IL13"}
    assert folds == loocv_folds(read_conditions(macrophage / "macrophage-Ligands.tsv"))


def test_folds_hand_made_table():
    """A is used twice, B once: only the control and conditions with A alone qualify."""
    ligands = pd.DataFrame([[0, 0], [1, 0], [1, 1], [0.5, 0]], columns=["A", "B"],
                           index=["CON", "A", "A+B", "A_low"])
    assert loocv_folds(ligands) == ["CON", "A", "A_low"]


@pytest.mark.parametrize("n", [2, 3, 5, 23, 100])
def test_derangement_is_a_permutation_without_fixed_points(n):
    for seed in range(200):
        permutation = derangement(n, np.random.default_rng(seed))
        assert sorted(permutation.tolist()) == list(range(n))
        assert not np.any(permutation == np.arange(n))


def test_derangement_reproducible_from_a_seed():
    assert derangement(23, 7).tolist() == derangement(23, 7).tolist()


def test_derangements_of_three_are_both_drawn_evenly():
    """Combinatorics: the only derangements of 3 items are the two 3-cycles (1,2,0) and
    (2,0,1); uniform sampling draws each with probability 1/2 (2000 draws: 6 SD = 134)."""
    rng = np.random.default_rng(0)
    counts = Counter(tuple(derangement(3, rng).tolist()) for _ in range(2000))
    assert set(counts) == {(1, 2, 0), (2, 0, 1)}
    assert abs(counts[(1, 2, 0)] - 1000) < 134


def test_derangement_edge_cases():
    assert derangement(0, 1).tolist() == []
    assert derangement(2, 1).tolist() == [1, 0]
    with pytest.raises(ValueError):
        derangement(1, 1)
