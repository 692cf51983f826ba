"""Activations: derivatives against central finite differences; slope-from-output against
the derivative at the inverse."""

import pytest
import torch
from signet.core.activations import ACTIVATIONS, MML

NAMES = sorted(ACTIVATIONS)


def _points():
    # avoid the kinks (0 and 0.5) where the derivative is one-sided
    z = torch.linspace(-3, 4, 701, dtype=torch.float64)
    return z[(z.abs() > 1e-3) & ((z - 0.5).abs() > 1e-3)]


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_finite_differences(name):
    act = ACTIVATIONS[name]
    z = _points()
    h = 1e-6
    numeric = (act.value(z + h) - act.value(z - h)) / (2 * h)
    assert torch.allclose(act.derivative(z), numeric, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_slope_from_output_matches_derivative_at_inverse(name):
    act = ACTIVATIONS[name]
    z = _points()
    y = act.value(z)
    assert torch.allclose(act.slope_from_output(y), act.derivative(act.inverse(y)),
                          atol=1e-12, rtol=1e-9)
    assert torch.allclose(act.inverse(y), z, atol=1e-9, rtol=1e-9)


def test_mml_closed_form_values():
    """Hand-computed from f(z) = 0.01 z / z / 1 - 0.25/z."""
    z = torch.tensor([-2.0, 0.0, 0.3, 0.5, 1.0, 2.5], dtype=torch.float64)
    expected = torch.tensor([-0.02, 0.0, 0.3, 0.5, 0.75, 0.9], dtype=torch.float64)
    assert torch.allclose(MML.value(z), expected)
    assert torch.allclose(MML.derivative(z),
                          torch.tensor([0.01, 0.01, 1.0, 1.0, 0.25, 0.04], dtype=torch.float64))
