"""Leave-one-condition-out cross-validation of the macrophage study (paper Fig. 6c-f).

* :func:`fold_data`: the training and the left-out part of the ligand and TF tables for one
  fold (the folds themselves come from :func:`signet.folds.loocv_folds`).
* :func:`scramble_tfs`: the scrambled control's TF table, every condition given the TF row of
  another condition through a seeded derangement (:func:`signet.folds.derangement`).
* :func:`pooled_r`, :func:`per_condition_r`, :func:`per_tf_r`: Pearson r of predicted against
  observed TF activities, over all values or per condition / TF.
* :func:`rank_knockouts`: knock-out tables of several fold models (``model, condition, node,
  tf, delta``) reduced to a ranking of nodes by the mean |delta| of one TF (RELA in the paper).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import SignetInputError
from .folds import derangement

__all__ = ["fold_data", "scramble_tfs", "pearson", "pooled_r", "per_condition_r", "per_tf_r",
           "rank_knockouts", "RELA"]

RELA = "Q04206"  # UniProt accession of RELA (NF-kB p65), the read-out of the paper's KOs


def fold_data(ligands: pd.DataFrame, tfs: pd.DataFrame, left_out: str | None):
    """``(train_ligands, train_tfs, test_ligands, test_tfs)`` for leaving ``left_out`` out.

    ``left_out`` None is the full fit: everything is training data and the test tables are
    empty. Conditions follow the ligand table's order; every one needs a TF row.
    """
    missing = [c for c in ligands.index if c not in tfs.index]
    if missing:
        raise SignetInputError(tfs.attrs.get("path"),
                               f"condition {missing[0]!r} of the ligand table has no TF row")
    if left_out is not None and left_out not in ligands.index:
        raise SignetInputError(ligands.attrs.get("path"),
                               f"left-out condition {left_out!r} is not a condition "
                               f"(conditions: {', '.join(map(str, ligands.index))})")
    test = ligands.index == left_out
    tfs = tfs.loc[ligands.index]
    return ligands[~test], tfs[~test], ligands[test], tfs[test]


def scramble_tfs(tfs: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The TF table with its rows permuted by a seeded derangement: condition i gets the TF
    activities of condition ``p[i] != i``. The index (condition names) stays in place."""
    permutation = derangement(len(tfs), np.random.default_rng(seed))
    scrambled = pd.DataFrame(tfs.to_numpy()[permutation], index=tfs.index, columns=tfs.columns)
    scrambled.attrs = dict(tfs.attrs)
    scrambled.attrs["derangement"] = [str(tfs.index[i]) for i in permutation]
    return scrambled


def pearson(a, b) -> float:
    """Pearson r of two equally long vectors; NaN when either is constant or has fewer
    than two values (a TF over a single left-out condition)."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"need two vectors of the same length, got {a.shape}, {b.shape}")
    if a.size < 2:
        return float("nan")
    a, b = a - a.mean(), b - b.mean()
    denominator = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denominator) if denominator > 0 else float("nan")


def _aligned(predicted: pd.DataFrame, observed: pd.DataFrame):
    rows = [c for c in observed.index if c in predicted.index]
    columns = [c for c in observed.columns if c in predicted.columns]
    if not rows or not columns:
        raise SignetInputError(observed.attrs.get("path"),
                               "predicted and observed tables share no condition or no TF")
    return predicted.loc[rows, columns], observed.loc[rows, columns]


def pooled_r(predicted: pd.DataFrame, observed: pd.DataFrame) -> float:
    """r over every (condition, TF) value the two tables share."""
    predicted, observed = _aligned(predicted, observed)
    return pearson(predicted.to_numpy(), observed.to_numpy())


def per_condition_r(predicted: pd.DataFrame, observed: pd.DataFrame) -> pd.Series:
    """r across TFs, one per condition (the paper's Fig. 6d)."""
    predicted, observed = _aligned(predicted, observed)
    return pd.Series({c: pearson(predicted.loc[c], observed.loc[c]) for c in observed.index},
                     name="r", dtype=np.float64)


def per_tf_r(predicted: pd.DataFrame, observed: pd.DataFrame) -> pd.Series:
    """r across conditions, one per TF (the paper's Fig. 6e)."""
    predicted, observed = _aligned(predicted, observed)
    return pd.Series({t: pearson(predicted[t], observed[t]) for t in observed.columns},
                     name="r", dtype=np.float64)


def rank_knockouts(table: pd.DataFrame, tf: str = RELA, names: dict | None = None,
                   exclude=(), top: int | None = None) -> pd.DataFrame:
    """Rank knocked-out nodes by mean |delta ``tf``| over models and conditions.

    ``table`` has columns ``node, tf, delta`` (and usually ``model, condition``); rows of
    other TFs are ignored. ``exclude`` drops nodes from the ranking (e.g. the read-out TF
    itself). Returns ``rank, node, name, mean_abs_delta, sd_abs_delta, mean_delta, n``
    sorted by decreasing ``mean_abs_delta`` (ties by node id).
    """
    missing = {"node", "tf", "delta"} - set(table.columns)
    if missing:
        raise SignetInputError(table.attrs.get("path"),
                               f"knock-out table lacks column(s) {', '.join(sorted(missing))}")
    rows = table[(table["tf"] == tf) & ~table["node"].isin(list(exclude))]
    if rows.empty:
        raise SignetInputError(table.attrs.get("path"), f"no knock-out rows for TF {tf!r}")
    magnitude = rows.assign(abs_delta=rows["delta"].abs())
    grouped = magnitude.groupby("node", sort=True)
    ranking = pd.DataFrame({
        "mean_abs_delta": grouped["abs_delta"].mean(),
        "sd_abs_delta": grouped["abs_delta"].std(ddof=0),
        "mean_delta": grouped["delta"].mean(),
        "n": grouped["delta"].size(),
    }).reset_index()
    ranking = ranking.sort_values(["mean_abs_delta", "node"], ascending=[False, True],
                                  kind="mergesort").reset_index(drop=True)
    names = names or {}
    ranking.insert(1, "name", [names.get(n, n) for n in ranking["node"]])
    ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    return ranking.head(top) if top else ranking
