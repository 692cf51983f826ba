"""Rule time_epochs: seconds per training epoch and milliseconds per pass against network size
on genome-shaped random networks (the epoch counterpart of Supp. Fig. 5)."""

import logging
import statistics
import time

import pandas as pd
from signet.bench import time_pass
from signet.core.network import Network
from signet.io import atomic_write
from signet.rule_script import run
from signet.studies.synthetic.conditions import training_conditions
from signet.studies.synthetic.random_network import signaling_network
from signet.training import Recipe, model_from_recipe, train

log = logging.getLogger("time_epochs")


def main(smk):
    p = smk.params.epochs
    recipe = Recipe.load(p["recipe"]).replace(epochs=p["epochs"], checkpoint_every=0,
                                              validation_fraction=0.0)
    rows = []
    for n_nodes in sorted(p["nodes"]):
        table, annotation = signaling_network(n_nodes, p["edges_per_node"], seed=p["seed"])
        network = Network.from_tables(table, annotation)
        reference = model_from_recipe(network, recipe, seed=p["seed"] + 1000)
        ligands = training_conditions(network.ligands, p["conditions"],
                                      p["ligands_per_condition"], seed=p["seed"])
        tfs, _ = reference.simulate(ligands)
        model = model_from_recipe(network, recipe, seed=p["seed"])
        stamps = [(time.perf_counter(), time.process_time())]

        def tick(epoch, row, stamps=stamps):
            stamps.append((time.perf_counter(), time.process_time()))

        train(model, ligands, tfs, recipe, seed=p["seed"], progress=False, callback=tick)
        # the first epoch includes one-off costs (first eigen solve, caches): not counted
        wall = [b[0] - a[0] for a, b in zip(stamps[1:], stamps[2:])]
        cpu = [b[1] - a[1] for a, b in zip(stamps[1:], stamps[2:])]
        one_pass = time_pass(n_nodes, p["edges_per_node"], recipe.batch_size, recipe.steps,
                             repeats=p["pass_repeats"], tol=recipe.tol, seed=p["seed"])
        rows.append({"nodes": network.n_nodes, "edges": network.n_edges,
                     "conditions": p["conditions"], "batch_size": recipe.batch_size,
                     "epoch_s": statistics.median(wall), "epoch_cpu_s": statistics.median(cpu),
                     "pass_ms": one_pass["forward_ms_median"] + one_pass["backward_ms_median"],
                     "pass_forward_steps": one_pass["forward_steps"]})
        log.info("%s", rows[-1])
    with atomic_write(smk.output[0]) as handle:
        pd.DataFrame(rows).to_csv(handle, sep="\t", index=False, float_format="%.6g")


run(main, snakemake)  # noqa: F821
