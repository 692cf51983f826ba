"""Tests of the Fig. 1c feed-forward networks."""

import numpy as np
import pandas as pd
import pytest
import torch
from signet.eval.metrics import pearson
from signet.studies.figure1.ffnn import FFNN, fit_response, train_ffnn


def test_pearson_r_matches_numpy_corrcoef():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=50), rng.normal(size=50)
    y = y + 0.5 * x
    assert pearson(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-12)


def test_pearson_r_of_a_constant_is_nan():
    assert np.isnan(pearson(np.ones(5), np.arange(5)))


def test_output_is_scale_times_mml_of_the_affine_map():
    """Hand-computed: w = (1, 1), b = 0, s = 2. (0.2, 0.1): z = 0.3, MML = 0.3, y = 0.6;
    (1, 1): z = 2, MML = 1 - 0.25 / 2 = 0.875, y = 1.75; (-1, 0): z = -1, MML = -0.01, y = -0.02."""
    model = FFNN("MML", hidden_layers=0)
    with torch.no_grad():
        model.layers[0].weight.copy_(torch.tensor([[1.0, 1.0]]))
        model.layers[0].bias.zero_()
        model.scale.fill_(2.0)
    y = model(torch.tensor([[0.2, 0.1], [1.0, 1.0], [-1.0, 0.0]], dtype=torch.float64))
    np.testing.assert_allclose(y.detach().numpy(), [0.6, 1.75, -0.02], atol=1e-12)


@pytest.mark.parametrize("activation, f", [
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z))),
    ("MML", lambda z: np.where(z < 0, 0.01 * z, np.where(z <= 0.5, z, 1 - 0.25 / np.maximum(z, 0.5)))),
])
def test_hidden_layer_output_matches_numpy(activation, f):
    """Reference: y = s * f(w2 . f(W1 x + b1) + b2) in numpy from the model's own parameters
    (5 hidden nodes; f written out from method.md), on inputs that reach every branch."""
    model = FFNN(activation, hidden_layers=1, hidden_nodes=5, seed=4)
    with torch.no_grad():
        model.scale.fill_(1.7)
    W1, b1 = (p.detach().numpy() for p in (model.layers[0].weight, model.layers[0].bias))
    w2, b2 = (p.detach().numpy() for p in (model.layers[1].weight, model.layers[1].bias))
    assert W1.shape == (5, 2) and w2.shape == (1, 5)
    x = np.random.default_rng(0).uniform(-3, 3, size=(40, 2))
    expected = 1.7 * f(f(x @ W1.T + b1) @ w2.T + b2)[:, 0]
    np.testing.assert_allclose(model(torch.tensor(x)).detach().numpy(), expected, rtol=1e-12,
                               atol=1e-14)


def test_leaky_relu_without_hidden_layer_learns_a_positive_plane():
    """y = 0.2 + 0.3 a + 0.4 b is exactly representable (identity branch, scale 1)."""
    levels = np.linspace(0, 1, 7)
    a, b = np.meshgrid(levels, levels, indexing="ij")
    x = torch.tensor(np.column_stack([a.ravel(), b.ravel()]))
    y = 0.2 + 0.3 * x[:, 0] + 0.4 * x[:, 1]
    model = FFNN("leakyReLU", hidden_layers=0, seed=3)
    losses = train_ffnn(model, x, y, epochs=3000, lr=0.01, weight_decay=0.0)
    assert losses[-1] < 1e-5 < losses[0]
    assert pearson(model(x).detach().numpy(), y.numpy()) > 0.9999


def test_same_seed_gives_the_same_fit_and_another_seed_does_not():
    table = pd.DataFrame({"source_a": [0.0, 0.0, 1.0, 1.0], "source_b": [0.0, 1.0, 0.0, 1.0],
                          "output": [0.0, 0.5, 0.5, 0.9]})
    first = fit_response(table, table, activations=["MML"], hidden_layers=[1], seeds=[0, 0, 1],
                         epochs=20)
    assert list(first.columns) == ["activation", "hidden_layers", "seed", "train_r", "test_r",
                                   "final_loss"]
    assert first["final_loss"][0] == first["final_loss"][1]
    assert first["final_loss"][0] != first["final_loss"][2]


def test_unknown_activation_is_reported():
    with pytest.raises(ValueError, match="unknown activation"):
        FFNN("tanh")
