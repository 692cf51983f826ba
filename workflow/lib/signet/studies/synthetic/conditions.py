"""Synthetic data: the paper's condition-generation protocol.

Condition 0 is the control (no ligand). Condition i (i >= 1) stimulates ligand
(i - 1) mod #ligands plus ``ligands_per_sample - 1`` other random ligands; concentrations
are U(0, 1). With N >= #ligands + 1 every ligand is stimulated at least once.

Also the controls of the data-requirement sweep (scrambled TF rows; the recipes of the
regularisation-only and no-spectral controls) and the random conditions per ligand-count
level of the complexity analysis (Fig. 4c-d).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["training_conditions", "random_conditions", "validation_conditions", "CONTROLS",
           "control_recipe", "levels_conditions", "simulate_training_data", "PAPER_SWEEP_R",
           "PAPER_CONTROL_R", "PAPER_KNOCKOUT_R", "ensemble_r", "summary_table"]


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


def validation_conditions(ligands: list[str], samples: int, ligands_per_sample: int,
                          seed: int, validation_seed: int = 5, fraction: float = 0.1,
                          min_conditions: int = 2) -> pd.DataFrame:
    """A validation draw for early stopping, separate from a sweep point's training data:
    max(min_conditions, round(fraction x samples)) random conditions with the point's number
    of ligands, from a seed of its own (a function of the point and ``validation_seed``)."""
    count = max(int(min_conditions), round(fraction * samples))
    draw_seed = int(validation_seed) * 1_000_003 + samples * 101 + ligands_per_sample * 11 + seed
    return random_conditions(ligands, count, ligands_per_sample, seed=draw_seed,
                             prefix="validation")


CONTROLS = ("mean", "scrambled", "regularisation_only", "no_spectral")


def control_recipe(recipe, control: str):
    """The recipe of a trained control: ``regularisation_only`` sets the fit coefficient to
    0, ``no_spectral`` the spectral coefficient; ``scrambled`` keeps the recipe (its data
    differ); ``mean`` trains nothing (None)."""
    if control not in CONTROLS:
        raise ValueError(f"control must be one of {', '.join(CONTROLS)}, not {control!r}")
    if control == "mean":
        return None
    changes = {"regularisation_only": {"fit": 0.0}, "no_spectral": {"spectral": 0.0},
               "scrambled": {}}[control]
    return recipe.replace(name=f"{recipe.name}-{control}", **changes)


def levels_conditions(ligands: list[str], levels, n_samples: int, seed: int = 0
                      ) -> dict[int, pd.DataFrame]:
    """``n_samples`` random conditions at each level of simultaneous ligands (Fig. 4c-d)."""
    return {int(level): random_conditions(ligands, n_samples, int(level), seed=seed + int(level),
                                          prefix=f"level{int(level)}_")
            for level in levels}


def simulate_training_data(reference_model, n_samples: int, ligands_per_sample: int,
                           seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training ligands (the paper's protocol) and the reference model's TF outputs."""
    ligands = training_conditions(reference_model.network.ligands, n_samples,
                                  ligands_per_sample, seed=seed)
    tfs, _ = reference_model.simulate(ligands)
    return ligands, tfs


# the paper's published values (method.md section 5): test r at 5 simultaneous ligands by
# number of training samples, the controls, and the knock-out r
PAPER_SWEEP_R = {10: 0.44, 50: 0.80, 100: 0.89, 400: 0.976, 800: 0.984}
PAPER_CONTROL_R = {"mean": 0.16, "scrambled": 0.10, "regularisation_only": 0.15}
PAPER_KNOCKOUT_R = 0.80


def ensemble_r(points: pd.DataFrame, predictions: list[pd.DataFrame],
               truth: pd.DataFrame) -> pd.DataFrame:
    """Test r of each sweep point's seed ensemble: the mean of its models' test predictions.

    ``points`` has one row per trained model (columns samples, ligands, seed), in the order
    of ``predictions`` (each a conditions x TFs table); ``truth`` is the test set's TF table.
    Returns one row per (samples, ligands) with at least two models: ``samples, ligands,
    models, r`` (Pearson r over every (condition, TF) value the averaged table and ``truth``
    share, as the models' own ``r``).
    """
    from signet.eval.metrics import pooled_r

    if len(points) != len(predictions):
        raise ValueError(f"{len(points)} sweep models but {len(predictions)} prediction tables")
    rows = []
    keys = points[["samples", "ligands"]].astype(int).itertuples(index=False, name=None)
    groups: dict[tuple[int, int], list[pd.DataFrame]] = {}
    for key, table in zip(keys, predictions):
        groups.setdefault(key, []).append(table)
    for (samples, ligands), tables in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(tables) < 2:
            continue
        mean = sum(t.astype(float) for t in tables) / len(tables)  # aligned on labels
        rows.append({"samples": samples, "ligands": ligands, "models": len(tables),
                     "r": pooled_r(mean, truth)})
    return pd.DataFrame(rows, columns=["samples", "ligands", "models", "r"])


