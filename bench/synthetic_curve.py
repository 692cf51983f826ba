"""Test r against wall time for a training recipe at one point of the synthetic sweep.

Trains a model on ``--samples`` conditions with ``--ligands`` simultaneous ligands (the
paper's protocol, seed ``--seed``) simulated by the reference model, and every
``--eval-every`` epochs prints the Pearson r on ``--test`` fixed test conditions (5 ligands,
seed 3, as in config/config.yaml). Wall time counts training only (the evaluation is timed
separately and excluded), as wall seconds and as CPU seconds of the process (one thread:
on a shared machine the CPU seconds are what an idle machine's wall time would be); the
machine's load average is printed at start and end.

    nice -n 10 .venv/bin/python bench/synthetic_curve.py \\
        --network ../shared/data/paper-reference/networks/KEGGnet-Model.tsv \\
        --annotation ../shared/data/paper-reference/networks/KEGGnet-Annotation.tsv \\
        --reference results/synthetic/reference/parameters.tsv --recipe fast
"""

from __future__ import annotations

import argparse
import os

import torch
from signet.bench import TrainingClock, add_recipe_arguments, recipe_from_arguments
from signet.core.network import Network
from signet.eval.metrics import pearson
from signet.rule_script import limit_threads
from signet.studies.synthetic.conditions import (
    random_conditions,
    simulate_training_data,
    validation_conditions,
)
from signet.studies.synthetic.reference_model import load_reference_model
from signet.training import model_from_recipe, train


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", required=True)
    parser.add_argument("--annotation", required=True)
    parser.add_argument("--reference", required=True, help="reference parameters.tsv")
    add_recipe_arguments(parser, "fast")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="stop (after an evaluation) once training took this long")
    parser.add_argument("--eval-every", type=int, default=10)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--ligands", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--test-seed", type=int, default=3)
    parser.add_argument("--split", action="store_true",
                        help="early stopping on a held-out share of the training conditions "
                             "(the old protocol) instead of a separate validation draw")
    parser.add_argument("--log", help="write the training log (TSV, with the solver "
                                       "diagnostics) to this path")
    args = parser.parse_args(argv)

    recipe = recipe_from_arguments(args)
    limit_threads(args.threads)
    network = Network.from_files(args.network, args.annotation)
    reference = load_reference_model(network, args.reference, steps=recipe.steps)
    ligands, tfs = simulate_training_data(reference, args.samples, args.ligands, args.seed)
    validation = None
    if recipe.validation_fraction > 0 and not args.split:
        # as the sweep: train on every condition, stop early on a separate draw
        val_ligands = validation_conditions(network.ligands, args.samples, args.ligands,
                                            args.seed, fraction=recipe.validation_fraction)
        validation = (val_ligands, reference.simulate(val_ligands)[0])
    test_ligands = random_conditions(network.ligands, args.test, 5, seed=args.test_seed)
    test_tfs, _ = reference.simulate(test_ligands)
    model = model_from_recipe(network, recipe, seed=args.seed)
    print(f"# recipe {recipe.name}: {recipe.to_dict()}")
    print(f"# load average at start: {os.getloadavg()}")
    print("epoch\ttrain_seconds\ttrain_cpu_seconds\ttest_r\tfit")
    clock = TrainingClock()

    class Stop(Exception):
        pass

    def evaluate(epoch, row):
        if epoch % args.eval_every and epoch != recipe.epochs:
            return
        with clock.pause(), torch.no_grad():
            predicted, _ = model.simulate(test_ligands)
            r = pearson(predicted, test_tfs)
        seconds = clock.seconds()
        print(f"{epoch}\t{seconds:.1f}\t{clock.cpu_seconds():.1f}\t{r:.4f}\t{row['fit']:.3g}",
              flush=True)
        if args.max_seconds and seconds > args.max_seconds:
            raise Stop

    rows = []

    def record(epoch, row):
        rows.append(dict(row))
        evaluate(epoch, row)

    try:
        result = train(model, ligands, tfs, recipe, seed=args.seed, progress=False,
                       callback=record, validation=validation)
        best = result.best_epoch
    except Stop:
        best = None
    if args.log:
        import pandas as pd
        pd.DataFrame(rows).to_csv(args.log, sep="\t", index=False, float_format="%.6g")
    with torch.no_grad():
        _, x_model = model.simulate(ligands)
        _, x_reference = reference.simulate(ligands)
    for name, x in (("model", x_model), ("reference", x_reference)):
        values = x.to_numpy()
        print(f"# {name}: nodes negative (leak range) in every training condition "
              f"{int((values < 0).all(axis=0).sum())}, in >= half "
              f"{int(((values < 0).mean(axis=0) >= 0.5).sum())}; share of states with z > 0.5 "
              f"{float((values > 0.5).mean()):.3f}")
    with torch.no_grad():
        predicted, _ = model.simulate(test_ligands)
    total = clock.seconds()
    # the same r with each TF's test mean taken off both sides: what is left once the TF
    # offsets (which the mean predictor already gets right) are not counted
    observed = test_tfs[predicted.columns]
    centred = pearson(predicted - observed.mean(), observed - observed.mean())
    mean_r = pearson(predicted * 0 + tfs[predicted.columns].mean(), observed)
    print(f"# final test r {pearson(predicted, test_tfs):.4f} (TF-centred {centred:.4f}; mean "
          f"predictor {mean_r:.4f}) after {total:.1f} s of training ({clock.cpu_seconds():.1f} "
          f"CPU s; restored epoch {best}); load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
