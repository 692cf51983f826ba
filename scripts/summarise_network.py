"""Rule summarise_network: nodes, edges by sign, ligands, receptors and TFs of a network."""

import logging

from signet.io.formats import read_annotation, write_table
from signet.rule_script import run
from signet.studies.networks.summary import summarise_network
from signet.studies.networks.tables import read_edges


def main(smk):
    summary = summarise_network(read_edges(smk.input.model),
                                   read_annotation(smk.input.annotation),
                                   smk.wildcards.name)
    write_table(summary, smk.output.summary)
    logging.info("%s", summary.iloc[0].to_dict())


run(main, snakemake)  # noqa: F821
