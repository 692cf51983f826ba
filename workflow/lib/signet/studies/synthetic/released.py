"""The paper's released synthetic study: its reference model and the training sets of its
15-point data sweep, read exactly as released.

* ``synthetic/equationParams.txt``: the reference model (``Source/Target/Type/Value``) on the
  KEGG network, simulated with a fixed 150 steps;
* ``synthetic/conditions.tsv``: the sweep's points (``Index``, ``Ligands`` per condition,
  ``DataSize`` conditions);
* ``synthetic/X_<Index>.pt``: a float64 tensor (conditions x ligands) saved with
  ``torch.save``; its columns are the annotation's ligands that are network nodes, sorted by
  code (``numpy.intersect1d``); row 0 is the control. The TF targets are not released: they
  are the reference's simulation of these rows (:func:`released_targets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from signet.errors import SignetInputError

__all__ = ["REFERENCE_STEPS", "read_sweep_points", "sweep_point_index",
           "read_released_ligands", "read_released_training_set", "released_reference",
           "released_targets", "released_test_set", "ReleasedPoint", "load_released_point",
           "PAPER_RELEASED_MODEL_R"]

# the paper simulated its reference with a fixed number of steps, no early stop
REFERENCE_STEPS = 150

# test r of the paper's own released sweep models on 1000 fresh 5-ligand conditions of the
# released reference (measured as issue 26 states; rows: ligands per condition, columns:
# conditions): the bar each sweep point must reach
PAPER_RELEASED_MODEL_R = {
    (2, 10): 0.275, (2, 50): 0.706, (2, 100): 0.868, (2, 400): 0.921, (2, 800): 0.948,
    (3, 10): 0.347, (3, 50): 0.671, (3, 100): 0.878, (3, 400): 0.930, (3, 800): 0.966,
    (5, 10): 0.430, (5, 50): 0.805, (5, 100): 0.892, (5, 400): 0.977, (5, 800): 0.982,
}


def read_sweep_points(path) -> pd.DataFrame:
    """The sweep's ``conditions.tsv``: columns ``Index, Ligands, DataSize`` (integers >= 0,
    one row per point, no point twice)."""
    from signet.io import read_tsv

    path = Path(path)
    expected = ["Index", "Ligands", "DataSize"]
    table = read_tsv(path, "sweep point table")
    if list(table.columns) != expected:
        raise SignetInputError(path, f"expected the columns {', '.join(expected)}, found "
                                     f"{', '.join(map(str, table.columns))}", line=1)
    for column in expected:
        text = table[column].astype(str).str.strip()
        bad = ~text.str.fullmatch(r"\d+")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise SignetInputError(path, f"expected an integer >= 0, got {text.iloc[row]!r}",
                                   line=row + 2, column=column)
        table[column] = text.astype(np.int64)
    for columns in (["Index"], ["Ligands", "DataSize"]):
        twice = table.duplicated(columns)
        if twice.any():
            row = int(np.flatnonzero(twice.to_numpy())[0])
            raise SignetInputError(path, f"{' and '.join(columns)} "
                                         f"{', '.join(str(table[c].iloc[row]) for c in columns)}"
                                         " is given twice; expected one row per sweep point",
                                   line=row + 2)
    return table


def sweep_point_index(points: pd.DataFrame, samples: int, ligands: int, path=None) -> int:
    """The ``Index`` of the sweep point with ``samples`` conditions of ``ligands`` ligands."""
    match = points[(points["DataSize"] == int(samples)) & (points["Ligands"] == int(ligands))]
    if match.empty:
        known = ", ".join(f"{s} x {lig}" for s, lig in zip(points["DataSize"], points["Ligands"]))
        raise SignetInputError(path, f"no sweep point of {samples} conditions x {ligands} "
                                     f"ligands (points, conditions x ligands: {known})")
    return int(match["Index"].iloc[0])


def released_ligand_columns(network) -> list[str]:
    """The released tensors' columns: the network's ligands sorted by code."""
    return sorted(network.ligands)


def read_released_ligands(path, network) -> pd.DataFrame:
    """A released ``X_<Index>.pt`` as a ligand table (conditions x ligands, float64)."""
    path = Path(path)
    if not path.is_file():
        raise SignetInputError(path, "released ligand table not found")
    try:
        values = torch.load(path, weights_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable file is one line to the user
        raise SignetInputError(path, f"not a tensor saved by torch.save ({type(err).__name__})"
                               ) from None
    columns = released_ligand_columns(network)
    if not torch.is_tensor(values) or values.ndim != 2 or values.shape[1] != len(columns):
        shape = tuple(values.shape) if torch.is_tensor(values) else type(values).__name__
        raise SignetInputError(path, f"expected a conditions x {len(columns)} tensor (the "
                                     f"network's ligands), found {shape}")
    array = values.detach().to(torch.float64).numpy().copy()
    if not np.isfinite(array).all() or (array < 0).any():
        raise SignetInputError(path, "ligand concentrations must be finite and >= 0")
    index = [f"condition{i:04d}" for i in range(array.shape[0])]
    table = pd.DataFrame(array, index=index, columns=columns)
    table.attrs["path"] = str(path)
    return table


def read_released_training_set(points_path, ligands_path, network, samples: int,
                               ligands: int) -> pd.DataFrame:
    """The released ligand table of the sweep point ``samples`` x ``ligands``:
    ``ligands_path`` (its ``X_<Index>.pt``), checked to be that point's table of
    ``points_path`` (``conditions.tsv``) and to have one row per condition."""
    index = sweep_point_index(read_sweep_points(points_path), samples, ligands, points_path)
    table = read_released_ligands(ligands_path, network)
    if len(table) != int(samples):
        raise SignetInputError(ligands_path, f"{len(table)} conditions, but the sweep point "
                                             f"with Index {index} of {points_path} has "
                                             f"DataSize {samples}")
    return table


def released_reference(network, parameters_path):
    """The released reference model, simulated with a fixed 150 steps (no early stop)."""
    from signet.studies.synthetic.reference_model import load_reference_model

    return load_reference_model(network, parameters_path, steps=REFERENCE_STEPS, tol=0.0)


def released_targets(reference, ligands: pd.DataFrame) -> pd.DataFrame:
    """The TF targets of a released training set: the reference's simulation of it."""
    tfs, _ = reference.simulate(ligands)
    return tfs


