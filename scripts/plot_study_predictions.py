"""Rule plot_study_predictions: predicted against observed TF activities under
cross-validation, one panel per left-out condition, and r per left-out condition of the
trained models beside the scrambled control and the mean predictor
(signet.eval.study_figures, as signet crossval draws them)."""

import logging

import pandas as pd
from signet.eval.study_figures import plot_cv_predictions, plot_per_condition_r, read_summary
from signet.rule_script import run

log = logging.getLogger("plot_study_predictions")


def main(smk):
    cv = pd.read_csv(smk.input.cv_predictions, sep="\t", dtype={"condition": str})
    per_condition = pd.read_csv(smk.input.per_condition, sep="\t",
                                dtype={"condition": str}).set_index("condition")
    summary = read_summary(smk.input.summary)
    plot_cv_predictions(cv, per_condition, summary, smk.output.cv)
    plot_per_condition_r(per_condition, summary, smk.output.per_condition)
    log.info("wrote %s and %s", smk.output.cv, smk.output.per_condition)


run(main, snakemake)  # noqa: F821
