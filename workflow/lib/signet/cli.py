"""The ``signet`` command line: simulate, train, knockout, crossval, bench.

Errors in user input print one line (``signet: error: <file>:<line>: ...``) and exit with
status 2; nothing is written. Warnings print one line each (``signet: warning: ...``).
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


def _require_at_least(args, minimum: int, *flags: str) -> None:
    """One line for a whole-number flag below ``minimum`` (None: not given)."""
    from signet.errors import SignetInputError

    for flag in flags:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None and value < minimum:
            raise SignetInputError(None, f"{flag} {value}: expected {minimum} or more")


def _ligands(args):
    """The ligand table, its values checked (no negative concentration)."""
    from signet.io import check_ligand_values, read_conditions

    ligands = read_conditions(args.ligands, "ligand")
    check_ligand_values(ligands, allow_out_of_range=args.allow_out_of_range)
    return ligands


def _model_with_parameters(args, network, steps, path=None, table=None):
    """The model of the parameter table at ``path`` (default ``args.parameters``; ``table``:
    that file already read)."""
    from signet.core.model import SignalingModel
    from signet.io import read_parameters

    path = args.parameters if path is None else path
    model = SignalingModel(network, steps=steps, tol=args.tol)
    model.load_parameters_table(read_parameters(path) if table is None else table, path=path)
    return model


def cmd_simulate(args):
    import numpy as np
    import pandas as pd

    from signet.errors import SignetInputError
    from signet.io import read_parameters, write_conditions

    _require_at_least(args, 1, "--steps")
    if args.spread and len(args.parameters) < 2:
        raise SignetInputError(None, "--spread: give two or more --parameters tables (the "
                                     "spread is the standard deviation across the models)")
    network = _network(args)
    ligands = _ligands(args)
    # every table is read before any is simulated, and nothing is written until all have run
    tables = [(path, read_parameters(path)) for path in args.parameters]
    outputs = []
    for path, table in tables:
        model = _model_with_parameters(args, network, args.steps, path=path, table=table)
        outputs.append(model.simulate(ligands))
    tfs, states = outputs[0]
    if len(outputs) > 1:
        tfs = sum(out[0] for out in outputs) / len(outputs)
        states = sum(out[1] for out in outputs) / len(outputs)
    write_conditions(tfs, args.output)
    if args.states:
        write_conditions(states, args.states)
    if args.spread:
        stacked = np.stack([out[0].to_numpy() for out in outputs])
        write_conditions(pd.DataFrame(stacked.std(axis=0, ddof=1), index=tfs.index,
                                      columns=tfs.columns), args.spread)


def _check_output_dir(args) -> None:
    """A folder that already holds a model is refused unless ``--resume`` or ``--overwrite``."""
    from signet.errors import SignetInputError

    if args.resume and args.overwrite:
        raise SignetInputError(None, "--resume and --overwrite exclude each other: resume "
                                     "continues the model in OUTPUT_DIR, overwrite replaces it")
    held = [name for name in ("model.pt", "parameters.tsv")
            if (Path(args.output_dir) / name).exists()]
    if held and not (args.resume or args.overwrite):
        raise SignetInputError(args.output_dir, f"already holds a model ({', '.join(held)}); "
                                                "give --resume to continue it, --overwrite to "
                                                "replace it, or another --output-dir")


def cmd_train(args):
    from signet.io import check_tf_values, read_conditions
    from signet.training import Recipe, model_from_recipe, train
    from signet.training.loop import format_rho

    _require_at_least(args, 1, "--epochs", "--batch-size", "--threads")
    _require_at_least(args, 0, "--checkpoint-every")
    _check_output_dir(args)
    recipe = Recipe.load(args.recipe).with_overrides(args.set).replace(
        epochs=args.epochs, batch_size=args.batch_size, checkpoint_every=args.checkpoint_every)
    if args.threads is not None:
        import torch
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)
    network = _network(args)
    ligands = _ligands(args)
    tfs = read_conditions(args.tfs, "TF")
    check_tf_values(tfs, allow_out_of_range=args.allow_out_of_range)
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
    from signet.io import atomic_write

    _require_at_least(args, 1, "--steps")
    network = _network(args)
    ligands = _ligands(args)
    model = _model_with_parameters(args, network, args.steps)
    nodes = "all" if args.nodes == "all" else [n.strip() for n in args.nodes.split(",") if n.strip()]
    table = knockout(model, ligands, nodes=nodes, strength=args.strength)
    with atomic_write(args.output) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.17g")


def _id_list(text: str | None) -> list[str]:
    """Comma-separated ids of a flag, blanks dropped."""
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def _crossval_knockouts(args) -> dict | None:
    """The study's knock-out settings from --knockouts and its companions (None without)."""
    from signet.errors import SignetInputError

    if not args.knockouts:
        return None
    if not args.knockout_tfs:
        raise SignetInputError(None, "--knockouts needs --knockout-tfs: the TFs to read the "
                                     "knock-outs out at (comma-separated TF ids)")
    _require_at_least(args, 1, "--knockout-top")
    nodes = "all" if args.knockout_nodes == "all" else _id_list(args.knockout_nodes)
    return {"conditions": _id_list(args.knockouts), "tfs": _id_list(args.knockout_tfs),
            "nodes": nodes, "strength": args.knockout_strength, "top": args.knockout_top,
            "exclude_readout": True}


