"""The README's own-data commands, extracted and run as written on the shipped example study
(examples/), in a private copy of the workflow: the plan shows every model, the run builds
every output of the study, and `signet crossval` writes the same tables, byte for byte."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import yaml
from wfhelpers import ROOT, copy_workflow

TABLES = ["summary.tsv", "cv-predictions.tsv", "fit-predictions.tsv", "per-condition.tsv",
          "per-tf.tsv", "knockouts.tsv"]
FIGURES = ["cv-predictions.png", "per-condition-r.png", "knockouts.png"]


def readme_commands() -> str:
    """The bash block of the README's "Your own data" section."""
    text = (ROOT / "README.md").read_text()
    part = text.split("\n## Your own data\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```bash\n(.*?)```", part, re.S).group(1)


def test_readme_own_data_commands_run_on_the_example(tmp_path):
    """Run as written, with the example's recipe cut to 20 epochs (the plumbing, not the
    fit): the plan lists the 14 training jobs and says so in one line, all.done builds the
    summary, the tables, every figure and the knock-outs; the CLI's tables equal the
    workflow's; the report labels each of the study's results with the control verdict."""
    main = copy_workflow(tmp_path)
    shutil.copytree(ROOT / "examples", main / "examples")
    recipe = yaml.safe_load((main / "examples" / "example-recipe.yaml").read_text())
    recipe.update(epochs=20, warmup_epochs=5)
    (main / "examples" / "example-recipe.yaml").write_text(yaml.safe_dump(recipe))
    (main / ".venv").symlink_to(ROOT / ".venv")
    commands = readme_commands()
    assert "examples/example-study.yaml" in commands and "signet crossval" in commands
    (main / "commands.sh").write_text("set -e\n" + commands)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(["bash", "commands.sh"], cwd=main, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    # the plan: one line with the model count, and every training job in its table
    assert "study example: 14 models (2 full fits, 4 folds x (2 seeds + 1 scrambled))" \
        in result.stderr
    assert re.search(r"train_study_model\s+14\n", result.stdout)

    study = main / "results" / "studies" / "example"
    cli = main / "results" / "example-cli"
    assert (study / "all.done").exists()
    for name in TABLES + FIGURES + ["knockouts-per-model.tsv.gz"]:
        assert (study / name).stat().st_size > 0, name
        assert (cli / name).stat().st_size > 0, name
    for name in TABLES:
        assert (cli / name).read_bytes() == (study / name).read_bytes(), name
    summary = dict(line.split("\t")[:2] for line in
                   (study / "summary.tsv").read_text().splitlines()[1:])
    assert summary["n_models"] == "14" and summary["n_cv_models"] == "8"
    assert len(list((study / "models").glob("*/*/seed~*/parameters.tsv"))) == 14

    # the report labels every result of the study with the verdict on the control
    report = subprocess.run([".venv/bin/snakemake", "--configfile=examples/example-study.yaml",
                             "--report", "report.html", "results/studies/example/all.done"],
                            cwd=main, env=env, capture_output=True, text=True, timeout=300)
    assert report.returncode == 0, report.stderr[-3000:]
    verdict = "above it" if summary["cv_above_scrambled"] == "1" else "NOT ABOVE IT"
    labels = re.findall(r'"CV r against the scrambled control": "([^"]*)"',
                        (main / "report.html").read_text())
    assert len(labels) == 4 and all(label.startswith(verdict) for label in labels)
