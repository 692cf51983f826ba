"""Rule plot_study_knockouts: the top knock-outs of each condition and read-out TF: mean
change with its spread over the fold models and seeds; nodes whose change has one sign in at
least 90 % of the models are drawn solid, nodes that change the TF in no model are marked
"no effect" (signet.eval.study_figures, as signet crossval draws them)."""

import logging

import pandas as pd
from signet.eval.study_figures import plot_knockouts
from signet.rule_script import run

log = logging.getLogger("plot_study_knockouts")


def main(smk):
    knockouts = pd.read_csv(smk.input.knockouts, sep="\t", dtype={"node": str, "name": str})
    plot_knockouts(knockouts, smk.output.figure, top=smk.params.top)
    log.info("wrote %s", smk.output.figure)


run(main, snakemake)  # noqa: F821