def _seed_list(text: str) -> list[int]:
    """--seeds: distinct whole numbers separated by commas."""
    from signet.errors import SignetInputError

    try:
        seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise SignetInputError(None, f"--seeds {text!r}: expected whole numbers separated by "
                                     "commas, e.g. 1,2,3") from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise SignetInputError(None, f"--seeds {text!r}: give distinct seeds")
    return seeds


def _study_data(args, fold_spec, knockouts):
    """``(network, ligands, tfs, folds, nodes)`` of crossval: the tables checked against the
    network, the folds, and the nodes to knock out (None without --knockouts)."""
    from signet.eval import crossval as cv
    from signet.io import check_tf_values, read_conditions

    network = _network(args)
    tfs = read_conditions(args.tfs, "TF")
    check_tf_values(tfs, allow_out_of_range=args.allow_out_of_range)
    ligands, tfs, dropped = cv.prepare_study(network, _ligands(args), tfs)
    if dropped:
        print(f"dropped {len(dropped)} of {len(dropped) + tfs.shape[1]} TF columns that are "
              "not TFs of the network", file=sys.stderr)
    folds = cv.make_folds(ligands, fold_spec["method"], k=fold_spec.get("k"),
                          seed=fold_spec.get("seed", 0), path=fold_spec.get("path"))
    nodes = None if knockouts is None else cv.check_knockouts(
        knockouts, network, ligands,
        {"conditions": "--knockouts", "tfs": "--knockout-tfs", "nodes": "--knockout-nodes"})
    return network, ligands, tfs, folds, nodes


def cmd_crossval(args):
    import torch
    import yaml
    from threadpoolctl import threadpool_limits

    from signet.eval import crossval as cv
    from signet.io import atomic_write, write_conditions
    from signet.training import Recipe

    seeds = _seed_list(args.seeds)
    _require_at_least(args, 1, "--epochs", "--threads")
    fold_spec = cv.parse_folds(args.folds)
    knockouts = _crossval_knockouts(args)
    recipe = Recipe.load(args.recipe).replace(epochs=args.epochs)
    out = Path(args.output_dir)
    settings = {"network": str(args.network), "annotation": str(args.annotation),
                "ligands": str(args.ligands), "tfs": str(args.tfs), "folds": args.folds,
                "seeds": seeds, "scrambled": not args.no_scrambled,
                "scrambled_seed": args.scrambled_seed, "recipe": recipe.to_dict(),
                "knockouts": knockouts}
    cv.check_study_settings(out / "crossval.yaml", settings)
    network, ligands, tfs, folds, nodes = _study_data(args, fold_spec, knockouts)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_write(out / "crossval.yaml") as handle:
        yaml.safe_dump(settings, handle, sort_keys=False)
    write_conditions(ligands, out / "data" / "ligands.tsv")
    write_conditions(tfs, out / "data" / "tfs.tsv")
    cv.write_table(folds, out / "data" / "folds.tsv")
    torch.set_num_threads(args.threads)
    with threadpool_limits(args.threads):
        summary, figures = cv.run_study(
            out, network, ligands, tfs, folds, recipe, seeds=seeds,
            scrambled=settings["scrambled"], scrambled_seed=args.scrambled_seed,
            knockouts=knockouts, nodes=nodes, progress=not args.quiet)
    verdict = summary.set_index("metric").loc["cv_above_scrambled"]
    if not args.quiet:
        print(cv.format_summary(summary))
    elif verdict["value"] == 0:
        print(verdict["note"], file=sys.stderr)
    tables = ["summary.tsv", "cv-predictions.tsv", "fit-predictions.tsv", "per-condition.tsv",
              "per-tf.tsv"] + ([] if knockouts is None else ["knockouts.tsv"])
    print(f"wrote {', '.join(tables + [p.name for p in figures])} into {out}")


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


