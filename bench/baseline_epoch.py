"""signet's paper-recipe epoch against a baseline written in the original code's style,
measured in one process on the same data.

    PYTHONPATH=workflow/lib python bench/baseline_epoch.py [--threads 2] \\
        --network ../shared/data/paper-reference/networks/KEGGnet-Model.tsv \\
        --annotation ../shared/data/paper-reference/networks/KEGGnet-Annotation.tsv

The original code is not in the repository. The baseline here does what it does, per batch
of the paper recipe (batch 5, at most 150 steps):

* forward: x <- MML(A x + b) with a ``scipy.sparse.csr_matrix`` product, every step, with
  the reference code's stop: from step 40 on, the iteration ends when the L1 norm of the
  change over the batch is below 1e-6 (``--fixed-steps``: all 150 steps, no stop);
* backward: the implicit gradient g <- clip(D (A^T g + G)) with scipy products and the same
  stop;
* spectral term: two ARPACK ``eigs`` calls a batch (right and left leading eigenvectors of
  T = diag(f') A at one sample);
* state uniformity: autograd over the whole state cache (all conditions x nodes) with the
  batch's rows live;
* the other loss terms and Adam in torch, as signet.

Both run the paper recipe's epochs on 400 conditions with 5 ligands each (a random reference
model's outputs); the ratio baseline / signet of the median epoch (first epoch not counted)
is printed with both wall and CPU seconds. The two run in interleaved rounds (signet's
epochs, then the baseline's, ``--rounds`` times) so that a change of load hits both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import torch
from signet.bench import cpu_model
from signet.core import regularizers as reg
from signet.core.network import Network
from signet.spectral import spectral_barrier
from signet.spectral.eigen import Eigen, _match_left
from signet.spectral.radius import rho_edge_gradient
from signet.studies.synthetic.conditions import training_conditions
from signet.training import PRESETS, learning_rate, model_from_recipe, train
from threadpoolctl import threadpool_limits

LEAK = 0.01
CHECK_FROM = 40  # the reference code checks its L1 stop from this step on
TOL = 1e-6


def mml(z):
    y = z.copy()
    y[z < 0] *= LEAK
    high = z > 0.5
    y[high] = 1.0 - 0.25 / z[high]
    return y


def mml_slope(y):
    return np.where(y <= 0.0, LEAK, np.where(y <= 0.5, 1.0, 4.0 * (1.0 - y) ** 2))


def clip(v, c=1.0):
    return np.where(v > c, np.tanh(v - c) + c, np.where(v < -c, np.tanh(v + c) - c, v))


def baseline_epochs(model, u, y, recipe, epochs, seed=0, early_stop=True):
    """Train ``model`` (its parameters) the baseline way; returns per-epoch (wall, cpu).

    ``early_stop``: from step ``CHECK_FROM`` on, stop an iteration when the L1 norm of the
    change (summed over nodes and samples) is below ``TOL``, as the reference code does
    (method.md section 2); False runs every step."""
    net = model.network
    n = net.n_nodes
    rows, cols = np.asarray(net.targets), np.asarray(net.sources)
    generator = torch.Generator().manual_seed(seed)
    params = [model.weights, model.bias]
    optimizer = torch.optim.Adam(params, lr=recipe.lr_min)
    with torch.no_grad():
        _, x_all, _ = model(u)
    cache = x_all.detach().clone()
    times = []
    for epoch in range(epochs):
        w0, c0 = time.perf_counter(), time.process_time()
        lr = learning_rate(epoch, recipe)
        for group in optimizer.param_groups:
            group["lr"] = lr
        order = torch.randperm(u.shape[0], generator=generator)
        for start in range(0, u.shape[0], recipe.batch_size):
            index = order[start:start + recipe.batch_size]
            w = model.weights.detach().numpy()
            A = sp.csr_matrix((w, (rows, cols)), shape=(n, n))
            At = A.T.tocsr()
            noise = recipe.noise * lr * torch.randn(len(index), n, generator=generator,
                                                    dtype=torch.float64)
            b = (model.bias + model.input_bias(u[index]) + noise).detach().numpy().T.copy()
            x = np.zeros_like(b)
            for step in range(recipe.steps):
                x_next = mml(A @ x + b)
                done = early_stop and step >= CHECK_FROM and np.abs(x_next - x).sum() < TOL
                x = x_next
                if done:
                    break
            # loss on the states with autograd: fit, and uniformity over the whole cache
            xt = torch.from_numpy(x.T.copy()).requires_grad_(True)
            y_hat = xt[:, model.tf_index] * model.projection.detach()
            fit = torch.mean((y_hat - y[index]).square())
            full = cache.index_put((index,), xt)
            uniform = reg.state_uniformity(full, recipe.uniform_low, recipe.uniform_high,
                                           recipe.uniform_max_constraint)
            (recipe.fit * fit + recipe.uniformity * uniform).backward()
            G = xt.grad.numpy().T.copy()
            D = mml_slope(x)
            g = np.zeros_like(G)
            for step in range(recipe.steps):
                g_next = clip(D * (At @ g + G))
                done = early_stop and step >= CHECK_FROM and np.abs(g_next - g).sum() < TOL
                g = g_next
                if done:
                    break
            grad_w = np.einsum("es,es->e", g[rows], x[cols])
            grad_b = g.sum(axis=1)
            # spectral term: ARPACK twice (right and left eigenvectors) at one sample
            pick = int(torch.randint(len(index), (1,), generator=generator))
            slope = mml_slope(x[:, pick])
            T = sp.csr_matrix((w * slope[rows], (rows, cols)), shape=(n, n))
            values, right = spla.eigs(T, k=1, which="LM")
            lvalues, left = spla.eigs(T.T.tocsr(), k=3, which="LM")
            eigen = Eigen(complex(values[0]), right[:, 0],
                          _match_left(complex(values[0]), lvalues, left))
            rho = torch.tensor(eigen.rho, requires_grad=True)
            spectral_barrier(rho, recipe.spectral_k, recipe.rho_target,
                             recipe.spectral_form).backward()
            grad_w = grad_w + float(rho.grad) * recipe.spectral * \
                rho_edge_gradient(eigen, cols, rows) * slope[rows]
            optimizer.zero_grad()
            regular = (recipe.sign * reg.sign_violation(model.weights, model.signs)
                       + recipe.ligand_bias * reg.ligand_bias(model.bias, model.ligand_index)
                       + recipe.l2 * reg.l2(model.weights, model.bias)
                       + recipe.nonzero * reg.nonzero_weights(model.weights))
            regular.backward()
            model.weights.grad += torch.from_numpy(grad_w)
            model.bias.grad += torch.from_numpy(grad_b)
            optimizer.step()
            cache[index] = torch.from_numpy(x.T.copy())
        times.append((time.perf_counter() - w0, time.process_time() - c0))
    return times



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", required=True)
    parser.add_argument("--annotation", required=True)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds of signet and baseline runs")
    parser.add_argument("--threads", type=int, default=1,
                        help="signet's torch and BLAS threads (default 1); with 2 or more its "
                             "spectral term runs beside its backward solve")
    parser.add_argument("--baseline-threads", type=int, default=1,
                        help="the baseline's torch and BLAS threads (default 1, its fastest "
                             "here: with 2 its tiny products and ARPACK calls spin)")
    parser.add_argument("--fixed-steps", action="store_true",
                        help="baseline without the reference code's L1 stop (150 steps)")
    args = parser.parse_args(argv)
    print(f"CPU: {cpu_model()}; threads: signet {args.threads}, baseline "
          f"{args.baseline_threads}; load average {os.getloadavg()}")
    network = Network.from_files(args.network, args.annotation)
    recipe = PRESETS["paper"].replace(epochs=args.epochs, checkpoint_every=0)
    reference = model_from_recipe(network, recipe, seed=1000)
    ligands = training_conditions(network.ligands, args.samples, 5, seed=0)
    tfs, _ = reference.simulate(ligands)

    y = torch.as_tensor(tfs.loc[ligands.index, network.tfs].to_numpy(np.float64))
    signet_times, base_times = [], []
    # interleaved rounds, so that a change of machine load hits both; the first epoch of each
    # run is not counted (it builds the state cache and, for signet, loads the kernels)
    for _ in range(args.rounds):
        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)
        model = model_from_recipe(network, recipe, seed=0)
        stamps = [(time.perf_counter(), time.process_time())]
        train(model, ligands, tfs, recipe, seed=0, progress=False,
              callback=lambda e, r, s=stamps: s.append((time.perf_counter(),
                                                        time.process_time())))
        torch.set_num_threads(args.baseline_threads)
        threadpool_limits(args.baseline_threads)
        signet_times += [(b[0] - a[0], b[1] - a[1]) for a, b in zip(stamps[1:], stamps[2:])]
        model = model_from_recipe(network, recipe, seed=0)
        u = model.ligand_tensor(ligands)
        base_times += baseline_epochs(model, u, y, recipe, args.epochs,
                                      early_stop=not args.fixed_steps)[1:]

    for label, k in (("wall", 0), ("CPU", 1)):
        s = statistics.median(t[k] for t in signet_times)
        b = statistics.median(t[k] for t in base_times)
        print(f"{label}: signet {s:.3f} s an epoch, baseline {b:.3f} s; baseline / signet "
              f"= {b / s:.2f} (medians of {len(signet_times)} and {len(base_times)} epochs)")
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
