"""The paper's toy network (Fig. 2): data from hand-set parameters, fit and recovery."""

import itertools

import numpy as np
import pandas as pd
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.io import read_parameters
from signet.training import PRESETS, model_from_recipe, train


def test_toy_network_fit_and_parameter_recovery(toy_paths):
    """10 x 10 ligand grid from the reference parameters, 80/20 split: test r >= 0.99 and the
    fitted weights correlate with the reference ones (same edge slots)."""
    network = Network.from_files(toy_paths["network"], toy_paths["annotation"])
    assert (network.n_nodes, network.n_edges) == (7, 8)
    reference = SignalingModel(network)
    reference.load_parameters_table(read_parameters(toy_paths["parameters"]))
    grid = np.linspace(0, 1, 10)
    ligands = pd.DataFrame(list(itertools.product(grid, grid)), columns=network.ligands,
                           index=[f"c{i:03d}" for i in range(100)])
    tfs, _ = reference.simulate(ligands)
    order = np.random.default_rng(0).permutation(100)
    train_idx, test_idx = order[:80], order[80:]

    recipe = PRESETS["paper"].replace(epochs=600, warmup_epochs=60, checkpoint_every=0)
    model = model_from_recipe(network, recipe, seed=1)
    train(model, ligands.iloc[train_idx], tfs.iloc[train_idx], recipe, seed=1, progress=False)
    predicted, _ = model.simulate(ligands.iloc[test_idx])
    r_test = np.corrcoef(predicted.to_numpy().ravel(), tfs.iloc[test_idx].to_numpy().ravel())[0, 1]
    assert r_test >= 0.99
    r_weights = np.corrcoef(model.weights.detach().numpy(), reference.weights.detach().numpy())[0, 1]
    assert r_weights >= 0.8
