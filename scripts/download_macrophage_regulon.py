"""Rule download_macrophage_regulon: DoRothEA (levels A/B) through decoupler's OmniPath client.

Needs network; set macrophage.inputs.regulon to a local regulon to skip this rule.
"""

import logging

from signet.errors import SignetError
from signet.rule_script import run
from signet.studies.macrophage.tf_activity import download_dorothea, write_regulon


def main(smk):
    try:
        regulon = download_dorothea(levels=smk.params.confidence)
    except Exception as err:  # decoupler raises whatever its HTTP client raises
        raise SignetError(f"cannot download DoRothEA through decoupler/OmniPath "
                          f"({type(err).__name__}: {' '.join(str(err).split())}); without "
                          f"network set macrophage.inputs.regulon to a local regulon TSV, or "
                          f"place one at {smk.output.regulon}") from None
    write_regulon(regulon, smk.output.regulon)
    logging.info("%d edges, %d TFs", len(regulon), regulon["source"].nunique())


run(main, snakemake)  # noqa: F821
