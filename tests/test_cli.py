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


def test_simulate_train_knockout_round_trip(tmp_path, toy_paths):
    ligands = pd.DataFrame({"L2": [0.0, 1.0, 0.3], "L1": [0.0, 0.5, 0.9]},
                           index=["ctrl", "both", "mix"])
    ligands.to_csv(tmp_path / "lig.tsv", sep="\t")
    net = ["--network", toy_paths["network"], "--annotation", toy_paths["annotation"]]
    _run("simulate", *net, "--parameters", toy_paths["parameters"], "--ligands",
         tmp_path / "lig.tsv", "--output", tmp_path / "tf.tsv", "--states", tmp_path / "x.tsv")
    tf = read_conditions(tmp_path / "tf.tsv")
    states = read_conditions(tmp_path / "x.tsv")
    assert list(tf.index) == ["ctrl", "both", "mix"] and list(tf.columns) == ["T1"]
    # values are projection (1.3, from the table) x steady state of T1
    assert np.allclose(tf["T1"], 1.3 * states["T1"], rtol=1e-12)

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
         tmp_path / "lig.tsv", "--output", tmp_path / "ko.tsv", "--nodes", "S1,R2")
    ko = pd.read_csv(tmp_path / "ko.tsv", sep="\t")
    assert list(ko.columns) == ["condition", "node", "tf", "delta"]
    assert len(ko) == 3 * 2 * 1


def test_bench_prints_the_figures_tools_parse():
    text = _run("bench", "--random-nodes", 200, "--edges-per-node", 5, "--batch-size", 3,
                "--steps", 20, "--repeats", 3)
    keys = dict(line.split(": ") for line in text.strip().splitlines())
    assert float(keys["forward_ms_median"]) > 0
    assert float(keys["backward_ms_median"]) > 0


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
