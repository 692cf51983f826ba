"""The synthetic reference model's objective and finishing steps on tiny hand-built inputs."""

import pandas as pd
import pytest
import torch
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.studies.synthetic.random_network import random_network
from signet.studies.synthetic.reference_model import (
    ReferenceSettings,
    correlation_loss,
    fit_reference_model,
    force_prior_signs,
    max_spectral_radius,
    reference_objective,
)


def _chain(weights=(1.0, 1.0)):
    """L -> A -> T with unit weights, zero bias, input scale 1, projection 1."""
    edges = pd.DataFrame({"source": ["L", "A"], "target": ["A", "T"],
                          "stimulation": [1, 1], "inhibition": [0, 0]})
    annotation = pd.DataFrame({"code": ["L", "A", "T"], "name": ["L", "A", "T"],
                               "TF": [False, False, True], "ligand": [True, False, False]})
    model = SignalingModel(Network.from_tables(edges, annotation), steps=30, tol=0.0)
    with torch.no_grad():
        model.weights.copy_(torch.tensor(weights, dtype=torch.float64))
        model.bias.zero_()
        model.input_scale.fill_(1.0)
        model.projection.fill_(1.0)
    return model


def test_correlation_loss_hand_computed():
    """Rows (1, 2, 3) and (1, 3, 2) have r = 0.5 (see test_metrics); both ordered pairs give
    r^2 = 0.25, so the mean over i != j is 0.25. Rows (1, 2, 3), (3, 2, 1), (1, 2, 3):
    r = -1, 1, -1 -> mean r^2 = 1. Columns of the first matrix: (1, 1), (2, 3), (3, 2) ->
    pairs r(c1, .) undefined (constant c1 -> 0), r(c2, c3) = -1 -> (0 + 0 + 1 + 1) / 6."""
    first = torch.tensor([[1.0, 2, 3], [1, 3, 2]], dtype=torch.float64)
    assert float(correlation_loss(first)) == pytest.approx(0.25, abs=1e-7)  # eps 1e-8 in the norm
    second = torch.tensor([[1.0, 2, 3], [3, 2, 1], [1, 2, 3]], dtype=torch.float64)
    assert float(correlation_loss(second)) == pytest.approx(1.0, abs=1e-7)
    assert float(correlation_loss(first.T)) == pytest.approx(2 / 6, abs=1e-7)


def test_objective_terms_on_a_chain_hand_computed():
    """Chain L -> A -> T, unit weights, zero bias: for u <= 0.5 every state equals u (MML is
    the identity on [0, 0.5]), so y = (0.1, 0.2, 0.3) for u = (0.1, 0.2, 0.3).
    Uniformity over conditions on [0.01, 0.99]: mean 0.2, variance 0.02 / 3, min 0.1,
    max 0.3 against 0.5, 0.98^2 / 12, 0.01, 0.99. One TF: the uniformity across TFs is that
    of each single-value row (variance 0: mean = min = max = y_i). Sign: no violation;
    L2 = 1 + 1 (weights) + 0 (bias); ligand bias 0."""
    model = _chain()
    u = torch.tensor([[0.1], [0.2], [0.3]], dtype=torch.float64)
    settings = ReferenceSettings(spectral=0.0)
    loss, terms, x, _ = reference_objective(model, u, settings, spectral_term=None)
    terms = {name: value.detach() for name, value in terms.items()}
    loss = loss.detach()
    target_var = 0.98 ** 2 / 12
    expected = ((0.2 - 0.5) ** 2 + (0.02 / 3 - target_var) ** 2 + (0.1 - 0.01) ** 2
                + (0.3 - 0.99) ** 2)
    assert float(terms["uniformity_conditions"]) == pytest.approx(expected, abs=1e-12)
    across = sum((y - 0.5) ** 2 + target_var ** 2 + (y - 0.01) ** 2 + (y - 0.99) ** 2
                 for y in (0.1, 0.2, 0.3))
    assert float(terms["uniformity_tfs"]) == pytest.approx(across, abs=1e-12)
    assert float(terms["l2"]) == pytest.approx(2.0)
    assert float(terms["sign"]) == 0.0 and float(terms["ligand_bias"]) == 0.0
    assert float(terms["correlation_tfs"]) == 0.0  # a single TF has no pair
    assert float(loss) == pytest.approx(
        expected + 0.1 * across + float(terms["correlation_conditions"]) + 1e-6 * 2.0)


def test_force_prior_signs_flips_contradicting_weights_only():
    """Prior signs (+, +) for the chain; weights (-0.5, 0.3) -> (0.5, 0.3), one flip."""
    model = _chain(weights=(-0.5, 0.3))
    assert force_prior_signs(model) == 1
    assert model.weights.tolist() == [0.5, 0.3]


def test_fit_reference_model_ends_with_prior_signs_and_stable_steady_states():
    """A few iterations on a small random network: afterwards no weight contradicts its
    prior sign and rho(T) is below the target (method.md: 1e-4 ** (1 / 150) = 0.9404) on
    fresh conditions."""
    table, annotation = random_network(30, 2.5, n_ligands=4, n_tfs=4, seed=1)
    network = Network.from_tables(table, annotation)
    model = SignalingModel(network, steps=150)
    settings = ReferenceSettings(iterations=5, conditions=20, ligands_per_sample=2,
                                 check_conditions=20, log_every=1)
    log = fit_reference_model(model, settings, seed=0)
    assert len(log) == 6
    assert int(((model.signs * model.weights) < 0).sum()) == 0
    u = torch.rand(20, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    assert max_spectral_radius(model, u) < 0.9404
