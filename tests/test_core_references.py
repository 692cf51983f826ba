"""Core paths against independent references written here in plain numpy.

* ``SignalingModel.initialise``: rho(A) by dense ``numpy.linalg.eigvals``; the bias rule
  (0.001, and 1 for a node whose every input is inhibitory) read from the Model table itself.
* the steady-state solve for every activation, both backends: a plain numpy loop
  x_{k+1} = f(A x_k + b + b_in) with f written out from docs/method.md.
* the full training objective ``_batch_losses``: every term of method.md's table assembled by
  hand (numpy states, numpy statistics, dense eigenvalues for rho).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.core.regularizers import StateCache
from signet.spectral import SpectralTerm
from signet.studies.synthetic.random_network import random_network
from signet.training import PRESETS
from signet.training.loop import _batch_losses

LEAK = 0.01  # docs/method.md: MML and leaky ReLU leak


# ---- numpy references --------------------------------------------------------------------
def mml(z):
    """method.md: 0.01 z (z < 0); z (0 <= z <= 0.5); 1 - 0.25 / z (z > 0.5)."""
    with np.errstate(divide="ignore"):
        return np.where(z < 0, LEAK * z, np.where(z <= 0.5, z, 1.0 - 0.25 / z))


def mml_slope_from_output(y):
    """method.md: 0.01 (y <= 0); 1 (0 < y <= 0.5); 4 (1 - y)^2 (y > 0.5)."""
    return np.where(y <= 0, LEAK, np.where(y <= 0.5, 1.0, 4.0 * (1.0 - y) ** 2))


NUMPY_ACTIVATIONS = {
    "MML": mml,
    "leakyReLU": lambda z: np.where(z < 0, LEAK * z, z),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
}


def dense(network: Network, weights) -> np.ndarray:
    """A[target, source] = w, one loop over the edges."""
    A = np.zeros((network.n_nodes, network.n_nodes))
    for w, s, t in zip(np.asarray(weights, dtype=float), network.sources, network.targets):
        A[t, s] = w
    return A


def numpy_steady_state(A, total_bias, f, steps):
    """x_0 = 0; x_{k+1} = f(A x_k + b + b_in), one condition (row) at a time."""
    out = np.zeros_like(total_bias)
    for row, b in enumerate(total_bias):
        x = np.zeros(A.shape[0])
        for _ in range(steps):
            x = f(A @ x + b)
        out[row] = x
    return out


def numpy_input_bias(model: SignalingModel, u: np.ndarray) -> np.ndarray:
    """b_in: each ligand's concentration times its input scale, at the ligand's node."""
    b_in = np.zeros((u.shape[0], model.network.n_nodes))
    scale = model.input_scale.detach().numpy()
    for j, node in enumerate(model.network.ligands):
        b_in[:, model.network.nodes.index(node)] = u[:, j] * scale[j]
    return b_in


def _network(seed=0, n=40):
    table, annotation = random_network(n, 3.0, seed=seed)
    return table, Network.from_tables(table, annotation)


# ---- initialise --------------------------------------------------------------------------
def _hand_network():
    """K is inhibited only (bias 1), M has one inhibitory and one activating input, N one
    input of unknown sign (starts positive), L the ligand has no input."""
    rows = [("L", "K", 0, 1), ("L", "M", 1, 0), ("K", "M", 0, 1), ("M", "N", 0, 0),
            ("N", "T", 1, 0), ("K", "T", 0, 1), ("T", "K", 0, 1)]
    table = pd.DataFrame(rows, columns=["source", "target", "stimulation", "inhibition"])
    annotation = pd.DataFrame({"code": ["L", "T"], "name": ["L", "T"], "TF": [False, True],
                               "ligand": [True, False]})
    return table, Network.from_tables(table, annotation)


@pytest.mark.parametrize("make", [_hand_network, lambda: _network(3, 80)])
def test_initialise_scales_rho_to_0_8_by_dense_eig_and_sets_the_bias_rule(make):
    table, network = make()
    model = SignalingModel(network, seed=5)
    weights = model.weights.detach().numpy()
    rho = np.abs(np.linalg.eigvals(dense(network, weights))).max()
    assert rho == pytest.approx(0.8, abs=1e-10)
    # magnitudes 0.1 + U(0, 0.1) before one common scaling: the ratios stay within [1, 2]
    magnitude = np.abs(weights)
    assert magnitude.max() / magnitude.min() <= 2.0 + 1e-12
    # signs: the prior's, unknown starts positive
    sign = {(s, t): int(a) - int(i) for s, t, a, i in table[["source", "target",
                                                             "stimulation",
                                                             "inhibition"]].itertuples(
        index=False)}
    for w, s, t in zip(weights, network.sources, network.targets):
        expected = sign[(network.nodes[s], network.nodes[t])]
        assert np.sign(w) == (expected if expected != 0 else 1)
    # bias: 1 where every input edge in the table is inhibitory, else 0.001
    bias = dict(zip(network.nodes, model.bias.detach().numpy()))
    for node in network.nodes:
        inputs = [sign[key] for key in sign if key[1] == node]
        expected = 1.0 if inputs and all(v == -1 for v in inputs) else 0.001
        assert bias[node] == expected, node


def test_hand_network_has_the_cases_it_claims():
    _, network = _hand_network()
    model = SignalingModel(network, seed=0)
    bias = dict(zip(network.nodes, model.bias.detach().numpy()))
    assert bias == {"K": 1.0, "L": 0.001, "M": 0.001, "N": 0.001, "T": 0.001}


# ---- the steady-state solve for each activation ------------------------------------------
@pytest.mark.parametrize("backend", ["numba", "torch"])
@pytest.mark.parametrize("activation", ["MML", "leakyReLU", "sigmoid"])
def test_solve_matches_a_plain_numpy_loop(activation, backend):
    """Fixed 60 steps (tol 0), 4 conditions; weights spread so that every branch of the
    activation is visited (negative, linear and saturating pre-activations)."""
    _, network = _network(seed=1)
    model = SignalingModel(network, activation=activation, steps=60, tol=0.0,
                           backend=backend, seed=2)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        model.bias.add_(0.3 * torch.randn(network.n_nodes, generator=generator,
                                          dtype=torch.float64))
    u = torch.rand(4, len(network.ligands), generator=generator, dtype=torch.float64)
    with torch.no_grad():
        _, x, _ = model(u)
    total = model.bias.detach().numpy() + numpy_input_bias(model, u.numpy())
    expected = numpy_steady_state(dense(network, model.weights.detach().numpy()), total,
                                  NUMPY_ACTIVATIONS[activation], 60)
    z = dense(network, model.weights.detach().numpy()) @ expected.T + total.T
    assert (z < 0).any() and (z > 0).any()
    if activation == "MML":
        assert (z > 0.5).any()
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-12, atol=1e-13)


# ---- the full objective of one batch ----------------------------------------------------
def numpy_uniformity(states, low=0.01, high=0.99, max_constraint=50.0):
    """method.md: per node, squared deviations of mean, variance (population), min and max
    from U[low, high]'s, summed over nodes, plus 50 * (minus each non-positive maximum)."""
    mean, var = states.mean(axis=0), states.var(axis=0)
    smallest, largest = states.min(axis=0), states.max(axis=0)
    loss = (((mean - (low + high) / 2) ** 2).sum() + ((var - (high - low) ** 2 / 12) ** 2).sum()
            + ((smallest - low) ** 2).sum() + ((largest - high) ** 2).sum())
    return loss - max_constraint * largest[largest <= 0].sum()


