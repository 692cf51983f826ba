"""Rule build_expression: genes x arrays, log2 and centred, from the processed arrays + ADF."""

import logging

from signet.rule_script import run
from signet.studies.macrophage.biostudies import read_file_table
from signet.studies.macrophage.expression import build_expression, read_adf, read_processed_zips
from signet.studies.macrophage.tf_activity import write_tf_scores


def main(smk):
    params = smk.params
    files = read_file_table(smk.input.arrays)
    zips = files.loc[files["role"] == "processed", "path"].tolist()
    intensity, pvalues = read_processed_zips(zips)
    probe_to_gene = read_adf(smk.input.adf, gene_column=params.gene_column)
    expression, counts = build_expression(intensity, pvalues, probe_to_gene,
                                          max_p=params.max_detection_p,
                                          relative_sd=params.min_relative_sd,
                                          floor=params.log_floor)
    for key, value in counts.items():
        logging.info("%s: %d", key, value)
    write_tf_scores(expression, smk.output.expression)  # same layout: rows x arrays


run(main, snakemake)  # noqa: F821
