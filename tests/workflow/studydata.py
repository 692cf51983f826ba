"""A tiny generated study: a seeded 30-node random network, a reference model with seeded
random parameters, and 12 ligand conditions whose TF activities the reference model gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from signet.core.network import Network
from signet.io import write_conditions
from signet.studies.synthetic.random_network import random_network
from signet.training import Recipe, model_from_recipe

# a few epochs of the macrophage coefficients: the point is the plumbing, not the fit
TINY_RECIPE = {"preset": "macrophage-fast", "epochs": 12, "warmup_epochs": 4, "steps": 40,
               "batch_size": 4, "checkpoint_every": 5, "log_every": 0}


def make_tiny_study(folder: Path, seed: int = 3) -> dict:
    """Write network, annotation, ligand and TF tables and a recipe into ``folder``; return
    their paths. 12 conditions over 4 ligands; ligand L4 is used by one condition only, so
    that condition (L4) cannot be left out. The TF table has one extra column that is not a
    node of the network."""
    folder.mkdir(parents=True, exist_ok=True)
    model_table, annotation = random_network(30, 2.5, n_ligands=4, n_receptors=3, n_tfs=6,
                                             seed=seed)
    paths = {"network": folder / "tiny-Model.tsv", "annotation": folder / "tiny-Annotation.tsv",
             "ligands": folder / "tiny-Ligands.tsv", "tfs": folder / "tiny-TFs.tsv",
             "recipe": folder / "tiny-recipe.yaml"}
    model_table.to_csv(paths["network"], sep="\t", index=False)
    annotation.to_csv(paths["annotation"], sep="\t", index=False)
    network = Network.from_files(paths["network"], paths["annotation"])
    ligands = network.ligands
    rows = {"CON": {}, "A": {ligands[0]: 1}, "B": {ligands[1]: 1}, "C": {ligands[2]: 1},
            "A_low": {ligands[0]: 0.3}, "AB": {ligands[0]: 1, ligands[1]: 1},
            "BC": {ligands[1]: 1, ligands[2]: 0.6}, "AC": {ligands[0]: 0.5, ligands[2]: 1},
            "B_low": {ligands[1]: 0.4}, "C_low": {ligands[2]: 0.2},
            "ABC": {ligands[0]: 1, ligands[1]: 1, ligands[2]: 1}, "D": {ligands[3]: 1}}
    table = pd.DataFrame([[row.get(ligand, 0.0) for ligand in ligands] for row in rows.values()],
                         index=pd.Index(list(rows), name="condition"), columns=ligands)
    write_conditions(table, paths["ligands"])
    reference = model_from_recipe(network, Recipe(steps=150), seed=seed)
    reference.eval()
    tfs, _ = reference.simulate(table)
    tfs["NOT_A_NODE"] = np.linspace(0, 1, len(tfs))
    write_conditions(tfs, paths["tfs"])
    paths["recipe"].write_text(yaml.safe_dump(TINY_RECIPE))
    return paths