@pytest.mark.parametrize("form", ["paper", "reference"])
def test_batch_objective_equals_the_hand_assembled_loss_of_the_method_table(form):
    """Paper recipe (noise off so that the states are deterministic), one condition per batch
    so that the spectral term's sample is that condition. Each term and the weighted sum
    against numpy: fit MSE, 0.1 sign, 1e-5 ligand bias, 1e-8 L2, 1e-8 non-zero, 1e-4
    uniformity over all conditions (batch live, others cached), 1e-3 spectral barrier of
    rho(diag(f'(z)) A) by dense eigenvalues."""
    table, network = _network(seed=4, n=30)
    recipe = PRESETS["paper"].replace(noise=0.0, spectral_form=form)
    model = SignalingModel(network, steps=recipe.steps, tol=0.0, seed=7)
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():  # move off the initial point, three weights against their sign
        model.weights.add_(0.15 * torch.randn(network.n_edges, generator=generator,
                                              dtype=torch.float64))
        model.weights[[0, 5, 9]] *= -0.5
        model.weights.mul_(1.4)  # rho of the transition matrix about 0.7
        model.bias.add_(0.2 * torch.randn(network.n_nodes, generator=generator,
                                          dtype=torch.float64))
    u = torch.rand(6, len(network.ligands), generator=generator, dtype=torch.float64)
    y = torch.rand(6, len(network.tfs), generator=generator, dtype=torch.float64)
    cached = torch.rand(6, network.n_nodes, generator=generator, dtype=torch.float64)
    index = torch.tensor([2])
    term = SpectralTerm(network, method="exact")
    loss, terms, _, _ = _batch_losses(model, recipe, u, y, list(range(len(network.tfs))),
                                      index, StateCache(cached.clone()), term,
                                      torch.Generator().manual_seed(0), 1e-3, True)

    w = model.weights.detach().numpy()
    b = model.bias.detach().numpy()
    A = dense(network, w)
    x = numpy_steady_state(A, b + numpy_input_bias(model, u.numpy()[[2]]), mml, recipe.steps)
    y_hat = 1.2 * x[:, network.tf_index]
    prior = network.signs.astype(float)
    hand = {
        "fit": ((y_hat - y.numpy()[[2]]) ** 2).mean(),
        "sign": np.abs(w[prior * w < 0]).sum(),
        "ligand_bias": (b[network.ligand_index] ** 2).sum(),
        "l2": (w ** 2).sum() + (b ** 2).sum(),
        "nonzero": (1.0 / (w ** 2 + 0.5)).sum(),
    }
    states = cached.numpy().copy()
    states[2] = x[0]
    hand["uniformity"] = numpy_uniformity(states)
    slope = mml_slope_from_output(x[0])
    rho = np.abs(np.linalg.eigvals(slope[:, None] * A)).max()
    k, target = 21.0, np.exp(np.log(1e-4) / 150)
    if form == "paper":
        hand["spectral"] = np.exp(k * (rho - target))
    else:
        hand["spectral"] = np.exp(-k * target) * (np.exp(k * rho) - 1.0) if rho > 0.5 else 0.0
    coefficients = {"fit": 1.0, "sign": 0.1, "ligand_bias": 1e-5, "l2": 1e-8,
                    "nonzero": 1e-8, "uniformity": 1e-4, "spectral": 1e-3}
    assert hand["sign"] > 0 and rho > 0.5  # the terms under test are not trivially zero
    assert float(terms["rho"]) == pytest.approx(rho, rel=1e-9)
    for name, value in hand.items():
        assert float(terms[name].detach()) == pytest.approx(value, rel=1e-9, abs=1e-15), name
    assert "projection" not in terms  # frozen projection in the paper recipe
    total = sum(coefficients[name] * value for name, value in hand.items())
    assert float(loss.detach()) == pytest.approx(total, rel=1e-9)


