"""Rule select_interactions: human core OmniPath interactions split into ligand-receptor,
regulatory (TF -> gene) and signaling sets, ligand-receptor and signaling kept when they cite
the network's resources (KEGG; KEGG and InnateDB for the macrophage network)."""

import logging

from signet.rule_script import run
from signet.studies.networks.select import select_interactions
from signet.studies.networks.tables import read_interactions, write_edges


def main(smk):
    paths = {"omnipath": smk.input.omnipath, "ligand_receptor": smk.input.ligand_receptor,
             "regulons": smk.input.regulons}
    omnipath = read_interactions(smk.input.omnipath, what="OmniPath interactions")
    logging.info("%s: %d interactions", smk.input.omnipath, len(omnipath))
    sets = select_interactions(
        omnipath,
        read_interactions(smk.input.ligand_receptor, what="ligand-receptor"),
        read_interactions(smk.input.regulons, what="regulon"),
        resources=smk.params.resources, taxon=smk.params.taxon,
        dorothea_levels=smk.params.dorothea_levels, paths=paths)
    for key, table in sets.items():
        write_edges(table, smk.output[key])
        logging.info("%s: %d edges -> %s", key, len(table), smk.output[key])


run(main, snakemake)  # noqa: F821
