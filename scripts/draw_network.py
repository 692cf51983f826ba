"""Rule draw_network: the layered drawing ligand -> receptor -> signaling -> TF (Fig. 4a)."""

import logging
import sys

from signet import reconstruct as rc
from signet.errors import SignetError


def main(smk):
    edges = rc.read_edges(smk.input.model)
    annotation = rc.read_annotation(smk.input.annotation)
    rc.draw_network(edges, annotation, [smk.output.png, smk.output.svg],
                    title=f"{smk.wildcards.name}: {len(annotation)} nodes, {len(edges)} edges")
    logging.info("drew %d nodes and %d edges", len(annotation), len(edges))


logging.basicConfig(filename=snakemake.log[0], level=logging.INFO,  # noqa: F821
                    format="%(asctime)s %(levelname)s %(message)s")
try:
    main(snakemake)  # noqa: F821
except SignetError as err:
    logging.error("%s", err)
    sys.exit(f"error: {err}")
