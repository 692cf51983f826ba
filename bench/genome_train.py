"""Genome-scale training, simulation and knock-outs on a signaling-shaped random network.

    PYTHONPATH=workflow/lib python bench/genome_train.py --nodes 19000 --epochs 3 \\
        [--conditions 1000 --test-conditions 1000 --ligands-per-condition 5] \\
        [--recipe fast] [--out genome-run] [--knockout-conditions 1]

1. network: :func:`signet.studies.synthetic.random_network.signaling_network` (about 10
   edges a node, 20 % of internal edges closing loops, 5 % ligands, 5 % receptors, 8 % TFs);
2. reference model (``--reference loops``, the default):
   :func:`signet.studies.synthetic.reference_suite.loop_bounded_reference`: the prior's
   signs times U(0.5, 1.5) / sqrt(in-degree), only the edges inside feedback loops scaled so
   that rho(|A|) = 0.9, internal nodes centred in MML's linear range, TF means spread. Every
   MML slope lies in [0, 1], so |T| = |diag(f') A| <= |A| entrywise and rho(T) <= rho(|A|) <
   1 at every condition (Perron-Frobenius): one ARPACK solve certifies all training and test
   conditions. ``--reference uniform`` scales every weight instead (the TFs then barely
   move: median sd 0.003 at 1 000 nodes);
3. training data: ``--conditions`` random conditions of ``--ligands-per-condition`` ligands,
   test data: ``--test-conditions`` new ones, both simulated by the reference model;
4. training with the recipe from another initialisation, checkpoints in ``--out``; every
   epoch prints wall and CPU seconds, peak RSS and (every ``--eval-every`` epochs) the
   test r (pooled Pearson over conditions x TFs) and the TF-centred r (each TF's test mean
   taken off both sides; the mean predictor's pooled r is printed first to read it against);
5. timings of ``simulate`` on the test conditions and of knocking out every node under
   ``--knockout-conditions`` conditions (batched).
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import torch
from signet.core.knockout import knockout
from signet.core.network import Network
from signet.eval.metrics import mean_predictor, pearson, pooled_r
from signet.spectral.eigen import leading_eigen_arpack
from signet.spectral.radius import transition_matrix
from signet.studies.synthetic.conditions import random_conditions, training_conditions
from signet.studies.synthetic.random_network import signaling_network
from signet.studies.synthetic.reference_suite import loop_bounded_reference
from signet.training import Recipe, model_from_recipe, train


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def stamp(label, t0, c0):
    print(f"{label}: {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s "
          f"CPU, peak RSS {peak_rss_mb():.0f} MB, load {os.getloadavg()[0]:.1f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=19000)
    parser.add_argument("--edges-per-node", type=float, default=10.0)
    parser.add_argument("--conditions", type=int, default=1000)
    parser.add_argument("--test-conditions", type=int, default=1000)
    parser.add_argument("--ligands-per-condition", type=int, default=5)
    parser.add_argument("--recipe", default="fast")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--eval-every", type=int, default=0)
    parser.add_argument("--knockout-conditions", type=int, default=1)
    parser.add_argument("--out", default=None, help="checkpoint folder (none: no checkpoints)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from the checkpoint in --out (bitwise as uninterrupted)")
    parser.add_argument("--skip-final", action="store_true",
                        help="no simulate / knock-out timing after training")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reference", choices=["loops", "uniform"], default="loops",
                        help="loops: signet.studies.synthetic.reference_suite."
                             "loop_bounded_reference; uniform: the recipe's initialisation "
                             "with every weight scaled to rho(|A|) = 0.9")
    parser.add_argument("--feedforward-gain", type=float, default=1.0,
                        help="loops reference: factor on the edges outside feedback loops "
                             "(leaves rho(|A|) as it is; 2 makes the TFs follow the ligands "
                             "more: median TF sd 0.13 instead of 0.03 at 5 000 nodes)")
    parser.add_argument("--feedback", type=float, default=0.2,
                        help="share of internal edges closing loops in the network")
    parser.add_argument("--set", action="append", default=[], help="recipe field=value")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    recipe = Recipe.load(args.recipe).replace(epochs=args.epochs)
    recipe = recipe.with_overrides(args.set)
    print(f"# recipe {recipe.name}: {recipe.to_dict()}")

    t0, c0 = time.perf_counter(), time.process_time()
    table, annotation = signaling_network(args.nodes, args.edges_per_node, seed=args.seed,
                                          feedback_fraction=args.feedback)
    network = Network.from_tables(table, annotation)
    print(f"network: {network.n_nodes} nodes, {network.n_edges} edges, "
          f"{len(network.ligands)} ligands, {len(network.tfs)} TFs")
    stamp("network", t0, c0)

    t0, c0 = time.perf_counter(), time.process_time()
    reference = model_from_recipe(network, recipe, seed=args.seed + 1000)
    if args.reference == "loops":
        notes = loop_bounded_reference(reference, 0.9, seed=args.seed + 1000,
                                       feedforward_gain=args.feedforward_gain)
        print(f"reference model (loop-bounded): {notes}")
    with torch.no_grad():
        w = reference.weights.detach().double().numpy()
        bound = leading_eigen_arpack(transition_matrix(network, np.abs(w))).rho
        if args.reference == "uniform":
            reference.weights.mul_(0.9 / bound)
            w = reference.weights.detach().double().numpy()
            bound = leading_eigen_arpack(transition_matrix(network, np.abs(w))).rho
    print(f"reference model: rho(|A|) = {bound:.4f} bounds rho(T) at every condition")
    ligands = training_conditions(network.ligands, args.conditions,
                                  args.ligands_per_condition, seed=args.seed)
    test = random_conditions(network.ligands, args.test_conditions,
                             args.ligands_per_condition, seed=args.seed + 1)
    tfs, _ = reference.simulate(ligands)
    test_tfs, _ = reference.simulate(test)
    stamp("reference model and data", t0, c0)

    centre = test_tfs.mean(axis=0)
    baseline = mean_predictor(tfs, test)
    print(f"mean predictor (each TF's training mean): test r {pooled_r(baseline, test_tfs):.4f};"
          f" test TF sd: median {float(test_tfs.std(axis=0).median()):.4f}", flush=True)

    def scores(predicted):
        # pooled r, and the same after each TF's test mean is taken off both sides (what is
        # left when the TF offsets, which the mean predictor already gets, are removed)
        return (f"test r {pooled_r(predicted, test_tfs):.4f}, TF-centred r "
                f"{pearson(predicted - centre, test_tfs - centre):.4f}")

    model = model_from_recipe(network, recipe, seed=args.seed)
    state = {"wall": time.perf_counter(), "cpu": time.process_time(), "start": time.perf_counter()}

    def callback(epoch, row):
        now, cpu = time.perf_counter(), time.process_time()
        line = (f"epoch {epoch}: {now - state['wall']:.2f} s wall, {cpu - state['cpu']:.2f} s "
                f"CPU, loss {row['loss']:.4g}, rho {row['rho']:.3f}, forward steps "
                f"{row['forward_steps']:.1f}, eigen fallbacks {row['eigen_fallbacks']}, "
                f"peak RSS {peak_rss_mb():.0f} MB, load {os.getloadavg()[0]:.1f}")
        if args.eval_every and epoch % args.eval_every == 0:
            predicted, _ = model.simulate(test)
            line += ", " + scores(predicted)
        print(line, flush=True)
        state["wall"], state["cpu"] = time.perf_counter(), time.process_time()

    result = train(model, ligands, tfs, recipe, output_dir=args.out, seed=args.seed,
                   progress=False, callback=callback, resume=args.resume)
    print(f"training: {result.epochs_run} epochs in {result.seconds:.1f} s (best epoch "
          f"{result.best_epoch})")
    if args.skip_final:
        predicted, _ = model.simulate(test)
        print(f"final: {scores(predicted)}; peak RSS {peak_rss_mb():.0f} MB")
        return

    t0, c0 = time.perf_counter(), time.process_time()
    predicted, _ = model.simulate(test)
    stamp(f"simulate {len(test)} test conditions ({scores(predicted)})", t0, c0)
    if args.knockout_conditions:
        t0, c0 = time.perf_counter(), time.process_time()
        table = knockout(model, test.iloc[:args.knockout_conditions])
        count = network.n_nodes - len(network.ligands)
        stamp(f"knock out every non-ligand node ({count}) under {args.knockout_conditions} "
              f"condition(s) ({len(table)} rows)", t0, c0)
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
