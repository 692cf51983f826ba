"""Synthetic data: the paper's condition-generation protocol.

Condition 0 is the control (no ligand). Condition i (i >= 1) stimulates ligand
(i - 1) mod #ligands plus ``ligands_per_sample - 1`` other random ligands; concentrations
are U(0, 1). With N >= #ligands + 1 every ligand is stimulated at least once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["training_conditions", "random_conditions"]


def training_conditions(ligands: list[str], n_samples: int, ligands_per_sample: int,
                        seed: int = 0) -> pd.DataFrame:
    """Ligand table (conditions x ligands) following the paper's training protocol."""
    rng = np.random.default_rng(seed)
    n_lig = len(ligands)
    k = min(ligands_per_sample, n_lig)
    values = np.zeros((n_samples, n_lig))
    for i in range(1, n_samples):
        first = (i - 1) % n_lig
        others = rng.choice(np.delete(np.arange(n_lig), first), size=k - 1, replace=False)
        chosen = np.concatenate([[first], others]).astype(int)
        values[i, chosen] = rng.random(len(chosen))
    index = [f"condition{i:04d}" for i in range(n_samples)]
    return pd.DataFrame(values, index=index, columns=list(ligands))


def random_conditions(ligands: list[str], n_samples: int, ligands_per_sample: int,
                      seed: int = 0, prefix: str = "test") -> pd.DataFrame:
    """Conditions with ``ligands_per_sample`` random ligands each, concentrations U(0, 1)."""
    rng = np.random.default_rng(seed)
    n_lig = len(ligands)
    k = min(ligands_per_sample, n_lig)
    values = np.zeros((n_samples, n_lig))
    for i in range(n_samples):
        chosen = rng.choice(n_lig, size=k, replace=False)
        values[i, chosen] = rng.random(k)
    index = [f"{prefix}{i:04d}" for i in range(n_samples)]
    return pd.DataFrame(values, index=index, columns=list(ligands))
