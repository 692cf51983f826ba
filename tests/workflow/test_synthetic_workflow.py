"""The synthetic stage's rules: the sweep's Paramspace expands to the configured points."""

import itertools
import re
from pathlib import Path

import yaml
from wfhelpers import snakemake as _snakemake

ROOT = Path(__file__).resolve().parents[2]


def test_sweep_paramspace_expands_to_the_configured_points(workdir):
    """samples {10, 30} x ligands {2, 3} x seeds {1, 2}: 8 training jobs, one per point, under
    results/offline/synthetic/sweep/samples~S_ligands~L_seed~K/ (dry run)."""
    overlay = workdir / "tiny.yaml"
    overlay.write_text(yaml.safe_dump({"synthetic": {"sweep": {
        "samples": [10, 30], "ligands": [2, 3], "seeds": [1, 2]}}}))
    result = _snakemake(workdir, "results/offline/synthetic/summary.tsv", "-n", "--configfile",
                        "config/offline.yaml", str(overlay))
    text = result.stdout + result.stderr
    trained = set(re.findall(r"results/offline/synthetic/sweep/(samples~\d+_ligands~\d+_seed~\d+)/"
                             r"parameters\.tsv", text))
    expected = {f"samples~{s}_ligands~{lig}_seed~{k}"
                for s, lig, k in itertools.product([10, 30], [2, 3], [1, 2])}
    assert trained == expected
    assert re.search(r"^train_sweep_point\s+8$", text, re.MULTILINE)
