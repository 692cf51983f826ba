"""signet and the original-style trainer on the same released sweep point, in one run: both
train at once (one process and one thread each, on the same machine), and the table gives
training MSE and test r against epoch for both, and the training time each took to first
reach test r >= ``--threshold``.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=workflow/lib python bench/side_by_side.py \\
        --release resources/paper-release --index 13 --seed 1 \\
        --signet-recipe paper --eval-every 250 --out results/bench/side-by-side-13-1.tsv

The two trainers share the data (the released ``X_<index>.pt``, 1000 fresh 5-ligand test
conditions of seed 3, targets simulated at a fixed 150 steps, each by its own simulator) and
nothing else. ``--signet-recipe fast`` compares time to quality with signet's quick recipe
against the original-style trainer's paper recipe; ``--signet-set`` passes recipe fields.
Training seconds exclude the evaluations. The last lines name the CPU (``lscpu``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _signet_command(args) -> list[str]:
    command = [sys.executable, str(HERE / "released_point.py"), "--release", args.release,
               "--index", str(args.index), "--seed", str(args.seed), "--recipe",
               args.signet_recipe, "--eval-every", str(args.eval_every)]
    for item in args.signet_set:
        command += ["--set", item]
    if args.signet_epochs:
        command += ["--epochs", str(args.signet_epochs)]
    return command


def _original_command(args, recipe) -> list[str]:
    """The original-style trainer with the schedule of signet's recipe (epochs, warm-up,
    peak learning rate; ``--original-epochs`` overrides the epochs) and the paper's
    everything else."""
    epochs = args.original_epochs or recipe.epochs
    command = [sys.executable, str(HERE / "original_style.py"), "--release", args.release,
               "--index", str(args.index), "--seed", str(args.seed),
               "--eval-every", str(args.eval_every), "--epochs", str(epochs),
               "--warmup", str(recipe.warmup_epochs), "--lr-max", str(recipe.lr_max),
               "--batch-size", str(recipe.batch_size)]
    if args.checkpoint:
        command += ["--checkpoint", args.checkpoint]
    return command


def _follow(name: str, command: list[str], rows: dict, log) -> threading.Thread:
    """Run ``command``, keep its rows {epoch: (seconds, mse, r_train, r_test)} and echo them."""

    def work():
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) as process:
            for line in process.stdout:
                log.write(f"[{name}] {line}")
                log.flush()
                parts = line.split("\t")
                if not parts[0].isdigit():
                    continue
                epoch = int(parts[0])
                if name == "signet":  # epoch, seconds, cpu seconds, mse, train r, test r
                    rows[epoch] = (float(parts[1]), float(parts[3]), float(parts[4]),
                                   float(parts[5]))
                else:  # epoch, seconds, mse, train r, test r, batch fit, rho
                    rows[epoch] = (float(parts[1]), float(parts[2]), float(parts[3]),
                                   float(parts[4]))

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def first_reaching(rows: dict, threshold: float):
    """(epoch, training seconds) of the first evaluation with test r >= threshold, or None."""
    for epoch in sorted(rows):
        if rows[epoch][3] >= threshold:
            return epoch, rows[epoch][0]
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", required=True)
    parser.add_argument("--index", type=int, default=13)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--signet-recipe", default="paper")
    parser.add_argument("--signet-set", action="append", default=[])
    parser.add_argument("--signet-epochs", type=int)
    parser.add_argument("--original-epochs", type=int,
                        help="the original-style trainer's epochs (default: the recipe's)")
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--threshold", type=float, default=0.977)
    parser.add_argument("--checkpoint", help="the original-style trainer's checkpoint (resume)")
    parser.add_argument("--out", help="write the merged table (TSV) here")
    args = parser.parse_args(argv)

    import pandas as pd
    from signet.bench import cpu_model
    from signet.training import Recipe

    recipe = Recipe.load(args.signet_recipe).with_overrides(args.signet_set)
    if args.signet_epochs:
        recipe = recipe.replace(epochs=args.signet_epochs)

    signet_rows, original_rows = {}, {}
    threads = [_follow("signet", _signet_command(args), signet_rows, sys.stderr),
               _follow("original", _original_command(args, recipe), original_rows, sys.stderr)]
    for thread in threads:
        thread.join()
    epochs = sorted(set(signet_rows) | set(original_rows))
    table = pd.DataFrame(
        [(e, *signet_rows.get(e, (None,) * 4), *original_rows.get(e, (None,) * 4))
         for e in epochs],
        columns=["epoch", "signet_seconds", "signet_train_mse", "signet_train_r",
                 "signet_test_r", "original_seconds", "original_train_mse",
                 "original_train_r", "original_test_r"])
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, sep="\t", index=False)
    for name, rows in (("signet", signet_rows), ("original-style", original_rows)):
        hit = first_reaching(rows, args.threshold)
        last = rows[max(rows)] if rows else None
        reached = (f"first test r >= {args.threshold} at epoch {hit[0]} after {hit[1]:.0f} s "
                   f"of training" if hit else f"test r never >= {args.threshold}")
        final = "" if last is None else (f"; last: epoch {max(rows)}, {last[0]:.0f} s, train MSE "
                                         f"{last[1]:.3e}, test r {last[3]:.4f}")
        print(f"# {name}: {reached}{final}")
    print(f"# cpu {cpu_model()}")


if __name__ == "__main__":
    main()
