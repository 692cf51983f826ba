"""Why the eigen tracker restarts late in training: train on the macrophage data and, every
epoch, log the tracker's calls, extra rounds, ARPACK fallbacks and residuals with the
epoch's wall and CPU seconds; every ``--snapshot-every`` epochs save the weights and the
top of the spectrum of T at a few training conditions (dense eig, 1128 nodes).

    PYTHONPATH=workflow/lib python bench/eigen_restarts.py \\
        --network ../shared/data/paper-reference/networks/macrophage-Model.tsv \\
        --annotation ../shared/data/paper-reference/networks/macrophage-Annotation.tsv \\
        --ligands ../shared/data/paper-reference/macrophage/macrophage-Ligands.tsv \\
        --tfs ../shared/data/paper-reference/macrophage/macrophage-TFs.tsv \\
        --recipe macrophage-fast --out eigen-restarts
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import scipy.linalg
import torch
from signet.core.network import Network
from signet.io import read_conditions
from signet.spectral.eigen import LeadingEigenTracker
from signet.training import Recipe, model_from_recipe, train


class CountingTracker(LeadingEigenTracker):
    """A tracker that counts its rounds and keeps the residual of every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.rounds = 0
        self.residuals = []

    def _converge(self, T, basis):
        out = super()._converge(T, basis)
        self.rounds += out[4]
        return out

    def __call__(self, T, T_transposed=None, key=None):
        self.calls += 1
        eigen = super().__call__(T, T_transposed, key)
        self.residuals.append(self.last_residual)
        return eigen


def spectrum_top(model, u, count=24):
    with torch.no_grad():
        _, x, _ = model(u)
    slope = model.solver.activation.slope_from_output(x).numpy()
    net = model.network
    w = model.weights.detach().numpy()
    tops = []
    for row in slope:
        T = np.zeros((net.n_nodes, net.n_nodes))
        T[net.targets, net.sources] = w * row[net.targets]
        values = scipy.linalg.eigvals(T)
        tops.append(np.sort(np.abs(values))[::-1][:count].tolist())
    return tops


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("network", "annotation", "ligands", "tfs"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--recipe", default="macrophage-fast")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--snapshot-every", type=int, default=250)
    parser.add_argument("--block", type=int, default=16)
    parser.add_argument("--out", default="eigen-restarts")
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    recipe = Recipe.load(args.recipe).replace(epochs=args.epochs, checkpoint_every=0)
    recipe = recipe.with_overrides(args.set)
    torch.set_num_threads(1)
    network = Network.from_files(args.network, args.annotation)
    ligands = read_conditions(args.ligands, "ligand")
    tfs = read_conditions(args.tfs, "TF")
    tfs = tfs[[t for t in tfs.columns if t in set(network.tfs)]]
    model = model_from_recipe(network, recipe, seed=0)
    probe = model.ligand_tensor(ligands.iloc[:3])
    tracker = CountingTracker(block=args.block, iterations=recipe.spectral_iterations)
    import signet.training.loop as loop

    original = loop.SpectralTerm

    def term(*a, **k):
        t = original(*a, **k)
        t.tracker = tracker
        return t

    loop.SpectralTerm = term
    log = open(out / "epochs.tsv", "w")
    log.write("epoch\twall_s\tcpu_s\tcalls\trounds\tfallbacks\tresidual_median\t"
              "residual_max\trho\tload1\n")
    last = {"wall": time.perf_counter(), "cpu": time.process_time(), "calls": 0,
            "rounds": 0, "fallbacks": 0, "res": 0}

    def callback(epoch, row):
        now, cpu = time.perf_counter(), time.process_time()
        res = np.asarray(tracker.residuals[last["res"]:])
        log.write(f"{epoch}\t{now - last['wall']:.3f}\t{cpu - last['cpu']:.3f}\t"
                  f"{tracker.calls - last['calls']}\t{tracker.rounds - last['rounds']}\t"
                  f"{tracker.fallbacks - last['fallbacks']}\t"
                  f"{np.median(res) if len(res) else float('nan'):.3g}\t"
                  f"{res.max() if len(res) else float('nan'):.3g}\t{row['rho']:.4f}\t"
                  f"{os.getloadavg()[0]:.1f}\n")
        log.flush()
        if epoch % args.snapshot_every == 0:
            np.save(out / f"weights-{epoch}.npy", model.weights.detach().numpy())
            with open(out / f"spectrum-{epoch}.json", "w") as handle:
                json.dump(spectrum_top(model, probe), handle)
        last.update(wall=time.perf_counter(), cpu=time.process_time(), calls=tracker.calls,
                    rounds=tracker.rounds, fallbacks=tracker.fallbacks,
                    res=len(tracker.residuals))

    train(model, ligands, tfs, recipe, seed=0, progress=False, callback=callback)
    loop.SpectralTerm = original


if __name__ == "__main__":
    main()
