"""A tiny generated study (30-node network, 12 conditions) end to end through the workflow and
through `signet crossval`; summary values checked against metrics recomputed here with plain
numpy from the written prediction tables; resuming; bad study configs."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from signet.cli import main as cli_main
from signet.core.network import Network
from signet.eval.crossval import prepare_study
from signet.io import read_conditions, write_conditions
from signet.training import Recipe, model_from_recipe, train
from studydata import make_tiny_study
from wfhelpers import copy_workflow, snakemake

TARGETS = ["results/studies/tiny/summary.tsv", "results/studies/tiny/cv-predictions.png",
           "results/studies/tiny/per-condition-r.png", "results/studies/tiny/knockouts.png"]


def tiny_config(**changes) -> dict:
    study = {"network": {"model": "tiny/tiny-Model.tsv", "annotation": "tiny/tiny-Annotation.tsv"},
             "ligands": "tiny/tiny-Ligands.tsv", "tfs": "tiny/tiny-TFs.tsv",
             "folds": {"method": "kfold", "k": 2, "seed": 0},
             "recipe": "tiny/tiny-recipe.yaml", "seeds": [1, 2],
             "knockouts": {"conditions": ["AB"], "tfs": ["T01", "T02"], "top": 5}}
    study.update(changes)
    return {"studies": {"tiny": study}}


@pytest.fixture
def tiny_workflow(tmp_path):
    main = copy_workflow(tmp_path)
    make_tiny_study(main / "tiny")
    return main


def r(a, b) -> float:
    return float(np.corrcoef(np.asarray(a, float), np.asarray(b, float))[0, 1])


def numpy_metrics(cv: pd.DataFrame, fit: pd.DataFrame) -> dict:
    """The summary metrics recomputed with np.corrcoef (independent of signet.eval)."""
    def median_r(table, by, column):
        values = [r(g["observed"], g[column]) for _, g in table.groupby(by)]
        return float(np.nanmedian(values))

    return {
        "full_fit_r": r(fit["observed"], fit["predicted_mean"]),
        "cv_pooled_r": r(cv["observed"], cv["predicted_mean"]),
        "cv_per_condition_median_r": median_r(cv, "condition", "predicted_mean"),
        "cv_per_tf_median_r": median_r(cv, "tf", "predicted_mean"),
        "scrambled_pooled_r": r(cv["observed"], cv["scrambled_mean"]),
        "scrambled_per_condition_median_r": median_r(cv, "condition", "scrambled_mean"),
        "mean_predictor_pooled_r": r(cv["observed"], cv["mean_predictor"]),
    }


def check_study_tables(folder: Path, ligands_path: Path, tfs_path: Path) -> pd.Series:
    """Summary against numpy; the ensemble columns against the per-seed prediction files;
    the mean predictor against the training rows; returns the summary."""
    summary = pd.read_csv(folder / "summary.tsv", sep="\t", index_col="metric")["value"]
    cv = pd.read_csv(folder / "cv-predictions.tsv", sep="\t")
    fit = pd.read_csv(folder / "fit-predictions.tsv", sep="\t")
    for metric, value in numpy_metrics(cv, fit).items():
        assert summary[metric] == pytest.approx(value, abs=1e-7), metric
    observed = read_conditions(tfs_path).drop(columns="NOT_A_NODE")
    folds = pd.read_csv(folder / "data" / "folds.tsv", sep="\t")
    # kfold: the 11 conditions that can be left out (D's ligand is used by D only)
    assert sorted(cv["condition"].unique()) == sorted(set(read_conditions(ligands_path).index)
                                                      - {"D"})
    assert summary["n_conditions"] == 12 and summary["n_scored_conditions"] == 11
    assert summary["n_tfs"] == 6 and summary["n_folds"] == 2
    assert summary["n_cv_models"] == 4 and summary["n_scrambled_models"] == 2
    assert summary["n_full_models"] == 2 and summary["n_seeds"] == 2
    assert summary["n_models"] == 8  # every model trained: 2 full + 4 fold + 2 scrambled
    # ensemble mean and SD of one row from the two seeds' prediction files (numpy)
    row = cv.iloc[7]
    seeds = [read_conditions(folder / "models" / "cv" / row["fold"] / f"seed~{s}" /
                             "predictions.tsv").loc[row["condition"], row["tf"]]
             for s in (1, 2)]
    assert row["predicted_mean"] == pytest.approx(np.mean(seeds), rel=1e-7)
    assert row["predicted_sd"] == pytest.approx(np.std(seeds, ddof=1), rel=1e-6)
    # mean predictor: the TF's mean over every condition the fold trains on (D included)
    training = observed.drop(index=folds.loc[folds["fold"] == row["fold"], "condition"])
    assert "D" in training.index
    assert row["mean_predictor"] == pytest.approx(training[row["tf"]].mean(), rel=1e-7)
    return summary


def test_tiny_study_through_the_workflow(tiny_workflow):
    """kfold k=2 x seeds 1, 2, scrambled control, knock-outs: every output; summary values
    equal np.corrcoef recomputations; knock-out mean/SD/sign agreement equal a numpy
    reduction of the per-model table; the non-node TF column is dropped with one log line."""
    main = tiny_workflow
    (main / "tiny.yaml").write_text(yaml.safe_dump(tiny_config()))
    snakemake(main, "--configfile=tiny.yaml", *TARGETS)
    out = main / "results" / "studies" / "tiny"
    for target in TARGETS:
        assert (main / target).stat().st_size > 0
    check_study_tables(out, main / "tiny" / "tiny-Ligands.tsv", main / "tiny" / "tiny-TFs.tsv")

    log = (main / "logs" / "studies" / "tiny" / "prepare_study.log").read_text()
    assert "dropped 1 of 7 TF columns that are not TFs of the network" in log
    folds = pd.read_csv(out / "data" / "folds.tsv", sep="\t")
    for fold, group in folds.groupby("fold"):
        text = (main / "logs" / "studies" / "tiny" / "train_study_model" / "cv" / fold /
                "seed~1.log").read_text()
        assert f"left out {len(group)} condition(s) ({', '.join(sorted(group['condition']))})" \
            in text
        scrambled = (main / "logs" / "studies" / "tiny" / "train_study_model" / "scrambled" /
                     fold / "seed~1.log").read_text()
        assert "scrambled TF rows (seed 0)" in scrambled

    # knock-outs: AB is in fold2's test set, so only fold1's two seed models knock out
    with gzip.open(out / "knockouts-per-model.tsv.gz", "rt") as handle:
        per_model = pd.read_csv(handle, sep="\t")
    ab_fold = folds.set_index("condition").loc["AB", "fold"]
    assert sorted(per_model["model"].unique()) == sorted(
        f"{f}/seed~{s}" for f in set(folds["fold"]) - {ab_fold} for s in (1, 2))
    knockouts = pd.read_csv(out / "knockouts.tsv", sep="\t")
    network = Network.from_files(main / "tiny" / "tiny-Model.tsv",
                                 main / "tiny" / "tiny-Annotation.tsv")
    non_ligands = len(network.nodes) - len(network.ligands)
    assert len(knockouts) == 2 * (non_ligands - 1)  # two read-outs, each without itself
    for _, row in knockouts.sample(8, random_state=0).iterrows():
        deltas = per_model.loc[(per_model["node"] == row["node"]) &
                               (per_model["tf"] == row["tf"]), "delta"].to_numpy()
        assert row["n_models"] == len(deltas) == 2
        assert row["mean_delta"] == pytest.approx(deltas.mean(), rel=1e-5, abs=1e-9)
        assert row["sd_delta"] == pytest.approx(deltas.std(ddof=1), rel=1e-4, abs=1e-9)
        if not deltas.any():  # no model's knock-out changes the TF: no sign to agree on
            assert np.isnan(row["sign_agreement"])
        else:
            agree = np.mean([np.sign(d) == np.sign(deltas.mean()) and d != 0 for d in deltas])
            assert row["sign_agreement"] == pytest.approx(agree)
    for _, group in knockouts.groupby("tf"):
        assert group["rank"].tolist() == list(range(1, len(group) + 1))
        assert np.all(np.diff(group["mean_abs_delta"].to_numpy()) <= 0)

    # a third seed plans its three models only (full, fold1, fold2): the eight finished ones
    # are kept; other knock-out settings retrain nothing
    (main / "more-seeds.yaml").write_text(yaml.safe_dump(tiny_config(seeds=[1, 2, 3])))
    plan = snakemake(main, "--configfile=more-seeds.yaml", "-n", TARGETS[0]).stdout
    assert planned_jobs(plan)["train_study_model"] == 3
    seeds = re.findall(r"wildcards: study=tiny, study_control=\w+, study_fold=\w+, "
                       r"study_seed=(\d+)", plan)
    assert seeds == ["3"] * 3
    changed = tiny_config()
    changed["studies"]["tiny"]["knockouts"]["top"] = 3
    (main / "top3.yaml").write_text(yaml.safe_dump(changed))
    plan = snakemake(main, "--configfile=top3.yaml", "-n", "results/studies/tiny/all.done")
    assert "train_study_model" not in planned_jobs(plan.stdout)


def planned_jobs(stdout: str) -> dict:
    """``{rule: count}`` of snakemake -n's job table."""
    table = stdout.split("Job stats:")[1].split("total")[0]
    return {parts[0]: int(parts[1]) for parts in map(str.split, table.splitlines()[3:])
            if len(parts) == 2}


