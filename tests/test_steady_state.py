"""Steady-state solve and implicit backward, against unrolled dense autograd."""

import numpy as np
import pytest
import torch
from helpers import unrolled_steady_state
from signet.core.activations import get_activation
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.solver.steady_state import steady_state
from signet.studies.synthetic.random_network import random_network


def _model(n_nodes, backend, dtype=torch.float64, steps=2000, tol=1e-14, seed=3):
    table, annotation = random_network(n_nodes, 3.0, seed=seed)
    network = Network.from_tables(table, annotation)
    return SignalingModel(network, steps=steps, tol=tol, backend=backend, dtype=dtype,
                          seed=seed)


@pytest.mark.parametrize("backend", ["numba", "torch"])
@pytest.mark.parametrize("n_nodes", [10, 100])
def test_backward_matches_unrolled_autograd(n_nodes, backend):
    """Input, weight and bias gradients of sum(G * x_ss) agree with autograd through an
    unrolled dense iteration to <= 1e-8 (float64, converged)."""
    model = _model(n_nodes, backend)
    generator = torch.Generator().manual_seed(n_nodes)
    n_lig = len(model.network.ligands)
    u = torch.rand(4, n_lig, generator=generator, dtype=torch.float64).requires_grad_(True)
    G = 0.05 * torch.randn(4, model.network.n_nodes, generator=generator, dtype=torch.float64)

    _, x, info = model(u)
    (x * G).sum().backward()
    assert info.residual < 1e-13 and info.backward_residual < 1e-13

    w = model.weights.detach().clone().requires_grad_(True)
    b = model.bias.detach().clone().requires_grad_(True)
    u_ref = u.detach().clone().requires_grad_(True)
    b_in = torch.zeros(4, model.network.n_nodes, dtype=torch.float64).index_put(
        (torch.arange(4)[:, None], model.ligand_index[None, :]), u_ref * model.input_scale.detach())
    x_ref = unrolled_steady_state(model.network, w, b + b_in, get_activation("MML"), 600)
    (x_ref * G).sum().backward()

    assert torch.max(torch.abs(x - x_ref)) < 1e-12
    assert torch.max(torch.abs(model.weights.grad - w.grad)) <= 1e-8
    assert torch.max(torch.abs(model.bias.grad - b.grad)) <= 1e-8
    assert torch.max(torch.abs(u.grad - u_ref.grad)) <= 1e-8
    assert w.grad.abs().max() > 1e-4  # the comparison is not vacuous


def test_backends_agree_and_float32_runs():
    model = _model(60, "numba", steps=150, tol=0.0)
    u = torch.rand(3, len(model.network.ligands), dtype=torch.float64)
    _, x_numba, _ = model(u)
    model.solver.backend = "torch"
    _, x_torch, _ = model(u)
    assert torch.allclose(x_numba, x_torch, atol=1e-12)
    model.solver.backend, model.solver.tol = "numba", 1e-6
    _, x_early, info = model(u)
    assert 0 < info.steps < 150 and info.residual < 1e-6
    assert torch.allclose(x_early, x_numba, atol=1e-5)

    model32 = _model(60, "auto", dtype=torch.float32, steps=150, tol=1e-6)
    _, x32, _ = model32(u.float())
    assert x32.dtype == torch.float32
    assert torch.allclose(x32.double(), x_numba, atol=1e-4)


def test_step_cap_and_info():
    """Without early stop the solver reports exactly the cap; the residual is the last
    change (checked against one more unrolled step)."""
    model = _model(30, "numba", steps=7, tol=0.0)
    u = torch.rand(2, len(model.network.ligands), dtype=torch.float64)
    _, x, info = model(u)
    assert info.steps == 7
    bias = (model.bias + model.input_bias(u)).detach()
    x6 = unrolled_steady_state(model.network, model.weights.detach(), bias, get_activation("MML"), 6)
    x7 = unrolled_steady_state(model.network, model.weights.detach(), bias, get_activation("MML"), 7)
    assert torch.allclose(x, x7, atol=1e-14)
    assert info.residual == pytest.approx(float((x7 - x6).abs().max()), rel=1e-9)


