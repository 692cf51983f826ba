"""--profile profiles/slurm on a machine without Slurm stops with one line before any job."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SLURM_COMMANDS = ("sbatch", "squeue", "sacct", "scancel")
# every client program of Slurm (the executor plugin looks for sinfo too)
HIDDEN = {"sbatch", "squeue", "sacct", "sacctmgr", "scancel", "sinfo", "srun", "salloc",
          "sattach", "sbcast", "scontrol", "scrontab", "sdiag", "sprio", "sreport", "sshare",
          "sstat", "strigger", "sview", "slurmctld", "slurmd", "slurmstepd"}


def _path_without_slurm(shadow: Path) -> str:
    """PATH with Slurm's commands hidden: a folder that holds Slurm's commands is replaced by
    ``shadow``, which links every other program of it (so ``which``, ``sh`` ... stay)."""
    shadow.mkdir()
    folders = [str(Path(sys.executable).parent)] + os.environ.get("PATH", "").split(os.pathsep)
    kept = []
    for folder in dict.fromkeys(f for f in folders if f):
        if not any((Path(folder) / command).exists() for command in SLURM_COMMANDS):
            kept.append(folder)
            continue
        for program in Path(folder).iterdir():
            if program.name not in HIDDEN and not (shadow / program.name).exists():
                (shadow / program.name).symlink_to(program)
        if str(shadow) not in kept:
            kept.append(str(shadow))
    return os.pathsep.join(kept)


def test_slurm_profile_without_sbatch_stops_before_any_job(tmp_path):
    (tmp_path / "config").symlink_to(ROOT / "config")
    small = {"stages": {"figure1": True, "toy": False, "spectral": False, "timing": False,
                        "networks": False, "macrophage": False, "studies": False,
                        "synthetic": False},
             "figure1": {"mechanisms": ["competitive_inhibition"], "ode": {"grid_points": 6}}}
    (tmp_path / "small.yaml").write_text(yaml.safe_dump(small))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / ".xdg-cache"),
           "PATH": _path_without_slurm(tmp_path / "bin")}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
         "--profile", str(ROOT / "profiles" / "slurm"), "--workflow-profile", "none",
         "--slurm-no-account", "--configfile=small.yaml",
         "results/figure1/mechanism-steady-states.tsv"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert errors == ["error: the slurm executor needs sbatch, squeue, sacct, scancel, not "
                      "found on PATH here: run on the cluster's submit host, or without "
                      "--profile profiles/slurm to run locally"], result.stderr[-3000:]
    assert "submitted" not in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()
    assert not (tmp_path / ".snakemake" / "locks").exists() or not any(
        (tmp_path / ".snakemake" / "locks").iterdir())