def released_test_set(reference, conditions: int = 1000, seed: int = 3,
                      ligands_per_sample: int = 5):
    """Fresh test conditions (``ligands_per_sample`` distinct ligands each) and the reference's
    TF outputs."""
    from signet.studies.synthetic.conditions import random_conditions

    ligands = random_conditions(reference.network.ligands, conditions, ligands_per_sample,
                                seed=seed)
    return ligands, released_targets(reference, ligands)


@dataclass
class ReleasedPoint:
    """One sweep point: the network, the reference, the training ligands and targets."""

    network: object
    reference: object
    ligands: pd.DataFrame
    tfs: pd.DataFrame
    samples: int
    ligands_per_sample: int
    seed: int

    def validation_set(self, fraction: float):
        """The early-stopping draw of this point (as the sweep makes it)."""
        from signet.studies.synthetic.conditions import validation_conditions

        ligands = validation_conditions(self.network.ligands, self.samples,
                                        self.ligands_per_sample, self.seed, fraction=fraction)
        return ligands, released_targets(self.reference, ligands)


def load_released_point(release: Path, index: int, draw: int | None = None) -> ReleasedPoint:
    """Sweep point ``index`` of a release folder (``networks/``, ``synthetic/``).

    ``draw``: a fresh training set of the point's size drawn with the paper's protocol
    (seed ``draw``) instead of the released one.
    """
    from signet.core.network import Network
    from signet.studies.synthetic.conditions import training_conditions

    release = Path(release)
    network = Network.from_files(release / "networks" / "KEGGnet-Model.tsv",
                                 release / "networks" / "KEGGnet-Annotation.tsv")
    reference = released_reference(network, release / "synthetic" / "equationParams.txt")
    points = read_sweep_points(release / "synthetic" / "conditions.tsv").set_index("Index")
    if index not in points.index:
        raise SignetInputError(release / "synthetic" / "conditions.tsv",
                               f"no sweep point with Index {index}")
    samples, per_sample = int(points.at[index, "DataSize"]), int(points.at[index, "Ligands"])
    if draw is None:
        ligands = read_released_ligands(release / "synthetic" / f"X_{index}.pt", network)
        seed = index
    else:
        ligands = training_conditions(network.ligands, samples, per_sample, seed=draw)
        seed = draw
    return ReleasedPoint(network, reference, ligands, released_targets(reference, ligands),
                         samples, per_sample, seed)
