"""The paper's released synthetic study read as released (signet.studies.synthetic.released).

Small tables are written by hand here; the released files come through the ``paper_data``
fixture. The independent references: the column order the release's README states
(``numpy.intersect1d`` of the annotation's ligands and the network's nodes), a plain numpy
simulation of ``equationParams.txt`` (dense matrix, MML, 150 steps from zero, built from the
table alone), and the figures the issue reports for the released reference (mean-predictor r
0.15, TF sd median 0.29).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from signet.core.network import Network
from signet.errors import SignetInputError
from signet.studies.synthetic.released import (
    read_released_ligands,
    read_released_training_set,
    read_sweep_points,
    released_reference,
    released_targets,
    released_test_set,
    sweep_point_index,
)

# a network whose ligands are listed out of code order (annotation: ZLIG, ALIG, MLIG)
MODEL = ("source\ttarget\tdirection\tstimulation\tinhibition\tsources\treferences\n"
         "ZLIG\tR1\t1\t1\t0\tx\t\nALIG\tR1\t1\t1\t0\tx\t\nMLIG\tR1\t1\t0\t1\tx\t\n"
         "R1\tTF1\t1\t1\t0\tx\t\n")
ANNOTATION = ("code\tname\tTF\tligand\nZLIG\tz\tfalse\ttrue\nALIG\ta\tfalse\ttrue\n"
              "MLIG\tm\tfalse\ttrue\nR1\tr\tfalse\tfalse\nTF1\tt\ttrue\tfalse\n")
POINTS = "Index\tLigands\tDataSize\n0\t2\t10\n1\t2\t3\n2\t5\t3\n"


@pytest.fixture
def network(tmp_path):
    (tmp_path / "m.tsv").write_text(MODEL)
    (tmp_path / "a.tsv").write_text(ANNOTATION)
    return Network.from_files(tmp_path / "m.tsv", tmp_path / "a.tsv")


def _one_line(err: pytest.ExceptionInfo, path) -> str:
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


# ---- reading, small hand-written files ---------------------------------------------------
def test_tensor_columns_are_the_ligands_sorted_by_code(tmp_path, network):
    """Columns ALIG, MLIG, ZLIG (sorted), whatever the annotation's order; values as saved."""
    path = tmp_path / "X_1.pt"
    torch.save(torch.tensor([[0.0, 0.0, 0.0], [0.1, 0.2, 0.3]], dtype=torch.float64), path)
    table = read_released_ligands(path, network)
    assert list(table.columns) == ["ALIG", "MLIG", "ZLIG"]
    assert table.loc[table.index[1]].to_dict() == {"ALIG": 0.1, "MLIG": 0.2, "ZLIG": 0.3}
    assert (table.iloc[0] == 0).all() and table.dtypes.eq(np.float64).all()


@pytest.mark.parametrize("values", [torch.zeros(2, 4, dtype=torch.float64),
                                    torch.zeros(3, dtype=torch.float64),
                                    {"X": torch.zeros(2, 3)}])
def test_wrong_shape_is_one_line_naming_the_file(tmp_path, network, values):
    path = tmp_path / "X_2.pt"
    torch.save(values, path)
    with pytest.raises(SignetInputError) as err:
        read_released_ligands(path, network)
    assert "expected a conditions x 3 tensor" in _one_line(err, path)


def test_unreadable_or_missing_tensor_is_one_line(tmp_path, network):
    text = tmp_path / "X_3.pt"
    text.write_text("Index\tLigands\n")
    with pytest.raises(SignetInputError) as err:
        read_released_ligands(text, network)
    assert "not a tensor saved by torch.save" in _one_line(err, text)
    with pytest.raises(SignetInputError) as err:
        read_released_ligands(tmp_path / "absent.pt", network)
    assert "not found" in _one_line(err, tmp_path / "absent.pt")


def test_negative_concentration_is_refused(tmp_path, network):
    path = tmp_path / "X_4.pt"
    torch.save(torch.tensor([[0.0, -0.1, 0.0]], dtype=torch.float64), path)
    with pytest.raises(SignetInputError) as err:
        read_released_ligands(path, network)
    assert ">= 0" in _one_line(err, path)


def test_sweep_points_are_read_as_integers(tmp_path):
    path = tmp_path / "conditions.tsv"
    path.write_text(POINTS)
    points = read_sweep_points(path)
    assert points.to_dict("list") == {"Index": [0, 1, 2], "Ligands": [2, 2, 5],
                                      "DataSize": [10, 3, 3]}
    assert sweep_point_index(points, 3, 5) == 2 and sweep_point_index(points, 10, 2) == 0
    with pytest.raises(SignetInputError, match="no sweep point of 3 conditions x 3 ligands"):
        sweep_point_index(points, 3, 3, path)


