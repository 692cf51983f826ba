"""The numba kernels against plain numpy loops; node order, threads and float32."""

import numpy as np
import pytest
import torch
from helpers import unrolled_steady_state
from signet.core.activations import get_activation
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.solver import kernels
from signet.solver.steady_state import SteadyStateSolver, steady_state
from signet.studies.synthetic.random_network import random_network


def _network(n_nodes=80, edges_per_node=4.0, seed=5):
    table, annotation = random_network(n_nodes, edges_per_node, seed=seed)
    return Network.from_tables(table, annotation)


def _weights(network, rho_scale=0.35, seed=0):
    rng = np.random.default_rng(seed)
    signs = np.where(network.signs == 0, 1, network.signs)
    return signs * rho_scale * (0.5 + rng.random(network.n_edges))


def _dense(network, w):
    a = np.zeros((network.n_nodes, network.n_nodes))
    a[network.targets, network.sources] = w
    return a


def _numpy_mml(z):
    return np.where(z < 0, 0.01 * z, np.where(z <= 0.5, z, 1 - 0.25 / np.maximum(z, 0.5)))


def _numpy_clip(v, c):
    return np.where(v > c, np.tanh(v - c) + c, np.where(v < -c, np.tanh(v + c) - c, v))


@pytest.mark.parametrize("batch", [1, 2, 3, 4, 5, 7, 8, 13, 70])
def test_kernels_match_a_plain_numpy_loop(batch):
    """Forward, backward and edge gradient of the serial and threaded kernels against a
    dense numpy loop x <- f(A x + b), g <- clip(D (A^T g + G)) (<= 1e-13), for batch sizes
    of the fixed-batch serial builds (<= 8) and of the generic one (13, 70), and of the threaded
    build's register path (< 8) and in-memory path (>= 8); serial and threaded bitwise
    equal."""
    network = _network()
    w = _weights(network)
    a = _dense(network, w)
    rng = np.random.default_rng(batch)
    b = rng.random((network.n_nodes, batch))
    grad = rng.standard_normal((network.n_nodes, batch))
    steps = 25

    x_ref = np.zeros_like(b)
    for _ in range(steps):
        x_prev, x_ref = x_ref, _numpy_mml(a @ x_ref + b)
    slope = np.where(x_ref <= 0, 0.01, np.where(x_ref <= 0.5, 1.0, 4 * (1 - x_ref) ** 2))
    g_ref = np.zeros_like(grad)
    for _ in range(steps):
        g_ref = _numpy_clip(slope * (a.T @ g_ref + grad), 1.0)
    grad_w_ref = np.einsum("es,es->e", g_ref[network.targets], x_ref[network.sources])

    solver = SteadyStateSolver(network, steps=steps, tol=0.0, backend="numba")
    c = solver._cpu
    x, used, residual = kernels.solve_forward(c.rowptr, c.col, w, b, 0, steps, 0.0)
    assert used == steps
    assert np.abs(x - x_ref).max() < 1e-13
    assert residual == pytest.approx(np.abs(x_ref - x_prev).max(), rel=1e-9, abs=1e-15)
    g, _, _ = kernels.solve_backward(c.t_rowptr, c.t_col, w[c.t_slot], slope, grad, steps,
                                     0.0, 1.0)
    assert np.abs(g - g_ref).max() < 1e-12
    assert np.abs(g_ref).max() > 0.5  # clipping is exercised
    grad_w = kernels.edge_gradient(c.sources, c.targets, g, x)
    assert np.abs(grad_w - grad_w_ref).max() < 1e-12

    x2, _, _ = kernels.solve_forward(c.rowptr, c.col, w, b, 0, steps, 0.0, threaded=True)
    g2, _, _ = kernels.solve_backward(c.t_rowptr, c.t_col, w[c.t_slot], slope, grad, steps,
                                      0.0, 1.0, threaded=True)
    assert np.array_equal(x2, x) and np.array_equal(g2, g)
    # the generic serial build, whatever the batch: bitwise the fixed-batch build's result
    x3, _, _ = kernels._forward(c.rowptr, c.col, w, b, b, 0, steps, 0.0)
    g3, _, _ = kernels._backward(c.t_rowptr, c.t_col, w[c.t_slot], grad, slope, 1.0, steps,
                                 0.0)
    assert np.array_equal(x3, x) and np.array_equal(g3, g)


@pytest.mark.parametrize("threads", [1, 2])
def test_node_reordering_leaves_every_result_unchanged(threads, monkeypatch):
    """Reverse Cuthill-McKee order inside the solver: x_ss, dL/dw and dL/db are bitwise
    those of the network's order, which match an unrolled dense autograd reference (also
    with the threaded kernels, forced on for this small network)."""
    monkeypatch.setattr(kernels, "PARALLEL_MIN_WORK", 0)
    network = _network(120, 5.0, seed=2)
    solver_given = SteadyStateSolver(network, steps=300, tol=1e-13, backend="numba",
                                     threads=threads)
    solver_rcm = SteadyStateSolver(network, steps=300, tol=1e-13, backend="numba",
                                   node_order="rcm", threads=threads)
    assert not np.array_equal(solver_rcm._cpu.order, np.arange(network.n_nodes))
    w0 = torch.from_numpy(_weights(network, 0.3))
    rng = np.random.default_rng(0)
    b0 = torch.from_numpy(rng.random((5, network.n_nodes)))
    G = torch.from_numpy(0.05 * rng.standard_normal((5, network.n_nodes)))  # no clipping
    results = []
    for solver in (solver_given, solver_rcm):
        w = w0.clone().requires_grad_(True)
        b = b0.clone().requires_grad_(True)
        x, info = steady_state(w, b, solver)
        (x * G).sum().backward()
        results.append((x.detach(), w.grad, b.grad, info))
    (x1, gw1, gb1, i1), (x2, gw2, gb2, i2) = results
    assert torch.equal(x1, x2) and torch.equal(gw1, gw2) and torch.equal(gb1, gb2)
    assert (i1.steps, i1.backward_steps) == (i2.steps, i2.backward_steps)

    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    x_ref = unrolled_steady_state(network, w, b, get_activation("MML"), 300)
    (x_ref * G).sum().backward()
    assert torch.max(torch.abs(x2 - x_ref)) < 1e-12
    assert torch.max(torch.abs(gw2 - w.grad)) < 1e-9
    assert torch.max(torch.abs(gb2 - b.grad)) < 1e-9


def test_float32_gradients_agree_with_float64():
    """A float32 model's weight and bias gradients agree with the float64 model's (same
    parameters) to 2e-4 relative to the largest gradient; the float64 model is the
    reference (itself checked against unrolled autograd in test_steady_state)."""
    network = _network(150, 4.0, seed=7)
    grads = {}
    for dtype in (torch.float64, torch.float32):
        model = SignalingModel(network, steps=400, tol=0.0, dtype=dtype, seed=1)
        u = torch.rand(6, len(network.ligands), generator=torch.Generator().manual_seed(0),
                       dtype=torch.float64).to(dtype)
        target = torch.linspace(0, 1, 6 * len(network.tfs), dtype=dtype).reshape(6, -1)
        y, _, _ = model(u)
        ((y - target) ** 2).mean().backward()
        grads[dtype] = (model.weights.grad.double(), model.bias.grad.double())
    for g64, g32 in zip(grads[torch.float64], grads[torch.float32]):
        scale = g64.abs().max()
        assert scale > 1e-4
        assert (g32 - g64).abs().max() <= 2e-4 * scale
