"""The spectral term's cost late in training, before and after the session-8 tracker settings,
side by side in one process.

Trains a recipe on a data set for ``--warm-epochs`` (checkpointing there), then resumes that
checkpoint twice for ``--epochs`` more epochs: once with the former settings (``REFERENCE_SETTINGS``
of :mod:`signet.spectral.eigen`: 2 extra tracker rounds before an ARPACK restart, scipy's
default ARPACK Krylov space and restart cap) and once with the present ones (``EXTRA_ROUNDS``,
``ARPACK_NCV``, ``ARPACK_MAXITER``). For each it prints CPU seconds an epoch (mean, max), the
tracker's ARPACK restarts and the CPU seconds spent inside ARPACK, and the ratio of the two.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=workflow/lib python bench/tracker_late.py \\
        --network ../shared/data/paper-reference/networks/macrophage-Model.tsv \\
        --annotation ../shared/data/paper-reference/networks/macrophage-Annotation.tsv \\
        --ligands ../shared/data/paper-reference/macrophage/macrophage-Ligands.tsv \\
        --tfs ../shared/data/paper-reference/macrophage/macrophage-TFs.tsv \\
        --recipe macrophage --warm-epochs 3000 --epochs 200

The warm-up itself runs with the present settings; the two resumed runs start from the same
state (weights, optimiser, tracker bases), so the difference is the settings alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import signet.spectral.eigen as eigen
import torch
from signet.core.network import Network
from signet.io import read_conditions
from signet.training import Recipe, model_from_recipe, train


def _run(args, network, ligands, tfs, recipe, folder, epochs):
    """Train (or resume from ``folder``) until ``epochs`` more epochs have run; per-epoch CPU
    seconds, restarts and the CPU seconds inside ARPACK."""
    model = model_from_recipe(network, recipe, seed=args.seed)
    arpack = {"cpu": 0.0, "calls": 0}
    original = eigen.leading_eigen_arpack

    def timed(*a, **k):
        start = time.process_time()
        try:
            return original(*a, **k)
        finally:
            arpack["cpu"] += time.process_time() - start
            arpack["calls"] += 1

    eigen.leading_eigen_arpack = timed
    rows, clock = [], {"cpu": time.process_time()}

    def callback(epoch, row):
        now = time.process_time()
        rows.append((epoch, now - clock["cpu"], row["eigen_fallbacks"]))
        clock["cpu"] = time.process_time()

    resume = (folder / "model.pt").exists()
    try:
        train(model, ligands, tfs, recipe, output_dir=folder, seed=args.seed, progress=False,
              callback=callback, resume=resume, interrupt_after=epochs)
    finally:
        eigen.leading_eigen_arpack = original
    return rows, arpack


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("network", "annotation", "ligands", "tfs"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--recipe", default="macrophage")
    parser.add_argument("--warm-epochs", type=int, default=3000)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    network = Network.from_files(args.network, args.annotation)
    ligands = read_conditions(args.ligands, "ligand")
    tfs = read_conditions(args.tfs, "TF")
    tfs = tfs[[t for t in tfs.columns if t in set(network.tfs)]]
    recipe = Recipe.load(args.recipe).replace(checkpoint_every=args.warm_epochs)
    print(f"# {len(ligands)} conditions, {tfs.shape[1]} TFs, {network.n_nodes} nodes; recipe "
          f"{recipe.name}; warm-up {args.warm_epochs} epochs, then {args.epochs} per setting; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    root = Path(tempfile.mkdtemp(prefix="tracker-late-"))
    try:
        warm = root / "warm"
        start = time.process_time()
        _run(args, network, ligands, tfs, recipe, warm, args.warm_epochs)
        print(f"warm-up: {time.process_time() - start:.1f} CPU s", flush=True)
        results = {}
        present = {"extra_rounds": eigen.EXTRA_ROUNDS, "arpack_ncv": eigen.ARPACK_NCV,
                   "arpack_maxiter": eigen.ARPACK_MAXITER}
        for label, settings in (("former", eigen.REFERENCE_SETTINGS), ("present", present)):
            folder = root / label
            shutil.copytree(warm, folder)
            with eigen.eigen_settings(**settings):
                rows, arpack = _run(args, network, ligands, tfs, recipe, folder, args.epochs)
            cpu = [r[1] for r in rows]
            results[label] = statistics.mean(cpu)
            print(f"{label} ({', '.join(f'{k}={v}' for k, v in settings.items())}): epochs "
                  f"{rows[0][0]}-{rows[-1][0]}, CPU s an epoch mean {statistics.mean(cpu):.3f} "
                  f"max {max(cpu):.2f}; ARPACK restarts {sum(r[2] for r in rows)}, ARPACK "
                  f"calls {arpack['calls']} taking {arpack['cpu']:.1f} CPU s; load "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
        print(f"former / present CPU s an epoch: {results['former'] / results['present']:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
