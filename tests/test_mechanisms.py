"""Tests of the Fig. 1a mass-action models against their closed-form equilibria."""

import numpy as np
import pandas as pd
import pytest
from signet.studies.figure1.mechanisms import (
    MECHANISMS,
    Mechanism,
    Reaction,
    get_mechanism,
    interpolate_response,
    simulate,
    steady_states,
)


def closed_form(name, a, b):
    """Hand-derived equilibria of the reactions (see the module docstring)."""
    return {
        "independent_activation": 5 * (a + b) / (5 * (a + b) + 1),
        "independent_inhibition": 5 * a / (5 * a + 5 * b + 1),
        "cooperative_activation": 10 * a * b / (1 + a + b + 10 * a * b),
        "competitive_inhibition": 10 * a / (1 + 10 * a + 10 * b),
        "noncompetitive_inhibition": 10 * a / ((1 + 10 * a) * (1 + b)),
    }[name]


def test_steady_states_match_closed_form_equilibria():
    """Integrated to t = 100, every mechanism sits at its hand-derived equilibrium."""
    table = steady_states(grid_points=6)
    assert list(table.columns) == ["mechanism", "source_a", "source_b", "output"]
    assert set(table["mechanism"]) == set(MECHANISMS)
    for name, rows in table.groupby("mechanism"):
        assert len(rows) == 36
        expected = closed_form(name, rows["source_a"].to_numpy(), rows["source_b"].to_numpy())
        np.testing.assert_allclose(rows["output"].to_numpy(), expected, atol=1e-6)


def test_total_target_is_conserved():
    """Mass action moves the target between states only: each row of states sums to 1."""
    a, b = np.array([0.0, 0.3, 1.0]), np.array([1.0, 0.5, 0.0])
    for name in MECHANISMS:
        final = simulate(name, a, b, t_end=3.0)
        np.testing.assert_allclose(final.sum(axis=1), 1.0, atol=1e-9)


def test_start_is_uniform_over_states():
    """At t ~ 0 the states hold 1 / #states each (the paper's initial condition)."""
    final = simulate("noncompetitive_inhibition", [0.5], [0.5], t_end=1e-12)
    np.testing.assert_allclose(final, 0.25, atol=1e-9)


def test_sources_off_gives_zero_output_where_a_is_required():
    """Without A, no mechanism but B-driven independent activation can be active (1e-6 tol)."""
    for name in MECHANISMS:
        final = simulate(name, [0.0], [1.0])
        mechanism = get_mechanism(name)
        active = sum(final[0, mechanism.states.index(s)] for s in mechanism.active)
        expected = 5 / 6 if name == "independent_activation" else 0.0
        assert active == pytest.approx(expected, abs=1e-6)


def test_interpolation_is_exact_for_a_bilinear_surface():
    """Linear grid interpolation reproduces f(a, b) = 0.1 + a + 2 b - a b exactly."""
    levels = np.linspace(0, 1, 11)
    a, b = np.meshgrid(levels, levels, indexing="ij")
    table = pd.DataFrame({"mechanism": "m", "source_a": a.ravel(), "source_b": b.ravel(),
                          "output": (0.1 + a + 2 * b - a * b).ravel()})
    coarse = interpolate_response(table, "m", 7)
    assert len(coarse) == 49
    expected = (0.1 + coarse["source_a"] + 2 * coarse["source_b"]
                - coarse["source_a"] * coarse["source_b"])
    np.testing.assert_allclose(coarse["output"], expected, atol=1e-12)
    assert coarse["source_a"].max() == pytest.approx(1.0)


def test_unknown_names_are_reported():
    with pytest.raises(ValueError, match="unknown mechanism 'toggle'"):
        get_mechanism("toggle")
    with pytest.raises(ValueError, match="unknown species"):
        Mechanism("bad", "", ("T",), (Reaction(("T", "C"), ("T",), 1.0),), ("T",))
    with pytest.raises(ValueError, match="no steady states"):
        interpolate_response(steady_states(["competitive_inhibition"], grid_points=2),
                             "cooperative_activation", 3)