@pytest.mark.parametrize("text, where, what", [
    ("Index\tLigands\n0\t2\n", ":1:", "expected the columns Index, Ligands, DataSize"),
    ("Index\tLigands\tDataSize\n0\t2\t10\n1\ttwo\t50\n", ":3: column 'Ligands'",
     "expected an integer >= 0, got 'two'"),
    ("Index\tLigands\tDataSize\n0\t2\t10\n0\t3\t50\n", ":3:", "Index 0 is given twice"),
    ("Index\tLigands\tDataSize\n0\t2\t10\n1\t2\t10\n", ":3:",
     "Ligands and DataSize 2, 10 is given twice"),
    ("", "", "empty"),
])
def test_bad_sweep_point_table_is_one_line_with_its_line(tmp_path, text, where, what):
    path = tmp_path / "conditions.tsv"
    path.write_text(text)
    with pytest.raises(SignetInputError) as err:
        read_sweep_points(path)
    message = _one_line(err, path)
    assert message.startswith(f"{path}{where}") and what in message


def test_training_set_must_have_the_points_size(tmp_path, network):
    points = tmp_path / "conditions.tsv"
    points.write_text(POINTS)
    path = tmp_path / "X_1.pt"
    torch.save(torch.zeros(4, 3, dtype=torch.float64), path)
    with pytest.raises(SignetInputError) as err:
        read_released_training_set(points, path, network, samples=3, ligands=2)
    assert "4 conditions, but the sweep point with Index 1" in _one_line(err, path)
    torch.save(torch.zeros(3, 3, dtype=torch.float64), path)
    assert read_released_training_set(points, path, network, 3, 2).shape == (3, 3)


# ---- the released files -------------------------------------------------------------------
@pytest.fixture(scope="module")
def kegg(paper_data):
    return Network.from_files(paper_data / "networks" / "KEGGnet-Model.tsv",
                              paper_data / "networks" / "KEGGnet-Annotation.tsv")


@pytest.fixture(scope="module")
def reference(paper_data, kegg):
    return released_reference(kegg, paper_data / "synthetic" / "equationParams.txt")


def _intersect1d_ligands(paper_data) -> list[str]:
    """The release README's column order, from the raw files with pandas and numpy."""
    model = pd.read_csv(paper_data / "networks" / "KEGGnet-Model.tsv", sep="\t")
    annotation = pd.read_csv(paper_data / "networks" / "KEGGnet-Annotation.tsv", sep="\t")
    nodes = np.union1d(model["source"], model["target"])
    ligands = annotation.loc[annotation["ligand"].astype(str).str.lower() == "true", "code"]
    return list(np.intersect1d(ligands.to_numpy(dtype=str), nodes))


def test_x13_is_400_conditions_of_4_to_5_ligands_after_the_control(paper_data, kegg):
    table = read_released_ligands(paper_data / "synthetic" / "X_13.pt", kegg)
    assert table.shape == (400, 101)
    assert list(table.columns) == _intersect1d_ligands(paper_data)
    assert (table.iloc[0] == 0).all()
    stimulated = (table.iloc[1:] > 0).sum(axis=1)
    assert set(stimulated) <= {4, 5}


def test_every_released_table_has_its_points_size(paper_data, kegg):
    """The 15 tables against conditions.tsv read with pandas: DataSize rows, at most
    Ligands ligands a row, the control first."""
    raw = pd.read_csv(paper_data / "synthetic" / "conditions.tsv", sep="\t")
    points = read_sweep_points(paper_data / "synthetic" / "conditions.tsv")
    assert points.to_dict("list") == raw.to_dict("list") and len(raw) == 15
    for row in raw.itertuples(index=False):
        table = read_released_training_set(
            paper_data / "synthetic" / "conditions.tsv",
            paper_data / "synthetic" / f"X_{row.Index}.pt", kegg, row.DataSize, row.Ligands)
        assert len(table) == row.DataSize and (table.iloc[0] == 0).all()
        assert (table > 0).sum(axis=1).max() <= row.Ligands


def _numpy_reference(paper_data):
    """The released reference from equationParams.txt alone: nodes (Bias rows), the dense
    weight matrix, input scales (ligands) and projections (TFs)."""
    table = pd.read_csv(paper_data / "synthetic" / "equationParams.txt", sep="\t",
                        float_precision="round_trip")
    by_type = {kind: rows for kind, rows in table.groupby("Type")}
    nodes = list(by_type["Bias"]["Source"])
    position = {node: i for i, node in enumerate(nodes)}
    weights = np.zeros((len(nodes), len(nodes)))
    for source, target, value in by_type["Weight"][["Source", "Target", "Value"]].itertuples(
            index=False):
        weights[position[target], position[source]] = value
    return {"nodes": position, "weights": weights,
            "bias": by_type["Bias"]["Value"].to_numpy(),
            "input": dict(zip(by_type["Input"]["Source"], by_type["Input"]["Value"])),
            "projection": dict(zip(by_type["Projection"]["Source"],
                                   by_type["Projection"]["Value"]))}