NETWORK_FILES = "--network X-Model.tsv --annotation X-Annotation.tsv"

DESCRIPTION = {
    "signet": "signet fits signaling-network models (recurrent networks at steady state on a "
              "prior-knowledge network) to ligand -> TF data, and uses them to predict TF "
              "activities and knock-outs. Every command reads tab-separated tables; bad "
              "input stops with one line naming the file, the line or column and what was "
              "expected (exit status 2), and nothing is written.",
    "simulate": "Predict the steady-state TF activities of a fitted model for every condition "
                "(row) of a ligand table. The parameter table must give every weight and bias "
                "of the network, or the run stops with one line naming what is missing; "
                "ligands without an Input row and TFs without a Projection row take the "
                "paper's 3 and 1.2, said in one warning line. Negative ligand values are "
                "refused unless --allow-out-of-range is given; values above 1 (the method's "
                "inputs are 0..1) are accepted with a warning. Several parameter tables (models "
                "of several seeds, say) give their ensemble: the mean of the models' outputs, "
                "and with --spread their standard deviation.",
    "train": "Fit the weights and biases of a model to ligand -> TF data with a training "
             "recipe, and write parameters.tsv, model.pt (a checkpoint, to resume from) and "
             "training-log.tsv into the output folder. TF values must lie in 0..1 and ligand "
             "values must not be negative, unless --allow-out-of-range is given. TF rows "
             "with no ligand row are not used, said in one line. A folder that already "
             "holds a model is refused unless --resume (continue it) or --overwrite "
             "(replace it) is given.",
    "knockout": "Knock out nodes of a fitted model one at a time (a strongly negative bias, "
                "-5 by default, added to the node) and write the change of every TF against "
                "the unperturbed model in every ligand condition, as a long table condition, "
                "node, tf, delta. --nodes all means every node that is not a ligand, as in "
                "the knock-outs of a study; name a ligand's node to knock it out too. The "
                "parameter table is checked as by simulate.",
    "crossval": "Tell how far a model of your data can be trusted: train a full fit on every "
                "condition, one model per fold and seed (cross-validation: each fold's "
                "conditions are left out and predicted), and a scrambled control per fold "
                "(trained on TF rows permuted between conditions), one after another; write "
                "summary.tsv, the prediction tables and the figures cv-predictions.png and "
                "per-condition-r.png, and with --knockouts the knock-out rankings with their "
                "spread over the models. summary.tsv and the printed summary say plainly when "
                "the cross-validation r is not above the scrambled control's. Run it again "
                "to resume: finished models are kept, a killed one continues from its "
                "checkpoint, and seeds can be added; other changed settings are refused.",
    "bench": "Print timing figures, writing nothing: the seconds per training epoch of a "
             "recipe on a network with random conditions (--network, --annotation), or the "
             "time of one forward and one backward steady-state solve on a random network "
             "(--random-nodes N).",
}

EXAMPLES = {
    "signet": [f"signet train {NETWORK_FILES} --ligands ligands.tsv --tfs tfs.tsv "
               "--output-dir run --recipe fast",
               f"signet simulate {NETWORK_FILES} --parameters run/parameters.tsv "
               "--ligands new-ligands.tsv --output predicted-tfs.tsv",
               "signet COMMAND --help"],
    "simulate": [f"signet simulate {NETWORK_FILES} --parameters run/parameters.tsv "
                 "--ligands ligands.tsv --output predicted-tfs.tsv --states states.tsv",
                 f"signet simulate {NETWORK_FILES} --parameters run-1/parameters.tsv "
                 "run-2/parameters.tsv run-3/parameters.tsv --ligands ligands.tsv "
                 "--output ensemble-tfs.tsv --spread ensemble-sd.tsv"],
    "train": [f"signet train {NETWORK_FILES} --ligands ligands.tsv --tfs tfs.tsv "
              "--output-dir run --recipe fast --seed 1"],
    "knockout": [f"signet knockout {NETWORK_FILES} --parameters run/parameters.tsv "
                 "--ligands ligands.tsv --output knockouts.tsv --nodes all"],
    "crossval": ["signet crossval --network examples/example-Model.tsv --annotation "
                 "examples/example-Annotation.tsv --ligands examples/example-Ligands.tsv "
                 "--tfs examples/example-TFs.tsv --folds kfold:4 --seeds 1,2 "
                 "--recipe examples/example-recipe.yaml --knockouts L1+L2 "
                 "--knockout-tfs T2,T4 --output-dir example-study"],
    "bench": ["signet bench --random-nodes 2000 --edges-per-node 10 --batch-size 5",
              f"signet bench {NETWORK_FILES} --recipe fast --epochs 3"],
}


