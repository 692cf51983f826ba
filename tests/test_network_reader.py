"""read_network reads released network files as they are: a trailing tab on every data row,
and pairs listed more than once (merged; only opposite signs are an error).

Expected tables are written by hand from the fixture files in tests/data/networks/ (and, for
the paper's file, from a plain ``str.split`` of its lines).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from signet.core.network import Network
from signet.errors import SignetInputError
from signet.io import read_network

DATA = Path(__file__).resolve().parent / "data" / "networks"
HEADER = "source\ttarget\tdirection\tstimulation\tinhibition\tsources\treferences\n"


def _edges(table) -> list[tuple]:
    return list(zip(table["source"], table["target"], table["sign"]))


def test_trailing_tab_on_every_row_is_read_as_the_header_says():
    table = read_network(DATA / "trailing-tab-Model.tsv")
    assert list(table.columns[:7]) == HEADER.strip().split("\t")
    assert _edges(table) == [("L1", "A", 1), ("A", "T1", -1)]
    assert table["references"].tolist() == ["fixture", "fixture"]
    assert table["line"].tolist() == [2, 3]


def test_a_value_in_the_extra_field_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "extra-Model.tsv"
    path.write_text(HEADER + "L1\tA\t1\t1\t0\t\tx\t\nA\tT1\t1\t0\t1\t\tx\tlost\n")
    with pytest.raises(SignetInputError, match=r"extra-Model.tsv:3: 8 fields where the "
                                               r"header has 7"):
        read_network(path)


def test_papers_toy_network_file_loads(paper_data):
    """The paper's ToyNetRecurrent-Model.tsv ends every data row with a tab. Reference: the
    file's lines split on tabs by hand (first five fields)."""
    path = paper_data / "networks" / "ToyNetRecurrent-Model.tsv"
    rows = [line.split("\t") for line in path.read_text().splitlines()[1:] if line]
    expected = [(r[0], r[1], int(r[3]) - int(r[4])) for r in rows]
    assert _edges(read_network(path)) == expected
    network = Network.from_files(path, paper_data / "networks" /
                                 "ToyNetRecurrent-Annotation.tsv")
    assert len(network.edge_slot) == len(expected)


def test_repeated_rows_are_merged_keeping_the_known_sign(caplog):
    """Fixture: L1->A twice (identical), A->B unknown then +1, B->T1 twice unknown."""
    with caplog.at_level(logging.WARNING, logger="signet.io.formats"):
        table = read_network(DATA / "repeated-Model.tsv")
    assert _edges(table) == [("L1", "A", 1), ("A", "B", 1), ("A", "T1", -1), ("B", "T1", 0)]
    merged = table.set_index(["source", "target"])
    assert merged.loc[("A", "B"), "sources"] == "dbA;dbB"
    assert merged.loc[("A", "B"), "references"] == "ref:2;ref:3"
    assert merged.loc[("A", "B"), "direction"] == "1"
    assert merged.loc[("A", "B"), ["stimulation", "inhibition"]].tolist() == ["1", "0"]
    assert merged.loc[("B", "T1"), "sources"] == "dbC;dbD"
    assert table["line"].tolist() == [2, 3, 4, 7]  # each edge keeps its first line
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1
    assert "3 repeated edge row(s) merged into 3 edge(s)" in messages[0]


def test_file_without_repeats_logs_nothing(caplog):
    with caplog.at_level(logging.WARNING, logger="signet.io.formats"):
        read_network(DATA / "trailing-tab-Model.tsv")
    assert caplog.records == []


def test_opposite_signs_for_one_pair_name_both_lines(tmp_path):
    path = tmp_path / "conflict-Model.tsv"
    path.write_text(HEADER + "L1\tA\t1\t1\t0\t\t\nA\tT1\t1\t1\t0\t\t\nL1\tA\t1\t0\t0\t\t\n"
                    "L1\tA\t1\t0\t1\t\t\n")
    with pytest.raises(SignetInputError) as error:
        read_network(path)
    assert str(error.value) == (f"{path}:5: edge L1 -> A is stimulating on line 2 and "
                                "inhibiting on line 5; a pair may have one sign only")


def test_cli_reads_repeated_edges_with_one_log_line(tmp_path):
    """signet simulate on the repeated-edge fixture: exit 0, and stderr holds one line."""
    annotation = tmp_path / "a.tsv"
    annotation.write_text("code\tname\tTF\tligand\nL1\tL1\tFalse\tTrue\nA\tA\tFalse\tFalse\n"
                          "B\tB\tFalse\tFalse\nT1\tT1\tTrue\tFalse\n")
    ligands = tmp_path / "x.tsv"
    ligands.write_text("\tL1\nc0\t0\nc1\t1\n")
    parameters = tmp_path / "p.tsv"
    parameters.write_text("Source\tTarget\tType\tValue\nL1\tA\tWeight\t1\nA\tB\tWeight\t1\n"
                          "A\tT1\tWeight\t-1\nB\tT1\tWeight\t0.5\n"
                          + "".join(f"{node}\t\tBias\t0\n" for node in ("L1", "A", "B", "T1"))
                          + "L1\t\tInput\t3\nT1\t\tProjection\t1.2\n")
    result = subprocess.run(
        [sys.executable, "-m", "signet.cli", "simulate", "--network",
         DATA / "repeated-Model.tsv", "--annotation", annotation, "--ligands", ligands,
         "--parameters", parameters,
         "--output", tmp_path / "y.tsv"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "3 repeated edge row(s) merged" in lines[0], result.stderr
