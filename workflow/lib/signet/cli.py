"""The ``signet`` command line: simulate, train, knockout, bench.

Errors in user input print one line (``signet: error: <file>:<line>: ...``) and exit with
status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

__all__ = ["main"]


def _network(args):
    from signet.core.network import Network

    return Network.from_files(args.network, args.annotation)


def _model_with_parameters(args, network, steps):
    from signet.core.model import SignalingModel
    from signet.io import read_parameters

    model = SignalingModel(network, steps=steps, tol=args.tol)
    model.load_parameters_table(read_parameters(args.parameters), path=args.parameters)
    return model


def cmd_simulate(args):
    from signet.io import read_conditions, write_conditions

    network = _network(args)
    ligands = read_conditions(args.ligands, "ligand")
    model = _model_with_parameters(args, network, args.steps)
    tfs, states = model.simulate(ligands)
    write_conditions(tfs, args.output)
    if args.states:
        write_conditions(states, args.states)


def cmd_train(args):
    from signet.io import read_conditions
    from signet.training import Recipe, model_from_recipe, train
    from signet.training.loop import format_rho

    recipe = Recipe.load(args.recipe).replace(epochs=args.epochs, batch_size=args.batch_size,
                                              checkpoint_every=args.checkpoint_every)
    network = _network(args)
    ligands = read_conditions(args.ligands, "ligand")
    tfs = read_conditions(args.tfs, "TF")
    model = model_from_recipe(network, recipe, seed=args.seed)
    Path(args.output_dir).mkdir(parents=True, exist_ok=True)
    result = train(model, ligands, tfs, recipe, output_dir=args.output_dir, seed=args.seed,
                   resume=args.resume, progress=not args.quiet,
                   ignore_unknown_tfs=args.ignore_unknown_tfs)
    last = result.log.iloc[-1] if len(result.log) else None
    if last is not None:
        print(f"trained {int(last['epoch'])} epochs: loss {last['loss']:.6g}, "
              f"fit {last['fit']:.6g}, rho {format_rho(last['rho'])}; wrote {args.output_dir}")


def cmd_knockout(args):
    from signet.core.knockout import knockout
    from signet.io import atomic_write, read_conditions

    network = _network(args)
    ligands = read_conditions(args.ligands, "ligand")
    model = _model_with_parameters(args, network, args.steps)
    nodes = "all" if args.nodes == "all" else [n.strip() for n in args.nodes.split(",") if n.strip()]
    table = knockout(model, ligands, nodes=nodes, strength=args.strength)
    with atomic_write(args.output) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.17g")


def cmd_bench(args):
    from signet.bench import time_pass, time_training

    if args.random_nodes:
        result = time_pass(args.random_nodes, args.edges_per_node, args.batch_size,
                           args.steps, repeats=args.repeats, tol=args.tol or 0.0)
        for key in ("nodes", "edges", "batch_size", "steps", "forward_steps",
                    "peak_rss_before_timed_passes_mb", "peak_rss_mb"):
            print(f"{key}: {result[key]}")
        print(f"forward_ms_median: {result['forward_ms_median']:.3f}")
        print(f"backward_ms_median: {result['backward_ms_median']:.3f}")
        return
    if not (args.network and args.annotation):
        raise SystemExit("signet bench: give --random-nodes N, or --network and --annotation")
    from signet.training import Recipe

    network = _network(args)
    recipe = Recipe.load(args.recipe).replace(batch_size=args.batch_size)
    result = time_training(network, recipe, samples=args.samples,
                           ligands_per_sample=args.ligands_per_sample, epochs=args.epochs,
                           seed=args.seed)
    for i, seconds in enumerate(result["epoch_seconds"], 1):
        print(f"epoch {i}: {seconds:.4f} s")
    print(f"peak_rss_mb: {result['peak_rss_mb']:.0f}")
    print(f"epoch_seconds_median: {result['epoch_seconds_median']:.4f}")


def _presets() -> str:
    from signet.training.recipe import PRESETS

    return ", ".join(PRESETS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signet", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress lines")
    sub = parser.add_subparsers(dest="command", required=True)
    recipe_help = (f"a preset ({_presets()}) or a recipe YAML file (preset: NAME plus the "
                   "fields to change)")

    def network_args(p, annotation_required=True):
        p.add_argument("--network", required=annotation_required,
                       help="network table *-Model.tsv (source, target, stimulation, "
                            "inhibition, ...)")
        p.add_argument("--annotation", required=annotation_required,
                       help="node table *-Annotation.tsv (code, name, TF, ligand)")

    def solver_args(p):
        p.add_argument("--steps", type=int, default=150,
                       help="most solver steps to the steady state (default 150)")
        p.add_argument("--tol", type=float, default=1e-6,
                       help="stop the solver once max |change| is below this (default 1e-6; "
                            "0: run every step)")

    p = sub.add_parser("simulate", help="steady-state TF activities for ligand conditions")
    network_args(p)
    p.add_argument("--parameters", required=True,
                   help="fitted parameters: Source/Target/Type/Value table")
    p.add_argument("--ligands", required=True,
                   help="ligand table: conditions as rows, one column per ligand")
    p.add_argument("--output", required=True, help="conditions x TFs table to write")
    p.add_argument("--states", help="also write conditions x nodes steady states here")
    solver_args(p)
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("train", help="fit a model to ligand -> TF data")
    network_args(p)
    p.add_argument("--ligands", required=True,
                   help="ligand table: conditions as rows, one column per ligand")
    p.add_argument("--tfs", required=True,
                   help="TF table: the same conditions as rows, one column per TF")
    p.add_argument("--output-dir", required=True,
                   help="folder for parameters.tsv, model.pt and training-log.tsv")
    p.add_argument("--recipe", default="paper", help=f"{recipe_help}; default paper")
    p.add_argument("--epochs", type=int, help="epochs to train (default: the recipe's)")
    p.add_argument("--batch-size", type=int, help="conditions per batch (default: the "
                                                   "recipe's)")
    p.add_argument("--checkpoint-every", type=int,
                   help="write model.pt every N epochs (default: the recipe's)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the initial weights and the batch order (default 0)")
    p.add_argument("--resume", action="store_true", help="continue from OUTPUT_DIR/model.pt")
    p.add_argument("--ignore-unknown-tfs", action="store_true",
                   help="drop TF columns that are not TFs of the network")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("knockout", help="TF changes when nodes are knocked out")
    network_args(p)
    p.add_argument("--parameters", required=True,
                   help="fitted parameters: Source/Target/Type/Value table")
    p.add_argument("--ligands", required=True,
                   help="ligand table: the conditions to knock out in")
    p.add_argument("--output", required=True, help="long table condition, node, tf, delta")
    p.add_argument("--nodes", default="all", help="'all' or comma-separated node ids")
    p.add_argument("--strength", type=float, default=-5.0,
                   help="bias added to a knocked-out node (default -5)")
    solver_args(p)
    p.set_defaults(func=cmd_knockout)

    p = sub.add_parser("bench", help="print timing figures")
    network_args(p, annotation_required=False)
    p.add_argument("--samples", type=int, default=400,
                   help="random training conditions (default 400)")
    p.add_argument("--ligands-per-sample", type=int, default=5,
                   help="ligands on in each condition (default 5)")
    p.add_argument("--batch-size", type=int, default=5, help="conditions per batch (default 5)")
    p.add_argument("--epochs", type=int, default=5, help="epochs to time (default 5)")
    p.add_argument("--recipe", default="paper", help=f"{recipe_help}; default paper")
    p.add_argument("--seed", type=int, default=0, help="seed of the data and model (default 0)")
    p.add_argument("--random-nodes", type=int,
                   help="time one pass on a random network of this many nodes instead")
    p.add_argument("--edges-per-node", type=float, default=10.0,
                   help="edges per node of the random network (default 10)")
    p.add_argument("--steps", type=int, default=100,
                   help="solver steps of a timed pass (default 100)")
    p.add_argument("--repeats", type=int, default=20, help="timed passes (default 20)")
    p.add_argument("--tol", type=float, default=0.0,
                   help="early stop of the timed solver (default 0: every step)")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv=None) -> int:
    from signet.errors import SignetError

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(message)s")
    try:
        args.func(args)
    except SignetError as err:
        print(f"signet: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("signet: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
