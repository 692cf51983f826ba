"""Rule download_paper_file: one of the paper's released files at its pinned commit, checked
against the sha256 of the checked-in manifest (config/paper-release.tsv).

Needs network; with the local mirror (config paper_release.mirror) present this rule is not
in the DAG.
"""

import logging

from signet.io.download import fetch
from signet.rule_script import run


def main(smk):
    path = fetch(smk.params.url, smk.output[0], smk.params.manifest,
                 sha256=smk.params.sha256, timeout=smk.params.timeout,
                 config_key="paper_release.mirror")
    logging.info("%s from %s (sha256 %s)", path, smk.params.url, smk.params.sha256)


run(main, snakemake)  # noqa: F821
