"""The paper's toy network (Fig. 2): data from hand-set parameters, fit and recovery."""

import itertools

import numpy as np
import pandas as pd
import torch
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.io import read_parameters
from signet.training import PRESETS, model_from_recipe, train


def test_toy_network_fit_and_parameter_recovery(toy_paths):
    """10 x 10 ligand grid from the hand-set reference parameters
    (config/networks/toy-Parameters.tsv), 80/20 split, 600 epochs of the paper recipe, the
    model given the reference's input scale (1) and output projection (1.3) so that the
    weights are comparable. Held-out r >= 0.99 (measured 0.998), and the weights move towards
    the reference: their mean absolute error is at most 0.6 of the initial weights'
    (measured 0.144 against 0.320; bench/toy_recovery.py --match-scales).

    Not asserted: the r between fitted and reference weights, the paper's measure (0.998).
    The initial weights already reach r 0.98 (prior signs, magnitudes about 1), so r cannot
    tell recovery from initialisation; after training it is 0.983. 0.99 is out of reach
    because one TF read out on 80 conditions leaves the 8 weights and 7 biases
    under-determined: the R1 <-> S1 feedback pair (reference 1.0 and 1.4) ends at 1.13 and
    0.93 with the held-out fit at 0.998. With the model's own scales (3 and 1.2) the fit is
    0.994 and the error only falls from 0.320 to 0.274: the weights compensate the scales."""
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
    with torch.no_grad():
        model.input_scale.copy_(reference.input_scale)
        model.projection.copy_(reference.projection)
    truth = reference.weights.detach().numpy()
    initial_error = np.abs(model.weights.detach().numpy() - truth).mean()
    train(model, ligands.iloc[train_idx], tfs.iloc[train_idx], recipe, seed=1, progress=False)
    predicted, _ = model.simulate(ligands.iloc[test_idx])
    r_test = np.corrcoef(predicted.to_numpy().ravel(), tfs.iloc[test_idx].to_numpy().ravel())[0, 1]
    assert r_test >= 0.99
    error = np.abs(model.weights.detach().numpy() - truth).mean()
    assert error <= 0.6 * initial_error, (error, initial_error)
