"""Checkpoint check_released_points: the released sweep's table of points (``Index, Ligands,
DataSize``), checked and copied, for a workflow that had to download it first (with the
table already here, the points are read when the workflow is planned)."""

import logging

from signet.io import atomic_write
from signet.rule_script import run
from signet.studies.synthetic.released import read_sweep_points

log = logging.getLogger("check_released_points")


def main(smk):
    points = read_sweep_points(smk.input[0])
    with atomic_write(smk.output[0]) as handle:
        points.to_csv(handle, sep="\t", index=False)
    log.info("%d released sweep points from %s", len(points), smk.input[0])


run(main, snakemake)  # noqa: F821
