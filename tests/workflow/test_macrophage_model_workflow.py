"""The macrophage model rules run by Snakemake on the paper-reference config: full fit, one
LOOCV fold and its scrambled twin (a few epochs), evaluation, knock-outs, summary, figures."""

from pathlib import Path

import pandas as pd
import yaml
from wfhelpers import snakemake as _snakemake

ROOT = Path(__file__).resolve().parents[2]


def test_one_tiny_fold_end_to_end(workdir):
    """3 epochs, one fold (CON): every output exists and the summary puts our numbers beside
    the paper's; the scrambled model trained on deranged rows differs from the LOOCV one."""
    # config/paper-reference.yaml with tiny epochs and one fold (a second --configfile would
    # replace the first, not extend it)
    tiny = yaml.safe_load((workdir / "config" / "paper-reference.yaml").read_text())
    tiny["macrophage"]["model"].update(epochs=3, runtime_minutes=5)
    tiny["macrophage"]["loocv"] = {"folds": ["CON"], "scrambled_seed": 3}
    (workdir / "tiny.yaml").write_text(yaml.safe_dump(tiny))
    _snakemake(workdir, "--configfile=tiny.yaml", "results/paper-reference/macrophage/summary.tsv",
               "results/paper-reference/macrophage/figure6f.png")
    out = workdir / "results" / "paper-reference" / "macrophage"
    assert pd.read_csv(out / "loocv" / "folds.tsv", sep="\t")["fold"].tolist() == ["CON"]
    for panel in "abcdef":
        assert (out / f"figure6{panel}.png").stat().st_size > 0
    for control in ("loocv", "scrambled"):
        log = pd.read_csv(out / control / "CON" / "seed~0" / "training-log.tsv", sep="\t")
        assert len(log) == 3
    assert "scrambled TF rows (seed 3)" in (
        workdir / "logs/paper-reference/macrophage/train_macrophage_fold/scrambled/CON/seed~0.log").read_text()
    loocv = pd.read_csv(out / "loocv" / "CON" / "seed~0" / "predictions.tsv", sep="\t",
                        index_col=0)
    scrambled = pd.read_csv(out / "scrambled" / "CON" / "seed~0" / "predictions.tsv",
                            sep="\t", index_col=0)
    assert loocv.shape == scrambled.shape == (23, 58)
    assert not loocv.equals(scrambled)

    metrics = pd.read_csv(out / "evaluation" / "metrics.tsv", sep="\t").iloc[0]
    assert metrics["loocv_folds_run"] == 1 and metrics["folds"] == 1
    assert metrics["conditions"] == 23 and metrics["tfs"] == 58
    summary = pd.read_csv(out / "summary.tsv", sep="\t", index_col=0, dtype=str)
    assert summary.loc["fit_r", "paper"] == "0.96"
    assert summary.loc["scrambled_median_r", "paper"] == "0.04"
    ranking = pd.read_csv(out / "knockout" / "ranking.tsv", sep="\t")
    # every non-ligand node but the read-out RELA, once per fold model (one: CON)
    assert len(ranking) == 1128 - 12 - 1 and set(ranking["n"]) == {1}
    assert "Q04206" not in set(ranking["node"])
    assert summary.loc["knockout_top10", "ours"].split(", ") == ranking["name"].head(10).tolist()