def summary_table(sweep: pd.DataFrame, controls: pd.DataFrame, knockout: dict,
                  complexity: pd.DataFrame | None = None, *,
                  released_models: bool = False,
                  ensembles: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per reported number: ``part, samples, ligands, seed, name, ours, paper,
    paper_released, ours_ge_released``.

    ``sweep`` and ``controls`` hold the metrics rows of the points (columns samples, ligands,
    seed, r, ...; controls also ``control``); ``knockout`` the agreement dict. ``paper`` is
    the paper's published value; with ``released_models`` (the study runs on the paper's
    released reference), each sweep point's ``r`` row also gives the test r of the paper's own
    released model of that point (``paper_released``,
    :data:`signet.studies.synthetic.released.PAPER_RELEASED_MODEL_R`) and whether ours is at
    least that (``ours_ge_released``). ``ensembles`` (:func:`ensemble_r`) adds one
    ``r_ensemble`` row per point with several seeds (``seed`` empty), with the same bars.
    """
    from signet.studies.synthetic.released import PAPER_RELEASED_MODEL_R

    rows = []
    for point in sweep.sort_values(["ligands", "samples", "seed"]).itertuples(index=False):
        paper = PAPER_SWEEP_R.get(int(point.samples)) if int(point.ligands) == 5 else None
        released = PAPER_RELEASED_MODEL_R.get((int(point.ligands), int(point.samples))) \
            if released_models else None
        for name in ("r", "r_tf_median", "r_condition_median", "internal_state_r"):
            ours = float(getattr(point, name))
            bar = released if name == "r" else None
            rows.append({"part": "sweep", "samples": int(point.samples),
                         "ligands": int(point.ligands), "seed": int(point.seed), "name": name,
                         "ours": ours, "paper": paper if name == "r" else None,
                         "paper_released": bar,
                         "ours_ge_released": None if bar is None else bool(ours >= bar)})
    if ensembles is not None:
        for point in ensembles.itertuples(index=False):
            samples, ligands = int(point.samples), int(point.ligands)
            released = PAPER_RELEASED_MODEL_R.get((ligands, samples)) if released_models \
                else None
            rows.append({"part": "sweep", "samples": samples, "ligands": ligands, "seed": None,
                         "name": "r_ensemble", "ours": float(point.r),
                         "paper": PAPER_SWEEP_R.get(samples) if ligands == 5 else None,
                         "paper_released": released,
                         "ours_ge_released": None if released is None
                         else bool(float(point.r) >= released)})
    for point in controls.itertuples(index=False):
        rows.append({"part": "control", "samples": int(point.samples),
                     "ligands": int(point.ligands), "seed": int(point.seed),
                     "name": f"{point.control}_r", "ours": float(point.r),
                     "paper": PAPER_CONTROL_R.get(point.control)})
    rows.append({"part": "knockout", "samples": knockout.get("samples"),
                 "ligands": knockout.get("ligands"), "seed": knockout.get("seed"),
                 "name": "knockout_r", "ours": knockout["r"], "paper": PAPER_KNOCKOUT_R})
    rows.append({"part": "knockout", "samples": knockout.get("samples"),
                 "ligands": knockout.get("ligands"), "seed": knockout.get("seed"),
                 "name": "knockout_sign_agreement", "ours": knockout["sign_agreement"],
                 "paper": None})
    if complexity is not None:
        for level in complexity.itertuples(index=False):
            for name in ("area", "linear_cv_r", "extrapolation_r"):
                rows.append({"part": "complexity", "samples": None, "ligands": int(level.level),
                             "seed": None, "name": name, "ours": float(getattr(level, name)),
                             "paper": None})
    table = pd.DataFrame(rows, columns=["part", "samples", "ligands", "seed", "name", "ours",
                                        "paper", "paper_released", "ours_ge_released"])
    for column in ("samples", "ligands", "seed"):
        table[column] = table[column].astype("Int64")
    table["paper_released"] = table["paper_released"].astype("Float64")
    table["ours_ge_released"] = table["ours_ge_released"].astype("boolean")
    return table
