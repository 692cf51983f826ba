"""Rule simulate_control_data: the training data of the controls' sweep point."""

import logging

from signet.core.network import Network
from signet.io import write_conditions
from signet.rule_script import run
from signet.studies.synthetic.conditions import simulate_training_data
from signet.studies.synthetic.reference_model import load_reference_model

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


run(main, snakemake)  # noqa: F821
