"""Rule simulate_control_data: the training data of the controls' sweep point."""

import logging
from contextlib import redirect_stderr

from signet.io import write_conditions
from signet.network import Network
from signet.reference_model import load_reference_model
from signet.synthetic import simulate_training_data

log = logging.getLogger("simulate_control_data")


def main(smk):
    point = smk.params.point
    network = Network.from_files(smk.input.network, smk.input.annotation)
    reference = load_reference_model(network, smk.input.reference, steps=smk.params.steps)
    ligands, tfs = simulate_training_data(reference, point["samples"], point["ligands"],
                                          seed=point["seed"])
    write_conditions(ligands, smk.output.ligands)
    write_conditions(tfs, smk.output.tfs)
    log.info("control data: %s", point)


with open(snakemake.log[0], "w") as log_file, redirect_stderr(log_file):  # noqa: F821
    logging.basicConfig(stream=log_file, level=logging.INFO, format="%(asctime)s %(message)s")
    main(snakemake)  # noqa: F821
