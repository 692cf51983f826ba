"""Rule draw_network: the layered drawing ligand -> receptor -> signaling -> TF (Fig. 4a)."""

import logging

from signet.rule_script import run
from signet.studies.networks import reconstruct as rc


def main(smk):
    edges = rc.read_edges(smk.input.model)
    annotation = rc.read_annotation(smk.input.annotation)
    rc.draw_network(edges, annotation, [smk.output.png, smk.output.svg],
                    title=f"{smk.wildcards.name}: {len(annotation)} nodes, {len(edges)} edges")
    logging.info("drew %d nodes and %d edges", len(annotation), len(edges))


run(main, snakemake)  # noqa: F821
