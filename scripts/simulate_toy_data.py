"""Rule simulate_toy_data (Fig. 2d): reference data of the toy network on a ligand grid,
split into training and test conditions."""

import logging

import numpy as np
import pandas as pd
from signet.core.network import Network
from signet.io import read_parameters, write_conditions
from signet.rule_script import run
from signet.training import Recipe, model_from_recipe

log = logging.getLogger("simulate_toy_data")


def main(smk):
    recipe = Recipe.load(smk.params.recipe)
    network = Network.from_files(smk.input.network, smk.input.annotation)
    if len(network.ligands) != 2:
        raise ValueError(f"{smk.input.annotation}: the toy grid needs exactly 2 ligands, "
                         f"found {len(network.ligands)}")
    model = model_from_recipe(network, recipe)
    model.load_parameters_table(read_parameters(smk.input.reference), path=smk.input.reference)

    levels = np.linspace(0.0, 1.0, smk.params.grid_points)
    first, second = np.meshgrid(levels, levels, indexing="ij")
    names = [f"grid_{i:03d}" for i in range(first.size)]
    ligands = pd.DataFrame({network.ligands[0]: first.ravel(), network.ligands[1]: second.ravel()},
                           index=names)
    tfs, _ = model.simulate(ligands)
    info = model.last_info
    log.info("reference simulation: %s", info)

    order = np.random.default_rng(smk.params.split_seed).permutation(len(names))
    n_test = int(round(smk.params.test_fraction * len(names)))
    test = sorted(names[i] for i in order[:n_test])
    train = sorted(names[i] for i in order[n_test:])
    log.info("%d training and %d test conditions", len(train), len(test))
    write_conditions(ligands.loc[train], smk.output.train_ligands)
    write_conditions(tfs.loc[train], smk.output.train_tfs)
    write_conditions(ligands.loc[test], smk.output.test_ligands)
    write_conditions(tfs.loc[test], smk.output.test_tfs)


run(main, snakemake)  # noqa: F821
