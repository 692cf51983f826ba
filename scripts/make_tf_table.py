"""Rule make_tf_table: macrophage-TFs.tsv and macrophage-Ligands.tsv from per-array scores."""

import logging

import pandas as pd
from signet.io import atomic_write, write_conditions
from signet.rule_script import run
from signet.studies.macrophage.sdrf import read_sample_sheet
from signet.studies.macrophage.tf_activity import read_tf_scores
from signet.studies.macrophage.tf_table import (
    gene_to_uniprot,
    make_ligand_table,
    make_tf_table,
    read_uniprot,
    write_ligand_table,
)


def main(smk):
    params = smk.params
    scores = read_tf_scores(smk.input.scores)
    sheet = read_sample_sheet(smk.input.sheet)
    genes = gene_to_uniprot(read_uniprot(smk.input.uniprot))
    table, report = make_tf_table(scores, sheet, genes, percentile=params.percentile,
                                  max_sd=params.max_replicate_sd, unmapped=params.unmapped)
    write_conditions(table, smk.output.tfs)
    write_ligand_table(make_ligand_table(table.index, control=params.control),
                       smk.output.ligands)
    quality = pd.DataFrame({"TF": report["percentile"].index,
                            "uniprot": [genes.get(tf, "") for tf in report["percentile"].index],
                            f"sd_percentile_{params.percentile:g}": report["percentile"].values,
                            "kept": ~report["percentile"].index.isin(report["dropped"])})
    with atomic_write(smk.output.quality) as handle:
        quality.to_csv(handle, sep="\t", index=False, float_format="%.17g")
    logging.info("%d arrays, %d conditions, %d TFs kept of %d", len(sheet), len(table),
                 table.shape[1], scores.shape[0])
    logging.info("dropped (replicate SD percentile >= %g): %s", params.max_replicate_sd,
                 ", ".join(report["dropped"]) or "none")
    if report["unmapped"]:
        logging.warning("no UniProt entry (%s): %s", params.unmapped,
                        ", ".join(report["unmapped"]))


run(main, snakemake)  # noqa: F821
