"""File formats: exact round trips, edge-order invariance, and bad input."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.io import (
    load_checkpoint,
    read_conditions,
    read_parameters,
    save_checkpoint,
    write_parameters,
)
from signet.studies.synthetic.random_network import random_network


def test_parameter_table_round_trips_exactly_in_float64(tmp_path):
    table, annotation = random_network(60, 3.0, seed=2)
    model = SignalingModel(Network.from_tables(table, annotation), seed=5)
    with torch.no_grad():  # awkward values: subnormal-ish, many digits, negative zero
        model.weights[0] = 1 / 3
        model.weights[1] = -2.2250738585072014e-308
        model.bias[0] = np.nextafter(0.1, 1.0)
        model.bias[1] = -0.0
    before = model.parameters_table()
    write_parameters(before, tmp_path / "p.tsv")
    after = read_parameters(tmp_path / "p.tsv")
    assert np.array_equal(before["Value"].to_numpy(), after["Value"].to_numpy())
    assert np.signbit(after["Value"].to_numpy()).tolist() == np.signbit(
        before["Value"].to_numpy()).tolist()
    other = SignalingModel(model.network, seed=9)
    other.load_parameters_table(after)
    for a, b in zip(model.parameters(), other.parameters()):
        assert torch.equal(a, b)


def test_checkpoint_round_trip_with_weights_only(tmp_path):
    table, annotation = random_network(40, 3.0, seed=1)
    model = SignalingModel(Network.from_tables(table, annotation), seed=3)
    checkpoint = {"model": model.state_dict(), "generator": torch.Generator().get_state(),
                  "recipe": {"epochs": 3, "name": "x"}, "network_identity": model.network.identity()}
    save_checkpoint(checkpoint, tmp_path / "m.pt")
    loaded = load_checkpoint(tmp_path / "m.pt")
    assert loaded["recipe"] == {"epochs": 3, "name": "x"}
    for key, value in checkpoint["model"].items():
        assert torch.equal(loaded["model"][key], value)
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(Exception, match="bad.pt"):
        load_checkpoint(tmp_path / "bad.pt")


def test_shuffled_network_rows_give_identical_outputs_and_edge_gradients(tmp_path):
    """Edge-order invariance: a shuffled Model.tsv gives the same TFs and the same gradient
    for every (source, target) edge."""
    table, annotation = random_network(80, 3.0, seed=4)
    shuffled = table.sample(frac=1.0, random_state=1).reset_index(drop=True)
    assert not shuffled["source"].equals(table["source"])
    for name, frame in (("a", table), ("b", shuffled)):
        frame.to_csv(tmp_path / f"{name}-Model.tsv", sep="\t", index=False)
    annotation.to_csv(tmp_path / "Annotation.tsv", sep="\t", index=False)
    results = []
    for name in ("a", "b"):
        network = Network.from_files(tmp_path / f"{name}-Model.tsv", tmp_path / "Annotation.tsv")
        model = SignalingModel(network, seed=11)
        u = torch.linspace(0, 1, 3 * len(network.ligands), dtype=torch.float64).reshape(3, -1)
        y, _, _ = model(u)
        y.square().sum().backward()
        grads = {edge: float(model.weights.grad[slot]) for edge, slot in network.edge_slot.items()}
        weights = {edge: float(model.weights.detach()[slot]) for edge, slot in network.edge_slot.items()}
        results.append((y.detach(), grads, weights))
    assert torch.equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]
    assert results[0][2] == results[1][2]


def test_condition_table_reads_values_in_order(tmp_path):
    path = tmp_path / "lig.tsv"
    path.write_text("\tL2\tL1\nc1\t0.5\t1\nc0\t0\t0.25\n")
    table = read_conditions(path)
    assert list(table.index) == ["c1", "c0"]
    assert table.loc["c0", "L1"] == 0.25


# ---- bad input: one clear line naming file and line/column, exit 2, nothing written -----
GOOD_NET = "source\ttarget\tdirection\tstimulation\tinhibition\nL1\tA\t1\t1\t0\nA\tT1\t1\t1\t0\n"
GOOD_ANN = "code\tname\tTF\tligand\nL1\tL1\tFalse\tTrue\nA\tA\tFalse\tFalse\nT1\tT1\tTrue\tFalse\n"
GOOD_LIG = "\tL1\nc0\t0\nc1\t1\n"
GOOD_PAR = "Source\tTarget\tType\tValue\nL1\tA\tWeight\t1.0\nA\tT1\tWeight\t1.0\n"

BAD_CASES = {
    "missing column": ("network", GOOD_NET.replace("stimulation", "stim"), "column 'stimulation'"),
    "non-numeric value": ("ligands", "\tL1\nc0\t0\nc1\tabc\n", ":3: column 'L1'"),
    "NaN value": ("ligands", "\tL1\nc0\tnan\nc1\t1\n", ":2: column 'L1'"),
    "annotation node not in network": ("annotation", GOOD_ANN + "X9\tX9\tFalse\tFalse\n",
                                       ":5: column 'code'"),
    "unknown ligand column": ("ligands", "\tL1\tL7\nc0\t0\t1\n", "column 'L7'"),
    "edge with both signs": ("network", GOOD_NET + "L1\tA\t1\t0\t1\n",
                             ":4: edge L1 -> A is stimulating on line 2 and inhibiting on line 4"),
    "value beyond the header": ("network", GOOD_NET + "L1\tT1\t1\t1\t0\tx\ty\n",
                                ":4: 7 fields where the header has 5"),
    "empty network": ("network", "source\ttarget\tdirection\tstimulation\tinhibition\n",
                      "no edges"),
    "unknown edge in parameters": ("parameters", GOOD_PAR + "T1\tL1\tWeight\t2\n",
                                   ":4: weight for unknown edge T1 -> L1"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_gives_one_clear_line_and_writes_nothing(tmp_path, case):
    which, text, expected = BAD_CASES[case]
    files = {"network": GOOD_NET, "annotation": GOOD_ANN, "ligands": GOOD_LIG,
             "parameters": GOOD_PAR}
    files[which] = text
    paths = {}
    for key, content in files.items():
        paths[key] = tmp_path / f"{key}.tsv"
        paths[key].write_text(content)
    out = tmp_path / "out.tsv"
    result = subprocess.run(
        [sys.executable, "-m", "signet.cli", "simulate", "--network", paths["network"],
         "--annotation", paths["annotation"], "--parameters", paths["parameters"],
         "--ligands", paths["ligands"], "--output", out], capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(paths[which]) in lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{k}.tsv" for k in files)


def test_unknown_tf_column_is_an_error(tmp_path):
    from signet.training import Recipe, train

    (tmp_path / "n.tsv").write_text(GOOD_NET)
    (tmp_path / "a.tsv").write_text(GOOD_ANN)
    (tmp_path / "y.tsv").write_text("\tT1\tT9\nc0\t0.1\t0.2\nc1\t0.3\t0.4\n")
    (tmp_path / "x.tsv").write_text(GOOD_LIG)
    network = Network.from_files(tmp_path / "n.tsv", tmp_path / "a.tsv")
    with pytest.raises(Exception, match=r"y.tsv:1: column 'T9'"):
        train(SignalingModel(network), read_conditions(tmp_path / "x.tsv"),
              read_conditions(tmp_path / "y.tsv"), Recipe(epochs=1), progress=False)


def test_network_table_keeps_signs(tmp_path):
    (tmp_path / "n.tsv").write_text(GOOD_NET + "T1\tA\t1\t0\t1\nA\tL1\t1\t0\t0\n")
    (tmp_path / "a.tsv").write_text(GOOD_ANN)
    network = Network.from_files(tmp_path / "n.tsv", tmp_path / "a.tsv")
    signs = {edge: int(network.signs[slot]) for edge, slot in network.edge_slot.items()}
    assert signs == {("L1", "A"): 1, ("A", "T1"): 1, ("T1", "A"): -1, ("A", "L1"): 0}
    assert network.ligands == ["L1"] and network.tfs == ["T1"]
    assert isinstance(network.edge_table(), pd.DataFrame)
