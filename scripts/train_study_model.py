"""Rule train_study_model: one model of a study: the full fit (control full, fold all), a
cross-validation fold model (cv: trained without the fold's conditions) or its scrambled twin
(scrambled: TF rows permuted by a seeded derangement first); predicts every condition."""

import logging
from pathlib import Path

from signet.core.network import Network
from signet.eval.crossval import prepare_study, train_fold_model
from signet.io import read_conditions
from signet.rule_script import run
from signet.training import Recipe

log = logging.getLogger("train_study_model")


def main(smk):
    recipe = Recipe.load(smk.input.recipe[0] if smk.input.recipe else smk.params.recipe)
    recipe = recipe.replace(epochs=smk.params.epochs)
    network = Network.from_files(smk.input.network, smk.input.annotation)
    ligands, tfs, _ = prepare_study(network, read_conditions(smk.input.ligands, "ligand"),
                                    read_conditions(smk.input.tfs, "TF"))
    control, fold = smk.wildcards.study_control, smk.wildcards.study_fold
    log.info("%s model, fold %s, recipe %s", control, fold, recipe.to_dict())
    train_fold_model(network, ligands, tfs, smk.params.left_out, recipe,
                     seed=int(smk.wildcards.study_seed),
                     output_dir=Path(smk.output.parameters).parent,
                     scrambled_seed=smk.params.scrambled_seed)


run(main, snakemake)  # noqa: F821
