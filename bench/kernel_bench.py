"""Per-step cost of the steady-state iteration: signet's numba kernels against a plain scipy
CSR loop and torch's sparse CSR product, on the same network in one process.

    PYTHONPATH=workflow/lib python bench/kernel_bench.py [--nodes 1000 5000 19000]
        [--batches 3 32] [--steps 100] [--repeats 7]

For every network (random, signaling-shaped, about 10 edges a node, rho(A) = 0.9) and batch:

* signet forward:  ``SteadyStateSolver.forward`` at ``tol=0`` (every step runs)
* signet backward: ``SteadyStateSolver.backward`` (Algorithm 1 + the edge gradient)
* scipy forward:   x <- f(A @ x + b) with ``scipy.sparse.csr_matrix`` and f = MML in numpy
* scipy backward:  g <- clip(D (A^T @ g + G)), A^T as its own CSR matrix
* scipy A@x:       the product alone (a floor for any loop built on it)
* torch:           the same solver with ``backend="torch"`` (torch.sparse_csr_tensor @ dense)

Each method runs ``repeats`` times, interleaved so that a change of machine load hits all of
them; the table gives the least milliseconds per step over the repeats (on a shared machine
the least disturbed run; the first round, which compiles, is not counted), by the wall
clock and by the CPU time of the process. On a machine loaded beyond its cores the CPU time
is the fairer figure for the single-threaded methods (every method but "2 threads" runs on
one thread: torch is set to one thread); the wall clock is the only one for "2 threads". and the ratio scipy / signet (> 1:
signet faster). Extra rows: float32, reverse Cuthill-McKee node order, and with
``--with-threads`` the 2-thread kernels.
"""

from __future__ import annotations

import argparse
import os
import time

import numba
import numpy as np
import scipy.sparse as sp
import torch
from signet.bench import cpu_model
from signet.core.activations import LEAK
from signet.core.network import Network
from signet.solver import kernels
from signet.solver.steady_state import SteadyStateSolver
from signet.spectral import spectral_radius
from signet.studies.synthetic.random_network import random_network


def mml(z: np.ndarray) -> np.ndarray:
    y = z.copy()
    low = z < 0.0
    y[low] *= LEAK
    high = z > 0.5
    y[high] = 1.0 - 0.25 / z[high]
    return y


def mml_slope(y: np.ndarray) -> np.ndarray:
    return np.where(y <= 0.0, LEAK, np.where(y <= 0.5, 1.0, 4.0 * (1.0 - y) ** 2))


def clip(v: np.ndarray, c: float) -> np.ndarray:
    return np.where(v > c, np.tanh(v - c) + c, np.where(v < -c, np.tanh(v + c) - c, v))


def scipy_forward(a, b, steps):
    x = np.zeros_like(b)
    for _ in range(steps):
        x = mml(a @ x + b)
    return x


def scipy_backward(a_t, d, grad, steps, c=1.0):
    g = np.zeros_like(grad)
    for _ in range(steps):
        g = clip(d * (a_t @ g + grad), c)
    return g


def scipy_product(a, b, steps):
    x = b
    for _ in range(steps):
        x = a @ x
    return x


def setup(n_nodes: int, seed: int = 0):
    model, annotation = random_network(n_nodes, 10.0, seed=seed)
    network = Network.from_tables(model, annotation)
    rng = np.random.default_rng(seed)
    w = network.signs.astype(np.float64)
    w[w == 0] = 1.0
    w = w * (0.1 + 0.1 * rng.random(network.n_edges))
    w *= 0.9 / spectral_radius(network, w)
    return network, w


