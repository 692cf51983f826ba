"""Full-fit r of trained models on their own training data: each model's pooled Pearson r
(conditions x TFs) and that of their ensemble (the mean of their predictions), as the
macrophage study's summary computes it.

    PYTHONPATH=workflow/lib python bench/full_fit_r.py \\
        --network ../shared/data/paper-reference/networks/macrophage-Model.tsv \\
        --annotation ../shared/data/paper-reference/networks/macrophage-Annotation.tsv \\
        --ligands ../shared/data/paper-reference/macrophage/macrophage-Ligands.tsv \\
        --tfs ../shared/data/paper-reference/macrophage/macrophage-TFs.tsv \\
        --steps 100 RUN-SEED0/parameters.tsv RUN-SEED1/parameters.tsv ...

The parameter tables are ``signet train`` outputs (``Source/Target/Type/Value``).
"""

from __future__ import annotations

import argparse

from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.eval.metrics import pooled_r
from signet.io import read_conditions, read_parameters


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("network", "annotation", "ligands", "tfs"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--steps", type=int, default=100, help="steady-state step cap")
    parser.add_argument("parameters", nargs="+", help="parameter tables of trained models")
    args = parser.parse_args(argv)
    network = Network.from_files(args.network, args.annotation)
    ligands = read_conditions(args.ligands, "ligand")
    tfs = read_conditions(args.tfs, "TF")
    tfs = tfs[[t for t in tfs.columns if t in set(network.tfs)]].loc[ligands.index]
    predictions = []
    for path in args.parameters:
        model = SignalingModel(network, steps=args.steps)
        model.load_parameters_table(read_parameters(path), path=path)
        predicted, _ = model.simulate(ligands)
        predictions.append(predicted[tfs.columns])
        print(f"{path}: full-fit r {pooled_r(predictions[-1], tfs):.4f}")
    if len(predictions) > 1:
        ensemble = sum(predictions) / len(predictions)
        print(f"ensemble of {len(predictions)}: full-fit r {pooled_r(ensemble, tfs):.4f}")
    print(f"({len(tfs)} conditions x {tfs.shape[1]} TFs)")


if __name__ == "__main__":
    main()
