"""Rule make_random_network: the offline default network of the synthetic study."""

import logging

from signet.io import write_annotation, write_network
from signet.rule_script import run
from signet.studies.synthetic.random_network import random_network

log = logging.getLogger("make_random_network")


def main(smk):
    settings = smk.params.settings
    model, annotation = random_network(settings["nodes"], settings["edges_per_node"],
                                       n_ligands=settings["ligands"], n_tfs=settings["tfs"],
                                       seed=settings["seed"])
    write_network(model, smk.output.network)
    write_annotation(annotation, smk.output.annotation)
    log.info("random network: %d nodes, %d edges", len(annotation), len(model))


run(main, snakemake)  # noqa: F821
