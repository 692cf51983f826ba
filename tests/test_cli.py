"""The signet CLI end to end on the toy network: train, simulate, knockout, bench."""

import subprocess
import sys

import numpy as np
import pandas as pd
from signet.io import read_conditions


def _run(*args):
    result = subprocess.run([sys.executable, "-m", "signet.cli", *map(str, args)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _numpy_toy(parameters_path, ligands: pd.DataFrame, knocked=None, steps=150):
    """TF activities of the toy network from its parameter table, in plain numpy:
    x <- MML(A x + b + input * u) for ``steps`` steps, y = projection * x[TF];
    ``knocked`` adds -5 to that node's bias (the knock-out)."""
    table = pd.read_csv(parameters_path, sep="\t", keep_default_na=False)
    nodes = sorted(set(table["Source"]) | set(table["Target"]) - {""})
    at = {node: i for i, node in enumerate(nodes)}
    A, b = np.zeros((len(nodes), len(nodes))), np.zeros(len(nodes))
    b_in = np.zeros((len(ligands), len(nodes)))
    projection = {}
    for source, target, kind, value in table.itertuples(index=False):
        if kind == "Weight":
            A[at[target], at[source]] = value
        elif kind == "Bias":
            b[at[source]] = value
        elif kind == "Input":
            b_in[:, at[source]] = value * ligands[source].to_numpy()
        elif kind == "Projection":
            projection[source] = value
    if knocked is not None:
        b[at[knocked]] -= 5.0
    out = {}
    for row in range(len(ligands)):
        x = np.zeros(len(nodes))
        for _ in range(steps):
            z = A @ x + b + b_in[row]
            x = np.where(z < 0, 0.01 * z, np.where(z <= 0.5, z, 1 - 0.25 / np.maximum(z, 0.5)))
        out[ligands.index[row]] = {tf: p * x[at[tf]] for tf, p in projection.items()}
    return pd.DataFrame.from_dict(out, orient="index")


def test_simulate_train_knockout_round_trip(tmp_path, toy_paths):
    ligands = pd.DataFrame({"L2": [0.0, 1.0, 0.3], "L1": [0.0, 0.5, 0.9]},
                           index=["ctrl", "both", "mix"])
    ligands.to_csv(tmp_path / "lig.tsv", sep="\t")
    net = ["--network", toy_paths["network"], "--annotation", toy_paths["annotation"]]
    _run("simulate", *net, "--parameters", toy_paths["parameters"], "--ligands",
         tmp_path / "lig.tsv", "--output", tmp_path / "tf.tsv", "--states", tmp_path / "x.tsv",
         "--tol", 0)
    tf = read_conditions(tmp_path / "tf.tsv")
    states = read_conditions(tmp_path / "x.tsv")
    assert list(tf.index) == ["ctrl", "both", "mix"] and list(tf.columns) == ["T1"]
    assert list(states.columns) == ["L1", "L2", "R1", "R2", "S1", "S2", "T1"]
    # reference: the parameter table iterated in numpy (150 steps, as the CLI with --tol 0)
    expected = _numpy_toy(toy_paths["parameters"], ligands)
    np.testing.assert_allclose(tf["T1"], expected["T1"], rtol=1e-12, atol=1e-14)
    assert tf["T1"].std() > 0.01  # the three conditions give different answers

    out = tmp_path / "run"
    _run("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs", tmp_path / "tf.tsv",
         "--output-dir", out, "--epochs", 5, "--batch-size", 2, "--seed", 1, "--quiet")
    for name in ("parameters.tsv", "model.pt", "training-log.tsv"):
        assert (out / name).exists()
    log = pd.read_csv(out / "training-log.tsv", sep="\t")
    assert list(log["epoch"]) == [1, 2, 3, 4, 5]
    for column in ("loss", "fit", "rho", "lr", "sign_violations", "wall_seconds"):
        assert column in log.columns

    _run("knockout", *net, "--parameters", out / "parameters.tsv", "--ligands",
         tmp_path / "lig.tsv", "--output", tmp_path / "ko.tsv", "--nodes", "S1,R2",
         "--tol", 0)
    ko = pd.read_csv(tmp_path / "ko.tsv", sep="\t")
    assert list(ko.columns) == ["condition", "node", "tf", "delta"]
    assert len(ko) == 3 * 2 * 1
    # reference: the trained parameter table in numpy, knocked-out minus control
    control = _numpy_toy(out / "parameters.tsv", ligands)
    for node in ("S1", "R2"):
        delta = _numpy_toy(out / "parameters.tsv", ligands, knocked=node) - control
        got = ko.loc[ko["node"] == node].set_index("condition")["delta"]
        np.testing.assert_allclose(got[delta.index], delta["T1"], rtol=1e-10, atol=1e-12)



def test_train_threads_give_the_same_parameters(tmp_path, toy_paths):
    """``signet train --threads 2`` (the spectral term beside the backward solve) writes the
    same parameter table, byte for byte, as ``--threads 1``; ``--threads 0`` is one line."""
    ligands = pd.DataFrame({"L2": [0.0, 1.0, 0.3, 0.7], "L1": [0.0, 0.5, 0.9, 0.2]},
                           index=["ctrl", "both", "mix", "other"])
    ligands.to_csv(tmp_path / "lig.tsv", sep="\t")
    net = ["--network", toy_paths["network"], "--annotation", toy_paths["annotation"]]
    _run("simulate", *net, "--parameters", toy_paths["parameters"], "--ligands",
         tmp_path / "lig.tsv", "--output", tmp_path / "tf.tsv")
    tables = []
    for threads in (1, 2):
        out = tmp_path / f"run{threads}"
        _run("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs", tmp_path / "tf.tsv",
             "--output-dir", out, "--epochs", 6, "--batch-size", 2, "--seed", 1, "--quiet",
             "--threads", threads)
        tables.append((out / "parameters.tsv").read_bytes())
    assert tables[0] == tables[1]
    result = subprocess.run([sys.executable, "-m", "signet.cli", "train", *map(str, net),
                             "--ligands", str(tmp_path / "lig.tsv"), "--tfs",
                             str(tmp_path / "tf.tsv"), "--output-dir", str(tmp_path / "bad"),
                             "--threads", "0"], capture_output=True, text=True)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].endswith("--threads 0: expected 1 or more")
    assert "Traceback" not in result.stderr

def test_bench_prints_the_figures_tools_parse():
    """The figures describe the requested problem (200 nodes x 5 edges each, batch 3, 20
    steps with no early stop) and the timings are positive and finite."""
    text = _run("bench", "--random-nodes", 200, "--edges-per-node", 5, "--batch-size", 3,
                "--steps", 20, "--repeats", 3)
    keys = dict(line.split(": ") for line in text.strip().splitlines())
    assert (int(keys["nodes"]), int(keys["edges"]), int(keys["batch_size"]),
            int(keys["steps"])) == (200, 200 * 5, 3, 20)
    assert float(keys["forward_steps"]) == 20.0  # tol 0: every step runs
    for key in ("forward_ms_median", "backward_ms_median"):
        assert 0 < float(keys[key]) < 60_000
    assert float(keys["peak_rss_mb"]) >= float(keys["peak_rss_before_timed_passes_mb"]) > 0


def _every_action(parser):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                for inner in _every_action(sub):
                    yield (name, *inner[1:]) if inner[0] == "" else inner
        elif not isinstance(action, argparse._HelpAction):
            yield ("", action.dest, action.help)


def test_every_flag_has_help_and_recipe_help_lists_every_preset():
    from signet.cli import build_parser
    from signet.training.recipe import PRESETS

    actions = list(_every_action(build_parser()))
    assert len(actions) > 30
    missing = [(command, dest) for command, dest, text in actions if not text]
    assert not missing, missing
    for command in ("train", "bench"):
        text = _run(command, "--help")
        for name in PRESETS:
            assert name in " ".join(text.split()), (command, name)


def test_unknown_preset_names_the_valid_ones(tmp_path, toy_paths):
    from signet.training.recipe import PRESETS

    result = subprocess.run(
        [sys.executable, "-m", "signet.cli", "train", "--network", toy_paths["network"],
         "--annotation", toy_paths["annotation"], "--ligands", tmp_path / "x.tsv", "--tfs",
         tmp_path / "y.tsv", "--output-dir", tmp_path / "run", "--recipe", "papr"],
        capture_output=True, text=True)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "papr" in lines[0] and "not found" not in lines[0]
    for name in PRESETS:
        assert name in lines[0]


def test_final_line_shows_rho_as_na_when_not_computed(tmp_path, toy_paths):
    """rho is computed every 10th epoch here, so the 3rd (last) epoch has none: the log holds
    NaN there and the final line says n/a instead of nan."""
    ligands = pd.DataFrame({"L2": [0.0, 1.0, 0.3], "L1": [0.0, 0.5, 0.9]},
                           index=["ctrl", "both", "mix"])
    ligands.to_csv(tmp_path / "lig.tsv", sep="\t")
    net = ["--network", toy_paths["network"], "--annotation", toy_paths["annotation"]]
    _run("simulate", *net, "--parameters", toy_paths["parameters"], "--ligands",
         tmp_path / "lig.tsv", "--output", tmp_path / "tf.tsv")
    (tmp_path / "r.yaml").write_text("preset: paper\nspectral_every: 10\n")
    out = _run("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs", tmp_path / "tf.tsv",
               "--output-dir", tmp_path / "run", "--epochs", 3, "--batch-size", 3,
               "--recipe", tmp_path / "r.yaml", "--quiet")
    log = pd.read_csv(tmp_path / "run" / "training-log.tsv", sep="\t")
    assert np.isnan(log["rho"].iloc[-1])
    final = out.strip().splitlines()[-1]
    assert "rho n/a" in final and "nan" not in final, final


def test_pass_bench_loads_no_pandas():
    """``signet bench --random-nodes`` builds its network from arrays and its parser lists
    the presets without the training loop: pandas (65 MB of the 19 000-node bench's peak
    memory) is never imported."""
    code = ("import sys; from signet.cli import main; "
            "main(['bench', '--random-nodes', '300', '--steps', '5', '--repeats', '1']); "
            "print('pandas loaded:', 'pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "pandas loaded: False"