@pytest.mark.parametrize("on_cap", [True, False])
def test_spectral_on_cap_puts_the_barrier_on_the_largest_rho_of_a_capped_batch(on_cap):
    """A batch whose forward solve ends at the step cap unconverged: with ``spectral_on_cap`` rho is computed at every sample although
    ``do_spectral`` is off, and the term is the barrier of the largest (numpy eigenvalues of
    diag(f'(x_i)) A); without it, or in a batch that converged, no spectral term. (Strong
    all-inhibitory weights make the states oscillate: the solve caps unconverged.)"""
    table, network = _network(seed=4, n=30)
    recipe = PRESETS["paper"].replace(noise=0.0, spectral_on_cap=on_cap)
    generator = torch.Generator().manual_seed(1)
    u = torch.rand(6, len(network.ligands), generator=generator, dtype=torch.float64)
    y = torch.rand(6, len(network.tfs), generator=generator, dtype=torch.float64)
    index = torch.tensor([0, 3, 4, 5])
    for scale, capped in ((-16.0, True), (1.0, False)):
        model = SignalingModel(network, steps=30, tol=recipe.tol, seed=1)
        with torch.no_grad():
            model.weights.copy_(scale * model.weights.abs())
        _, terms, x, info = _batch_losses(
            model, recipe, u, y, list(range(len(network.tfs))), index,
            StateCache(torch.zeros(6, network.n_nodes, dtype=torch.float64)),
            SpectralTerm(network, method="exact"), torch.Generator().manual_seed(0), 1e-3,
            False)
        assert (info.steps >= 30 and not info.residual < recipe.tol) == capped
        if not (on_cap and capped):
            assert "rho" not in terms and "spectral" not in terms
            continue
        A = dense(network, model.weights.detach().numpy())
        rhos = [np.abs(np.linalg.eigvals(mml_slope_from_output(row)[:, None] * A)).max()
                for row in x.detach().numpy()]
        assert min(rhos) < max(rhos)  # the samples differ: the largest is picked
        assert float(terms["rho"]) == pytest.approx(max(rhos), rel=1e-9)
        assert float(terms["spectral"].detach()) == pytest.approx(
            np.exp(21.0 * (max(rhos) - np.exp(np.log(1e-4) / 150))), rel=1e-9)
