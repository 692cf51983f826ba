"""`signet crossval` on the command line: its help, one-line errors for its own flags (folds,
knock-outs), and the default recipe it shares with `train` or explains."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from signet.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples"
RST_MARKUP = re.compile(r"``|:(func|class|data|meth|mod):|\.\. |\*\*")


def run_help(capsys, *command) -> str:
    """What ``signet COMMAND --help`` prints."""
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command, "--help"])
    return capsys.readouterr().out


def test_crossval_help_is_a_paragraph_and_an_example_without_markup(capsys):
    """One paragraph that says what the command answers, then a runnable example on the
    shipped example study; no reStructuredText."""
    text = run_help(capsys, "crossval")
    description = text.split("\n\n")[1]
    assert description.startswith("Tell how far a model of your data can be trusted")
    assert "scrambled control" in description and "seeds can be added" in description
    example = text.split("example:\n", 1)[1]
    assert example.lstrip().startswith("signet crossval --network examples/example-Model.tsv")
    for path in re.findall(r"examples/[\w.-]+", example):
        assert (ROOT / path).exists(), path
    assert not RST_MARKUP.search(text)


def test_train_and_crossval_help_say_why_their_default_recipes_differ(capsys):
    train = " ".join(run_help(capsys, "train").split())
    crossval = " ".join(run_help(capsys, "crossval").split())
    assert "default paper" in train and "crossval defaults to macrophage-fast because" in train
    assert "default macrophage-fast" in crossval and "train's default, paper" in crossval


def example_args(tmp_path, *extra) -> list[str]:
    return ["crossval", "--network", str(EXAMPLE / "example-Model.tsv"),
            "--annotation", str(EXAMPLE / "example-Annotation.tsv"),
            "--ligands", str(EXAMPLE / "example-Ligands.tsv"),
            "--tfs", str(EXAMPLE / "example-TFs.tsv"),
            "--output-dir", str(tmp_path / "out"), "--quiet", *extra]


@pytest.mark.parametrize("extra, message", [
    (["--folds", "lo"], "--folds 'lo': expected loo, kfold:K, kfold:K:SEED or a fold file, "
                        "and there is no file 'lo'; did you mean loo?"),
    (["--knockouts", "L1+L2"], "--knockouts needs --knockout-tfs"),
    (["--knockouts", "L9", "--knockout-tfs", "T2"], "--knockouts: 'L9' is not a condition"),
    (["--knockouts", "L1", "--knockout-tfs", "K1"],
     "--knockout-tfs: 'K1' is not a TF of the network"),
    (["--knockouts", "L1", "--knockout-tfs", "T1", "--knockout-nodes", "X9"],
     "--knockout-nodes: 'X9' is not a node of the network"),
    (["--seeds", "1,1"], "--seeds '1,1': give distinct seeds"),
])
def test_a_bad_crossval_flag_is_one_line_and_writes_nothing(tmp_path, capsys, extra, message):
    assert main(example_args(tmp_path, *extra)) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("signet: error: ") and message in err
    assert not (tmp_path / "out").exists()
