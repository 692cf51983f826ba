"""Rule curate_network: apply the project's curation tables (add / edit / reverse / remove)
to the signaling and ligand-receptor sets; the report says which rows applied."""

import logging

import pandas as pd
from signet.io.formats import write_table
from signet.rule_script import run
from signet.studies.networks import curation as cu
from signet.studies.networks.tables import read_edges, write_edges


def main(smk):
    reports = []
    for key, table_key in (("signaling", "signaling_curation"),
                           ("ligand_receptor", "ligand_receptor_curation")):
        edges = read_edges(smk.input[key])
        curation = cu.read_curation(smk.input[table_key])
        curated, report = cu.apply_curation(edges, curation)
        write_edges(curated, smk.output[key])
        report.insert(0, "set", key)
        reports.append(report)
        counts = report["status"].value_counts().to_dict()
        logging.info("%s: %d -> %d edges; curation rows %s", key, len(edges), len(curated),
                     counts)
        for row in report.loc[report["status"] == "not found"].itertuples():
            logging.warning("%s line %d: %s %s -> %s: edge not found", smk.input[table_key],
                            row.line, row.action, row.source, row.target)
    write_table(pd.concat(reports, ignore_index=True), smk.output.report)


run(main, snakemake)  # noqa: F821