def timed(fn):
    """(wall seconds, CPU seconds of this process, result)."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return (time.perf_counter() - w0, time.process_time() - c0), out


def bench_point(network, w, batch, steps, repeats, torch_repeats=2, with_threads=False,
                seed=0):
    n = network.n_nodes
    rng = np.random.default_rng(seed + batch)
    bias = 0.3 * rng.random((batch, n))  # samples x nodes, as the solver takes it
    grad = 1e-3 * rng.standard_normal((batch, n))
    rowptr, col = network.csr()
    a = sp.csr_matrix((w, col, rowptr), shape=(n, n))
    a_t = a.T.tocsr()
    b_t = np.ascontiguousarray(bias.T)
    grad_t = np.ascontiguousarray(grad.T)

    solvers = {
        "signet": SteadyStateSolver(network, steps=steps, tol=0.0, backend="numba"),
        "signet float32": SteadyStateSolver(network, steps=steps, tol=0.0, backend="numba"),
        "signet rcm order": SteadyStateSolver(network, steps=steps, tol=0.0, backend="numba",
                                              node_order="rcm"),
        "torch sparse CSR": SteadyStateSolver(network, steps=steps, tol=0.0, backend="torch"),
    }
    w64, b64, g64 = (torch.from_numpy(v) for v in (w, bias, grad))
    if with_threads:
        solvers["signet 2 threads"] = SteadyStateSolver(network, steps=steps, tol=0.0,
                                                        backend="numba", threads=2)
    inputs = {name: (w64, b64, g64) for name in solvers}
    inputs["signet float32"] = tuple(v.float() for v in (w64, b64, g64))

    def run_solver(name):
        solver = solvers[name]
        wt, bt, gt = inputs[name]
        tf, (x, _, _) = timed(lambda: solver.forward(wt, bt))
        tb, (_, gb, _, _) = timed(lambda: solver.backward(wt, x, gt))
        return tf, tb, x, gb

    def run_scipy():
        tf, x = timed(lambda: scipy_forward(a, b_t, steps))
        d = mml_slope(x)
        tb, g = timed(lambda: scipy_backward(a_t, d, grad_t, steps))
        return tf, tb, x.T, g.T

    times = {name: ([], []) for name in [*solvers, "scipy CSR loop"]}
    product = []
    outputs = {}
    for round_ in range(repeats + 1):  # round 0 compiles and warms caches; not counted
        for name in solvers:
            if name.startswith("torch") and round_ > torch_repeats:
                continue
            tf, tb, x, g = run_solver(name)
            times[name][0].append(tf)
            times[name][1].append(tb)
            outputs[name] = (np.asarray(x), np.asarray(g))
        tf, tb, x, g = run_scipy()
        times["scipy CSR loop"][0].append(tf)
        times["scipy CSR loop"][1].append(tb)
        outputs["scipy CSR loop"] = (x, g)
        product.append(timed(lambda: scipy_product(a, b_t, steps))[0])

    def ms(values, clock):
        return 1e3 * min(v[clock] for v in values[1:]) / steps

    ref_x, ref_g = outputs["scipy CSR loop"]
    rows = []
    base = {clock: (ms(times["scipy CSR loop"][0], clock), ms(times["scipy CSR loop"][1], clock))
            for clock in (0, 1)}
    for name, (tf, tb) in times.items():
        x, g = outputs[name]
        row = dict(method=name, nodes=n, edges=network.n_edges, batch=batch,
                   max_diff=max(float(np.abs(x - ref_x).max()), float(np.abs(g - ref_g).max())))
        for clock, label in ((0, "wall"), (1, "cpu")):
            row[f"{label}_forward_ms"] = ms(tf, clock)
            row[f"{label}_backward_ms"] = ms(tb, clock)
            row[f"{label}_forward_ratio"] = base[clock][0] / ms(tf, clock)
            row[f"{label}_backward_ratio"] = base[clock][1] / ms(tb, clock)
        rows.append(row)
    row = dict(method="scipy A@x only", nodes=n, edges=network.n_edges, batch=batch,
               max_diff=float("nan"))
    for clock, label in ((0, "wall"), (1, "cpu")):
        row[f"{label}_forward_ms"] = ms(product, clock)
        row[f"{label}_backward_ms"] = float("nan")
        row[f"{label}_forward_ratio"] = base[clock][0] / ms(product, clock)
        row[f"{label}_backward_ratio"] = float("nan")
    rows.append(row)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1000, 5000, 19000])
    parser.add_argument("--batches", type=int, nargs="+", default=[3, 32])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--torch-repeats", type=int, default=2)
    parser.add_argument("--with-threads", action="store_true",
                        help="add the 2-thread kernels (slow beyond words on a busy machine)")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    print(f"CPU: {cpu_model()}; {os.cpu_count()} CPUs; numba threads "
          f"{numba.get_num_threads()}; torch threads {torch.get_num_threads()}")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print("ms per step (least over the repeats), wall clock | CPU time; ratio = scipy CSR loop "
          "/ method (> 1: faster than scipy)")
    print(f"{'method':18s} {'nodes':>6s} {'edges':>7s} {'batch':>5s} | {'fwd':>8s} {'bwd':>8s} "
          f"{'x fwd':>6s} {'x bwd':>6s} | {'fwd':>8s} {'bwd':>8s} {'x fwd':>6s} {'x bwd':>6s} | "
          f"{'max|diff|':>9s}")
    for n_nodes in args.nodes:
        network, w = setup(n_nodes)
        for batch in args.batches:
            for row in bench_point(network, w, batch, args.steps, args.repeats,
                                   args.torch_repeats, args.with_threads):
                line = f"{row['method']:18s} {row['nodes']:6d} {row['edges']:7d} {row['batch']:5d}"
                for label in ("wall", "cpu"):
                    line += (f" | {row[label + '_forward_ms']:8.4f} "
                             f"{row[label + '_backward_ms']:8.4f} "
                             f"{row[label + '_forward_ratio']:6.2f} "
                             f"{row[label + '_backward_ratio']:6.2f}")
                print(line + f" | {row['max_diff']:9.1e}", flush=True)
    try:
        layer = numba.threading_layer()
    except ValueError as error:
        layer = f"not initialised ({error})"
    print(f"numba threading layer (after the 2-thread runs): {layer}; "
          f"parallel from {kernels.PARALLEL_MIN_WORK} edge x sample products a step")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
