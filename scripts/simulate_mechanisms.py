"""Rule simulate_mechanisms (Fig. 1a): steady states of the ODE motifs on a source grid."""

import logging
from contextlib import redirect_stderr

from signet.io import atomic_write
from signet.mechanisms import steady_states

log = logging.getLogger("simulate_mechanisms")


def main(smk):
    ode = smk.params.ode
    table = steady_states(smk.params.mechanisms, grid_points=ode["grid_points"],
                          max_concentration=ode["max_concentration"], t_end=ode["t_end"])
    for mechanism, rows in table.groupby("mechanism", sort=False):
        log.info("%s: output %.4f .. %.4f", mechanism, rows["output"].min(), rows["output"].max())
    with atomic_write(smk.output[0]) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.10g")


with open(snakemake.log[0], "w") as log_file, redirect_stderr(log_file):  # noqa: F821
    logging.basicConfig(stream=log_file, level=logging.INFO, format="%(asctime)s %(message)s")
    main(snakemake)  # noqa: F821
