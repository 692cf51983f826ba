"""Rules download_macrophage_metadata / _arrays / _uniprot: fetch the macrophage inputs.

params.kind picks what: "metadata" (SDRF, IDF of the experiment and ADF of its array design
into the folder of output.sdrf), "arrays" (every processed.N.zip into output.folder, listed
in output.table) or "uniprot" (the reviewed human UniProt table from params.url). Listing
goes through the BioStudies files API; every file goes through signet.io.download.fetch
(sha256 checked and recorded in params.manifest).
"""

import logging
from pathlib import Path

from signet.errors import SignetError
from signet.io.download import fetch
from signet.rule_script import run
from signet.studies.macrophage.biostudies import (
    download_files,
    experiment_downloads,
    write_file_table,
)

OFFLINE_KEY = "macrophage.inputs.tf_scores"


def main(smk):
    params = smk.params
    if params.kind == "uniprot":
        path = fetch(params.url, smk.output.table, params.manifest, timeout=params.timeout,
                     config_key="macrophage.inputs.uniprot")
        logging.info("UniProt table at %s", path)
        return
    if params.kind == "metadata":
        roles, directory = ("sdrf", "idf", "adf"), Path(smk.output.sdrf).parent
    else:
        roles, directory = ("processed",), Path(smk.output.folder)
    entries = experiment_downloads(params.accession, params.array, directory, roles=roles,
                                   base_url=params.base_url, timeout=params.timeout,
                                   config_key=OFFLINE_KEY)
    for entry in entries:
        logging.info("%s: %s -> %s", entry["role"], entry["url"], entry["dest"])
    paths = download_files(entries, params.manifest, timeout=params.timeout,
                           sha256=params.sha256)
    if params.kind == "metadata":
        for role in roles:  # the rule's outputs are named after the listing's files
            wanted = Path(getattr(smk.output, role))
            if wanted not in paths:
                raise SignetError(f"expected {wanted} but the listing gave "
                                  f"{', '.join(map(str, paths))}")
    else:
        write_file_table([{**e, "path": str(p)} for e, p in zip(entries, paths)],
                         smk.output.table)
    logging.info("%d file(s) ready", len(paths))


run(main, snakemake)  # noqa: F821
