"""Rules train_macrophage_full and train_macrophage_fold (Fig. 6b-e): train one macrophage
model on all conditions, or on all but the left-out ``fold`` (with the TF rows scrambled by a
seeded derangement for the scrambled control), and predict every condition."""

import logging
from pathlib import Path

from signet.core.network import Network
from signet.eval.folds import fold_data, scramble_tfs
from signet.io import read_conditions, write_conditions
from signet.rule_script import run
from signet.training import Recipe, model_from_recipe, train

log = logging.getLogger("train_macrophage")


def main(smk):
    seed = int(smk.wildcards.seed)
    recipe = Recipe.load(smk.input.recipe[0] if smk.input.recipe else smk.params.recipe)
    recipe = recipe.replace(epochs=smk.params.epochs)
    network = Network.from_files(smk.input.network, smk.input.annotation)
    ligands = read_conditions(smk.input.ligands, "ligand")
    tfs = read_conditions(smk.input.tfs, "TF")
    if smk.params.scrambled_seed is not None:
        tfs = scramble_tfs(tfs, int(smk.params.scrambled_seed))
        log.info("scrambled TF rows (seed %s): condition <- %s", smk.params.scrambled_seed,
                 dict(zip(tfs.index, tfs.attrs["derangement"])))
    train_ligands, train_tfs, _, _ = fold_data(ligands, tfs, smk.params.left_out)
    log.info("left out %s; %d training conditions; recipe %s", smk.params.left_out,
             len(train_ligands), recipe.to_dict())
    model = model_from_recipe(network, recipe, seed=seed)
    result = train(model, train_ligands, train_tfs, recipe, seed=seed, progress=False,
                   output_dir=Path(smk.output.parameters).parent, ignore_unknown_tfs=True)
    last = result.log.iloc[-1]
    log.info("trained %d epochs in %.1f s: fit %.4g, rho %.4f", result.epochs_run,
             result.seconds, last["fit"], last["rho"])
    model.eval()
    predicted, _ = model.simulate(ligands)
    write_conditions(predicted[[t for t in network.tfs if t in set(tfs.columns)]],
                     smk.output.predictions)


run(main, snakemake)  # noqa: F821
