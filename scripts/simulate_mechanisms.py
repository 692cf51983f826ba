"""Rule simulate_mechanisms (Fig. 1a): steady states of the ODE motifs on a source grid."""

import logging

from signet.io import atomic_write
from signet.rule_script import run
from signet.studies.figure1.mechanisms import steady_states

log = logging.getLogger("simulate_mechanisms")


def main(smk):
    ode = smk.params.ode
    table = steady_states(smk.params.mechanisms, grid_points=ode["grid_points"],
                          max_concentration=ode["max_concentration"], t_end=ode["t_end"])
    for mechanism, rows in table.groupby("mechanism", sort=False):
        log.info("%s: output %.4f .. %.4f", mechanism, rows["output"].min(), rows["output"].max())
    with atomic_write(smk.output[0]) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.10g")


run(main, snakemake)  # noqa: F821
