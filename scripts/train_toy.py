"""Rule train_toy (Fig. 2e): fit weights and biases of the toy network to its training data.

Input scales and TF projections are set to the reference values and stay frozen, so that the
fitted weights and biases are comparable with the reference ones (Fig. 2g).
"""

import logging
from pathlib import Path

from signet.core.network import Network
from signet.io import read_conditions, read_parameters
from signet.rule_script import run
from signet.training import Recipe, model_from_recipe, train

log = logging.getLogger("train_toy")


def main(smk):
    # replace() keeps the recipe's value where the config says null (None)
    recipe = Recipe.load(smk.params.recipe).replace(epochs=smk.params.epochs,
                                                    warmup_epochs=smk.params.warmup_epochs,
                                                    batch_size=smk.params.batch_size)
    log.info("recipe: %s", recipe.to_dict())
    network = Network.from_files(smk.input.network, smk.input.annotation)
    model = model_from_recipe(network, recipe, seed=smk.params.seed)
    reference = read_parameters(smk.input.reference)
    model.load_parameters_table(reference[reference["Type"].isin(["Input", "Projection"])],
                                path=smk.input.reference, complete=False)
    ligands = read_conditions(smk.input.ligands, "ligand")
    tfs = read_conditions(smk.input.tfs, "TF")
    output_dir = Path(smk.output.parameters).parent
    result = train(model, ligands, tfs, recipe, output_dir=output_dir, seed=smk.params.seed,
                   progress=False)
    last = result.log.iloc[-1]
    log.info("trained %d epochs in %.1f s: loss %.4g, fit %.4g, rho %.4f", result.epochs_run,
             result.seconds, last["loss"], last["fit"], last["rho"])


run(main, snakemake)  # noqa: F821
