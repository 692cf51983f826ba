"""Rule classify_nodes: join ligand-receptor (or the pseudo-ligand map) and signaling edges;
ligand = ligand-receptor source, receptor = its target, TF = regulon source (with data)."""

import logging

from signet.rule_script import run
from signet.studies.networks import reconstruct as rc


def main(smk):
    ligand_map = smk.input.get("ligand_map")
    tf_data = smk.input.get("tf_data")
    edges, nodes = rc.classify_nodes(
        rc.read_edges(smk.input.signaling), rc.read_edges(smk.input.ligand_receptor),
        rc.read_edges(smk.input.regulatory), names=rc.read_uniprot(smk.input.uniprot),
        ligand_map=rc.read_ligand_map(ligand_map) if ligand_map else None,
        tfs_with_data=rc.read_tf_data(tf_data) if tf_data else None,
        paths={"ligand_map": ligand_map, "regulons": smk.input.regulatory,
               "ligand_receptor": smk.input.ligand_receptor})
    rc.write_edges(edges, smk.output.model)
    rc.write_annotation(nodes, smk.output.nodes, columns=rc.NODE_COLUMNS)
    logging.info("%d edges, %d nodes: %d ligands, %d receptors, %d TFs", len(edges),
                 len(nodes), nodes["ligand"].sum(), nodes["receptor"].sum(), nodes["TF"].sum())


run(main, snakemake)  # noqa: F821
