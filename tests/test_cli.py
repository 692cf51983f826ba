"""The signet CLI end to end on the toy network: train, simulate, knockout, bench."""

import argparse
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
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
         "--output-dir", out, "--epochs", 5, "--batch-size", 2, "--seed", 1, "--quiet",
         "--allow-out-of-range")  # the toy's simulated TFs reach 1.07 (projection 1.3)
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
             "--threads", threads, "--allow-out-of-range")
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
               "--recipe", tmp_path / "r.yaml", "--quiet", "--allow-out-of-range")
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


# ---- silent wrong results: each stops with one line or warns in one line ------------------
def _signet(*args):
    return subprocess.run([sys.executable, "-m", "signet.cli", *map(str, args)],
                          capture_output=True, text=True)


def _refused(*args):
    """The one stderr line of a run that must stop as bad input (exit 2, no traceback)."""
    result = _signet(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _toy_files(tmp_path, toy_paths, tfs=None):
    """The toy network's flags, and a ligand table (and a TF table) written by hand."""
    (tmp_path / "lig.tsv").write_text("\tL1\tL2\nc1\t0\t1\nc2\t1\t0\nc3\t0.5\t0.5\n")
    if tfs is not None:
        (tmp_path / "tf.tsv").write_text(tfs)
    return ["--network", toy_paths["network"], "--annotation", toy_paths["annotation"]]


GOOD_TFS = "\tT1\nc1\t0.2\nc2\t0.9\nc3\t0.5\n"
#: a recipe whose learning rate warms up over 1 epoch: 3 epochs decay it without a warning
SHORT = "preset: fast\nwarmup_epochs: 1\nvalidation_fraction: 0.0\n"


def _short_recipe(tmp_path):
    path = tmp_path.parent / f"{tmp_path.name}-short.yaml"
    path.write_text(SHORT)
    return ["--recipe", path, "--epochs", 3, "--quiet"]


@pytest.mark.parametrize("command", ["simulate", "knockout"])
@pytest.mark.parametrize("rows", [0, 1])
def test_incomplete_parameter_table_is_refused(tmp_path, toy_paths, command, rows):
    """The toy network has 8 edges and 7 nodes (config/networks/toy-Model.tsv, by hand): a
    table of only its header, or of one weight row, lacks 8 or 7 weights and all 7 biases."""
    net = _toy_files(tmp_path, toy_paths)
    table = tmp_path / "p.tsv"
    table.write_text("Source\tTarget\tType\tValue\n" + "S2\tT1\tWeight\t2.0\n" * rows)
    out = tmp_path / "out.tsv"
    line = _refused(command, *net, "--parameters", table, "--ligands", tmp_path / "lig.tsv",
                    "--output", out)
    assert line.startswith(f"signet: error: {table}: incomplete parameter table: "
                           f"{8 - rows} of 8 weights and 7 of 7 biases missing ("), line
    assert "L1 -> R1" in line and ", ...)" in line
    assert not out.exists()


def test_missing_input_and_projection_rows_take_the_papers_values(tmp_path, toy_paths):
    """A table with every weight and bias but no Input/Projection rows runs with one warning
    line, and predicts what the same table with Input 3 and Projection 1.2 written out
    predicts in plain numpy."""
    net = _toy_files(tmp_path, toy_paths)
    full = pd.read_csv(toy_paths["parameters"], sep="\t", keep_default_na=False)
    core = full[full["Type"].isin(["Weight", "Bias"])]
    core.to_csv(tmp_path / "p.tsv", sep="\t", index=False)
    spelled = pd.concat([core, pd.DataFrame({"Source": ["L1", "L2", "T1"], "Target": "",
                                             "Type": ["Input", "Input", "Projection"],
                                             "Value": [3.0, 3.0, 1.2]})])
    spelled.to_csv(tmp_path / "spelled.tsv", sep="\t", index=False)
    result = _signet("simulate", *net, "--parameters", tmp_path / "p.tsv", "--ligands",
                     tmp_path / "lig.tsv", "--output", tmp_path / "tf.tsv", "--tol", 0)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("signet: warning: ") and str(tmp_path / "p.tsv") in lines[0]
    assert "Input row for 2 of 2 ligands" in lines[0]
    assert "Projection row for 1 of 1 TFs" in lines[0]
    assert "input scale 3 and projection 1.2" in lines[0]
    ligands = read_conditions(tmp_path / "lig.tsv")
    expected = _numpy_toy(tmp_path / "spelled.tsv", ligands)
    got = read_conditions(tmp_path / "tf.tsv")
    np.testing.assert_allclose(got["T1"], expected.loc[got.index, "T1"], rtol=1e-12,
                               atol=1e-14)


@pytest.mark.parametrize("value, line, row", [("1.5", 3, "c2"), ("-0.3", 4, "c3")])
def test_train_refuses_tf_values_outside_0_1(tmp_path, toy_paths, value, line, row):
    tfs = GOOD_TFS.replace({"c2": "0.9", "c3": "0.5"}[row], value)
    net = _toy_files(tmp_path, toy_paths, tfs)
    out = tmp_path / "run"
    message = _refused("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs",
                       tmp_path / "tf.tsv", "--output-dir", out, *_short_recipe(tmp_path))
    assert f"{tmp_path / 'tf.tsv'}:{line}: column 'T1': TF value {value} is outside 0..1" \
        in message
    assert "--allow-out-of-range" in message
    assert not out.exists()


def test_allow_out_of_range_trains_with_one_warning(tmp_path, toy_paths):
    net = _toy_files(tmp_path, toy_paths, GOOD_TFS.replace("0.9", "1.5"))
    result = _signet("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs",
                     tmp_path / "tf.tsv", "--output-dir", tmp_path / "run",
                     *_short_recipe(tmp_path), "--allow-out-of-range")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"signet: warning: {tmp_path / 'tf.tsv'}: 1 of 3 TF values lie outside 0..1 "
        "(accepted: --allow-out-of-range)"], result.stderr
    assert (tmp_path / "run" / "parameters.tsv").exists()


