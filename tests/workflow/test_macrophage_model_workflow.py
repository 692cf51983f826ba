"""The macrophage study (studies.macrophage) run by Snakemake on the paper-reference config
through the generic study rules: full fit, one LOOCV fold and its scrambled twin (3 epochs),
evaluation, knock-outs under TNFa, figures."""

import gzip

import pandas as pd
import yaml
from wfhelpers import snakemake as _snakemake


def test_one_tiny_fold_end_to_end(workdir):
    """3 epochs, one fold (CON, from a fold file: the other conditions are always trained on):
    every output exists; 23 conditions x 58 network TFs (30 of the 88 table TFs dropped); the
    scrambled model trained on deranged rows differs from the LOOCV one; knock-outs of every
    non-ligand node but RELA itself with the one fold model."""
    tiny = yaml.safe_load((workdir / "config" / "paper-reference.yaml").read_text())
    (workdir / "con-fold.tsv").write_text("CON\tCON\n")
    tiny["studies"]["macrophage"].update(
        epochs=3, seeds=[0], runtime_minutes=5, scrambled_seed=3,
        folds={"method": "file", "path": "con-fold.tsv"})
    (workdir / "tiny.yaml").write_text(yaml.safe_dump(tiny))
    out = workdir / "results" / "paper-reference" / "studies" / "macrophage"
    _snakemake(workdir, "--configfile=tiny.yaml",
               *(f"results/paper-reference/studies/macrophage/{name}" for name in
                 ("summary.tsv", "knockouts.png", "cv-predictions.png", "per-condition-r.png")))
    for figure in ("knockouts.png", "cv-predictions.png", "per-condition-r.png"):
        assert (out / figure).stat().st_size > 0
    assert "dropped 30 of 88 TF columns" in (
        workdir / "logs/paper-reference/studies/macrophage/prepare_study.log").read_text()
    for control in ("cv", "scrambled"):
        log = pd.read_csv(out / "models" / control / "CON" / "seed~0" / "training-log.tsv",
                          sep="\t")
        assert len(log) == 3
    assert "scrambled TF rows (seed 3)" in (
        workdir / "logs/paper-reference/studies/macrophage/train_study_model/scrambled/CON/seed~0.log"
    ).read_text()
    cv = pd.read_csv(out / "models" / "cv" / "CON" / "seed~0" / "predictions.tsv", sep="\t",
                     index_col=0)
    scrambled = pd.read_csv(out / "models" / "scrambled" / "CON" / "seed~0" /
                            "predictions.tsv", sep="\t", index_col=0)
    assert cv.shape == scrambled.shape == (23, 58)
    assert not cv.equals(scrambled)

    summary = pd.read_csv(out / "summary.tsv", sep="\t", index_col="metric")["value"]
    assert summary["n_conditions"] == 23 and summary["n_tfs"] == 58
    assert summary["n_folds"] == 1 and summary["n_scored_conditions"] == 1
    knockouts = pd.read_csv(out / "knockouts.tsv", sep="\t")
    assert len(knockouts) == 1128 - 12 - 1 and set(knockouts["n_models"]) == {1}
    assert "Q04206" not in set(knockouts["node"])
    assert set(knockouts["condition"]) == {"TNFa"} and set(knockouts["tf_name"]) == {"RELA"}
    with gzip.open(out / "knockouts-per-model.tsv.gz", "rt") as handle:
        assert set(pd.read_csv(handle, sep="\t")["model"]) == {"CON/seed~0"}
