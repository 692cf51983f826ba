"""The synthetic stage's rules: the sweep's Paramspace expands to the configured points; the
paper's released reference and training sets in config/paper-reference.yaml."""

import itertools
import re
from pathlib import Path

import pandas as pd
import torch
import yaml
from wfhelpers import copy_workflow
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
    # the summary reads every model's test predictions (the seed ensembles' r_ensemble rows)
    summary = text[text.index("rule summarise_synthetic"):]
    summary = summary[summary.index("input:"):]
    summary = summary[:summary.index("\n")]
    assert {f"results/offline/synthetic/sweep/{point}/test-predictions.tsv"
            for point in expected} <= set(summary[len("input: "):].split(", "))
    assert "results/offline/synthetic/test/tfs.tsv" in summary


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


# ---- the paper's released reference and training sets (config/paper-reference.yaml) --------
PAPER_SUMMARY = "results/paper-reference/synthetic/summary.tsv"


def _jobs(text: str, rule: str) -> list[dict]:
    """The dry run's jobs of ``rule``: {"input": [paths], "wildcards": {name: value}}."""
    jobs = []
    for block in re.split(r"^\[.*\]\n", text, flags=re.MULTILINE):
        if not re.match(rf"(?:local)?(?:rule|checkpoint) {rule}:\n", block):
            continue
        job = {"input": [], "wildcards": {}}
        found = re.search(r"^\s+input: (.*)$", block, re.MULTILINE)
        if found:
            job["input"] = [p.strip() for p in found.group(1).split(",")]
        found = re.search(r"^\s+wildcards: (.*)$", block, re.MULTILINE)
        if found:
            job["wildcards"] = dict(p.strip().split("=") for p in found.group(1).split(","))
        jobs.append(job)
    return jobs


def test_paper_reference_plans_the_sweep_on_the_released_data(workdir, paper_data):
    """With the mirror beside the workflow: the study's reference is the released member
    (built from equationParams.txt), and each of the 15 points x 5 seeds reads the
    X_<Index>.pt that conditions.tsv (read here with pandas) gives its size; the controls'
    point 400 x 5 reads X_13.pt; nothing is downloaded (dry run)."""
    result = _snakemake(workdir, "-n", "--configfile=config/paper-reference.yaml", PAPER_SUMMARY)
    text = result.stdout
    points = pd.read_csv(paper_data / "synthetic" / "conditions.tsv", sep="\t")
    index = {(row.DataSize, row.Ligands): row.Index for row in points.itertuples()}
    build = _jobs(text, "build_reference_model")
    assert len(build) == 1
    mirror = next(p for p in build[0]["input"] if p.endswith("/equationParams.txt"))
    mirror = mirror.rsplit("/", 1)[0]
    assert (workdir / mirror).resolve() == (paper_data / "synthetic").resolve()
    jobs = _jobs(text, "simulate_sweep_data")
    assert len(jobs) == 75
    for job in jobs:
        size = (int(job["wildcards"]["samples"]), int(job["wildcards"]["ligands"]))
        released = [p for p in job["input"] if p.endswith(".pt")]
        assert released == [f"{mirror}/X_{index[size]}.pt"], job
        assert f"{mirror}/conditions.tsv" in job["input"]
    assert {(int(j["wildcards"]["samples"]), int(j["wildcards"]["ligands"])) for j in jobs} \
        == set(index)
    control = _jobs(text, "simulate_control_data")
    assert [p for p in control[0]["input"] if p.endswith(".pt")] == [f"{mirror}/X_13.pt"]
    assert _jobs(text, "select_reference_model")[0]["input"] == [
        "results/paper-reference/synthetic/references/released/parameters.tsv"]
    assert "download_paper_file" not in text and "check_released_points" not in text


def test_a_point_the_release_lacks_is_a_config_error_naming_the_key(workdir):
    overlay = workdir / "odd.yaml"
    overlay.write_text(yaml.safe_dump({"synthetic": {"sweep": {"samples": [30, 800],
                                                               "ligands": [5], "seeds": [1]}}}))
    result = _snakemake(workdir, PAPER_SUMMARY, "-n", "--configfile",
                        "config/paper-reference.yaml", str(overlay), check=False)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("config error:")]
    assert len(lines) == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert lines[0].startswith("config error: synthetic.sweep: ")
    assert "no sweep point of 30 conditions x 5 ligands" in lines[0]
    assert "Traceback" not in result.stderr


