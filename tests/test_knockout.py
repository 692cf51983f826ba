"""Knock-outs on hand-built networks with hand-computed expectations."""

import pandas as pd
import pytest
import torch
from signet.core.knockout import knockout
from signet.core.model import SignalingModel
from signet.core.network import Network


def _chain():
    edges = pd.DataFrame({"source": ["L", "A", "B"], "target": ["A", "B", "T"],
                          "stimulation": [1, 1, 1], "inhibition": [0, 0, 0]})
    annotation = pd.DataFrame({"code": ["L", "A", "B", "T"], "name": ["L", "A", "B", "T"],
                               "TF": [False, False, False, True],
                               "ligand": [True, False, False, False]})
    network = Network.from_tables(edges, annotation)
    model = SignalingModel(network, steps=50, tol=0.0)
    with torch.no_grad():
        model.weights.fill_(1.0)
        model.bias.zero_()
        model.input_scale.fill_(1.0)
        model.projection.fill_(1.0)
    return model


def test_knocking_out_the_middle_node_silences_the_tf():
    """Chain L -> A -> B -> T, unit weights: with L = 0.4 every node is 0.4 (MML identity on
    [0, 0.5]); B knocked out (bias -5) gives B = f(0.4 - 5) = -0.046 and
    T = f(-0.046) = -0.00046, so delta T = -0.40046. Without ligand: B = -0.05,
    T = -0.0005, delta = -0.0005."""
    model = _chain()
    ligands = pd.DataFrame({"L": [0.4, 0.0]}, index=["on", "off"])
    table = knockout(model, ligands, nodes=["B"])
    assert list(table.columns) == ["condition", "node", "tf", "delta"]
    on = table[(table.condition == "on")].iloc[0]
    assert on.node == "B" and on.tf == "T"
    assert on.delta == pytest.approx(-0.40046, abs=1e-12)
    off = table[(table.condition == "off")].iloc[0]
    assert off.delta == pytest.approx(-0.0005, abs=1e-12)


def test_knockout_all_covers_every_node_but_the_ligands_every_condition_and_tf():
    """``nodes="all"``: A, B and T of the chain, not the ligand L (as a study's knock-outs)."""
    model = _chain()
    ligands = pd.DataFrame({"L": [0.4, 0.2, 0.0]}, index=["a", "b", "c"])
    table = knockout(model, ligands, nodes="all")
    assert len(table) == 3 * 3 * 1
    per_node = table[table.condition == "a"].set_index("node")["delta"]
    assert sorted(per_node.index) == ["A", "B", "T"]
    # knocking out A or B cuts the chain; knocking out T silences itself
    for node in ["A", "B", "T"]:
        assert per_node[node] < -0.39
    # a ligand's node is knocked out when named
    named = knockout(model, ligands, nodes=["L"])
    assert named.loc[named.condition == "a", "delta"].iloc[0] < -0.39
