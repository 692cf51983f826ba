"""Rule run_viper: per-array TF scores (TFs x arrays) with decoupler's VIPER."""

import logging

from signet.rule_script import run
from signet.studies.macrophage.tf_activity import (
    filter_regulon,
    read_regulon,
    read_tf_scores,
    run_viper,
    write_tf_scores,
)
from signet.studies.macrophage.tf_table import read_uniprot, uniprot_to_gene


def main(smk):
    params = smk.params
    expression = read_tf_scores(smk.input.expression)  # genes x arrays, same layout
    symbols = uniprot_to_gene(read_uniprot(smk.input.uniprot))
    regulon = read_regulon(smk.input.regulon, symbols)
    regulon = filter_regulon(regulon, params.confidence, params.min_targets)
    logging.info("regulon: %d edges, %d TFs with >= %d targets (confidence %s)",
                 len(regulon), regulon["source"].nunique(), params.min_targets,
                 "/".join(params.confidence))
    scores = run_viper(expression, regulon, min_targets=params.min_targets,
                       pleiotropy=params.pleiotropy)
    logging.info("scores for %d TFs x %d arrays", *scores.shape)
    write_tf_scores(scores, smk.output.scores)


run(main, snakemake)  # noqa: F821
