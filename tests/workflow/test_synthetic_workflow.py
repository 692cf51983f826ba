"""The synthetic stage's rules: the sweep's Paramspace expands to the configured points."""

import itertools
import re
from pathlib import Path

import yaml
from wfhelpers import snakemake as _snakemake

ROOT = Path(__file__).resolve().parents[2]


def test_sweep_paramspace_expands_to_the_configured_points(workdir):
    """samples {10, 30} x ligands {2, 3} x seeds {1, 2}: 8 data jobs and 8 training jobs, one
    per point, under results/offline/synthetic/sweep/samples~S_ligands~L_seed~K/ (dry run); the
    knock-outs use the configured point's model."""
    overlay = workdir / "tiny.yaml"
    overlay.write_text(yaml.safe_dump({"synthetic": {
        "sweep": {"samples": [10, 30], "ligands": [2, 3], "seeds": [1, 2]},
        "knockout": {"point": {"samples": 30, "ligands": 2, "seed": 2}}}}))
    result = _snakemake(workdir, "results/offline/synthetic/summary.tsv", "-n", "--configfile",
                        "config/offline.yaml", str(overlay))
    text = result.stdout + result.stderr
    trained = set(re.findall(r"results/offline/synthetic/sweep/(samples~\d+_ligands~\d+_seed~\d+)/"
                             r"parameters\.tsv", text))
    expected = {f"samples~{s}_ligands~{lig}_seed~{k}"
                for s, lig, k in itertools.product([10, 30], [2, 3], [1, 2])}
    assert trained == expected
    assert re.search(r"^train_sweep_point\s+8$", text, re.MULTILINE)
    assert re.search(r"^simulate_sweep_data\s+8$", text, re.MULTILINE)
    knockout = text[text.index("rule knockout_synthetic"):]
    knockout = knockout[knockout.index("input:"):]
    knockout = knockout[:knockout.index("\n")]
    assert "samples~30_ligands~2_seed~2/parameters.tsv" in knockout
    assert "samples~10_" not in knockout


def test_reference_suite_builds_every_member_and_the_sweep_uses_one(workdir):
    """Three members, one built on another: three build jobs, the table rule reads all three,
    and the study's reference is the configured member (dry run); an unknown member is a
    one-line config error."""
    overlay = workdir / "suite.yaml"
    suite = [{"name": "base", "procedure": "objective", "seed": 0},
             {"name": "spread", "base": "base", "tf_means": "spread"},
             {"name": "other", "procedure": "random", "rho": 0.9, "rho_of": "weights"}]
    overlay.write_text(yaml.safe_dump({"synthetic": {"references": suite,
                                                     "reference_member": "spread"}}))
    result = _snakemake(workdir, "results/offline/synthetic/summary.tsv",
                        "results/offline/synthetic/references/summary.tsv", "-n", "--configfile",
                        "config/offline.yaml", str(overlay))
    text = result.stdout + result.stderr
    assert re.search(r"^build_reference_model\s+3$", text, re.MULTILINE)
    select = text[text.index("rule select_reference_model"):]
    select = select[select.index("input:"):]
    assert select[:select.index("\n")] == \
        "input: results/offline/synthetic/references/spread/parameters.tsv"
    overlay.write_text(yaml.safe_dump({"synthetic": {"references": suite,
                                                     "reference_member": "nope"}}))
    result = _snakemake(workdir, "results/offline/synthetic/summary.tsv", "-n", "--configfile",
                        "config/offline.yaml", str(overlay), check=False)
    assert "synthetic.reference_member: 'nope' is not a member" in result.stdout + result.stderr
