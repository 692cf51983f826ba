"""Parameter recovery on the paper's toy network (Fig. 2), as tests/test_toy.py sets it up.

Data: the 10 x 10 ligand grid simulated from config/networks/toy-Parameters.tsv, 80/20 split
(seed 0). Trains the ``paper`` recipe for ``--epochs`` epochs (warm-up a tenth of them) and
prints the held-out r, the r between fitted and reference weights (same edge slots), the
weights themselves and the training time. ``--match-scales`` gives the model the reference's
input scale and output projection (frozen) instead of the model's own 3 and 1.2.

    nice -n 10 .venv/bin/python bench/toy_recovery.py --epochs 600 [--match-scales]
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.io import read_parameters
from signet.rule_script import limit_threads
from signet.training import PRESETS, model_from_recipe, train

TOY = Path(__file__).resolve().parents[1] / "config" / "networks"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--match-scales", action="store_true")
    args = parser.parse_args(argv)
    limit_threads(1)

    network = Network.from_files(TOY / "toy-Model.tsv", TOY / "toy-Annotation.tsv")
    reference = SignalingModel(network)
    reference.load_parameters_table(read_parameters(TOY / "toy-Parameters.tsv"))
    grid = np.linspace(0, 1, 10)
    ligands = pd.DataFrame(list(itertools.product(grid, grid)), columns=network.ligands,
                           index=[f"c{i:03d}" for i in range(100)])
    tfs, _ = reference.simulate(ligands)
    order = np.random.default_rng(0).permutation(100)
    train_idx, test_idx = order[:80], order[80:]

    recipe = PRESETS["paper"].replace(epochs=args.epochs, warmup_epochs=args.epochs // 10,
                                      checkpoint_every=0)
    model = model_from_recipe(network, recipe, seed=args.seed)
    if args.match_scales:
        with torch.no_grad():
            model.input_scale.copy_(reference.input_scale)
            model.projection.copy_(reference.projection)
    print(f"# load average at start: {os.getloadavg()}")
    start = time.perf_counter()
    train(model, ligands.iloc[train_idx], tfs.iloc[train_idx], recipe, seed=args.seed,
          progress=False)
    seconds = time.perf_counter() - start
    predicted, _ = model.simulate(ligands.iloc[test_idx])
    r_test = np.corrcoef(predicted.to_numpy().ravel(),
                         tfs.iloc[test_idx].to_numpy().ravel())[0, 1]
    fitted, truth = model.weights.detach().numpy(), reference.weights.detach().numpy()
    r_weights = np.corrcoef(fitted, truth)[0, 1]
    edges = [f"{network.nodes[s]}->{network.nodes[t]}"
             for s, t in zip(network.sources, network.targets)]
    print(f"epochs {args.epochs} match_scales {args.match_scales}: test r {r_test:.4f}, "
          f"weights r {r_weights:.4f}, {seconds:.0f} s of training")
    for edge, w, ref in zip(edges, fitted, truth):
        print(f"{edge}\t{w:.3f}\t{ref:.3f}")
    print(f"# load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