def test_without_the_mirror_the_points_are_read_after_their_download(workdir):
    """No mirror: the table of points and the reference are downloaded first, the points
    read by checkpoint check_released_points (dry run, nothing fetched)."""
    overlay = workdir / "nomirror.yaml"
    overlay.write_text(yaml.safe_dump({"paper_release": {"mirror": str(workdir / "absent")}}))
    result = _snakemake(workdir, PAPER_SUMMARY, "-n", "--configfile",
                        "config/paper-reference.yaml", str(overlay))
    downloads = {job["wildcards"]["paper_file"] for job in _jobs(result.stdout,
                                                                 "download_paper_file")}
    assert {"synthetic/conditions.tsv", "synthetic/equationParams.txt"} <= downloads
    assert _jobs(result.stdout, "check_released_points")[0]["input"] == [
        "resources/paper-release/synthetic/conditions.tsv"]


def test_a_released_point_trains_on_its_released_table(workdir, paper_data):
    """One data job run for real: the training ligands are X_13.pt (torch.load here) in the
    network's ligand columns, and the study's reference holds equationParams.txt's values."""
    target = "results/paper-reference/synthetic/sweep/samples~400_ligands~5_seed~2"
    _snakemake(workdir, "--configfile=config/paper-reference.yaml", f"{target}/train-tfs.tsv",
               cores=1)
    ligands = pd.read_csv(workdir / target / "train-ligands.tsv", sep="\t", index_col=0,
                          float_precision="round_trip")
    released = torch.load(paper_data / "synthetic" / "X_13.pt", weights_only=True).numpy()
    assert ligands.shape == released.shape == (400, 101)
    assert list(ligands.columns) == sorted(ligands.columns)
    assert (ligands.to_numpy() == released).all()
    tfs = pd.read_csv(workdir / target / "train-tfs.tsv", sep="\t", index_col=0)
    assert tfs.shape == (400, 55) and list(tfs.index) == list(ligands.index)
    given = pd.read_csv(paper_data / "synthetic" / "equationParams.txt", sep="\t",
                        float_precision="round_trip")
    built = pd.read_csv(workdir / "results/paper-reference/synthetic/reference/parameters.tsv",
                        sep="\t", float_precision="round_trip")
    merged = given.merge(built, on=["Source", "Target", "Type"], validate="one_to_one")
    assert len(merged) == len(given) == len(built)
    assert (merged["Value_x"] == merged["Value_y"]).all()


def test_offline_config_plans_the_synthetic_study_without_the_papers_files(tmp_path):
    """config/offline.yaml, with no local mirror of the paper's files: its two-member suite
    and drawn training data need nothing of the paper's release (dry run)."""
    workdir = copy_workflow(tmp_path)
    schema = yaml.safe_load((workdir / "workflow/schemas/config.schema.yaml").read_text())
    mirror = schema["properties"]["paper_release"]["properties"]["mirror"]["default"]
    assert not (workdir / mirror).exists()
    result = _snakemake(workdir, "results/offline/synthetic/summary.tsv",
                        "results/offline/synthetic/references/summary.tsv", "-n",
                        "--configfile", "config/offline.yaml")
    text = result.stdout + result.stderr
    assert re.search(r"^build_reference_model\s+2$", text, re.MULTILINE)
    assert re.search(r"^simulate_sweep_data\s+2$", text, re.MULTILINE)
    for absent in ("paper-release", "download_paper_file", "check_released_points", ".pt"):
        assert absent not in text, absent


def test_paper_reference_suite_is_the_default_suite_and_the_released_member():
    """config/paper-reference.yaml repeats config/config.yaml's members as they are and adds
    released (the paper's file as it is), which the whole study runs on."""
    default = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())["synthetic"]
    paper = yaml.safe_load((ROOT / "config" / "paper-reference.yaml").read_text())["synthetic"]
    *members, released = paper["references"]
    assert members == default["references"]
    assert released["name"] == paper["reference_member"] == "released"
    assert released["procedure"] == "released"
    assert released["parameters"] == "paper-release:synthetic/equationParams.txt"
    assert paper["training_data"]["source"] == "released"
    assert default["training_data"] == {"source": "drawn"}
