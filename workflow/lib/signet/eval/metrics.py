"""Agreement between predicted and reference (observed) TF activities.

* :func:`pearson` - Pearson r over all values of two equally shaped tables / arrays; NaN
  where either side is constant or has fewer than two values
* :func:`pooled_r` - r over every (condition, TF) value two tables share
* :func:`per_tf_r`, :func:`per_condition_r` - r per column (TF) and per row (condition) over
  the rows and columns the tables share; NaN where either side is constant
* :func:`internal_state_r` - r over the internal (non-ligand, non-TF) steady states
* :func:`knockout_agreement` - r between predicted and reference knock-out deltas, and the
  fraction of equal signs where the reference |delta| exceeds a threshold (0.1)
* :func:`mean_predictor` - the control that predicts each TF's training mean
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from signet.errors import SignetInputError

__all__ = ["pearson", "pooled_r", "per_tf_r", "per_condition_r", "internal_state_r",
           "knockout_agreement", "mean_predictor", "prediction_metrics"]


def _values(table) -> np.ndarray:
    return np.asarray(table.to_numpy() if hasattr(table, "to_numpy") else table,
                      dtype=np.float64)


def pearson(predicted, reference) -> float:
    """Pearson r over all values (flattened); NaN if either side is constant or has fewer
    than two values."""
    a, b = _values(predicted).ravel(), _values(reference).ravel()
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if a.size < 2:
        return float("nan")
    a, b = a - a.mean(), b - b.mean()
    denominator = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denominator) if denominator > 0 else float("nan")


def _columnwise_r(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    denominator = np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, (a * b).sum(axis=0) / denominator, np.nan)


def _aligned(predicted: pd.DataFrame, reference: pd.DataFrame):
    """Both tables on the rows and columns they share, in the reference's order."""
    rows = [c for c in reference.index if c in predicted.index]
    columns = [c for c in reference.columns if c in predicted.columns]
    if not rows or not columns:
        raise SignetInputError(reference.attrs.get("path"),
                               "predicted and reference tables share no condition or no TF")
    return predicted.loc[rows, columns], reference.loc[rows, columns]


def pooled_r(predicted: pd.DataFrame, reference: pd.DataFrame) -> float:
    """r over every (condition, TF) value the two tables share."""
    predicted, reference = _aligned(predicted, reference)
    return pearson(predicted, reference)


def per_tf_r(predicted: pd.DataFrame, reference: pd.DataFrame) -> pd.Series:
    """r of each TF (column) over the shared conditions, in the reference's column order."""
    predicted, reference = _aligned(predicted, reference)
    return pd.Series(_columnwise_r(_values(predicted), _values(reference)),
                     index=reference.columns, name="r", dtype=np.float64)


def per_condition_r(predicted: pd.DataFrame, reference: pd.DataFrame) -> pd.Series:
    """r of each condition (row) over the shared TFs, in the reference's row order."""
    predicted, reference = _aligned(predicted, reference)
    return pd.Series(_columnwise_r(_values(predicted).T, _values(reference).T),
                     index=reference.index, name="r", dtype=np.float64)


def internal_state_r(predicted_states: pd.DataFrame, reference_states: pd.DataFrame,
                     network) -> float:
    """r over all internal-node (neither ligand nor TF) steady states."""
    nodes = network.internal_nodes
    return pearson(predicted_states.loc[reference_states.index, nodes],
                   reference_states[nodes])


def knockout_agreement(predicted: pd.DataFrame, reference: pd.DataFrame,
                       threshold: float = 0.1) -> dict:
    """Compare two knock-out tables (``condition, node, tf, delta``).

    Returns ``r`` over all (condition, node, tf) deltas, ``sign_agreement`` (fraction of
    entries with |reference delta| > ``threshold`` whose predicted delta has the same sign),
    and ``n_large`` (how many such entries).
    """
    keys = ["condition", "node", "tf"]
    merged = reference.merge(predicted, on=keys, suffixes=("_reference", "_predicted"),
                             validate="one_to_one")
    if len(merged) != len(reference):
        raise ValueError("the knock-out tables do not cover the same condition/node/tf")
    ref = merged["delta_reference"].to_numpy()
    pred = merged["delta_predicted"].to_numpy()
    large = np.abs(ref) > threshold
    agreement = float(np.mean(np.sign(pred[large]) == np.sign(ref[large]))) \
        if large.any() else float("nan")
    return {"r": pearson(pred, ref), "sign_agreement": agreement, "n_large": int(large.sum())}


def mean_predictor(train_tfs: pd.DataFrame, conditions) -> pd.DataFrame:
    """Predict each TF's training mean for every condition (the paper's trivial control)."""
    index = conditions.index if hasattr(conditions, "index") else pd.Index(conditions)
    means = train_tfs.mean(axis=0).to_numpy()
    return pd.DataFrame(np.tile(means, (len(index), 1)), index=index,
                        columns=train_tfs.columns)


def prediction_metrics(predicted: pd.DataFrame, reference: pd.DataFrame) -> dict:
    """Pooled r, the median per-TF and per-condition r, and the mean squared error."""
    predicted, reference = _aligned(predicted, reference)
    return {
        "r": pearson(predicted, reference),
        "r_tf_median": float(np.nanmedian(per_tf_r(predicted, reference))),
        "r_condition_median": float(np.nanmedian(per_condition_r(predicted, reference))),
        "mse": float(np.mean((_values(predicted) - _values(reference)) ** 2)),
    }
