"""Relative error of the steady-state gradient at the default solver tolerance, against a
solve converged to 1e-14, for dL/dx of several sizes: the backward stop relative to
max |clip(D G)| (signet's rule) beside an absolute stop max |dg| < tol (the old rule).

The model is a reference model's (or a trained model's) parameters on its network; the
conditions are ``--conditions`` random conditions of 5 ligands; G = scale * N(0, 1) on the
TFs. Prints one row per scale and rule: relative max error of dL/dw and dL/db, forward and
backward steps.

    .venv/bin/python bench/gradient_accuracy.py --network N-Model.tsv \\
        --annotation N-Annotation.tsv --parameters results/synthetic/references/paper/parameters.tsv
"""

from __future__ import annotations

import argparse

import torch
from signet.core.network import Network
from signet.studies.synthetic.conditions import random_conditions
from signet.studies.synthetic.reference_model import load_reference_model


def gradients(model, u, G):
    model.zero_grad(set_to_none=True)
    _, x, info = model(u)
    (x * G).sum().backward()
    return model.weights.grad.clone(), model.bias.grad.clone(), info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", required=True)
    parser.add_argument("--annotation", required=True)
    parser.add_argument("--parameters", required=True)
    parser.add_argument("--conditions", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    network = Network.from_files(args.network, args.annotation)
    model = load_reference_model(network, args.parameters)
    exact = load_reference_model(network, args.parameters, steps=20_000, tol=1e-14)
    u = torch.as_tensor(random_conditions(network.ligands, args.conditions, 5,
                                          seed=args.seed).to_numpy())
    print("scale\trule\tweight_rel_error\tbias_rel_error\tforward_steps\tbackward_steps")
    for scale in (1e-2, 1e-4, 1e-6):
        G = torch.zeros(args.conditions, network.n_nodes, dtype=torch.float64)
        G[:, model.tf_index] = scale * torch.randn(
            args.conditions, len(model.tf_index),
            generator=torch.Generator().manual_seed(args.seed), dtype=torch.float64)
        w_ref, b_ref, _ = gradients(exact, u, G)
        for rule in ("relative", "absolute"):
            if rule == "absolute":
                model.solver.backward_tolerance = lambda slope, grad: model.solver.tol
            else:
                model.solver.__dict__.pop("backward_tolerance", None)
            w, b, info = gradients(model, u, G)
            print(f"{scale:g}\t{rule}\t{float((w - w_ref).abs().max() / w_ref.abs().max()):.2e}"
                  f"\t{float((b - b_ref).abs().max() / b_ref.abs().max()):.2e}\t{info.steps}\t"
                  f"{info.backward_steps}", flush=True)


if __name__ == "__main__":
    main()