def test_only_the_steady_state_is_saved():
    """Memory is O(samples x nodes): the autograd node keeps (weights, x_ss) only,
    whatever the number of steps."""
    model = _model(40, "numba", steps=500, tol=0.0)
    u = torch.rand(3, len(model.network.ligands), dtype=torch.float64)
    bias = model.bias + model.input_bias(u)
    x, _ = steady_state(model.weights, bias, model.solver)
    saved = x.grad_fn.saved_tensors
    assert [tuple(t.shape) for t in saved] == [(model.network.n_edges,), (3, model.network.n_nodes)]


@pytest.mark.parametrize("backend", ["numba", "torch"])
def test_clipped_backward_matches_a_numpy_loop_of_algorithm_1(backend):
    """A large upstream gradient (G = 1e3 everywhere) switches clipping on. Reference: the
    paper's Algorithm 1 in plain numpy, g <- clip(D * (A^T g + G)) with D = f'(A x + b) from
    method.md's MML derivative and clip(g) = g (|g| <= 1), tanh(g - 1) + 1 above,
    tanh(g + 1) - 1 below, iterated to convergence; dL/d(bias) = g per condition."""
    model = _model(30, backend, steps=400, tol=1e-13)
    u = torch.rand(2, len(model.network.ligands), dtype=torch.float64,
                   generator=torch.Generator().manual_seed(0))
    bias = (model.bias + model.input_bias(u)).detach().requires_grad_(True)
    x, _ = steady_state(model.weights, bias, model.solver)
    (x * 1e3).sum().backward()

    network = model.network
    A = np.zeros((network.n_nodes, network.n_nodes))
    A[network.targets, network.sources] = model.weights.detach().numpy()
    expected = np.zeros_like(x.detach().numpy())
    for row, (x_row, b_row) in enumerate(zip(x.detach().numpy(), bias.detach().numpy())):
        z = A @ x_row + b_row
        with np.errstate(divide="ignore"):
            D = np.where(z <= 0, 0.01, np.where(z <= 0.5, 1.0, 0.25 / z ** 2))
        g = np.zeros(network.n_nodes)
        for _ in range(5000):
            v = D * (A.T @ g + 1e3)
            g = np.where(v > 1, np.tanh(v - 1) + 1, np.where(v < -1, np.tanh(v + 1) - 1, v))
        expected[row] = g
    assert np.abs(expected).max() > 1.0  # clipping is active: some |D * (A^T g + G)| > 1
    np.testing.assert_allclose(bias.grad.numpy(), expected, rtol=1e-8, atol=1e-10)


def test_simulate_in_chunks_equals_one_solve():
    """simulate() solves in chunks bounded by max_states; at tol = 0 every condition's states
    do not depend on the other conditions of its chunk, so chunked and one-solve tables are
    bitwise equal (the one-solve table is the reference)."""
    import numpy as np
    from signet.studies.synthetic.conditions import training_conditions

    model = _model(120, "numba", steps=80, tol=0.0)
    ligands = training_conditions(model.network.ligands, 50, 3, seed=1)
    y_one, x_one = model.simulate(ligands)
    y_chunked, x_chunked = model.simulate(ligands, max_states=7 * model.network.n_nodes)
    assert np.array_equal(y_one.to_numpy(), y_chunked.to_numpy())
    assert np.array_equal(x_one.to_numpy(), x_chunked.to_numpy())
    assert list(x_one.index) == list(ligands.index)


def _training_regime_model(backend="auto"):
    """A 150-node network in the regime training works in: rho(T) 0.79-0.85 at the steady
    states, ~10 % of the nodes negative (leak), ~10 % saturating; solved with the default
    step cap 150, tolerance 1e-6 and clipping 1 (about 85 forward steps, so not converged to
    machine precision)."""
    table, annotation = random_network(150, 3.0, seed=5, feedback_fraction=0.4)
    network = Network.from_tables(table, annotation)
    model = SignalingModel(network, seed=5, init_rho=0.9, backend=backend)
    generator = torch.Generator().manual_seed(1)
    u = 0.05 * torch.rand(5, len(network.ligands), generator=generator, dtype=torch.float64)
    return model, u


