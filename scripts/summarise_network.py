"""Rule summarise_network: nodes, edges by sign, ligands, receptors and TFs of a network."""

import logging

from signet.rule_script import run
from signet.studies.networks import reconstruct as rc


def main(smk):
    summary = rc.summarise_network(rc.read_edges(smk.input.model),
                                   rc.read_annotation(smk.input.annotation),
                                   smk.wildcards.name)
    rc.write_table(summary, smk.output.summary)
    logging.info("%s", summary.iloc[0].to_dict())


run(main, snakemake)  # noqa: F821
