"""Score saved models of one point of the paper's released data sweep: each model's test r,
the test r of their ensemble (the mean of their test predictions), and where each model's
training error sits (the TFs with the largest share of its training MSE).

The models are parameter tables (``Source/Target/Type/Value``) as ``bench/released_point.py
--save`` writes them; the test set is the one ``released_point.py`` uses (1000 fresh
conditions of 5 distinct ligands, seed ``--test-seed``):

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=workflow/lib python bench/released_ensemble.py \\
        --release resources/paper-release --index 14 model-s2.tsv model-s3.tsv
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from signet.bench import cpu_model
from signet.eval.metrics import pearson
from signet.io.formats import read_parameters
from signet.rule_script import limit_threads
from signet.studies.synthetic.released import load_released_point, released_test_set
from signet.training import PRESETS, model_from_recipe


def predictions(point, table: pd.DataFrame, ligands: pd.DataFrame, path=None) -> pd.DataFrame:
    """TF outputs of the model in ``table`` (a parameter table on the point's network)."""
    model = model_from_recipe(point.network, PRESETS["fast"], seed=0)
    model.load_parameters_table(table, path)
    with torch.no_grad():
        tfs, _ = model.simulate(ligands)
    return tfs


def score(point, tables: list[pd.DataFrame], test_ligands, test_tfs, top: int = 3):
    """One row per model (test r, training MSE, its ``top`` TFs by share of the training
    MSE) and the ensemble's test r."""
    rows, mean = [], None
    for table in tables:
        test = predictions(point, table, test_ligands)[test_tfs.columns]
        fitted = predictions(point, table, point.ligands)[point.tfs.columns]
        error = (fitted.to_numpy() - point.tfs.to_numpy()) ** 2
        share = error.sum(axis=0) / max(error.sum(), np.finfo(float).tiny)  # 0 for a perfect fit
        order = np.argsort(share)[::-1][:top]
        rows.append({"test_r": pearson(test, test_tfs), "train_mse": float(error.mean()),
                     "largest_error_tfs": ", ".join(f"{point.tfs.columns[i]} {share[i]:.0%}"
                                                    for i in order)})
        mean = test if mean is None else mean + test
    return pd.DataFrame(rows), pearson(mean / len(tables), test_tfs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", required=True, help="folder of the release mirror")
    parser.add_argument("--index", type=int, default=13, help="sweep point (X_<index>.pt)")
    parser.add_argument("--draw", type=int, default=None,
                        help="the models were trained on a fresh draw with this seed")
    parser.add_argument("--test-seed", type=int, default=3)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("tables", nargs="+", help="parameter tables of the models")
    args = parser.parse_args(argv)
    limit_threads(1)
    point = load_released_point(Path(args.release), args.index, draw=args.draw)
    test_ligands, test_tfs = released_test_set(point.reference, args.test, seed=args.test_seed)
    tables = [read_parameters(path) for path in args.tables]
    rows, ensemble = score(point, tables, test_ligands, test_tfs)
    rows.insert(0, "model", [os.path.basename(path) for path in args.tables])
    print(f"# cpu {cpu_model()}; point {args.index} ({point.samples} x "
          f"{point.ligands_per_sample})")
    print(rows.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"# ensemble of {len(tables)}: test r {ensemble:.4f}")


if __name__ == "__main__":
    main()