def test_negative_ligand_is_refused_and_a_large_one_warned(tmp_path, toy_paths):
    net = _toy_files(tmp_path, toy_paths)
    (tmp_path / "neg.tsv").write_text("\tL1\tL2\nc1\t0\t1\nc2\t-0.2\t0\n")
    args = ["--parameters", toy_paths["parameters"], "--output", tmp_path / "out.tsv"]
    message = _refused("simulate", *net, *args, "--ligands", tmp_path / "neg.tsv")
    assert f"{tmp_path / 'neg.tsv'}:3: column 'L1': ligand value -0.2 is negative" in message
    assert not (tmp_path / "out.tsv").exists()
    (tmp_path / "big.tsv").write_text("\tL1\tL2\nc1\t0\t1\nc2\t5\t0\n")
    result = _signet("simulate", *net, *args, "--ligands", tmp_path / "big.tsv")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("signet: warning: "), result.stderr
    assert "1 of 4 ligand values lie outside 0..1 (the first: 5 at line 3, column 'L1')" \
        in lines[0]


@pytest.mark.parametrize("command, flag, value", [
    ("simulate", "--steps", 0), ("simulate", "--steps", -3), ("knockout", "--steps", 0),
    ("train", "--epochs", 0), ("train", "--epochs", -1), ("train", "--batch-size", 0)])
def test_degenerate_settings_are_refused(tmp_path, toy_paths, command, flag, value):
    net = _toy_files(tmp_path, toy_paths, GOOD_TFS)
    files = {"train": ["--tfs", tmp_path / "tf.tsv", "--output-dir", tmp_path / "run"]}.get(
        command, ["--parameters", toy_paths["parameters"], "--output", tmp_path / "o.tsv"])
    message = _refused(command, *net, "--ligands", tmp_path / "lig.tsv", *files, flag, value)
    assert message.endswith(f"{flag} {value}: expected 1 or more"), message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lig.tsv", "tf.tsv"]


def test_epochs_within_the_warm_up_warn_in_one_line(tmp_path, toy_paths):
    """The paper recipe warms up over 1000 epochs: 3 epochs end at the peak learning rate."""
    net = _toy_files(tmp_path, toy_paths, GOOD_TFS)
    result = _signet("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs",
                     tmp_path / "tf.tsv", "--output-dir", tmp_path / "run", "--epochs", 3,
                     "--quiet")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("signet: warning: recipe 'paper': 3 epoch(s) leave no "
                               "learning-rate decay after the 1000-epoch warm-up"), lines[0]


def test_train_into_a_folder_with_a_model_needs_resume_or_overwrite(tmp_path, toy_paths):
    net = _toy_files(tmp_path, toy_paths, GOOD_TFS)
    out = tmp_path / "run"
    args = ["train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs", tmp_path / "tf.tsv",
            "--output-dir", out, *_short_recipe(tmp_path)[:2], "--quiet"]
    _run(*args, "--epochs", 3)
    before = {name: (out / name).read_bytes() for name in ("parameters.tsv", "model.pt")}
    message = _refused(*args, "--epochs", 3, "--seed", 5)
    assert message == (f"signet: error: {out}: already holds a model (model.pt, "
                       "parameters.tsv); give --resume to continue it, --overwrite to replace "
                       "it, or another --output-dir")
    assert {name: (out / name).read_bytes() for name in before} == before
    assert "exclude each other" in _refused(*args, "--resume", "--overwrite")
    _run(*args, "--epochs", 5, "--resume")
    log = pd.read_csv(out / "training-log.tsv", sep="\t")
    assert list(log["epoch"]) == [1, 2, 3, 4, 5]  # continued from the first run's 3 epochs
    _run(*args, "--epochs", 3, "--seed", 5, "--overwrite")
    log = pd.read_csv(out / "training-log.tsv", sep="\t")
    assert list(log["epoch"]) == [1, 2, 3]
    assert (out / "parameters.tsv").read_bytes() != before["parameters.tsv"]


