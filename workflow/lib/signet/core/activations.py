"""Activation functions of the signaling RNN, each with what the solvers need.

For every activation ``f`` this module gives

* ``value(z)``              f(z)
* ``derivative(z)``         f'(z)
* ``slope_from_output(y)``  f'(z) written as a function of y = f(z) (what the implicit
                            backward and the spectral term use, since only x_ss is kept)
* ``inverse(y)``            z with f(z) = y

MML (Michaelis-Menten-like, leak 0.01; the paper's choice):
    f(z) = 0.01 z (z < 0);  z (0 <= z <= 0.5);  1 - 0.25 / z (z > 0.5)
    f'(z) = 0.01 (z <= 0);  1 (0 < z <= 0.5);  0.25 / z^2 (z > 0.5)
    slope from output: 0.01 (y <= 0);  1 (0 < y <= 0.5);  4 (1 - y)^2 (y > 0.5)
Leaky ReLU (leak 0.01) and the logistic sigmoid are offered for comparison (Fig. 1).
All functions work elementwise on torch tensors of any dtype/device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

__all__ = ["Activation", "MML", "LEAKY_RELU", "SIGMOID", "ACTIVATIONS", "get_activation"]

LEAK = 0.01


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative, output-slope and inverse."""

    name: str
    value: Callable[[torch.Tensor], torch.Tensor]
    derivative: Callable[[torch.Tensor], torch.Tensor]
    slope_from_output: Callable[[torch.Tensor], torch.Tensor]
    inverse: Callable[[torch.Tensor], torch.Tensor]

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        return self.value(z)


# ---- MML -------------------------------------------------------------------------
def _mml_value(z):
    # 1 - 0.25/z only evaluated where z > 0.5 (clamp avoids division warnings elsewhere)
    sat = 1.0 - 0.25 / z.clamp(min=0.5)
    return torch.where(z < 0, LEAK * z, torch.where(z <= 0.5, z, sat))


def _mml_derivative(z):
    sat = 0.25 / z.clamp(min=0.5) ** 2
    return torch.where(z <= 0, torch.full_like(z, LEAK),
                       torch.where(z <= 0.5, torch.ones_like(z), sat))


def _mml_slope(y):
    return torch.where(y <= 0, torch.full_like(y, LEAK),
                       torch.where(y <= 0.5, torch.ones_like(y), 4.0 * (1.0 - y) ** 2))


def _mml_inverse(y):
    if torch.any(y >= 1):
        raise ValueError("MML output must be < 1 to be inverted")
    sat = 0.25 / (1.0 - y.clamp(min=0.5, max=1 - 1e-300))
    return torch.where(y < 0, y / LEAK, torch.where(y <= 0.5, y, sat))


MML = Activation("MML", _mml_value, _mml_derivative, _mml_slope, _mml_inverse)


# ---- leaky ReLU --------------------------------------------------------------------
def _lrelu_value(z):
    return torch.where(z < 0, LEAK * z, z)


def _lrelu_derivative(z):
    return torch.where(z <= 0, torch.full_like(z, LEAK), torch.ones_like(z))


def _lrelu_slope(y):
    return torch.where(y <= 0, torch.full_like(y, LEAK), torch.ones_like(y))


def _lrelu_inverse(y):
    return torch.where(y < 0, y / LEAK, y)


LEAKY_RELU = Activation("leakyReLU", _lrelu_value, _lrelu_derivative, _lrelu_slope,
                        _lrelu_inverse)


# ---- sigmoid -----------------------------------------------------------------------
def _sigmoid_derivative(z):
    s = torch.sigmoid(z)
    return s * (1.0 - s)


def _sigmoid_slope(y):
    return y * (1.0 - y)


def _sigmoid_inverse(y):
    if torch.any((y <= 0) | (y >= 1)):
        raise ValueError("sigmoid output must lie in (0, 1) to be inverted")
    return torch.log(y) - torch.log1p(-y)


SIGMOID = Activation("sigmoid", torch.sigmoid, _sigmoid_derivative, _sigmoid_slope,
                     _sigmoid_inverse)

ACTIVATIONS = {"MML": MML, "leakyReLU": LEAKY_RELU, "sigmoid": SIGMOID}


def get_activation(name: str) -> Activation:
    """Look an activation up by name (``MML``, ``leakyReLU``, ``sigmoid``)."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}") from None
