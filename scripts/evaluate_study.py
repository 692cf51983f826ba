"""Rule evaluate_study: the full-fit and cross-validation predictions (ensemble mean and SD
over the seeds) beside the observed TF activities, the scrambled control and the mean
predictor on the same folds, r per condition and per TF, and the summary metrics."""

import logging
from pathlib import Path

import pandas as pd
from signet.eval.crossval import write_study_tables
from signet.io import read_conditions
from signet.rule_script import run

log = logging.getLogger("evaluate_study")


def main(smk):
    observed = read_conditions(smk.input.tfs, "TF")
    folds = pd.read_csv(smk.input.folds, sep="\t", dtype=str)
    summary = write_study_tables(Path(smk.output.summary).parent, observed, folds,
                                 smk.input.full, smk.input.cv, smk.input.scrambled,
                                 n_seeds=len(smk.params.seeds))
    log.info("summary:\n%s", summary.to_string(index=False))


run(main, snakemake)  # noqa: F821
