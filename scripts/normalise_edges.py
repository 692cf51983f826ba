"""Rule normalise_edges: reverse duplicates of non-directed edges, ligand-receptor pairs out
of the signaling set, conflicting signs made unknown, unknown signs dropped (KEGG network),
nodes outside reviewed UniProt and self-loops dropped."""

import logging

import pandas as pd
from signet.rule_script import run
from signet.studies.networks import reconstruct as rc


def main(smk):
    reviewed = rc.read_uniprot(smk.input.uniprot)["code"]
    signaling, ligand_receptor, counts = rc.normalise_edges(
        rc.read_edges(smk.input.signaling), rc.read_edges(smk.input.ligand_receptor),
        reviewed, drop_unknown=smk.params.drop_unknown_sign,
        ligand_receptor_sign=smk.params.ligand_receptor_sign,
        exempt_prefixes=smk.params.exempt_prefixes,
        paths={"omnipath": smk.input.signaling, "ligand_receptor": smk.input.ligand_receptor})
    rc.write_edges(signaling, smk.output.signaling)
    rc.write_edges(ligand_receptor, smk.output.ligand_receptor)
    rc.write_table(pd.DataFrame(list(counts.items()), columns=["step", "edges"]),
                   smk.output.report)
    for step, number in counts.items():
        logging.info("%s: %d", step, number)
    logging.info("signaling: %d edges, ligand-receptor: %d edges", len(signaling),
                 len(ligand_receptor))


run(main, snakemake)  # noqa: F821
