"""Cross-validation folds and the scrambled control.

* :func:`loocv_folds`: the conditions that can be left out, i.e. those whose ligands all
  occur in more than one condition, so that the model has seen every ligand of a left-out
  condition in training. The control (no ligand) qualifies. 20 of the 23 paper conditions
  (GC, IL10 and IL13 are the only conditions with their ligand).
* :func:`fold_data`: the training and the held-out part of the ligand and TF tables.
* :func:`derangement`: a uniformly random permutation without fixed points, and
  :func:`scramble_tfs`, which uses one to give every condition another condition's TF row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from signet.errors import SignetInputError

__all__ = ["loocv_folds", "fold_data", "derangement", "scramble_tfs"]


def loocv_folds(ligands: pd.DataFrame) -> list[str]:
    """Names of the conditions (rows of a 0/1 or concentration ligand table) to leave out.

    A condition qualifies when every ligand it uses (value > 0) is used by at least one
    other condition. Returned in table order.
    """
    used = ligands.to_numpy(dtype=np.float64) > 0
    conditions_per_ligand = used.sum(axis=0)
    qualifies = [bool(np.all(conditions_per_ligand[row] > 1)) for row in used]
    return [str(name) for name, ok in zip(ligands.index, qualifies) if ok]


def derangement(n: int, rng=None) -> np.ndarray:
    """A permutation ``p`` of ``range(n)`` with ``p[i] != i`` for every i.

    Uniform over all derangements (rejection sampling: about e draws on average).
    ``rng`` is a ``numpy.random.Generator`` or a seed. ``n`` = 0 gives an empty array;
    ``n`` = 1 has no derangement.
    """
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    if n == 1:
        raise ValueError("a single item cannot be deranged")
    rng = np.random.default_rng(rng)
    identity = np.arange(n)
    while True:
        permutation = rng.permutation(n)
        if not np.any(permutation == identity):
            return permutation


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
