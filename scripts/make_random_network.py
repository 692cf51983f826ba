"""Rule make_random_network: the offline default network of the synthetic study."""

import logging
from contextlib import redirect_stderr

from signet.io import write_annotation, write_network
from signet.random_network import random_network

log = logging.getLogger("make_random_network")


def main(smk):
    settings = smk.params.settings
    model, annotation = random_network(settings["nodes"], settings["edges_per_node"],
                                       n_ligands=settings["ligands"], n_tfs=settings["tfs"],
                                       seed=settings["seed"])
    write_network(model, smk.output.network)
    write_annotation(annotation, smk.output.annotation)
    log.info("random network: %d nodes, %d edges", len(annotation), len(model))


with open(snakemake.log[0], "w") as log_file, redirect_stderr(log_file):  # noqa: F821
    logging.basicConfig(stream=log_file, level=logging.INFO, format="%(asctime)s %(message)s")
    main(snakemake)  # noqa: F821
