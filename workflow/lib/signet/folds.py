"""Cross-validation folds and the scrambled control of the macrophage study.

* :func:`loocv_folds`: the conditions that can be left out, i.e. those whose ligands all
  occur in more than one condition, so that the model has seen every ligand of a left-out
  condition in training. The control (no ligand) qualifies. 20 of the 23 paper conditions
  (GC, IL10 and IL13 are the only conditions with their ligand).
* :func:`derangement`: a uniformly random permutation without fixed points, to scramble
  the TF rows (each condition gets another condition's TF activities).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["loocv_folds", "derangement"]


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