def test_tiny_study_through_the_cli_and_resume(tmp_path, capsys, monkeypatch):
    """`signet crossval` on the same study: summary values equal np.corrcoef
    recomputations; the progress bar counts the summary's n_models; a rerun skips finished
    models and a model killed after 5 epochs resumes from its checkpoint to the parameters
    of the uninterrupted run (bitwise); seeds can be added (finished models kept), other
    settings are refused; a result not above its control is said even with --quiet."""
    paths = make_tiny_study(tmp_path / "tiny")
    out = tmp_path / "cv"
    args = ["crossval", "--network", str(paths["network"]), "--annotation",
            str(paths["annotation"]), "--ligands", str(paths["ligands"]), "--tfs",
            str(paths["tfs"]), "--folds", "kfold:2", "--recipe", str(paths["recipe"]),
            "--seeds", "1,2", "--output-dir", str(out), "--quiet"]
    assert cli_main(args[:-1]) == 0
    printed = capsys.readouterr()
    assert "8/8" in printed.err  # the progress bar: 2 full + 4 fold + 2 scrambled models
    assert "\nn_models " in printed.out and printed.out.count(" 8\n") >= 1
    assert ".000000" not in printed.out
    summary = check_study_tables(out, paths["ligands"], paths["tfs"])
    assert summary["n_models"] == 8

    # kill one fold model after 5 epochs (checkpoint_every 5), keep the others
    folder = out / "models" / "cv" / "fold1" / "seed~2"
    uninterrupted = (folder / "parameters.tsv").read_text()
    for name in ("predictions.tsv", "parameters.tsv", "training-log.tsv", "model.pt"):
        (folder / name).unlink()
    folds = pd.read_csv(out / "data" / "folds.tsv", sep="\t")
    network = Network.from_files(paths["network"], paths["annotation"])
    ligands, tfs, _ = prepare_study(network, read_conditions(paths["ligands"]),
                                    read_conditions(paths["tfs"]))
    keep = [c for c in ligands.index
            if c not in set(folds.loc[folds["fold"] == "fold1", "condition"])]
    recipe = Recipe.load(paths["recipe"])
    model = model_from_recipe(network, recipe, seed=2)
    train(model, ligands.loc[keep], tfs.loc[keep], recipe, seed=2, output_dir=folder,
          progress=False, interrupt_after=5)
    assert len(pd.read_csv(folder / "training-log.tsv", sep="\t")) == 5
    others = {p: p.stat().st_mtime_ns for p in (out / "models").glob("*/*/*/predictions.tsv")}
    assert cli_main(args) == 0
    assert (folder / "parameters.tsv").read_text() == uninterrupted
    assert all(p.stat().st_mtime_ns == t for p, t in others.items())
    check_study_tables(out, paths["ligands"], paths["tfs"])

    # a third seed: three new models (full, fold1, fold2), the eight finished ones kept
    finished = {p: p.stat().st_mtime_ns for p in (out / "models").glob("*/*/*/parameters.tsv")}
    assert cli_main([a if a != "1,2" else "1,2,3" for a in args]) == 0
    assert all(p.stat().st_mtime_ns == t for p, t in finished.items())
    assert len(list((out / "models").glob("*/*/*/parameters.tsv"))) == 11
    summary = pd.read_csv(out / "summary.tsv", sep="\t", index_col="metric")["value"]
    assert summary["n_seeds"] == 3 and summary["n_models"] == 11

    # other settings in the same folder: one line, exit 2, nothing changed
    settings = (out / "crossval.yaml").read_text()
    capsys.readouterr()
    assert cli_main([a if a != "kfold:2" else "kfold:3" for a in args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "other settings (folds)" in err
    assert (out / "crossval.yaml").read_text() == settings

    # not above the scrambled control: said in summary.tsv and in one line under --quiet
    import signet.eval.crossval as crossval

    monkeypatch.setattr(crossval, "control_note",
                        lambda cv_r, scrambled_r: (0.0, "NOT ABOVE THE CONTROL: test"))
    assert cli_main(args) == 0
    assert capsys.readouterr().err.strip().splitlines()[-1] == "NOT ABOVE THE CONTROL: test"
    notes = pd.read_csv(out / "summary.tsv", sep="\t", index_col="metric")["note"]
    assert notes["cv_above_scrambled"] == "NOT ABOVE THE CONTROL: test"


def test_grouped_folds_from_a_file_through_the_workflow(tiny_workflow, tmp_path):
    """A fold file with two groups (and conditions it does not name): every group is one
    fold, its conditions are left out together, unnamed conditions are never scored."""
    main = tiny_workflow
    (main / "tiny" / "groups.tsv").write_text(
        "condition\tfold\nA\tgroupA\nA_low\tgroupA\nAB\tgroupA\nB\tgroupB\nB_low\tgroupB\n")
    config = tiny_config(folds={"method": "file", "path": "tiny/groups.tsv"}, seeds=[1],
                         scrambled=False)
    del config["studies"]["tiny"]["knockouts"]
    (main / "tiny.yaml").write_text(yaml.safe_dump(config))
    snakemake(main, "--configfile=tiny.yaml", "results/studies/tiny/summary.tsv")
    out = main / "results" / "studies" / "tiny"
    cv = pd.read_csv(out / "cv-predictions.tsv", sep="\t")
    assert cv.groupby("condition")["fold"].first().to_dict() == {
        "A": "groupA", "A_low": "groupA", "AB": "groupA", "B": "groupB", "B_low": "groupB"}
    for fold, line in (("groupA", "left out 3 condition(s) (A, AB, A_low); 9 training"),
                       ("groupB", "left out 2 condition(s) (B, B_low); 10 training")):
        text = (main / "logs" / "studies" / "tiny" / "train_study_model" / "cv" / fold /
                "seed~1.log").read_text()
        assert line in text
    assert not (out / "models" / "scrambled").exists()
    summary = pd.read_csv(out / "summary.tsv", sep="\t", index_col="metric")["value"]
    assert summary["n_scored_conditions"] == 5 and np.isnan(summary["scrambled_pooled_r"])


@pytest.mark.parametrize("change, key", [
    ({"folds": {"method": "kfold"}}, "studies.tiny.folds: 'k' is a required property"),
    ({"folds": {"method": "leave-two-out"}}, "studies.tiny.folds.method:"),
    ({"folds": {"method": "file"}}, "studies.tiny.folds: 'path' is a required property"),
    ({"seeds": []}, "studies.tiny.seeds:"),
    ({"network": {"use": "nonexistent"}}, "studies.tiny.network.use: 'nonexistent'"),
    ({"colour": "red"}, "studies.tiny: Additional properties are not allowed ('colour'"),
    ({"knockouts": {"conditions": ["AB"]}},
     "studies.tiny.knockouts: 'tfs' is a required property"),
])
def test_bad_study_config_is_one_line_naming_the_key(tiny_workflow, change, key):
    main = tiny_workflow
    (main / "tiny.yaml").write_text(yaml.safe_dump(tiny_config(**change)))
    result = snakemake(main, "--configfile=tiny.yaml", "-n", TARGETS[0], check=False)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("config error")]
    assert len(lines) == 1 and key in lines[0], result.stderr[-2000:]


@pytest.mark.parametrize("change, message", [
    ({"recipe": "quick"}, "studies.tiny.recipe: 'quick' is neither a preset"),
    ({"knockouts": {"conditions": ["TNFa"], "tfs": ["T01"]}},
     "studies.tiny.knockouts.conditions: 'TNFa' is not a condition"),
    ({"knockouts": {"conditions": ["AB"], "tfs": ["S05"]}},
     "studies.tiny.knockouts.tfs: 'S05' is not a TF of the network"),
])
def test_unknown_recipe_condition_or_tf_is_one_line_naming_the_key(tiny_workflow, change,
                                                                   message):
    """Checked by checkpoint prepare_study, before any training job."""
    main = tiny_workflow
    (main / "tiny.yaml").write_text(yaml.safe_dump(tiny_config(**change)))
    result = snakemake(main, "--configfile=tiny.yaml", TARGETS[0], check=False)
    assert result.returncode != 0
    log = (main / "logs" / "studies" / "tiny" / "prepare_study.log").read_text()
    errors = [line for line in log.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and message in errors[0]
    assert not (main / "results" / "studies" / "tiny" / "models").exists()
    shutil.rmtree(main / "results", ignore_errors=True)


def test_out_of_range_tf_values_stop_prepare_study_unless_the_study_allows_them(tiny_workflow):
    """A TF value of 1.5 (line 4 of the TF table): checkpoint prepare_study stops with one
    line naming the file, line, column, value and the key that accepts it, and writes
    nothing; with allow_out_of_range: true it is one warning line and the data are made."""
    main = tiny_workflow
    path = main / "tiny" / "tiny-TFs.tsv"
    tfs = read_conditions(path)
    tf = tfs.columns[2]
    tfs.iloc[2, 2] = 1.5
    write_conditions(tfs, path)
    target = "results/studies/tiny/data/folds.tsv"
    log_path = main / "logs" / "studies" / "tiny" / "prepare_study.log"
    (main / "tiny.yaml").write_text(yaml.safe_dump(tiny_config()))
    result = snakemake(main, "--configfile=tiny.yaml", target, check=False)
    assert result.returncode != 0
    errors = [line for line in log_path.read_text().splitlines() if " ERROR " in line]
    assert len(errors) == 1, log_path.read_text()
    assert errors[0].endswith(f"tiny/tiny-TFs.tsv:4: column '{tf}': TF value 1.5 is outside "
                              "0..1 (1 of 84 values are); rescale the table to 0..1, or "
                              "accept it with studies.tiny.allow_out_of_range: true")
    assert "Traceback" not in log_path.read_text()
    assert not [p for p in (main / "results").rglob("*") if p.is_file()]

    (main / "tiny.yaml").write_text(yaml.safe_dump(tiny_config(allow_out_of_range=True)))
    snakemake(main, "--configfile=tiny.yaml", target)
    warnings = [line for line in log_path.read_text().splitlines() if " WARNING " in line]
    assert len(warnings) == 1 and "1 of 84 TF values lie outside 0..1" in warnings[0]
    assert read_conditions(main / "results/studies/tiny/data/tfs.tsv").loc[
        tfs.index[2], tf] == 1.5


def test_a_study_without_knockouts_plans_and_runs_every_other_output(tiny_workflow):
    """No knockouts: in the config: all.done plans the summary, tables and the two CV
    figures and no knock-out job; asking for knockouts.png is one line naming the key."""
    main = tiny_workflow
    config = tiny_config()
    del config["studies"]["tiny"]["knockouts"]
    (main / "tiny.yaml").write_text(yaml.safe_dump(config))
    plan = snakemake(main, "--configfile=tiny.yaml", "-n", "results/studies/tiny/all.done")
    jobs = planned_jobs(plan.stdout)
    assert jobs["train_study_model"] == 8 and jobs["plot_study_predictions"] == 1
    assert "knockout_study" not in jobs and "plot_study_knockouts" not in jobs
    assert "study tiny: 8 models (2 full fits, 2 folds x (2 seeds + 1 scrambled))" \
        in plan.stderr
    result = snakemake(main, "--configfile=tiny.yaml", "-n", TARGETS[0], TARGETS[3],
                       check=False)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("config error")]
    assert len(lines) == 1 and "tiny.yaml: studies.tiny.knockouts is not set" in lines[0]
    assert "Traceback" not in result.stderr and "KeyError" not in result.stderr


def test_snakemake_from_another_folder_names_the_config_file(tiny_workflow, tmp_path):
    """--directory elsewhere (no config/config.yaml there): a bad study config is one line
    naming that file and the key; a good one plans with the workflow's defaults."""
    main = tiny_workflow
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    study = tiny_config()["studies"]["tiny"]
    for key in ("ligands", "tfs", "recipe"):
        study[key] = str(main / study[key])
    study["network"] = {k: str(main / v) for k, v in study["network"].items()}
    bad = elsewhere / "bad.yaml"
    bad.write_text(yaml.safe_dump({"studies": {"tiny": dict(study, folds={"method": "kfold"})}}))
    result = snakemake(main, "--directory", elsewhere, f"--configfile={bad}", "-n",
                       "results/studies/tiny/summary.tsv", check=False)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("config error")]
    assert len(lines) == 1, result.stderr[-2000:]
    # the file as the working directory sees it
    assert lines[0].startswith("config error: bad.yaml: studies.tiny.folds: 'k' is a required")
    good = elsewhere / "good.yaml"
    good.write_text(yaml.safe_dump({"studies": {"tiny": study}}))
    plan = snakemake(main, "--directory", elsewhere, f"--configfile={good}", "-n",
                     "results/studies/tiny/all.done")
    assert planned_jobs(plan.stdout)["train_study_model"] == 8
    assert f"the defaults come from {main / 'config' / 'config.yaml'}" in plan.stderr
