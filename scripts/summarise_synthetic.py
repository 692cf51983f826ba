"""Rule summarise_synthetic: our numbers beside the paper's (results/synthetic/summary.tsv):
the published values and, on the paper's released reference, the test r of the paper's own
released model of each sweep point with whether ours reaches it; and, for each point with
several seeds, the test r of their ensemble (the mean of the seeds' test predictions)."""

import logging

import pandas as pd
from signet.io import atomic_write, read_conditions
from signet.rule_script import run
from signet.studies.synthetic.conditions import ensemble_r, summary_table

log = logging.getLogger("summarise_synthetic")


def main(smk):
    sweep = pd.concat([pd.read_csv(path, sep="\t") for path in smk.input.sweep])
    ensembles = ensemble_r(sweep, [read_conditions(path, "TF") for path in smk.input.predictions],
                           read_conditions(smk.input.test_tfs, "TF"))
    controls = pd.concat([pd.read_csv(path, sep="\t") for path in smk.input.controls]) \
        if smk.input.controls else pd.DataFrame(columns=["control", "samples", "ligands",
                                                          "seed", "r"])
    knockout = pd.read_csv(smk.input.knockout, sep="\t").iloc[0].to_dict()
    complexity = pd.read_csv(smk.input.complexity, sep="\t")
    table = summary_table(sweep, controls, knockout, complexity,
                          released_models=bool(smk.params.released_models),
                          ensembles=ensembles)
    with atomic_write(smk.output[0]) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.4g")
    log.info("summary:\n%s", table.to_string())


run(main, snakemake)  # noqa: F821
