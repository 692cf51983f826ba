"""File formats: exact round trips, edge-order invariance, and bad input."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.errors import SignetInputError
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
GOOD_PAR = ("Source\tTarget\tType\tValue\nL1\tA\tWeight\t1.0\nA\tT1\tWeight\t1.0\n"
            "L1\t\tBias\t0\nA\t\tBias\t0\nT1\t\tBias\t0\nL1\t\tInput\t3\nT1\t\tProjection\t1.2\n")

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
                                   ":9: weight for unknown edge T1 -> L1"),
    "parameter given twice": ("parameters", GOOD_PAR + "A\t\tBias\t0.5\n",
                              ":9: bias A is given twice (lines 5 and 9)"),
    "parameters without a bias": ("parameters", GOOD_PAR.replace("A\t\tBias\t0\n", ""),
                                  "incomplete parameter table: 1 of 3 biases missing (bias A)"),
    "negative ligand": ("ligands", "\tL1\nc0\t0\nc1\t-1\n",
                        ":3: column 'L1': ligand value -1 is negative"),
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


# ---- value ranges of training data ------------------------------------------------------------
def test_tf_values_outside_0_1_are_refused_naming_line_column_and_value(tmp_path, caplog):
    from signet.io import check_tf_values

    path = tmp_path / "y.tsv"
    path.write_text("\tT1\tT2\nc0\t0\t1\nc1\t0.5\t1.5\nc2\t-0.3\t0.2\n")
    table = read_conditions(path, "TF")
    with pytest.raises(SignetInputError) as err:
        check_tf_values(table)
    assert str(err.value).startswith(f"{path}:3: column 'T2': TF value 1.5 is outside 0..1 "
                                     "(2 of 6 values are)")
    with caplog.at_level("WARNING"):
        assert check_tf_values(table, allow_out_of_range=True) == 2
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: 2 of 6 TF values lie outside 0..1 (accepted: --allow-out-of-range)"]
    caplog.clear()
    path.write_text("\tT1\nc0\t0\nc1\t1\n")  # the bounds themselves are in range
    assert check_tf_values(read_conditions(path, "TF")) == 0 and not caplog.records


def test_ligand_values_negative_refused_above_one_warned(tmp_path, caplog):
    from signet.io import check_ligand_values

    path = tmp_path / "x.tsv"
    path.write_text("\tL1\tL2\nc0\t0\t2\nc1\t-0.5\t1\n")
    table = read_conditions(path, "ligand")
    with pytest.raises(SignetInputError) as err:
        check_ligand_values(table)
    assert str(err.value).startswith(f"{path}:3: column 'L1': ligand value -0.5 is negative "
                                     "(1 of 4 values are)")
    with caplog.at_level("WARNING"):
        assert check_ligand_values(table, allow_out_of_range=True) == 2
    assert len(caplog.records) == 1
    assert "2 of 4 ligand values lie outside 0..1 (the first: 2 at line 2, column 'L2')" \
        in caplog.records[0].getMessage()


# ---- parameter tables for prediction --------------------------------------------------------
def _toy_model(toy_paths):
    return SignalingModel(Network.from_files(toy_paths["network"], toy_paths["annotation"]))


def test_incomplete_parameter_table_names_the_count_and_the_first_missing(toy_paths):
    """Toy network (by hand): 8 edges, 7 nodes; rows dropped: two weights and one bias."""
    model = _toy_model(toy_paths)
    table = read_parameters(toy_paths["parameters"])
    before = [p.detach().clone() for p in model.parameters()]
    drop = ((table["Source"] == "R2") & (table["Target"] == "S1")) | \
        ((table["Source"] == "L1") & (table["Type"] == "Weight")) | \
        ((table["Source"] == "S2") & (table["Type"] == "Bias"))
    with pytest.raises(SignetInputError) as err:
        model.load_parameters_table(table[~drop], path="p.tsv")
    assert str(err.value) == ("p.tsv: incomplete parameter table: 2 of 8 weights and 1 of 7 "
                              "biases missing (weight L1 -> R1, weight R2 -> S1, bias S2); a "
                              "table for prediction needs one Weight row per edge and one "
                              "Bias row per node")
    for a, b in zip(before, model.parameters()):  # nothing was set
        assert torch.equal(a, b)


def test_partial_table_on_request_keeps_the_other_parameters(toy_paths):
    """``complete=False`` (a training script's frozen scales) sets the rows given and keeps
    every other value as it was."""
    model = _toy_model(toy_paths)
    weights, bias = model.weights.detach().clone(), model.bias.detach().clone()
    table = read_parameters(toy_paths["parameters"])
    model.load_parameters_table(table[table["Type"].isin(["Input", "Projection"])],
                                complete=False)
    assert torch.equal(model.weights, weights) and torch.equal(model.bias, bias)
    assert model.input_scale.tolist() == [1.0, 1.0]  # toy-Parameters.tsv: Input 1.0
    assert model.projection.tolist() == [1.3]  # toy-Parameters.tsv: Projection 1.3


def test_condition_tables_round_trip_exactly(tmp_path):
    """write_conditions then read_conditions gives back every float64 bit for bit (the
    decimal text is parsed correctly rounded): a model trained from the written tables is
    the model trained from the values in memory."""
    from signet.io import read_conditions, write_conditions

    rng = np.random.default_rng(7)
    values = np.concatenate([rng.random((300, 4)), rng.random((300, 4)) * 1e-7,
                             rng.random((300, 4)).astype(np.float32).astype(np.float64)],
                            axis=1)
    table = pd.DataFrame(values, index=[f"c{i}" for i in range(300)],
                         columns=[f"x{j}" for j in range(12)])
    write_conditions(table, tmp_path / "t.tsv")
    back = read_conditions(tmp_path / "t.tsv")
    assert list(back.index) == list(table.index) and list(back.columns) == list(table.columns)
    assert np.array_equal(back.to_numpy(), values)