def _relative_gradient_errors(model, u, scale):
    """Relative max error of dL/dw and dL/db for L = sum(G * x_ss), G ~ scale * N(0, 1) on
    the TFs, against autograd through 3000 unrolled dense steps (converged to ~1e-15)."""
    n = model.network.n_nodes
    G = torch.zeros(u.shape[0], n, dtype=torch.float64)
    G[:, model.tf_index] = scale * torch.randn(u.shape[0], len(model.tf_index),
                                               generator=torch.Generator().manual_seed(2),
                                               dtype=torch.float64)
    model.zero_grad(set_to_none=True)
    _, x, info = model(u)
    (x * G).sum().backward()
    w = model.weights.detach().clone().requires_grad_(True)
    b = model.bias.detach().clone().requires_grad_(True)
    x_ref = unrolled_steady_state(model.network, w, b + model.input_bias(u).detach(),
                                  get_activation("MML"), 3000)
    (x_ref * G).sum().backward()
    errors = [float((got - ref).abs().max() / ref.abs().max())
              for got, ref in ((model.weights.grad, w.grad), (model.bias.grad, b.grad))]
    return errors, info


@pytest.mark.parametrize("backend", ["numba", "torch"])
@pytest.mark.parametrize("scale", [1e-2, 1e-4, 1e-6])
def test_default_backward_stop_is_relative_to_the_gradient_scale(backend, scale):
    """With the default tolerance (1e-6) the weight and bias gradients are within 1e-3
    (relative) of unrolled autograd at tol ~1e-14 whatever the size of dL/dx: 1e-2 down to
    1e-6, where the absolute stop max|dg| < 1e-6 gave a 5 % error. The network is in the
    training regime (forward not converged to machine precision, clipping on)."""
    model, u = _training_regime_model(backend)
    errors, info = _relative_gradient_errors(model, u, scale)
    assert 10 < info.steps < 150 and 1e-9 < info.residual < 1e-6   # a default-tol solve
    assert info.backward_steps > 10
    assert max(errors) < 1e-3, errors


def test_an_absolute_backward_stop_fails_in_this_regime(monkeypatch):
    """Guard that the test above can fail: the same comparison with the old absolute stop
    (max |dg| < 1e-6) at |dL/dx| ~ 1e-6 is off by more than 1 %."""
    model, u = _training_regime_model("numba")
    monkeypatch.setattr(model.solver, "_tolerance_from_first", lambda first: 1e-6)
    errors, _ = _relative_gradient_errors(model, u, 1e-6)
    assert max(errors) > 1e-2, errors


def test_backward_stop_with_active_clipping_matches_a_plain_numpy_loop():
    """With |G| large enough that clipping acts, the solver's dL/db equals the clipped fixed
    point g = clip(D (A^T g + G)) iterated by a plain numpy loop to 1e-14, within 1e-4
    relative (default tolerance 1e-6)."""
    model, u = _training_regime_model("numba")
    n = model.network.n_nodes
    G = 5.0 * torch.randn(u.shape[0], n, generator=torch.Generator().manual_seed(3),
                          dtype=torch.float64)
    bias = (model.bias + model.input_bias(u)).detach().requires_grad_(True)
    x, _ = steady_state(model.weights.detach(), bias, model.solver)
    (x * G).sum().backward()
    slope = get_activation("MML").slope_from_output(x.detach()).numpy()
    A = np.zeros((n, n))
    A[model.network.targets, model.network.sources] = model.weights.detach().numpy()
    g = np.zeros((u.shape[0], n))
    for _ in range(5000):
        v = slope * (g @ A + G.numpy())
        g_next = np.where(v > 1, np.tanh(v - 1) + 1, np.where(v < -1, np.tanh(v + 1) - 1, v))
        if np.abs(g_next - g).max() < 1e-14:
            g = g_next
            break
        g = g_next
    assert (np.abs(slope * G.numpy()) > 1).any()  # clipping acts
    error = np.abs(bias.grad.numpy() - g).max() / np.abs(g).max()
    assert error < 1e-4, error
