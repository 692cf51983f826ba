"""Rule classify_nodes: join ligand-receptor (or the pseudo-ligand map) and signaling edges;
ligand = ligand-receptor source, receptor = its target, TF = regulon source (with data)."""

import logging

from signet.io.formats import write_annotation
from signet.rule_script import run
from signet.studies.networks.classify import classify_nodes
from signet.studies.networks.tables import (
    NODE_COLUMNS,
    read_edges,
    read_ligand_map,
    read_tf_data,
    read_uniprot,
    write_edges,
)


def main(smk):
    ligand_map = smk.input.get("ligand_map")
    tf_data = smk.input.get("tf_data")
    edges, nodes = classify_nodes(
        read_edges(smk.input.signaling), read_edges(smk.input.ligand_receptor),
        read_edges(smk.input.regulatory), names=read_uniprot(smk.input.uniprot),
        ligand_map=read_ligand_map(ligand_map) if ligand_map else None,
        tfs_with_data=read_tf_data(tf_data) if tf_data else None,
        paths={"ligand_map": ligand_map, "regulons": smk.input.regulatory,
               "ligand_receptor": smk.input.ligand_receptor})
    write_edges(edges, smk.output.model)
    write_annotation(nodes, smk.output.nodes, columns=NODE_COLUMNS)
    logging.info("%d edges, %d nodes: %d ligands, %d receptors, %d TFs", len(edges),
                 len(nodes), nodes["ligand"].sum(), nodes["receptor"].sum(), nodes["TF"].sum())


run(main, snakemake)  # noqa: F821
