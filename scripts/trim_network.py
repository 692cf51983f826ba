"""Rule trim_network: remove dead ends (no path from a ligand, or none to a TF) and redundant
nodes (A -> X -> A) to a fixed point; write the paper's Model and Annotation tables."""

import logging

from signet.errors import SignetError
from signet.io.formats import read_annotation, write_annotation, write_table
from signet.rule_script import run
from signet.studies.networks.tables import read_edges, write_edges
from signet.studies.networks.trim import annotation_table, trim_network


def main(smk):
    edges = read_edges(smk.input.model)
    nodes = read_annotation(smk.input.nodes)
    kept, removed = trim_network(edges, nodes.loc[nodes["ligand"], "code"],
                                    nodes.loc[nodes["TF"], "code"])
    if len(kept) == 0:
        raise SignetError(f"{smk.input.model}: trimming removed every edge: no path leads "
                          "from a ligand to a TF")
    kept = kept.sort_values(["source", "target"], kind="stable")
    annotation = annotation_table(kept, nodes).sort_values("code", kind="stable")
    write_edges(kept, smk.output.model)
    write_annotation(annotation, smk.output.annotation)
    write_table(removed, smk.output.removed)
    logging.info("removed %d nodes in %d rounds (%s); kept %d nodes, %d edges, %d ligands, "
                 "%d TFs", len(removed), removed["round"].max() if len(removed) else 0,
                 removed["reason"].value_counts().to_dict(), len(annotation), len(kept),
                 annotation["ligand"].sum(), annotation["TF"].sum())


run(main, snakemake)  # noqa: F821
