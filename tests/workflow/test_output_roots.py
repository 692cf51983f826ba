"""Configurations write apart: a run of one never overwrites or invalidates another's outputs.

Two small runs that differ in their parameters (so a shared output would be rerun with
"params have changed") each write under their own results_root; afterwards a dry run of
either plans nothing. The shipped configs name distinct roots, and their dry runs plan outputs
only under their own.
"""

from __future__ import annotations

import re

import yaml
from wfhelpers import copy_workflow, snakemake

SMALL = {
    "stages": {"figure1": True, "toy": False, "spectral": True, "timing": False,
               "networks": False, "macrophage": False, "studies": False,
               "synthetic": False},
    "figure1": {
        "mechanisms": ["cooperative_activation"],
        "ode": {"grid_points": 6},
        "ffnn": {"activations": ["MML"], "train_grid": 4, "test_grid": 5, "seeds": [0],
                 "epochs": 5},
    },
    "spectral": {"nodes": 20, "max_steps": 20, "trajectory_steps": 5, "trajectory_nodes": 2},
}


def _planned_outputs(text: str) -> list[str]:
    outputs = []
    for line in text.splitlines():
        found = re.match(r"\s+output: (.*)$", line)
        if found:
            outputs += [p.strip() for p in found.group(1).split(",")]
    return outputs


def test_two_configurations_never_invalidate_each_other(tmp_path):
    workdir = copy_workflow(tmp_path)
    first = dict(SMALL, results_root="results/first", logs_root="logs/first",
                 benchmarks_root="benchmarks/first")
    second = dict(SMALL, figure1=dict(SMALL["figure1"], ffnn=dict(SMALL["figure1"]["ffnn"],
                                                                    epochs=7)))
    (workdir / "first.yaml").write_text(yaml.safe_dump(first))
    (workdir / "second.yaml").write_text(yaml.safe_dump(second))
    snakemake(workdir, "--configfile=first.yaml")
    snakemake(workdir, "--configfile=second.yaml")
    assert (workdir / "results/first/figure1/ffnn-fits.tsv").exists()
    assert (workdir / "results/figure1/ffnn-fits.tsv").exists()
    for name in ("first", "second"):
        result = snakemake(workdir, f"--configfile={name}.yaml", "--dry-run")
        assert "Nothing to be done" in result.stdout + result.stderr, (name, result.stdout)


def test_shipped_configs_plan_only_under_their_own_roots(tmp_path):
    """make run (config/offline.yaml), the paper scale (config/config.yaml) and the paper's
    data (config/paper-reference.yaml, with the local mirror beside it or not)."""
    workdir = copy_workflow(tmp_path)
    plans = {
        "offline": snakemake(workdir, "--configfile=config/offline.yaml", "--dry-run").stdout,
        "paper": snakemake(workdir, "--dry-run").stdout,
        "paper-reference": snakemake(workdir, "--configfile=config/paper-reference.yaml",
                                     "--dry-run").stdout,
    }
    roots = {"offline": "results/offline/", "paper-reference": "results/paper-reference/"}
    for name, plan in plans.items():
        outputs = [p for p in _planned_outputs(plan) if not p.startswith("resources/")]
        assert outputs, name
        for path in outputs:
            if name in roots:
                assert path.startswith(roots[name]), (name, path)
            else:
                assert path.startswith("results/"), (name, path)
                assert not path.startswith(tuple(roots.values())), (name, path)
