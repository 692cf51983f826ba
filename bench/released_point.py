"""Train signet on one point of the paper's released data sweep and print training MSE,
training r and test r against epoch.

The reference is the paper's own synthetic model (``equationParams.txt`` of the release);
the training ligands are the released ``X_<index>.pt`` of the sweep point; the targets are
the reference's simulation of them with a fixed 150 steps (no early stop), as the paper
made them; the test set is 1000 fresh conditions of 5 distinct ligands (seed ``--test-seed``).

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=workflow/lib python bench/released_point.py \\
        --release resources/paper-release --index 13 --recipe fast --seed 1

``--release`` is a folder laid out as the release mirror (``networks/``, ``synthetic/``):
``resources/paper-release`` after the workflow fetched the files. ``--draw SEED`` trains on
a fresh 400 x 5 draw of the paper's protocol (seeded) instead of the released X. ``--init
TABLE`` starts from a saved parameter table (``--save`` of an earlier run) instead of the
seed's initial weights.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import torch
from signet.bench import TrainingClock, add_recipe_arguments, cpu_model, recipe_from_arguments
from signet.eval.metrics import pearson
from signet.rule_script import limit_threads
from signet.studies.synthetic.released import load_released_point, released_test_set
from signet.training import model_from_recipe, train


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", required=True, help="folder of the release mirror")
    parser.add_argument("--index", type=int, default=13, help="sweep point (X_<index>.pt)")
    parser.add_argument("--draw", type=int, default=None,
                        help="train on a fresh draw of the point's size with this seed")
    add_recipe_arguments(parser, "fast")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--eval-every", type=int, default=50)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--test-seed", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=None)
    parser.add_argument("--stop-after", type=int, default=None,
                        help="stop after this epoch (the recipe's schedule is unchanged)")
    parser.add_argument("--log", help="write the training log (TSV) here")
    parser.add_argument("--save", help="write the final parameter table here")
    parser.add_argument("--init", help="start from this parameter table instead of the "
                                       "seed's initial weights")
    args = parser.parse_args(argv)

    recipe = recipe_from_arguments(args)
    limit_threads(args.threads)
    point = load_released_point(Path(args.release), args.index, draw=args.draw)
    network, reference = point.network, point.reference
    test_ligands, test_tfs = released_test_set(reference, args.test, seed=args.test_seed)
    ligands, tfs = point.ligands, point.tfs
    model = model_from_recipe(network, recipe, seed=args.seed)
    if args.init:
        from signet.io.formats import read_parameters
        model.load_parameters_table(read_parameters(args.init), path=args.init)
    print(f"# cpu {cpu_model()}; point {args.index} ({point.samples} x {point.ligands_per_sample}"
          f"{'' if args.draw is None else f', fresh draw {args.draw}'}); recipe {recipe.name}: "
          f"{recipe.to_dict()}")
    print(f"# load average at start: {os.getloadavg()}")
    print("epoch\ttrain_seconds\ttrain_cpu_seconds\ttrain_mse\ttrain_r\ttest_r")
    clock = TrainingClock()
    validation = None
    if recipe.validation_fraction > 0:
        validation = point.validation_set(recipe.validation_fraction)

    class Stop(Exception):
        pass

    def score():
        with torch.no_grad():
            fitted, _ = model.simulate(ligands)
            predicted, _ = model.simulate(test_ligands)
        mse = float(np.mean((fitted[tfs.columns].to_numpy() - tfs.to_numpy()) ** 2))
        return mse, pearson(fitted, tfs), pearson(predicted, test_tfs)

    rows = []

    def record(epoch, row):
        rows.append(dict(row))
        if epoch % args.eval_every and epoch != recipe.epochs:
            return
        with clock.pause():
            mse, train_r, test_r = score()
        seconds = clock.seconds()
        print(f"{epoch}\t{seconds:.1f}\t{clock.cpu_seconds():.1f}\t{mse:.3e}\t{train_r:.4f}\t"
              f"{test_r:.4f}", flush=True)
        if (args.max_seconds and seconds > args.max_seconds) or \
                (args.stop_after and epoch >= args.stop_after):
            raise Stop

    best = None
    try:
        result = train(model, ligands, tfs, recipe, seed=args.seed, progress=False,
                       callback=record, validation=validation)
        best = result.best_epoch
    except Stop:
        pass
    if args.log:
        import pandas as pd
        pd.DataFrame(rows).to_csv(args.log, sep="\t", index=False, float_format="%.6g")
    if args.save:
        from signet.io import write_parameters
        write_parameters(model.parameters_table(), args.save)
    mse, train_r, test_r = score()
    print(f"# final: train MSE {mse:.3e}, train r {train_r:.4f}, test r {test_r:.4f} "
          f"(restored epoch {best}) after {clock.seconds():.1f} s of training "
          f"({clock.cpu_seconds():.1f} CPU s); load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