def test_tf_rows_without_a_ligand_row_are_counted(tmp_path, toy_paths):
    net = _toy_files(tmp_path, toy_paths, GOOD_TFS + "x1\t0.1\nx2\t0.3\n")
    result = _signet("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs",
                     tmp_path / "tf.tsv", "--output-dir", tmp_path / "run",
                     *_short_recipe(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [f"signet: warning: {tmp_path / 'tf.tsv'}: 2 of 5 TF rows have no ligand "
                     "row and are not used (first: 'x1')"], result.stderr


def test_unknown_tf_column_names_the_flag_that_drops_it(tmp_path, toy_paths):
    net = _toy_files(tmp_path, toy_paths, "\tT1\tZZ\nc1\t0.2\t0\nc2\t0.9\t0\nc3\t0.5\t0\n")
    args = ["train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs", tmp_path / "tf.tsv",
            "--output-dir", tmp_path / "run", *_short_recipe(tmp_path)]
    message = _refused(*args)
    assert f"{tmp_path / 'tf.tsv'}:1: column 'ZZ': 'ZZ' is not a TF" in message
    assert "--ignore-unknown-tfs" in message
    result = _signet(*args, "--ignore-unknown-tfs")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"signet: warning: {tmp_path / 'tf.tsv'}: dropped 1 of 2 TF columns that are not TFs "
        "of the network"], result.stderr


def test_knockout_all_means_every_node_that_is_not_a_ligand(tmp_path, toy_paths):
    """The toy annotation (by hand): ligands L1, L2; the other nodes R1, R2, S1, S2, T1."""
    net = _toy_files(tmp_path, toy_paths)
    _run("knockout", *net, "--parameters", toy_paths["parameters"], "--ligands",
         tmp_path / "lig.tsv", "--output", tmp_path / "ko.tsv", "--nodes", "all")
    ko = pd.read_csv(tmp_path / "ko.tsv", sep="\t")
    assert sorted(ko["node"].unique()) == ["R1", "R2", "S1", "S2", "T1"]
    assert "every node that is not a ligand" in " ".join(_run("knockout", "--help").split())


# ---- help and version ------------------------------------------------------------------------
COMMANDS = ["simulate", "train", "knockout", "crossval", "bench"]


def test_version_is_the_projects():
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    version = tomllib.loads(pyproject.read_text())["project"]["version"]
    assert _run("--version").strip() == f"signet {version}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_a_description_and_an_example(command):
    text = _run(command, "--help")
    description = text.split("\n\n")[1]
    assert not description.startswith(("options:", "positional")), text
    assert len(description.split()) >= 25, description
    example = text.split("\nexample")[-1]  # the epilog: "example:" or "examples:"
    assert f"\n  signet {command} --" in example, text


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_wraps_between_words_only(command):
    """Every word of the description as written in signet.cli.DESCRIPTION, and of each
    option's help as given to argparse, appears whole in --help: a hyphenated file name
    (per-condition-r.png, cv-predictions.tsv) or word is not split across lines."""
    from signet.cli import DESCRIPTION, build_parser

    words = set(_run(*([command] if command else []), "--help").split())
    texts = [DESCRIPTION[command or "signet"]] + [
        text for name, _, text in _every_action(build_parser()) if name == command and text]
    split = [w for text in texts for w in text.split() if w not in words]
    assert not split, split


def test_help_text_has_no_restructuredtext_markup():
    import re

    markup = re.compile(r"``|:(func|class|mod|data|meth|attr):|\*\*|^\.\. ", re.M)
    for command in ["", *COMMANDS]:
        text = _run(*([command] if command else []), "--help")
        assert not markup.search(text), (command, markup.search(text).group(0))


def test_readme_command_lines_name_only_real_flags_and_every_knockout_flag():
    """Each `signet CMD` line of the README's "The command line" block uses only options
    that CMD's parser has; the crossval line names every --knockout* option."""
    import re
    from pathlib import Path

    from signet.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("\n## The command line\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    subparsers = next(a for a in build_parser()._actions
                      if isinstance(a, argparse._SubParsersAction)).choices
    seen = set()
    for line in block.splitlines():
        command = line.split()[1]
        options = set(subparsers[command]._option_string_actions)
        named = set(re.findall(r"--[a-z][a-z-]*", line))
        assert named <= options, (command, named - options)
        seen.add(command)
        if command == "crossval":
            wanted = {o for o in options if o.startswith("--knockout")}
            assert len(wanted) == 5 and wanted <= named, wanted - named
    assert seen == set(COMMANDS)


def test_simulate_several_tables_gives_the_ensemble_mean_and_spread(tmp_path, toy_paths):
    """Three parameter tables: --output is the mean of the three models' TF outputs and
    --states the mean of their states, --spread their standard deviation (n - 1), each model
    iterated in plain numpy; one table gives exactly its own output."""
    net = _toy_files(tmp_path, toy_paths)
    full = pd.read_csv(toy_paths["parameters"], sep="\t", keep_default_na=False)
    paths = []
    for i, scale in enumerate((1.0, 0.8, 1.3)):
        table = full.copy()
        weights = table["Type"] == "Weight"
        table.loc[weights, "Value"] = table.loc[weights, "Value"] * scale
        paths.append(tmp_path / f"p{i}.tsv")
        table.to_csv(paths[-1], sep="\t", index=False)
    _run("simulate", *net, "--parameters", *paths, "--ligands", tmp_path / "lig.tsv",
         "--output", tmp_path / "mean.tsv", "--spread", tmp_path / "sd.tsv",
         "--states", tmp_path / "x.tsv", "--tol", 0)
    ligands = read_conditions(tmp_path / "lig.tsv")
    each = np.stack([_numpy_toy(p, ligands).loc[ligands.index, ["T1"]].to_numpy()
                     for p in paths])
    assert each.std(axis=0).max() > 0.05  # the three models differ
    mean, sd = read_conditions(tmp_path / "mean.tsv"), read_conditions(tmp_path / "sd.tsv")
    assert list(mean.index) == list(ligands.index) == list(sd.index)
    np.testing.assert_allclose(mean[["T1"]].to_numpy(), each.mean(axis=0), rtol=1e-12,
                               atol=1e-14)
    np.testing.assert_allclose(sd[["T1"]].to_numpy(), each.std(axis=0, ddof=1), rtol=1e-10,
                               atol=1e-14)
    states = read_conditions(tmp_path / "x.tsv")
    np.testing.assert_allclose(states["T1"].to_numpy(), mean["T1"].to_numpy() / 1.3,
                               rtol=1e-12)  # the toy's projection is 1.3
    _run("simulate", *net, "--parameters", paths[1], "--ligands", tmp_path / "lig.tsv",
         "--output", tmp_path / "one.tsv", "--tol", 0)
    np.testing.assert_allclose(read_conditions(tmp_path / "one.tsv")[["T1"]].to_numpy(),
                               each[1], rtol=1e-12, atol=1e-14)


def test_simulate_ensemble_refusals_write_nothing(tmp_path, toy_paths):
    """--spread with one table, or a bad second table, stop with one line; nothing written."""
    net = _toy_files(tmp_path, toy_paths)
    out, sd = tmp_path / "mean.tsv", tmp_path / "sd.tsv"
    line = _refused("simulate", *net, "--parameters", toy_paths["parameters"], "--ligands",
                    tmp_path / "lig.tsv", "--output", out, "--spread", sd)
    assert "--spread: give two or more --parameters tables" in line
    bad = tmp_path / "bad.tsv"
    bad.write_text("Source\tTarget\tType\tValue\n")
    line = _refused("simulate", *net, "--parameters", toy_paths["parameters"], bad,
                    "--ligands", tmp_path / "lig.tsv", "--output", out, "--spread", sd)
    assert line.startswith(f"signet: error: {bad}: incomplete parameter table"), line
    assert not out.exists() and not sd.exists()


def test_train_set_changes_a_recipe_field(tmp_path, toy_paths):
    """--set lr_max=5e-4 caps the logged learning rate at 5e-4 where the same recipe reaches
    its 2e-3 peak; an unknown field is one line naming the fields, and nothing is written."""
    net = _toy_files(tmp_path, toy_paths, GOOD_TFS)
    peaks = {}
    for name, extra in (("plain", []), ("set", ["--set", "lr_max=5e-4"])):
        out = tmp_path / name
        _run("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs", tmp_path / "tf.tsv",
             "--output-dir", out, *_short_recipe(tmp_path), *extra)
        peaks[name] = pd.read_csv(out / "training-log.tsv", sep="\t")["lr"].max()
    assert peaks["plain"] == pytest.approx(2e-3, rel=1e-6)
    assert peaks["set"] == pytest.approx(5e-4, rel=1e-6)
    out = tmp_path / "bad"
    line = _refused("train", *net, "--ligands", tmp_path / "lig.tsv", "--tfs",
                    tmp_path / "tf.tsv", "--output-dir", out, *_short_recipe(tmp_path),
                    "--set", "lr_maximum=1")
    assert "recipe override 'lr_maximum=1': expected field=value with a field of:" in line
    assert "lr_max" in line
    assert not out.exists()
