"""Rules train_sweep_point and train_control (Fig. 5b-e): train a model on one point's data
(made by simulate_sweep_data / simulate_control_data).

Every training condition is trained on; a recipe that stops early scores the separate
validation draw. Controls: ``scrambled`` trains on deranged TF rows (the validation rows are
deranged too), ``regularisation_only`` with fit coefficient 0, ``no_spectral`` without the
spectral term.
"""

import logging
from pathlib import Path

from signet.core.network import Network
from signet.eval.folds import scramble_tfs
from signet.io import read_conditions, write_conditions
from signet.rule_script import run
from signet.studies.synthetic.conditions import control_recipe
from signet.training import Recipe, model_from_recipe, train

log = logging.getLogger("train_sweep_point")


def main(smk):
    point, control = smk.params.point, smk.params.control
    recipe = Recipe.load(smk.params.recipe).replace(epochs=smk.params.epochs, steps=smk.params.steps)
    network = Network.from_files(smk.input.network, smk.input.annotation)
    ligands = read_conditions(smk.input.data_ligands, "ligand")
    tfs = read_conditions(smk.input.data_tfs, "TF")
    val_ligands = read_conditions(smk.input.validation_ligands, "ligand")
    val_tfs = read_conditions(smk.input.validation_tfs, "TF")
    if control is not None:
        if control == "scrambled":
            tfs = scramble_tfs(tfs, seed=int(point["seed"]))
            val_tfs = scramble_tfs(val_tfs, seed=int(point["seed"]))
        recipe = control_recipe(recipe, control)
        write_conditions(ligands, smk.output.ligands)
        write_conditions(tfs, smk.output.tfs)
    log.info("point %s, control %s, recipe %s", dict(point), control, recipe.to_dict())
    model = model_from_recipe(network, recipe, seed=int(point["seed"]))
    result = train(model, ligands, tfs, recipe, output_dir=Path(smk.output.parameters).parent,
                   seed=int(point["seed"]), progress=False, validation=(val_ligands, val_tfs))
    last = result.log.iloc[-1]
    log.info("trained %d epochs in %.1f s (best validation epoch %s): fit %.4g, rho %.4f",
             result.epochs_run, result.seconds, result.best_epoch, last["fit"], last["rho"])


run(main, snakemake)  # noqa: F821
