"""Rule draw_network: the layered drawing ligand -> receptor -> signaling -> TF (Fig. 4a)."""

import logging

from signet.io.formats import read_annotation
from signet.rule_script import run
from signet.studies.networks.draw import draw_network
from signet.studies.networks.tables import read_edges


def main(smk):
    edges = read_edges(smk.input.model)
    annotation = read_annotation(smk.input.annotation)
    draw_network(edges, annotation, [smk.output.png, smk.output.svg],
                    title=f"{smk.wildcards.name}: {len(annotation)} nodes, {len(edges)} edges")
    logging.info("drew %d nodes and %d edges", len(annotation), len(edges))


run(main, snakemake)  # noqa: F821
