"""SDRF parsing and sample sheets (fixture: latin-1 SDRF with E-GEOD-46903's column names)."""

from pathlib import Path

import pandas as pd
import pytest
from signet.errors import SignetInputError
from signet.studies.macrophage.sdrf import (
    read_sample_sheet,
    read_sdrf,
    select_samples,
    strip_concentrations,
    write_sample_sheet,
)

DATA = Path(__file__).resolve().parent / "data" / "macrophage"
SDRF = DATA / "E-GEOD-46903-mini.sdrf.txt"


def test_sdrf_is_read_as_latin1_and_keeps_the_micro_sign():
    assert b"\xb5g/ml" in SDRF.read_bytes()  # the fixture holds the latin-1 byte
    sdrf = read_sdrf(SDRF)
    stimuli = sdrf["FactorValue [ACTIVATION STIMULI]"]
    assert stimuli.str.contains("1\u00b5g/ml").any()


def test_sdrf_fixture_selects_gm_csf_72h_macrophages():
    """Expected sheet written by hand from the fixture: the 24 h, M-CSF, monocyte and
    alveolar rows are out, the second row of GSM1140700 (another data file) counts once,
    replicates count within a condition in SDRF order."""
    sheet = select_samples(read_sdrf(SDRF), SDRF)
    expected = pd.DataFrame({
        "sample": ["GSM1140738", "GSM1140737", "GSM1140700", "GSM1140680", "GSM1140665",
                   "GSM1140690", "GSM1140664"],
        "condition": ["IL4", "IL4+upLPS", "IFNb+TNFa+PGE2+P3C", "TNFa", "TNFa", "CON",
                      "TNFa"],
        "replicate": [1, 1, 1, 1, 2, 1, 3],
    })
    pd.testing.assert_frame_equal(sheet, expected, check_dtype=False)


def test_fixture_condition_names_follow_the_paper_naming(paper_data):
    """The paper's sample-conditions.tsv names conditions as '+'-joined stimuli."""
    paper = read_sample_sheet(paper_data / "macrophage" / "sample-conditions.tsv")
    sheet = select_samples(read_sdrf(SDRF), SDRF)
    assert set(sheet["condition"]) <= set(paper["condition"])


@pytest.mark.parametrize("raw, clean", [
    ("TNFa 800 u/ml", "TNFa"),
    ("IFNb 200U/ml+TNFa 800 u/ml+PGE2 1\u00b5g/ml+P3C 1\u00b5g/ml", "IFNb+TNFa+PGE2+P3C"),
    ("P3C 1\u03bcg/ml", "P3C"),  # Greek mu instead of the micro sign
    ("IL10 10ng/ml", "IL10"),  # the digits of the name stay
    ("IL4 (1000 U/ml)", "IL4"),
    ("GC 100nM", "GC"),
    ("upLPS 10 ng / ml+IFNg 100U/ml", "upLPS+IFNg"),
    ("CON", "CON"),
])
def test_strip_concentrations(raw, clean):
    assert strip_concentrations(raw) == clean


def test_missing_sdrf_column_names_file_and_column(tmp_path):
    sdrf = read_sdrf(SDRF).drop(columns=["FactorValue [TIME]"])
    with pytest.raises(SignetInputError) as err:
        select_samples(sdrf, tmp_path / "E-GEOD-46903.sdrf.txt")
    assert "E-GEOD-46903.sdrf.txt" in str(err.value)
    assert err.value.column == "FactorValue [TIME]"


def test_column_names_match_ignoring_spaces_and_case():
    sdrf = read_sdrf(SDRF).rename(columns={"FactorValue [TIME]": "Factor Value[time]"})
    assert len(select_samples(sdrf, SDRF)) == 7


def test_paper_sample_sheet_is_read_without_the_running_number(paper_data):
    sheet = read_sample_sheet(paper_data / "macrophage" / "sample-conditions.tsv")
    assert len(sheet) == 102
    assert sheet["condition"].nunique() == 23
    assert sheet.iloc[1].tolist() == ["GSM1140737", "IL4+upLPS", 1]
    # IL4+upLPS_2, _37, _4 in the paper's file: replicates 1, 2, 3 in file order
    assert sheet.loc[sheet["condition"] == "IL4+upLPS", "replicate"].tolist() == [1, 2, 3]


def test_sample_sheet_round_trip(tmp_path):
    sheet = select_samples(read_sdrf(SDRF), SDRF)
    write_sample_sheet(sheet, tmp_path / "sheet.tsv")
    pd.testing.assert_frame_equal(read_sample_sheet(tmp_path / "sheet.tsv"), sheet,
                                  check_dtype=False)


def test_sample_sheet_missing_column_names_file_and_column(tmp_path):
    path = tmp_path / "sheet.tsv"
    path.write_text("sample\tstimulus\nGSM1\tIL4\n")
    with pytest.raises(SignetInputError) as err:
        read_sample_sheet(path)
    assert str(path) in str(err.value) and "'condition'" in str(err.value)


def test_sample_sheet_duplicate_sample_is_an_error(tmp_path):
    path = tmp_path / "sheet.tsv"
    path.write_text("sample\tcondition\treplicate\nGSM1\tIL4\t1\nGSM1\tCON\t1\n")
    with pytest.raises(SignetInputError, match=r"sheet\.tsv:3.*appears twice"):
        read_sample_sheet(path)
