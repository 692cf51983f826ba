"""bench/original_style.py, the second trainer that signet is measured against, checked
against references of its own: central finite differences for its steady-state backward and
its spectral-radius gradient, numpy's eigenvalues for rho, and autograd over the whole state
table for its state uniformity. It must import nothing of signet."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
PATH = ROOT / "bench" / "original_style.py"


@pytest.fixture(scope="module")
def original():
    spec = importlib.util.spec_from_file_location("original_style", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_network(n=30, edges=80, seed=0):
    """A random signed network with a loop-rich core, as the dict the trainer builds."""
    rng = np.random.default_rng(seed)
    pairs = set()
    while len(pairs) < edges:
        s, t = rng.integers(0, n, 2)
        if s != t:
            pairs.add((int(s), int(t)))
    source, target = map(np.array, zip(*sorted(pairs)))
    sign = np.where(rng.random(len(source)) < 0.75, 1.0, -1.0)
    return {"nodes": [f"N{i}" for i in range(n)], "source": source, "target": target,
            "sign": sign, "ligands": np.arange(4), "tfs": np.arange(n - 5, n)}


def test_original_style_imports_nothing_of_signet():
    tree = ast.parse(PATH.read_text())
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names]
    names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert names and not [name for name in names if name.split(".")[0] == "signet"]


@pytest.mark.parametrize("compiled", [False, True])
def test_steady_state_backward_matches_finite_differences(original, compiled):
    net = small_network()
    original.COMPILED = original._compile() if compiled else None
    model = original.Model(net, steps=300, seed=1, in_scale=np.full(4, 3.0),
                           out_scale=np.full(5, 1.2))
    rng = np.random.default_rng(1)
    u = torch.from_numpy(rng.random((3, 4)))
    # small G keeps the tanh clipping (threshold 1) out of play: the implicit gradient
    weight = 1e-3 * torch.from_numpy(rng.normal(size=(3, len(net["nodes"]))))

    def loss(w, b):
        total = b.expand(3, -1).clone()
        total[:, net["ligands"]] += u * model.in_scale
        return (original.SteadyState.apply(w, total, model.structure) * weight).sum()

    w = model.weights.detach().clone().requires_grad_(True)
    b = model.bias.detach().clone().requires_grad_(True)
    loss(w, b).backward()
    eps = 1e-6
    for k in rng.choice(len(w), 8, replace=False):
        step = torch.zeros_like(w)
        step[k] = eps
        numeric = (loss(w.detach() + step, b.detach()) - loss(w.detach() - step, b.detach())) / (2 * eps)
        assert float(w.grad[k]) == pytest.approx(float(numeric), rel=1e-5, abs=1e-12)
    for k in rng.choice(len(b), 5, replace=False):
        step = torch.zeros_like(b)
        step[k] = eps
        numeric = (loss(w.detach(), b.detach() + step) - loss(w.detach(), b.detach() - step)) / (2 * eps)
        assert float(b.grad[k]) == pytest.approx(float(numeric), rel=1e-5, abs=1e-12)
    original.COMPILED = None


def small_model(original, network_seed, model_seed):
    """A small network and the original-style model on it (4 ligands, 5 TFs)."""
    net = small_network(seed=network_seed)
    return net, original.Model(net, steps=150, seed=model_seed, in_scale=np.full(4, 3.0),
                               out_scale=np.full(5, 1.2))


def test_plain_and_compiled_loops_agree(original):
    net, model = small_model(original, network_seed=3, model_seed=2)
    rng = np.random.default_rng(2)
    b = rng.normal(scale=0.5, size=(len(net["nodes"]), 4))
    w = model.weights.detach().numpy()
    original.COMPILED = None
    plain = model.structure.solve(w, b)
    d, g = rng.random(b.shape), rng.normal(size=b.shape)
    plain_g = model.structure.adjoint(w, d, g)
    original.COMPILED = original._compile()
    assert np.abs(model.structure.solve(w, b) - plain).max() < 1e-13
    assert np.abs(model.structure.adjoint(w, d, g) - plain_g).max() < 1e-13
    original.COMPILED = None


def test_spectral_radius_and_its_gradient(original):
    net, model = small_model(original, network_seed=4, model_seed=0)
    rng = np.random.default_rng(4)
    w = torch.from_numpy(rng.normal(size=len(net["source"])))
    slope = torch.from_numpy(rng.uniform(0.01, 1.0, len(net["nodes"])))
    dense = model.structure.matrix(w.numpy()).toarray() * slope.numpy()[:, None]
    leading = np.abs(np.linalg.eigvals(dense)).max()
    weights = w.clone().requires_grad_(True)
    rho = original.SpectralRadius.apply(weights, slope, model.structure)
    assert float(rho.detach()) == pytest.approx(leading, rel=1e-12)
    rho.backward()
    eps = 1e-6
    for k in range(len(w)):
        step = torch.zeros_like(w)
        step[k] = eps
        numeric = (original.SpectralRadius.apply(w + step, slope, model.structure)
                   - original.SpectralRadius.apply(w - step, slope, model.structure)) / (2 * eps)
        assert float(weights.grad[k]) == pytest.approx(float(numeric), rel=1e-4, abs=1e-7)


def test_uniformity_matches_autograd_over_the_whole_table(original):
    torch.manual_seed(0)
    cache = torch.rand(40, 7, dtype=torch.float64) - 0.2
    cache[:, 3] -= 1.5  # a node that is never on
    index = torch.tensor([3, 7, 11, 20, 33])
    live = (torch.rand(5, 7, dtype=torch.float64) - 0.2).requires_grad_(True)
    value = original.uniformity(cache, index, live)
    (grad,) = torch.autograd.grad(value, live)
    full = cache.clone()
    full[index] = live
    mean = full.mean(0)
    var = ((full - mean) ** 2).mean(0)
    top, bottom = full.max(0).values, full.min(0).values
    reference = ((mean - 0.5) ** 2).sum() + ((var - 0.98 ** 2 / 12) ** 2).sum() \
        + ((bottom - 0.01) ** 2).sum() + ((top - 0.99) ** 2).sum() \
        - 50 * top[top.detach() <= 0].sum()
    (reference_grad,) = torch.autograd.grad(reference, live)
    assert float(value.detach()) == pytest.approx(float(reference.detach()), rel=1e-13)
    assert torch.allclose(grad, reference_grad, rtol=1e-12, atol=1e-15)
