"""The synthetic study's metrics against hand-computed values."""

import numpy as np
import pandas as pd
import pytest
from signet.core.network import Network
from signet.eval.metrics import (
    internal_state_r,
    knockout_agreement,
    mean_predictor,
    pearson,
    per_condition_r,
    per_tf_r,
    prediction_metrics,
)


def test_pearson_hand_computed():
    """x = (1, 2, 3), y = (1, 3, 2): centred (-1, 0, 1) and (-1, 1, 0), so
    r = 1 / sqrt(2 * 2) = 0.5; over a 2 x 2 table r is over all four values."""
    assert pearson([1, 2, 3], [1, 3, 2]) == pytest.approx(0.5, abs=1e-15)
    # (1, 2, 3, 4) vs (2, 4, 6, 9): centred (-1.5, -.5, .5, 1.5), (-3.25, -1.25, .75, 3.75)
    # sum xy = 4.875 + .625 + .375 + 5.625 = 11.5; sum xx = 5; sum yy = 26.75
    assert pearson(np.array([[1, 2], [3, 4]]), np.array([[2, 4], [6, 9]])) == pytest.approx(
        11.5 / np.sqrt(5 * 26.75), abs=1e-15)
    assert np.isnan(pearson([1, 1, 1], [1, 2, 3]))


def test_per_tf_and_per_condition_r_hand_computed():
    """TF a: predicted (1, 2, 3) vs (1, 3, 2): r = 0.5; TF b: (3, 2, 1) vs (1, 2, 3): r = -1.
    Condition c1: (1, 3) vs (1, 1) -> reference constant -> NaN; c2: (2, 2) vs (3, 2) ->
    predicted constant -> NaN; c3: (3, 1) vs (2, 3): r = -1 (two points)."""
    reference = pd.DataFrame({"a": [1.0, 3, 2], "b": [1.0, 2, 3]}, index=["c1", "c2", "c3"])
    predicted = pd.DataFrame({"b": [3.0, 2, 1], "a": [1.0, 2, 3]}, index=["c1", "c2", "c3"])
    by_tf = per_tf_r(predicted, reference)
    assert list(by_tf.index) == ["a", "b"]
    assert by_tf["a"] == pytest.approx(0.5) and by_tf["b"] == pytest.approx(-1.0)
    by_condition = per_condition_r(predicted, reference)
    assert np.isnan(by_condition["c1"]) and np.isnan(by_condition["c2"])
    assert by_condition["c3"] == pytest.approx(-1.0)
    summary = prediction_metrics(predicted, reference)
    # mse: a: (0, 1, 1), b: (4, 0, 4) -> 10 / 6
    assert summary["mse"] == pytest.approx(10 / 6)
    assert summary["r_tf_median"] == pytest.approx((0.5 - 1.0) / 2)


def test_internal_state_r_uses_only_internal_nodes():
    """Chain L -> A -> B -> T: internal nodes are A and B only. Their values (1, 2 | 3, 4)
    against (1, 2 | 3, 5) give r = 6.5 / sqrt(5 * 8.75), by hand:
    centred x (-1.5, -.5, .5, 1.5), y (-1.75, -.75, .25, 2.25): sum xy = 2.625 + .375 + .125
    + 3.375 = 6.5, sum xx = 5, sum yy = 3.0625 + .5625 + .0625 + 5.0625 = 8.75."""
    edges = pd.DataFrame({"source": ["L", "A", "B"], "target": ["A", "B", "T"],
                          "stimulation": [1, 1, 1], "inhibition": [0, 0, 0]})
    annotation = pd.DataFrame({"code": ["L", "A", "B", "T"], "name": ["L", "A", "B", "T"],
                               "TF": [False, False, False, True],
                               "ligand": [True, False, False, False]})
    network = Network.from_tables(edges, annotation)
    assert network.internal_nodes == ["A", "B"]
    predicted = pd.DataFrame({"A": [1.0, 3], "B": [2.0, 4], "L": [9.0, -9], "T": [0.0, 7]},
                             index=["x", "y"])
    reference = pd.DataFrame({"A": [1.0, 3], "B": [2.0, 5], "L": [0.0, 0], "T": [1.0, 1]},
                             index=["x", "y"])
    assert internal_state_r(predicted, reference, network) == pytest.approx(
        6.5 / np.sqrt(5 * 8.75))


def test_knockout_agreement_hand_computed():
    """Reference deltas (-0.5, 0.2, -0.05, 0.3), predicted (-0.4, -0.1, 0.0, 0.25): entries
    with |reference| > 0.1 are 1, 2, 4, of which 1 and 4 agree in sign -> 2/3."""
    keys = {"condition": ["c"] * 4, "node": ["A", "A", "B", "B"], "tf": ["T1", "T2"] * 2}
    reference = pd.DataFrame({**keys, "delta": [-0.5, 0.2, -0.05, 0.3]})
    predicted = pd.DataFrame({**keys, "delta": [-0.4, -0.1, 0.0, 0.25]}).iloc[::-1]
    result = knockout_agreement(predicted, reference, threshold=0.1)
    assert result["n_large"] == 3
    assert result["sign_agreement"] == pytest.approx(2 / 3)
    assert result["r"] == pytest.approx(pearson([-0.4, -0.1, 0.0, 0.25],
                                                [-0.5, 0.2, -0.05, 0.3]))


def test_mean_predictor_repeats_the_training_means():
    """Training TF a: (0, 1, 2) -> mean 1; b: (4, 4, 7) -> mean 5."""
    train = pd.DataFrame({"a": [0.0, 1, 2], "b": [4.0, 4, 7]})
    test = pd.DataFrame({"L": [0.3, 0.1]}, index=["t1", "t2"])
    predicted = mean_predictor(train, test)
    assert list(predicted.index) == ["t1", "t2"]
    assert predicted.to_numpy().tolist() == [[1.0, 5.0], [1.0, 5.0]]
