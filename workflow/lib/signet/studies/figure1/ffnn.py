"""Small feed-forward networks that learn a mechanism's response surface (the paper's Fig. 1c).

Two inputs (the source concentrations A and B), an optional hidden layer of a few nodes, and
one output node; every node applies the same activation (MML, leaky ReLU or sigmoid, from
:mod:`signet.core.activations`), and the output is multiplied by a trainable scale (initial 1):

    no hidden layer:   y = s * f(w . x + b)
    one hidden layer:  y = s * f(w2 . f(W1 x + b1) + b2)

Training (the paper's settings): full-batch mean squared error, Adam with learning rate 0.002
and weight decay 1e-5, 5000 epochs, weights and biases drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (``torch.nn.Linear``'s
range) with a seeded generator. Evaluation: Pearson r between prediction and truth on a test grid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from signet.core.activations import get_activation
from signet.eval.metrics import pearson

__all__ = ["FFNN", "train_ffnn", "fit_response"]


class FFNN(torch.nn.Module):
    """``inputs`` -> [``hidden_nodes``] x ``hidden_layers`` -> 1, activation on every node."""

    def __init__(self, activation: str = "MML", *, hidden_layers: int = 0, hidden_nodes: int = 5,
                 inputs: int = 2, seed: int = 0, dtype=torch.float64):
        super().__init__()
        if hidden_layers < 0:
            raise ValueError("hidden_layers must be >= 0")
        self.activation = get_activation(activation)
        widths = [inputs] + [hidden_nodes] * hidden_layers + [1]
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(a, b, dtype=dtype) for a, b in zip(widths[:-1], widths[1:]))
        # nn.Linear's default range, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), from our own generator
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for layer in self.layers:
                bound = 1.0 / np.sqrt(layer.in_features)
                for parameter in (layer.weight, layer.bias):
                    parameter.copy_((2 * torch.rand(parameter.shape, generator=generator,
                                                    dtype=dtype) - 1) * bound)
        self.scale = torch.nn.Parameter(torch.ones(1, dtype=dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = self.activation.value(layer(x))
        return self.scale * x[:, 0]


def train_ffnn(model: FFNN, inputs: torch.Tensor, targets: torch.Tensor, *, epochs: int = 5000,
               lr: float = 0.002, weight_decay: float = 1e-5) -> list[float]:
    """Full-batch Adam on the mean squared error; return the loss of every epoch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = torch.mean((model(inputs) - targets) ** 2)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    return losses


def _tensors(table: pd.DataFrame, dtype):
    x = torch.as_tensor(table[["source_a", "source_b"]].to_numpy(np.float64), dtype=dtype)
    y = torch.as_tensor(table["output"].to_numpy(np.float64), dtype=dtype)
    return x, y


def fit_response(train: pd.DataFrame, test: pd.DataFrame, *, activations=("MML", "leakyReLU",
                 "sigmoid"), hidden_layers=(0, 1), hidden_nodes: int = 5, seeds=(0, 1, 2),
                 epochs: int = 5000, lr: float = 0.002, weight_decay: float = 1e-5,
                 dtype=torch.float64) -> pd.DataFrame:
    """Fit every activation x depth x seed to ``train``; score on ``train`` and ``test``.

    ``train`` and ``test`` have columns ``source_a, source_b, output``. Returns one row per
    fit: ``activation, hidden_layers, seed, train_r, test_r, final_loss``.
    """
    train_x, train_y = _tensors(train, dtype)
    test_x, test_y = _tensors(test, dtype)
    rows = []
    for activation in activations:
        for depth in hidden_layers:
            for seed in seeds:
                model = FFNN(activation, hidden_layers=depth, hidden_nodes=hidden_nodes,
                             seed=seed, dtype=dtype)
                losses = train_ffnn(model, train_x, train_y, epochs=epochs, lr=lr,
                                    weight_decay=weight_decay)
                with torch.no_grad():
                    train_r = pearson(model(train_x).numpy(), train_y.numpy())
                    test_r = pearson(model(test_x).numpy(), test_y.numpy())
                rows.append({"activation": activation, "hidden_layers": depth, "seed": seed,
                             "train_r": train_r, "test_r": test_r,
                             "final_loss": losses[-1] if losses else float("nan")})
    return pd.DataFrame(rows)
