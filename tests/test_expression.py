"""Expression matrix: probe filter, ADF mapping, probe averaging, constant genes, log+centre.

Fixture (tests/data/macrophage): three hand-written array tables and an 8-probe ADF.
Hand-computed expectations:

* ILMN_4 (TNF) has p = 0.02, 0.011, 0.5: smallest 0.011 > 0.01, dropped; ILMN_2's smallest
  p is exactly 0.01 and stays;
* ILMN_5 has no gene in the ADF;
* CCL2 = mean(ILMN_1, ILMN_2) = (100+300)/2, (200+600)/2, (400+400)/2 = 200, 400, 400;
* IL1B = mean(ILMN_3, ILMN_7) = (50+150)/2, (60+180)/2, (70+330)/2 = 100, 120, 200;
* GAPDH = 80, 80, 80 (SD 0) and ACTB = 1e6, 1e6 + 0.5, 1e6 (SD sqrt(1/12) < 1e-6 * 1e6)
  are constant and dropped.
"""

import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from signet.errors import SignetInputError
from signet.studies.macrophage.expression import (
    average_probes,
    build_expression,
    drop_constant_genes,
    filter_detected,
    log_centre,
    read_adf,
    read_processed_zips,
    read_sample_table,
)

DATA = Path(__file__).resolve().parent / "data" / "macrophage"
ARRAYS = ["GSM0000001", "GSM0000002", "GSM0000003"]


@pytest.fixture
def processed_zips(tmp_path):
    """Two archives, as the experiment splits its arrays over processed.1 and .2."""
    first, second = tmp_path / "x.processed.1.zip", tmp_path / "x.processed.2.zip"
    tables = sorted((DATA / "processed").glob("*_sample_table.txt"))
    with zipfile.ZipFile(first, "w") as archive:
        for table in tables[:2]:
            archive.write(table, table.name)
    with zipfile.ZipFile(second, "w") as archive:
        archive.write(tables[2], tables[2].name)
    return [first, second]


def test_processed_zips_give_probe_by_array_matrices(processed_zips):
    intensity, pvalues = read_processed_zips(processed_zips)
    assert list(intensity.columns) == ARRAYS
    assert list(intensity.index) == [f"ILMN_{i}" for i in range(1, 9)]
    assert intensity.loc["ILMN_7"].tolist() == [150, 180, 330]
    assert pvalues.loc["ILMN_4"].tolist() == [0.02, 0.011, 0.5]


def test_probe_filter_drops_probes_never_detected(processed_zips):
    intensity, pvalues = read_processed_zips(processed_zips)
    detected = filter_detected(intensity, pvalues, max_p=0.01)
    assert "ILMN_4" not in detected.index
    assert "ILMN_2" in detected.index  # smallest p exactly 0.01
    assert len(detected) == 7


def test_probes_averaged_per_gene_hand_computed(processed_zips):
    intensity, pvalues = read_processed_zips(processed_zips)
    genes = average_probes(filter_detected(intensity, pvalues), read_adf(DATA /
                                                                       "A-MEXP-1171-mini.adf.txt"))
    assert list(genes.index) == ["ACTB", "CCL2", "GAPDH", "IL1B"]  # sorted; TNF undetected
    assert genes.loc["CCL2"].tolist() == [200, 400, 400]
    assert genes.loc["IL1B"].tolist() == [100, 120, 200]
    assert list(drop_constant_genes(genes).index) == ["CCL2", "IL1B"]


def test_build_expression_logs_and_centres(processed_zips):
    intensity, pvalues = read_processed_zips(processed_zips)
    adf = read_adf(DATA / "A-MEXP-1171-mini.adf.txt")
    expression, counts = build_expression(intensity, pvalues, adf)
    assert counts == {"probes": 8, "detected_probes": 7, "genes": 4, "varying_genes": 2,
                      "arrays": 3}
    # CCL2: log2 200 = log2 400 - 1, so centred values are -2/3, 1/3, 1/3
    np.testing.assert_allclose(expression.loc["CCL2"], [-2 / 3, 1 / 3, 1 / 3], atol=1e-12)
    logs = [math.log2(v) for v in (100, 120, 200)]
    np.testing.assert_allclose(expression.loc["IL1B"], [v - sum(logs) / 3 for v in logs],
                               atol=1e-12)


def test_log_floor_and_non_positive_values():
    table = pd.DataFrame([[0.5, 4.0]], index=["G"], columns=["a", "b"])
    # floor 1: log2(1) = 0 and log2(4) = 2, centred -1, 1
    np.testing.assert_allclose(log_centre(table, floor=1.0).loc["G"], [-1.0, 1.0])
    with pytest.raises(ValueError, match="'G'"):
        log_centre(table.assign(a=0.0), floor=None)


def test_adf_without_gene_column_names_file_and_column(tmp_path):
    path = tmp_path / "bad.adf.txt"
    path.write_text("Array Design Name\tx\n[main]\nReporter Name\tReporter Sequence\nILMN_1\tAC\n")
    with pytest.raises(SignetInputError) as err:
        read_adf(path)
    assert "bad.adf.txt:3" in str(err.value)
    assert err.value.column == "Reporter Database Entry [hugo]"


def test_sample_table_with_text_value_names_member_line_and_column():
    text = "Reporter Identifier\tVALUE\tDetection Pval\nILMN_1\t12\t0.1\nILMN_2\tNA?\t0.2\n"
    with pytest.raises(SignetInputError) as err:
        read_sample_table(text, "p.zip!GSM1_sample_table.txt")
    assert str(err.value).startswith("p.zip!GSM1_sample_table.txt:3: column 'VALUE'")


def test_arrays_with_other_probes_are_an_error(tmp_path):
    archive_path = tmp_path / "p.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("GSM1_sample_table.txt", "ID\tVALUE\tDetection Pval\nA\t1\t0\n")
        archive.writestr("GSM2_sample_table.txt", "ID\tVALUE\tDetection Pval\nB\t1\t0\n")
    with pytest.raises(SignetInputError, match="GSM2_sample_table.txt.*other probes"):
        read_processed_zips([archive_path])
