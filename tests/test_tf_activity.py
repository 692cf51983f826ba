"""Regulon reading/filtering and VIPER (decoupler) on a tiny synthetic case."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm, rankdata
from signet.errors import SignetInputError
from signet.studies.macrophage.tf_activity import (
    filter_regulon,
    read_regulon,
    read_tf_scores,
    run_viper,
    write_regulon,
    write_tf_scores,
)
from signet.studies.macrophage.tf_table import read_uniprot, uniprot_to_gene

DATA = Path(__file__).resolve().parent / "data" / "macrophage"


def _closed_form_viper(expression, regulon):
    """aREA with +-1 weights and likelihood 1 (R viper, no pleiotropy): per array, genes are
    ranked, z_i = Phi^-1(rank_i / (n + 1)) and NES = sum_i w_i z_i / sqrt(k)."""
    out = {}
    for array in expression.columns:
        z = pd.Series(norm.ppf(rankdata(expression[array]) / (len(expression) + 1)),
                      index=expression.index)
        scores = {}
        for tf, edges in regulon.groupby("source"):
            edges = edges[edges["target"].isin(expression.index)]
            scores[tf] = (edges["weight"].to_numpy() * z[edges["target"]].to_numpy()).sum() \
                / np.sqrt(len(edges))
        out[array] = scores
    return pd.DataFrame(out)


def test_viper_matches_the_closed_form_area_score():
    rng = np.random.default_rng(3)
    genes = [f"G{i}" for i in range(12)]
    expression = pd.DataFrame(rng.normal(size=(12, 4)), index=genes,
                              columns=["s1", "s2", "s3", "s4"])
    regulon = pd.DataFrame({
        "source": ["TF1"] * 5 + ["TF2"] * 6,
        "target": ["G0", "G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9", "G99"],
        "weight": [1.0, -1.0, 1.0, 1.0, -1.0, 1.0, 1.0, 1.0, -1.0, 1.0, 1.0],
        "confidence": "A",
    })
    scores = run_viper(expression, regulon, min_targets=5)
    expected = _closed_form_viper(expression, regulon)
    assert list(scores.index) == ["TF1", "TF2"] and list(scores.columns) == list(expression)
    np.testing.assert_allclose(scores.to_numpy(), expected.loc[scores.index].to_numpy(),
                               atol=1e-10)


def test_viper_leaves_out_tfs_with_too_few_measured_targets():
    expression = pd.DataFrame(np.arange(24.0).reshape(8, 3) % 7,
                              index=[f"G{i}" for i in range(8)], columns=["a", "b", "c"])
    regulon = pd.DataFrame({"source": ["T1"] * 5 + ["T2"] * 5,
                            "target": [f"G{i}" for i in range(5)] + ["G5", "G6", "X", "Y", "Z"],
                            "weight": 1.0, "confidence": "A"})
    assert list(run_viper(expression, regulon, min_targets=5).index) == ["T1"]


def test_omnipath_regulon_gets_signs_and_gene_symbols():
    """Fixture: inhibition only -> -1; stimulation and inhibition, or neither -> +1."""
    symbols = uniprot_to_gene(read_uniprot(DATA / "uniprot-mini.tsv"))
    regulon = read_regulon(DATA / "regulon-omnipath-mini.tsv", symbols)
    fos = regulon[regulon["source"] == "FOS"]
    assert fos["target"].tolist() == ["IL6", "IL1B", "CXCL8", "CCL2", "TNF"]
    assert fos["weight"].tolist() == [1.0, -1.0, 1.0, 1.0, 1.0]
    assert regulon["source"].tolist()[-1] == "Q99999"  # no UniProt name: id kept


def test_filter_regulon_by_confidence_and_target_count():
    regulon = read_regulon(DATA / "regulon-omnipath-mini.tsv")
    # A/B: P01100 has 4 targets, Q04206 2, Q99999 1
    assert filter_regulon(regulon, ("A", "B"), min_targets=4)["source"].unique().tolist() == [
        "P01100"]
    assert filter_regulon(regulon, ("A", "B"), min_targets=5).empty
    assert len(filter_regulon(regulon, (), min_targets=5)) == 5  # C counts when no filter


def test_regulon_round_trip_in_decoupler_form(tmp_path):
    regulon = read_regulon(DATA / "regulon-omnipath-mini.tsv")
    write_regulon(regulon, tmp_path / "r.tsv")
    pd.testing.assert_frame_equal(read_regulon(tmp_path / "r.tsv"), regulon)


def test_regulon_without_weight_names_file_and_column(tmp_path):
    path = tmp_path / "r.tsv"
    path.write_text("source\ttarget\nA\tB\n")
    with pytest.raises(SignetInputError, match=r"r\.tsv:1: column 'weight'"):
        read_regulon(path)


def test_score_table_round_trip_and_bad_value(tmp_path):
    scores = pd.DataFrame([[0.1, -1 / 3], [2.0, 1e-17]], index=["AR", "ATF1"],
                          columns=["GSM1", "GSM2"])
    write_tf_scores(scores, tmp_path / "s.tsv")
    pd.testing.assert_frame_equal(read_tf_scores(tmp_path / "s.tsv"), scores)
    (tmp_path / "bad.tsv").write_text("\tGSM1\tGSM2\nAR\t0.1\tnan\n")
    with pytest.raises(SignetInputError, match=r"bad\.tsv:2: column 'GSM2'"):
        read_tf_scores(tmp_path / "bad.tsv")
