"""Rule classify_nodes: join ligand-receptor (or the pseudo-ligand map) and signaling edges;
ligand = ligand-receptor source, receptor = its target, TF = regulon source (with data)."""

import logging
import sys

from signet import reconstruct as rc
from signet.errors import SignetError


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


logging.basicConfig(filename=snakemake.log[0], level=logging.INFO,  # noqa: F821
                    format="%(asctime)s %(levelname)s %(message)s")
try:
    main(snakemake)  # noqa: F821
except SignetError as err:
    logging.error("%s", err)
    sys.exit(f"error: {err}")
