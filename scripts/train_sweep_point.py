"""Rules train_sweep_point and train_control (Fig. 5b-e): make one point's training data
from the reference model (or take the controls' data) and train a model on it.

Sweep: the paper's protocol with ``samples`` conditions and ``ligands`` simultaneous ligands
(seeded by the point's seed). Controls: ``scrambled`` trains on deranged TF rows,
``regularisation_only`` with fit coefficient 0, ``no_spectral`` without the spectral term.
"""

import logging
from pathlib import Path

from signet.core.network import Network
from signet.eval.folds import scramble_tfs
from signet.io import read_conditions, write_conditions
from signet.rule_script import run
from signet.studies.synthetic.conditions import control_recipe, simulate_training_data
from signet.studies.synthetic.reference_model import load_reference_model
from signet.training import Recipe, model_from_recipe, train

log = logging.getLogger("train_sweep_point")


def main(smk):
    point, control = smk.params.point, smk.params.control
    recipe = Recipe.load(smk.params.recipe).replace(epochs=smk.params.epochs, steps=smk.params.steps)
    network = Network.from_files(smk.input.network, smk.input.annotation)
    if control is None:
        reference = load_reference_model(network, smk.input.reference, steps=smk.params.steps)
        ligands, tfs = simulate_training_data(reference, int(point["samples"]),
                                              int(point["ligands"]), seed=int(point["seed"]))
    else:
        ligands = read_conditions(smk.input.data_ligands, "ligand")
        tfs = read_conditions(smk.input.data_tfs, "TF")
        if control == "scrambled":
            tfs = scramble_tfs(tfs, seed=int(point["seed"]))
        recipe = control_recipe(recipe, control)
    write_conditions(ligands, smk.output.ligands)
    write_conditions(tfs, smk.output.tfs)
    log.info("point %s, control %s, recipe %s", dict(point), control, recipe.to_dict())
    model = model_from_recipe(network, recipe, seed=int(point["seed"]))
    result = train(model, ligands, tfs, recipe, output_dir=Path(smk.output.parameters).parent,
                   seed=int(point["seed"]), progress=False)
    last = result.log.iloc[-1]
    log.info("trained %d epochs in %.1f s (best held-out epoch %s): fit %.4g, rho %.4f",
             result.epochs_run, result.seconds, result.best_epoch, last["fit"], last["rho"])


run(main, snakemake)  # noqa: F821
