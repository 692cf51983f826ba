"""Rule normalise_edges: reverse duplicates of non-directed edges, ligand-receptor pairs out
of the signaling set, conflicting signs made unknown, unknown signs dropped (KEGG network),
nodes outside reviewed UniProt and self-loops dropped."""

import logging

import pandas as pd
from signet.io.formats import write_table
from signet.rule_script import run
from signet.studies.networks.normalise import normalise_edges
from signet.studies.networks.tables import read_edges, read_uniprot, write_edges


def main(smk):
    reviewed = read_uniprot(smk.input.uniprot)["code"]
    signaling, ligand_receptor, counts = normalise_edges(
        read_edges(smk.input.signaling), read_edges(smk.input.ligand_receptor),
        reviewed, drop_unknown=smk.params.drop_unknown_sign,
        ligand_receptor_sign=smk.params.ligand_receptor_sign,
        exempt_prefixes=smk.params.exempt_prefixes,
        paths={"omnipath": smk.input.signaling, "ligand_receptor": smk.input.ligand_receptor})
    write_edges(signaling, smk.output.signaling)
    write_edges(ligand_receptor, smk.output.ligand_receptor)
    write_table(pd.DataFrame(list(counts.items()), columns=["step", "edges"]),
                   smk.output.report)
    for step, number in counts.items():
        logging.info("%s: %d", step, number)
    logging.info("signaling: %d edges, ligand-receptor: %d edges", len(signaling),
                 len(ligand_receptor))


run(main, snakemake)  # noqa: F821
