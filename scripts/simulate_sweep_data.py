"""Rules simulate_sweep_data and simulate_control_data: one point's training data from the
reference model (the paper's protocol: ``samples`` conditions, ``ligands`` simultaneous
ligands, seeded by the point's seed) and a separate validation draw for recipes that stop
early (``validation_fraction`` > 0): max(min_conditions, round(fraction x samples)) random
conditions with the same number of ligands, from its own seed. The model trains on all
``samples`` conditions either way."""

import logging

from signet.core.network import Network
from signet.io import write_conditions
from signet.rule_script import run
from signet.studies.synthetic.conditions import simulate_training_data, validation_conditions
from signet.studies.synthetic.reference_model import load_reference_model
from signet.training import Recipe

log = logging.getLogger("simulate_sweep_data")


def main(smk):
    point = {key: int(value) for key, value in dict(smk.params.point).items()}
    network = Network.from_files(smk.input.network, smk.input.annotation)
    reference = load_reference_model(network, smk.input.reference, steps=smk.params.steps)
    ligands, tfs = simulate_training_data(reference, point["samples"], point["ligands"],
                                          seed=point["seed"])
    write_conditions(ligands, smk.output.ligands)
    write_conditions(tfs, smk.output.tfs)
    recipe = Recipe.load(smk.params.recipe)
    validation = smk.params.validation
    val_ligands = validation_conditions(
        network.ligands, point["samples"], point["ligands"], point["seed"],
        validation_seed=validation["seed"], fraction=recipe.validation_fraction or 0.1,
        min_conditions=validation["min_conditions"])
    count = len(val_ligands)
    val_tfs, _ = reference.simulate(val_ligands)
    write_conditions(val_ligands, smk.output.validation_ligands)
    write_conditions(val_tfs, smk.output.validation_tfs)
    log.info("point %s: %d training and %d validation conditions", point, len(ligands), count)


run(main, snakemake)  # noqa: F821
