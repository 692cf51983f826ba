"""The Slurm profile against a real single-node Slurm (started by `.ci/slurm.sh start`).

A machine without Slurm skips this test; CI (CI=true) must not, so there it fails instead.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slurm

SMALL = {
    "stages": {"figure1": True, "toy": False, "spectral": False, "timing": False,
               "networks": False, "macrophage": False, "studies": False,
               "synthetic": False},
    "figure1": {
        "mechanisms": ["competitive_inhibition"],
        "ode": {"grid_points": 6},
        "ffnn": {"activations": ["MML"], "hidden_layers": [0], "train_grid": 3,
                 "test_grid": 4, "seeds": [0], "epochs": 10},
    },
}
TARGET = "results/figure1/ffnn/competitive_inhibition.tsv"


@pytest.fixture
def slurm():
    """Skip without Slurm on a developer machine; on CI a missing Slurm is a failure."""
    on_ci = os.environ.get("CI") == "true"
    if shutil.which("sbatch") is None:
        if on_ci:
            pytest.fail("CI=true but sbatch is not on PATH: run `.ci/slurm.sh start` first")
        pytest.skip("no Slurm here (sbatch not found); CI runs this test")
    states = subprocess.run(["sinfo", "--noheader", "--format=%T"], capture_output=True,
                            text=True, timeout=30)
    if states.returncode != 0 or not states.stdout.strip():
        message = f"Slurm is installed but not answering: {states.stderr.strip()[:300]}"
        if on_ci:
            pytest.fail(f"{message}; run `.ci/slurm.sh start` first")
        pytest.skip(message)


def test_profile_runs_jobs_through_slurm(slurm, tmp_path):
    """simulate_mechanisms -> fit_ffnn as two Slurm jobs, submitted with profiles/slurm; their
    outputs equal those of the same jobs run locally."""
    (tmp_path / "config").symlink_to(ROOT / "config")
    small = tmp_path / "small.yaml"
    small.write_text(yaml.safe_dump(SMALL))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / ".xdg-cache")}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
         "--profile", str(ROOT / "profiles" / "slurm"), "--workflow-profile", "none",
         "--slurm-no-account", "--slurm-status-command", "squeue",
         "--slurm-init-seconds-before-status-checks", "2", "--latency-wait", "10",
         "--jobs", "2", f"--configfile={small}", TARGET],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    # both jobs went through sbatch: the executor logs each Slurm job id
    assert output.count("has been submitted with SLURM jobid") == 2, output[-5000:]
    steady = pd.read_csv(tmp_path / "results/figure1/mechanism-steady-states.tsv", sep="\t")
    assert len(steady) == 36 and list(steady.columns) == ["mechanism", "source_a",
                                                          "source_b", "output"]
    fits = pd.read_csv(tmp_path / TARGET, sep="\t")
    assert len(fits) == 1
    # reference: the same two jobs run locally, without Slurm, give the same numbers
    local = tmp_path / "local"
    local.mkdir()
    (local / "config").symlink_to(ROOT / "config")
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
         "--workflow-profile", "none", "--cores", "1", f"--configfile={small}", TARGET],
        cwd=local, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    for name in ("results/figure1/mechanism-steady-states.tsv", TARGET):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / name, sep="\t"),
                                      pd.read_csv(local / name, sep="\t"), rtol=1e-12)
    assert (tmp_path / "logs/figure1/fit_ffnn/competitive_inhibition.log").stat().st_size > 0
