"""Rules simulate_sweep_data and simulate_control_data: one point's training data and a
separate validation draw for recipes that stop early.

Training conditions (``synthetic.training_data``): ``drawn``, the paper's protocol
(``samples`` conditions, ``ligands`` simultaneous ligands, seeded by the point's seed), with
targets from the reference at the study's step cap; or ``released``, the paper's own table of
the point's size (``X_<Index>.pt``), with targets from the reference at a fixed 150 steps, as
the paper made them (the point's seed then only seeds the model and the validation draw).

Validation: max(min_conditions, round(fraction x samples)) random conditions with the same
number of ligands, from a seed of its own. The model trains on all ``samples`` conditions
either way."""

import logging

from signet.core.network import Network
from signet.io import write_conditions
from signet.rule_script import run
from signet.studies.synthetic.conditions import simulate_training_data, validation_conditions
from signet.studies.synthetic.reference_model import load_reference_model
from signet.studies.synthetic.released import (
    read_released_training_set,
    released_reference,
    released_targets,
)
from signet.training import Recipe

log = logging.getLogger("simulate_sweep_data")


def training_set(smk, network, point):
    """The reference and the point's training ligands and TF targets."""
    if smk.params.training_data["source"] == "released":
        reference = released_reference(network, smk.input.reference)
        ligands = read_released_training_set(smk.input.released_points,
                                             smk.input.released_ligands, network,
                                             point["samples"], point["ligands"])
        log.info("released training set %s", smk.input.released_ligands)
        return reference, ligands, released_targets(reference, ligands)
    reference = load_reference_model(network, smk.input.reference, steps=smk.params.steps)
    ligands, tfs = simulate_training_data(reference, point["samples"], point["ligands"],
                                          seed=point["seed"])
    return reference, ligands, tfs


def main(smk):
    point = {key: int(value) for key, value in dict(smk.params.point).items()}
    network = Network.from_files(smk.input.network, smk.input.annotation)
    reference, ligands, tfs = training_set(smk, network, point)
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