def _shell_lines(command: str, width: int = 79) -> str:
    """A command line wrapped for a terminal as a shell reads it: breaks only between an
    option and the next, each continued line ending in a backslash."""
    words, groups = command.split(), []
    for word in words:
        if groups and not word.startswith("-") and groups[-1].startswith("-") \
                and " " not in groups[-1]:
            groups[-1] += f" {word}"
        else:
            groups.append(word)
    lines = ["  " + groups[0]]
    for group in groups[1:]:
        if len(lines[-1]) + len(group) + 3 > width:
            lines[-1] += " \\"
            lines.append("      " + group)
        else:
            lines[-1] += f" {group}"
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``, broken between words only: a file name such as
    per-condition-r.png or a flag is never split at its hyphens."""
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """The description and examples as written (wrapped by :func:`_help_text`), each option's
    help wrapped between words only."""

    def _split_lines(self, text, width):
        return _wrap(" ".join(text.split()), width)


def _help_text(command: str) -> dict:
    """``description`` and ``epilog`` (the examples) of a command, wrapped for a terminal
    between words only."""
    examples = EXAMPLES[command]
    return {"description": "\n".join(_wrap(DESCRIPTION[command], 79)),
            "epilog": ("examples:\n" if len(examples) > 1 else "example:\n")
                      + "\n".join(_shell_lines(example) for example in examples),
            "formatter_class": _HelpFormatter}


def build_parser() -> argparse.ArgumentParser:
    from signet import __version__

    parser = argparse.ArgumentParser(prog="signet", **_help_text("signet"))
    parser.add_argument("--version", action="version", version=f"signet {__version__}")
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

    def range_args(p, what):
        p.add_argument("--allow-out-of-range", action="store_true",
                       help=f"accept {what} (one warning line instead of an error)")

    p = sub.add_parser("simulate", help="steady-state TF activities for ligand conditions",
                       **_help_text("simulate"))
    network_args(p)
    p.add_argument("--parameters", required=True, nargs="+",
                   help="fitted parameters: Source/Target/Type/Value table; several tables "
                        "(e.g. the models of several seeds) give their ensemble: the mean of "
                        "their outputs")
    p.add_argument("--ligands", required=True,
                   help="ligand table: conditions as rows, one column per ligand")
    p.add_argument("--output", required=True, help="conditions x TFs table to write")
    p.add_argument("--states", help="also write conditions x nodes steady states here (the "
                                    "ensemble's mean with several tables)")
    p.add_argument("--spread", help="with several tables, also write the standard deviation "
                                    "of the TF outputs across the models (conditions x TFs, "
                                    "n - 1 in the denominator) here")
    solver_args(p)
    range_args(p, "negative ligand values")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("train", help="fit a model to ligand -> TF data", **_help_text("train"))
    network_args(p)
    p.add_argument("--ligands", required=True,
                   help="ligand table: conditions as rows, one column per ligand")
    p.add_argument("--tfs", required=True,
                   help="TF table: the same conditions as rows, one column per TF")
    p.add_argument("--output-dir", required=True,
                   help="folder for parameters.tsv, model.pt and training-log.tsv")
    p.add_argument("--recipe", default="paper",
                   help=f"{recipe_help}; default paper (the paper's synthetic-study recipe, "
                        "10 000 epochs); crossval defaults to macrophage-fast because it "
                        "trains one model per fold and seed")
    p.add_argument("--epochs", type=int, help="epochs to train (default: the recipe's)")
    p.add_argument("--batch-size", type=int, help="conditions per batch (default: the "
                                                   "recipe's)")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                   help="change one recipe field (repeatable), e.g. --set lr_max=1e-3; "
                        "--epochs and --batch-size win over --set")
    p.add_argument("--checkpoint-every", type=int,
                   help="write model.pt every N epochs (default: the recipe's)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the initial weights and the batch order (default 0)")
    p.add_argument("--resume", action="store_true", help="continue from OUTPUT_DIR/model.pt")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the model OUTPUT_DIR already holds")
    p.add_argument("--ignore-unknown-tfs", action="store_true",
                   help="drop TF columns that are not TFs of the network (said in one line)")
    range_args(p, "TF values outside 0..1 and negative ligand values")
    p.add_argument("--threads", type=int,
                   help="torch and BLAS threads; from 2 on, the spectral term of a batch runs "
                        "beside its backward solve, with bitwise the same results (default: "
                        "torch's, one a core)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("knockout", help="TF changes when nodes are knocked out",
                       **_help_text("knockout"))
    network_args(p)
    p.add_argument("--parameters", required=True,
                   help="fitted parameters: Source/Target/Type/Value table")
    p.add_argument("--ligands", required=True,
                   help="ligand table: the conditions to knock out in")
    p.add_argument("--output", required=True, help="long table condition, node, tf, delta")
    p.add_argument("--nodes", default="all",
                   help="all (every node that is not a ligand) or comma-separated node ids "
                        "(default all)")
    p.add_argument("--strength", type=float, default=-5.0,
                   help="bias added to a knocked-out node (default -5)")
    solver_args(p)
    range_args(p, "negative ligand values")
    p.set_defaults(func=cmd_knockout)

    p = sub.add_parser("crossval",
                       help="full fit, cross-validation and scrambled control on your data",
                       **_help_text("crossval"))
    network_args(p)
    p.add_argument("--ligands", required=True,
                   help="conditions x ligands table (the paper's format)")
    p.add_argument("--tfs", required=True,
                   help="conditions x TFs table (activities in 0..1); columns that are not "
                        "TFs of the network are dropped")
    p.add_argument("--folds", default="loo",
                   help="loo (each condition whose ligands all occur in another condition), "
                        "kfold:K or kfold:K:SEED (those conditions in K seeded folds), or a "
                        "file of condition<TAB>fold lines (grouped folds; conditions it does "
                        "not name are always trained on and never scored); default loo")
    p.add_argument("--recipe", default="macrophage-fast",
                   help=f"{recipe_help}; default macrophage-fast (the paper's macrophage "
                        "coefficients on 2000 epochs): a study trains one model per fold and "
                        "seed, so train's default, paper (10 000 epochs), would take hours")
    p.add_argument("--epochs", type=int, help="override the recipe's epochs")
    p.add_argument("--seeds", default="0",
                   help="comma-separated seeds, one model per fold and seed (an ensemble); "
                        "default 0. Seeds can be added to an existing OUTPUT_DIR: its "
                        "finished models are kept")
    p.add_argument("--no-scrambled", action="store_true",
                   help="skip the scrambled control (TF rows permuted between conditions)")
    p.add_argument("--scrambled-seed", type=int, default=0,
                   help="seed of the derangement of the scrambled control (default 0)")
    p.add_argument("--knockouts", metavar="CONDITIONS",
                   help="knock out nodes under these conditions (comma-separated) with every "
                        "fold model that trained on each, and write knockouts.tsv, "
                        "knockouts-per-model.tsv.gz and knockouts.png")
    p.add_argument("--knockout-tfs", metavar="TFS",
                   help="the TFs to read the knock-outs out at (comma-separated TF ids; "
                        "needed with --knockouts)")
    p.add_argument("--knockout-nodes", default="all",
                   help="all (every node that is not a ligand) or comma-separated node ids "
                        "(default all)")
    p.add_argument("--knockout-strength", type=float, default=-5.0,
                   help="bias added to a knocked-out node (default -5)")
    p.add_argument("--knockout-top", type=int, default=10,
                   help="nodes per panel of knockouts.png (default 10)")
    p.add_argument("--output-dir", required=True,
                   help="folder for models/, data/, summary.tsv, cv-predictions.tsv, the "
                        "other tables and the figures")
    range_args(p, "TF values outside 0..1 and negative ligand values")
    p.add_argument("--threads", type=int, default=1,
                   help="torch and BLAS threads (default 1)")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar and no summary print (a result that does not beat "
                        "the scrambled control is still said in one line)")
    p.set_defaults(func=cmd_crossval)

    p = sub.add_parser("bench", help="print timing figures", **_help_text("bench"))
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


class _LogLine(logging.Formatter):
    """``signet: warning: message``, the form of the CLI's one-line errors."""

    def format(self, record: logging.LogRecord) -> str:
        return f"signet: {record.levelname.lower()}: {record.getMessage()}"


def main(argv=None) -> int:
    from signet.errors import SignetError

    args = build_parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogLine() if not args.verbose else
                         logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        handlers=[handler])
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
