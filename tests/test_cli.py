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
