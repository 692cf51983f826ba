"""Rule summarise_network: nodes, edges by sign, ligands, receptors and TFs of a network."""

import logging
import sys

from signet import reconstruct as rc
from signet.errors import SignetError


def main(smk):
    summary = rc.summarise_network(rc.read_edges(smk.input.model),
                                   rc.read_annotation(smk.input.annotation),
                                   smk.wildcards.name)
    rc.write_table(summary, smk.output.summary)
    logging.info("%s", summary.iloc[0].to_dict())


logging.basicConfig(filename=snakemake.log[0], level=logging.INFO,  # noqa: F821
                    format="%(asctime)s %(levelname)s %(message)s")
try:
    main(snakemake)  # noqa: F821
except SignetError as err:
    logging.error("%s", err)
    sys.exit(f"error: {err}")
