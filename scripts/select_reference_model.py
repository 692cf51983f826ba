"""Rule select_reference_model: the suite member the sweep runs on, as the study's reference."""

import logging
import shutil

from signet.rule_script import run

log = logging.getLogger("select_reference_model")


def main(smk):
    shutil.copyfile(smk.input[0], smk.output[0])
    log.info("reference model: suite member %s", smk.params.member)


run(main, snakemake)  # noqa: F821
