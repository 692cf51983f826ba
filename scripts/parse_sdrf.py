"""Rule parse_sdrf: select the GM-CSF, 72 h macrophage arrays of the SDRF (sample sheet)."""

import logging

from signet.rule_script import run
from signet.studies.macrophage.sdrf import read_sdrf, select_samples, write_sample_sheet


def main(smk):
    params = smk.params
    sdrf = read_sdrf(smk.input.sdrf)
    sheet = select_samples(sdrf, smk.input.sdrf, cell_type=params.cell_type, time=params.time,
                           differentiation=params.differentiation, columns=params.columns)
    write_sample_sheet(sheet, smk.output.sheet)
    logging.info("%d of %d SDRF rows selected: %d arrays in %d conditions", len(sheet),
                 len(sdrf), len(sheet), sheet["condition"].nunique())
    for condition, count in sheet["condition"].value_counts().sort_index().items():
        logging.info("  %s: %d", condition, count)


run(main, snakemake)  # noqa: F821
