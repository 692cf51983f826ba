"""Rules download_omnipath, download_ligand_receptor, download_dorothea, download_uniprot:
one input of the network reconstruction, fetched from the URL in config.

The four rules differ only in their params (url, sha256, config_key), so they share this
script. The file goes to resources/networks/ through signet.io.download.fetch, which checks it
against resources/MANIFEST.tsv on later runs.

Needs network; set networks.downloads.<kind>.local to a local copy to skip the rule.
"""

import logging

from signet.io.download import fetch, sha256sum
from signet.rule_script import run


def main(smk):
    path = fetch(smk.params.url, smk.output[0], smk.params.manifest,
                 sha256=smk.params.sha256, timeout=smk.params.timeout,
                 config_key=smk.params.config_key)
    logging.info("%s: %d bytes, sha256 %s (from %s)", path, path.stat().st_size,
                 sha256sum(path), smk.params.url)


run(main, snakemake)  # noqa: F821
