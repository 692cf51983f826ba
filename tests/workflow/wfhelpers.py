"""Shared helpers of the workflow tests: a private copy of the workflow, and snakemake runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def copy_workflow(tmp_path: Path) -> Path:
    """Copy the workflow into tmp_path/main."""
    main = tmp_path / "main"
    main.mkdir()
    for name in ("Snakefile", "workflow", "scripts", "config", "envs"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, main / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, main / name)
    return main


def snakemake(workdir: Path, *args, cores: int = 2, check: bool = True, timeout: int = 600):
    """Run snakemake in ``workdir`` with a private cache and no workflow profile."""
    env = {**os.environ, "XDG_CACHE_HOME": str(workdir.parent / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(cores), "--workflow-profile", "none",
         *map(str, args)], cwd=workdir, env=env, capture_output=True, text=True,
        timeout=timeout)
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result
