"""The shipped example study (examples/) and the README's library example, run on it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def readme_block(section: str, language: str) -> str:
    """The first ``language`` code block of the README section titled ``section``."""
    text = (ROOT / "README.md").read_text()
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(rf"```{language}\n(.*?)```", part, re.S).group(1)


def test_example_tables_are_what_make_example_data_writes(tmp_path):
    """The ligand, TF and new-ligand tables are reproduced byte for byte by the script
    from the hand-written network and reference parameters."""
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    names = ["example-Ligands.tsv", "example-TFs.tsv", "example-new-ligands.tsv"]
    for name in names:
        (copy / name).unlink()
    subprocess.run([sys.executable, str(copy / "make_example_data.py")], check=True,
                   capture_output=True, text=True, timeout=120)
    for name in names:
        assert (copy / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def test_readme_library_example_runs_on_the_shipped_files(tmp_path):
    """The README's library tour, extracted and run as written beside examples/: it trains,
    predicts the three unseen combinations for the five TFs and prints a spectral radius
    below 1 (a stable model)."""
    (tmp_path / "examples").symlink_to(EXAMPLES)
    code = readme_block("The library: a short tour", "python")
    assert "examples/" in code
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["T1", "T2", "T3", "T4", "T5"]
    assert [line.split()[0] for line in lines[1:4]] == ["L1_low+L2", "L2_low+L3_low",
                                                        "L1+L3_low"]
    assert 0 < float(lines[-1]) < 1
    assert (tmp_path / "run" / "parameters.tsv").exists()
