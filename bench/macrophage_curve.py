"""Fit r against training time for a recipe on the macrophage data (paper Fig. 6b).

Trains one model on all conditions of the macrophage TF table (the paper's full fit) and
every ``--eval-every`` epochs prints the Pearson r between the model's TF outputs (no noise)
and the data over all conditions x TFs, with the training time so far as wall seconds and as
CPU seconds of the process (evaluations excluded). At the end it prints where the fit falls
short: per-TF and per-condition r, and the TFs whose prediction hardly varies.

    nice -n 10 .venv/bin/python bench/macrophage_curve.py \\
        --network ../shared/data/paper-reference/networks/macrophage-Model.tsv \\
        --annotation ../shared/data/paper-reference/networks/macrophage-Annotation.tsv \\
        --ligands ../shared/data/paper-reference/macrophage/macrophage-Ligands.tsv \\
        --tfs ../shared/data/paper-reference/macrophage/macrophage-TFs.tsv --recipe macrophage
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch
from signet.core.network import Network
from signet.eval.metrics import pooled_r
from signet.io import read_conditions
from signet.training import Recipe, model_from_recipe, train
from threadpoolctl import threadpool_limits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", required=True)
    parser.add_argument("--annotation", required=True)
    parser.add_argument("--ligands", required=True, help="ligand table (conditions x ligands)")
    parser.add_argument("--tfs", required=True, help="TF table (conditions x TFs)")
    parser.add_argument("--recipe", default="macrophage", help="preset name or recipe YAML")
    parser.add_argument("--epochs", type=int, help="override the recipe's epochs")
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[],
                        help="recipe field=value (repeatable), e.g. --set unknown_sign=random")
    args = parser.parse_args(argv)

    recipe = Recipe.load(args.recipe).replace(epochs=args.epochs, checkpoint_every=0)
    recipe = recipe.with_overrides(args.set)
    torch.set_num_threads(1)
    network = Network.from_files(args.network, args.annotation)
    ligands = read_conditions(args.ligands, "ligand")
    tfs = read_conditions(args.tfs, "TF")
    tfs = tfs[[t for t in tfs.columns if t in set(network.tfs)]]
    model = model_from_recipe(network, recipe, seed=args.seed)
    print(f"# recipe {recipe.name}: {recipe.to_dict()}")
    print(f"# {len(ligands)} conditions, {tfs.shape[1]} TFs of the network; "
          f"load average at start: {os.getloadavg()}")
    print("epoch\ttrain_seconds\ttrain_cpu_seconds\tfit_r\tmse\trho")
    state = {"eval": 0.0, "eval_cpu": 0.0, "wall": time.perf_counter(),
             "cpu": time.process_time()}

    def predict():
        model.eval()
        with torch.no_grad():
            predicted, states = model.simulate(ligands)
        model.train()
        return predicted[tfs.columns], states

    def evaluate(epoch, row):
        if epoch % args.eval_every and epoch != recipe.epochs:
            return
        wall, cpu = time.perf_counter(), time.process_time()
        predicted, _ = predict()
        r = pooled_r(predicted, tfs)
        state["eval"] += time.perf_counter() - wall
        state["eval_cpu"] += time.process_time() - cpu
        print(f"{epoch}\t{time.perf_counter() - state['wall'] - state['eval']:.1f}\t"
              f"{time.process_time() - state['cpu'] - state['eval_cpu']:.1f}\t{r:.4f}\t"
              f"{row['fit']:.4g}\t{row['rho']:.3f}", flush=True)

    with threadpool_limits(1):
        train(model, ligands, tfs, recipe, seed=args.seed, progress=False, callback=evaluate)
    predicted, states = predict()
    observed = tfs.loc[predicted.index]
    per_tf = [np.corrcoef(predicted[c], observed[c])[0, 1] for c in tfs.columns]
    per_condition = [np.corrcoef(predicted.loc[i], observed.loc[i])[0, 1]
                     for i in predicted.index]
    flat = [network.names.get(c, c) for c in tfs.columns if predicted[c].std() < 0.01]
    spread = np.median(predicted.std() / observed.std())
    dead = int((states.max() <= 0).sum())
    print(f"# final fit r {pooled_r(predicted, tfs):.4f}; per-TF r median "
          f"{np.nanmedian(per_tf):.3f}; per-condition r median {np.median(per_condition):.3f}; "
          f"prediction/data standard deviation per TF (median) {spread:.2f}")
    print(f"# TFs whose prediction hardly varies (sd < 0.01): {', '.join(flat) or 'none'}; "
          f"nodes below zero in every condition: {dead} of {network.n_nodes}")
    print(f"# load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
