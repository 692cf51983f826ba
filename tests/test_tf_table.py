"""TF and ligand tables: exact reproduction of the paper's tables, and hand-computed cases."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from signet.errors import SignetInputError
from signet.io import read_conditions
from signet.studies.macrophage.sdrf import read_sample_sheet
from signet.studies.macrophage.tf_activity import read_tf_scores
from signet.studies.macrophage.tf_table import (
    gene_to_uniprot,
    make_ligand_table,
    make_tf_table,
    read_uniprot,
    write_ligand_table,
)

DATA = Path(__file__).resolve().parent / "data" / "macrophage"


@pytest.fixture(scope="module")
def paper_tf_table(paper_data):
    scores = read_tf_scores(paper_data / "macrophage" / "dorothea-viper-scores-per-sample.tsv")
    sheet = read_sample_sheet(paper_data / "macrophage" / "sample-conditions.tsv")
    genes = gene_to_uniprot(read_uniprot(paper_data / "annotation" / "uniprot-human-reviewed.tsv"))
    return make_tf_table(scores, sheet, genes)


def test_tf_table_reproduces_the_paper_table(paper_tf_table, paper_data):
    """Reference: the paper's macrophage-TFs.tsv (23 conditions x 88 TFs)."""
    table, report = paper_tf_table
    reference = read_conditions(paper_data / "macrophage" / "macrophage-TFs.tsv")
    assert table.shape == (23, 88)
    assert list(table.index) == list(reference.index)
    assert list(table.columns) == list(reference.columns)
    difference = np.abs(table.to_numpy() - reference.to_numpy()).max()
    assert difference < 1e-9, difference
    assert sorted(report["dropped"]) == ["IRF9", "NFE2L2", "STAT2", "ZNF263"]
    assert report["unmapped"] == []
    assert report["counts"].sum() == 102


def test_ligand_table_reproduces_the_paper_table(paper_tf_table, paper_data):
    """Reference: the paper's macrophage-Ligands.tsv (23 conditions x 12 ligands, 0/1)."""
    table, _ = paper_tf_table
    ligands = make_ligand_table(table.index)
    reference = read_conditions(paper_data / "macrophage" / "macrophage-Ligands.tsv")
    pd.testing.assert_frame_equal(ligands, reference.astype(np.int64))


def test_ligand_table_is_written_as_integers(tmp_path):
    ligands = make_ligand_table(["CON", "TNFa+P3C", "P3C"])
    write_ligand_table(ligands, tmp_path / "l.tsv")
    assert (tmp_path / "l.tsv").read_text().splitlines() == [
        "\tLigand_P3C\tLigand_TNFa", "CON\t0\t0", "TNFa+P3C\t1\t1", "P3C\t1\t0"]


def _small_case():
    """Scores 0, ln 3, -ln 3 have logistic values 1/2, 3/4, 1/4."""
    ln3 = math.log(3)
    scores = pd.DataFrame({"a1": [0.0, ln3], "a2": [ln3, -ln3], "b1": [0.0, ln3],
                           "b2": [0.0, -ln3]}, index=["FOS", "RELA"])
    sheet = pd.DataFrame({"sample": ["b1", "a1", "a2", "b2"],
                          "condition": ["TNFa", "CON", "CON", "TNFa"]})
    return scores, sheet


def test_small_tf_table_hand_computed():
    """FOS: CON (1/2, 3/4) -> mean 5/8, SD 1/8; TNFa (1/2, 1/2) -> 1/2, SD 0;
    75th percentile of (1/8, 0) = 0 + 0.75 * 1/8 = 0.09375 < 0.2: kept.
    RELA: CON (3/4, 1/4) and TNFa (3/4, 1/4): SD 1/4 twice -> 0.25 >= 0.2: dropped."""
    scores, sheet = _small_case()
    genes = gene_to_uniprot(read_uniprot(DATA / "uniprot-mini.tsv"))
    table, report = make_tf_table(scores, sheet, genes)
    assert list(table.index) == ["CON", "TNFa"]
    assert list(table.columns) == ["P01100"]
    np.testing.assert_allclose(table["P01100"], [5 / 8, 1 / 2], atol=1e-15)
    np.testing.assert_allclose(report["percentile"], [0.09375, 0.25], atol=1e-15)
    assert report["dropped"] == ["RELA"]


def test_shared_primary_name_maps_to_the_last_entry():
    """uniprot-mini.tsv lists RELA as the primary name of Q04206 and, later, A0A000."""
    genes = gene_to_uniprot(read_uniprot(DATA / "uniprot-mini.tsv"))
    assert genes["RELA"] == "A0A000"
    scores, sheet = _small_case()
    table, _ = make_tf_table(scores, sheet, genes, max_sd=1.0)
    assert list(table.columns) == ["P01100", "A0A000"]


def test_unmapped_tfs_are_kept_dropped_or_refused():
    scores, sheet = _small_case()
    genes = {"FOS": "P01100"}
    assert list(make_tf_table(scores, sheet, genes, max_sd=1.0)[0].columns) == ["P01100",
                                                                                 "RELA"]
    assert list(make_tf_table(scores, sheet, genes, max_sd=1.0,
                              unmapped="drop")[0].columns) == ["P01100"]
    with pytest.raises(SignetInputError, match="'RELA'"):
        make_tf_table(scores, sheet, genes, max_sd=1.0, unmapped="error")


def test_score_table_without_a_sample_column_names_file_and_column(tmp_path):
    path = tmp_path / "scores.tsv"
    path.write_text("\ta1\ta2\tb1\nFOS\t0\t0\t0\n")
    sheet_path = tmp_path / "sheet.tsv"
    sheet_path.write_text("sample\tcondition\na1\tCON\na2\tCON\nb1\tTNFa\nb2\tTNFa\n")
    with pytest.raises(SignetInputError) as err:
        make_tf_table(read_tf_scores(path), read_sample_sheet(sheet_path), {})
    assert str(path) in str(err.value) and "sheet.tsv" in str(err.value)
    assert err.value.column == "b2"


def test_uniprot_table_without_gene_column_is_an_error(tmp_path):
    path = tmp_path / "u.tsv"
    path.write_text("Entry\tGene Names\nP01100\tFOS\n")
    with pytest.raises(SignetInputError, match=r"u\.tsv:1: column 'Gene Names \(primary\)'"):
        read_uniprot(path)
