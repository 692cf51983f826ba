"""The core's less travelled paths: recipe files (round trip and every refusal) and the
eigen-solver's fallbacks when ARPACK does not converge (against dense ``numpy.linalg.eig``)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse
import scipy.sparse.linalg
from signet.errors import SignetInputError
from signet.spectral import eigen
from signet.training import PRESETS, Recipe


# ---- recipes -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_recipe_yaml_round_trip_is_exact(tmp_path, name):
    """Every field of every preset survives to_yaml -> from_yaml (compared field by field
    with the preset, the independent copy)."""
    path = tmp_path / f"{name}.yaml"
    PRESETS[name].to_yaml(path)
    loaded = Recipe.from_yaml(path)
    for field in dataclasses.fields(Recipe):
        assert getattr(loaded, field.name) == getattr(PRESETS[name], field.name), field.name
    assert Recipe.load(path) == loaded and Recipe.load(name) is PRESETS[name]


@pytest.mark.parametrize("text, message", [
    (None, "not found"),
    ("epochs: [1, 2\n", r"recipe.yaml:2: not valid YAML \(column 1\)"),
    ("- 1\n- 2\n", "mapping"),
    ("preset: nonsense\n", "unknown preset 'nonsense'"),
    ("dtype: float16\n", "dtype must be float64 or float32"),
    ("unknown_sign: sometimes\n", "unknown_sign must be positive or random"),
    ("batch_size: 0\n", "recipe field 'batch_size' is 0; expected 1 or more"),
    ("epochs: 0\n", "recipe field 'epochs' is 0; expected 1 or more"),
    ("steps: -1\n", "recipe field 'steps' is -1; expected 1 or more"),
    ("validation_fraction: 1.0\n", r"validation_fraction must be in \[0, 1\)"),
    ("spectral_max_norm: -1\n", "spectral_max_norm must be >= 0"),
    ("epochs: true\n", "'epochs' must be a number"),
])
def test_recipe_files_are_refused_with_one_clear_line(tmp_path, text, message):
    path = tmp_path / "recipe.yaml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(SignetInputError, match=message) as err:
        Recipe.from_yaml(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("epochs, warns", [(5, True), (1000, True), (1053, True),
                                           (1054, False), (2000, False)])
def test_a_run_too_short_for_its_warm_up_warns_in_one_line(caplog, epochs, warns):
    """The paper recipe warms up over 1000 epochs and decays until 95 % of the run: the decay
    has room only from int(0.95 * epochs) > 1000, i.e. 1054 epochs (0.95 * 1053 = 1000.35,
    0.95 * 1054 = 1001.3)."""
    with caplog.at_level("WARNING", logger="signet.recipe"):
        Recipe.load("paper").replace(epochs=epochs)
    messages = [r.getMessage() for r in caplog.records if r.name == "signet.recipe"]
    if warns:
        assert messages == [f"recipe 'paper': {epochs} epoch(s) leave no learning-rate decay "
                            "after the 1000-epoch warm-up, so training ends at the peak rate; "
                            "give at least 1054 epochs or a smaller warmup_epochs"]
    else:
        assert messages == []


# ---- eigen-solver fallbacks ---------------------------------------------------------------
def _matrix(n=40, seed=0):
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, n)) * (rng.random((n, n)) < 0.2)
    return scipy.sparse.csr_matrix(dense), dense


def _check_against_numpy(result, dense):
    """rho and the eigen-equations A v = lambda v, w^T A = lambda w^T, by numpy."""
    values = np.linalg.eigvals(dense)
    assert abs(result.value) == pytest.approx(np.abs(values).max(), rel=1e-9)
    v, w = result.right, result.left
    assert np.allclose(dense @ v, result.value * v, atol=1e-8 * np.abs(v).max())
    assert np.allclose(w @ dense, result.value * w, atol=1e-8 * np.abs(w).max())


def _failing_eigs(failures: int):
    """scipy's eigs that raises ArpackNoConvergence the first ``failures`` times."""
    real = scipy.sparse.linalg.eigs
    calls = {"n": 0}

    def eigs(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= failures:
            raise scipy.sparse.linalg.ArpackNoConvergence("no convergence", np.array([]),
                                                          np.empty((0, 0)))
        return real(*args, **kwargs)

    return eigs, calls


@pytest.mark.parametrize("failures, method", [(0, "arpack"), (1, "arpack"), (2, "dense")])
def test_arpack_retries_with_a_larger_space_then_solves_densely(monkeypatch, failures, method):
    sparse, dense = _matrix()
    eigs, calls = _failing_eigs(failures)
    monkeypatch.setattr(scipy.sparse.linalg, "eigs", eigs)
    result = eigen.leading_eigen_arpack(sparse)
    assert result.method == method and calls["n"] >= failures
    _check_against_numpy(result, dense)


def test_tiny_matrices_are_solved_densely():
    dense = np.array([[0.0, 2.0, 0.0], [0.5, 0.0, 0.0], [0.0, 1.0, 0.3]])
    result = eigen.leading_eigen_arpack(scipy.sparse.csr_matrix(dense))
    assert result.method == "dense"
    _check_against_numpy(result, dense)


def test_exact_solver_above_the_dense_limit_uses_arpack():
    sparse, dense = _matrix(n=eigen.DENSE_LIMIT + 20, seed=1)
    result = eigen.leading_eigen_exact(sparse)
    assert result.method == "arpack"
    _check_against_numpy(result, dense)
