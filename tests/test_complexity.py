"""The linear complexity analyses of Fig. 4c-d against closed forms."""

import numpy as np
import pandas as pd
import pytest
from signet.studies.synthetic.complexity import (
    extrapolation_r,
    hull_area,
    linear_cv_r,
    pca_by_level,
)


def test_hull_area_closed_form():
    """Unit square plus an interior point: area 1; triangle (0,0), (2,0), (0,3): area 3;
    collinear or fewer than 3 points: 0."""
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.5]])
    assert hull_area(square) == pytest.approx(1.0)
    assert hull_area(np.array([[0, 0], [2, 0], [0, 3]])) == pytest.approx(3.0)
    assert hull_area(np.array([[0, 0], [1, 1], [2, 2]])) == 0.0
    assert hull_area(np.array([[0, 0], [1, 1]])) == 0.0


def _linear_data(n, seed):
    rng = np.random.default_rng(seed)
    ligands = pd.DataFrame(rng.random((n, 3)), columns=["a", "b", "c"],
                           index=[f"s{seed}_{i}" for i in range(n)])
    weights = np.array([[1.0, -2.0], [0.5, 0.0], [0.0, 3.0]])
    tfs = pd.DataFrame(ligands.to_numpy() @ weights + [0.1, 0.2], index=ligands.index,
                       columns=["t1", "t2"])
    return ligands, tfs


def test_linear_models_recover_exactly_linear_data():
    """TFs that are an exact affine function of the ligands: cross-validated and extrapolated
    linear predictions are exact, r = 1."""
    ligands, tfs = _linear_data(40, 0)
    assert linear_cv_r(ligands, tfs, folds=4) == pytest.approx(1.0, abs=1e-12)
    other = _linear_data(30, 1)
    assert extrapolation_r(ligands, tfs, {2: other})[2] == pytest.approx(1.0, abs=1e-12)


def test_pca_by_level_areas_follow_the_spread():
    """Two levels with the same shape, the second scaled by 2 about the pooled mean along
    both PCs: its hull area is 4 times the first's (PCA is a rotation + shift)."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=(50, 4))
    base -= base.mean(axis=0)
    first = pd.DataFrame(base, columns=list("abcd"))
    second = pd.DataFrame(2 * base, columns=list("abcd"), index=range(50, 100))
    scores, summary = pca_by_level({1: first, 2: second})
    assert len(scores) == 100 and set(scores["level"]) == {1, 2}
    areas = summary.set_index("level")["area"]
    assert areas[2] == pytest.approx(4 * areas[1], rel=1e-9)