def _numpy_simulate(ref, ligands: pd.DataFrame, steps: int = 150) -> pd.DataFrame:
    """x <- MML(x A^T + b + input scale x u), ``steps`` times from zero; y = projection x."""
    total = np.tile(ref["bias"], (len(ligands), 1))
    for ligand in ligands.columns:
        total[:, ref["nodes"][ligand]] += ref["input"][ligand] * ligands[ligand].to_numpy()
    x = np.zeros_like(total)
    for _ in range(steps):
        z = x @ ref["weights"].T + total
        x = np.where(z < 0, 0.01 * z, np.where(z <= 0.5, z, 1 - 0.25 / np.maximum(z, 0.5)))
    tfs = list(ref["projection"])
    columns = [ref["nodes"][tf] for tf in tfs]
    return pd.DataFrame(x[:, columns] * np.array([ref["projection"][tf] for tf in tfs]),
                        index=ligands.index, columns=tfs)


def test_released_targets_match_a_numpy_simulation_of_the_table(paper_data, kegg, reference):
    ligands = read_released_ligands(paper_data / "synthetic" / "X_13.pt", kegg)
    ours = released_targets(reference, ligands)
    expected = _numpy_simulate(_numpy_reference(paper_data), ligands)
    np.testing.assert_allclose(ours[expected.columns].to_numpy(), expected.to_numpy(),
                               rtol=0, atol=1e-10)


def test_released_reference_has_the_issues_statistics(paper_data, kegg, reference):
    """On 1000 fresh 5-ligand conditions: the mean predictor (each TF's mean over X_13's
    targets) has r 0.15 +- 0.01 (numpy's corrcoef of the pooled values), and the TFs' sd over
    the conditions has median 0.29 +- 0.01, none constant."""
    ligands = read_released_ligands(paper_data / "synthetic" / "X_13.pt", kegg)
    train = released_targets(reference, ligands)
    test_ligands, test = released_test_set(reference, 1000, seed=3)
    assert test_ligands.shape == (1000, 101) and ((test_ligands > 0).sum(axis=1) == 5).all()
    mean = np.tile(train[test.columns].mean(axis=0).to_numpy(), (len(test), 1))
    r = np.corrcoef(mean.ravel(), test.to_numpy().ravel())[0, 1]
    assert r == pytest.approx(0.15, abs=0.01)
    sd = test.std(axis=0)
    assert sd.median() == pytest.approx(0.29, abs=0.01) and (sd > 1e-3).all()


def test_released_ensemble_scores_the_reference_itself_as_perfect(paper_data):
    """bench/released_ensemble.py: the reference's own parameter table predicts the test set
    with r 1 and fits the training set with MSE ~0; the ensemble of the reference and an
    untrained model is numpy's correlation of the hand-averaged predictions."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "bench" / "released_ensemble.py"
    spec = importlib.util.spec_from_file_location("released_ensemble", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from signet.studies.synthetic.released import load_released_point
    from signet.training import PRESETS, model_from_recipe

    point = load_released_point(paper_data, 12)  # 100 x 5
    test_ligands, test_tfs = released_test_set(point.reference, 40, seed=5)
    untrained = model_from_recipe(point.network, PRESETS["fast"], seed=2)
    tables = [point.reference.parameters_table(), untrained.parameters_table()]
    rows, ensemble = bench.score(point, tables, test_ligands, test_tfs)
    assert rows["test_r"].iloc[0] == pytest.approx(1.0, abs=1e-9)
    assert rows["train_mse"].iloc[0] < 1e-10
    assert rows["train_mse"].iloc[1] > 1e-3 and rows["test_r"].iloc[1] < 0.9
    with torch.no_grad():
        mine = untrained.simulate(test_ligands)[0][test_tfs.columns].to_numpy()
    average = (test_tfs.to_numpy() + mine) / 2  # the reference predicts its own targets
    expected = np.corrcoef(average.ravel(), test_tfs.to_numpy().ravel())[0, 1]
    assert ensemble == pytest.approx(expected, abs=1e-8)


def test_released_point_init_starts_from_the_given_table(paper_data, tmp_path, capsys):
    """bench/released_point.py --init: starting from the reference's own table with a
    vanishing learning rate keeps its perfect fit; without --init the same run is far off."""
    import importlib.util

    from signet.io import write_parameters
    from signet.studies.synthetic.released import load_released_point

    path = Path(__file__).resolve().parents[1] / "bench" / "released_point.py"
    spec = importlib.util.spec_from_file_location("released_point", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    point = load_released_point(paper_data, 12)  # 100 x 5
    table = tmp_path / "reference.tsv"
    write_parameters(point.reference.parameters_table(), table)
    common = ["--release", str(paper_data), "--index", "12", "--test", "40", "--epochs", "1",
              "--set", "lr_max=1e-12", "--set", "lr_min=1e-12", "--set", "noise=0",
              "--threads", "1"]

    def final_mse(extra):
        bench.main(common + extra)
        line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("# final")][0]
        return float(line.split("train MSE ")[1].split(",")[0]), line

    mse, line = final_mse(["--init", str(table)])
    assert mse < 1e-8, line
    assert float(line.split("test r ")[1].split(" ")[0]) > 0.9999, line
    mse, line = final_mse([])
    assert mse > 1e-3, line
