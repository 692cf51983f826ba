"""Cross-validation studies on any network: folds, fold models, and the study's tables.

A study is a network, a ligand table and a TF table (conditions as rows, the paper's
formats). :func:`check_values` checks their value ranges as read; :func:`prepare_study`
checks them against the network and drops the TF columns that are not TFs of the network.
:func:`make_folds` splits the conditions into folds: a fold names the conditions it leaves
out; a condition in no fold is in every training set and is never scored.
:func:`train_fold_model` trains one model on the conditions a fold keeps (optionally on TF
rows scrambled by a seeded derangement: the scrambled control) and predicts every condition.
:func:`cv_table` pools each condition's predictions by the models that left it out, averaged
over the seeds of its fold (the ensemble mean, with the spread), and :func:`study_summary`
reduces them to the summary metrics, with a plain note when the cross-validation r is not
above the scrambled control's. :func:`run_knockouts` knocks out nodes with every fold
model that trained on the knock-out condition (:func:`signet.eval.knockouts.knockout_summary`
reduces them per node).
:func:`study_models` lists the models a study trains, :func:`check_study_settings` keeps a
study's folder to one set of settings.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from signet.errors import SignetInputError
from signet.eval.folds import loocv_folds, scramble_tfs
from signet.eval.metrics import pearson

__all__ = ["prepare_study", "check_values", "make_folds", "kfold_folds", "read_fold_file",
           "parse_folds", "check_knockouts", "train_fold_model", "model_is_done", "ensemble",
           "fit_table", "cv_table", "per_condition_table", "per_tf_table", "study_summary",
           "control_note", "control_label", "format_summary", "knockout_models",
           "run_knockouts", "write_knockout_tables", "SUMMARY_METRICS", "write_table",
           "model_dir", "study_models", "train_study_models", "check_study_settings",
           "read_predictions", "write_study_tables", "write_study_knockouts", "run_study"]

log = logging.getLogger("signet.crossval")

FOLD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+=-]*$")
SUMMARY_METRICS = [
    "full_fit_r", "cv_pooled_r", "cv_per_condition_median_r", "cv_per_tf_median_r",
    "scrambled_pooled_r", "scrambled_per_condition_median_r", "mean_predictor_pooled_r",
    "mean_predictor_per_condition_median_r", "n_conditions", "n_scored_conditions", "n_tfs",
    "n_folds", "n_seeds", "n_models", "n_full_models", "n_cv_models", "n_scrambled_models",
    "cv_above_scrambled",
]
#: metrics that count things (printed as whole numbers)
COUNT_METRICS = {m for m in SUMMARY_METRICS if m.startswith("n_")} | {"cv_above_scrambled"}


def write_table(table: pd.DataFrame, path, index: bool = False) -> None:
    """A TSV written atomically with 8 significant digits, NaN as NaN."""
    from signet.io import atomic_write

    with atomic_write(path) as handle:
        table.to_csv(handle, sep="\t", index=index, float_format="%.8g", na_rep="NaN")


# ---- data and folds ------------------------------------------------------------------------
def prepare_study(network, ligands: pd.DataFrame, tfs: pd.DataFrame):
    """``(ligands, tfs, dropped)``: the tables checked against ``network``.

    Every ligand column must be a ligand of the network and every condition of the ligand
    table needs a TF row (one-line errors naming the file). TF columns that are not TFs of
    the network are dropped (returned in ``dropped``); TF rows follow the ligand table, and
    TF rows with no ligand row are not used (one warning line says how many).
    """
    known = set(network.ligands)
    for column in ligands.columns:
        if column not in known:
            raise SignetInputError(ligands.attrs.get("path"),
                                   f"{column!r} is not a ligand of the network",
                                   line=1, column=str(column))
    missing = [c for c in ligands.index if c not in tfs.index]
    if missing:
        raise SignetInputError(tfs.attrs.get("path"),
                               f"condition {missing[0]!r} of the ligand table has no TF row "
                               f"({len(missing)} condition(s) missing)")
    if ligands.index.has_duplicates:
        raise SignetInputError(ligands.attrs.get("path"), "condition "
                               f"{ligands.index[ligands.index.duplicated()][0]!r} is repeated")
    for name in ligands.index:
        if not FOLD_NAME.match(str(name)):
            raise SignetInputError(ligands.attrs.get("path"),
                                   f"condition name {name!r}: use letters, digits and _.+=- "
                                   "(it names files)")
    extra = tfs.index.difference(ligands.index, sort=False).tolist()
    if extra:
        log.warning("%s: %d of %d TF rows have no ligand row and are not used (first: %r)",
                    tfs.attrs.get("path") or "TF table", len(extra), len(tfs), extra[0])
    network_tfs = set(network.tfs)
    kept = [c for c in tfs.columns if c in network_tfs]
    dropped = [c for c in tfs.columns if c not in network_tfs]
    if not kept:
        raise SignetInputError(tfs.attrs.get("path"), "no TF column is a TF of the network")
    prepared = tfs.loc[ligands.index, kept].copy()
    prepared.attrs = dict(tfs.attrs)
    return ligands, prepared, dropped


def check_values(ligands: pd.DataFrame, tfs: pd.DataFrame, *, allow_out_of_range: bool = False,
                 setting: str = "--allow-out-of-range") -> None:
    """The value ranges of a study's tables as read (:func:`signet.io.check_ligand_values`,
    :func:`signet.io.check_tf_values`): a negative ligand value or a TF value outside 0..1
    is one line naming the file, line, column and value and ``setting``, the switch that
    accepts it; with ``allow_out_of_range`` they are accepted with one warning line."""
    from signet.io import check_ligand_values, check_tf_values

    try:
        check_ligand_values(ligands, allow_out_of_range=allow_out_of_range)
        check_tf_values(tfs, allow_out_of_range=allow_out_of_range)
    except SignetInputError as err:
        raise SignetInputError(err.path, err.message.replace("--allow-out-of-range", setting),
                               line=err.line, column=err.column) from None


def kfold_folds(conditions, k: int, seed: int = 0) -> pd.DataFrame:
    """``condition, fold`` for k folds of ``conditions`` (seeded shuffle, sizes differ by at
    most one); folds are named ``fold1`` ... ``foldK``, rows follow ``conditions``."""
    conditions = [str(c) for c in conditions]
    if not 2 <= k <= len(conditions):
        raise SignetInputError(None, f"k-fold needs 2 <= k <= {len(conditions)} (the "
                                     f"conditions that can be left out), not k = {k}")
    order = np.random.default_rng(seed).permutation(len(conditions))
    fold_of = {}
    for number, part in enumerate(np.array_split(order, k), 1):
        for i in part:
            fold_of[conditions[i]] = f"fold{number}"
    return pd.DataFrame({"condition": conditions, "fold": [fold_of[c] for c in conditions]})


def read_fold_file(path, conditions) -> pd.DataFrame:
    """``condition, fold`` from a file of ``condition<TAB>fold`` lines (an optional header
    ``condition<TAB>fold``; blank lines and ``#`` comments skipped). Each condition once,
    every condition known, fold names usable as file names."""
    path = Path(path)
    if not path.exists():
        raise SignetInputError(path, "fold file not found")
    known = {str(c) for c in conditions}
    rows, seen = [], {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = [f.strip() for f in line.rstrip("\r\n").split("\t")]
        if len(fields) != 2 or not all(fields):
            raise SignetInputError(path, "expected condition<TAB>fold", line=number)
        if not rows and not seen and [f.lower() for f in fields] == ["condition", "fold"]:
            seen[None] = number
            continue
        condition, fold = fields
        if condition not in known:
            raise SignetInputError(path, f"{condition!r} is not a condition of the ligand "
                                         "table", line=number, column="condition")
        if condition in seen:
            raise SignetInputError(path, f"condition {condition!r} is already in a fold "
                                         f"(line {seen[condition]})", line=number)
        if not FOLD_NAME.match(fold):
            raise SignetInputError(path, f"fold name {fold!r}: use letters, digits and "
                                         "_.+=- (it names directories)", line=number,
                                   column="fold")
        seen[condition] = number
        rows.append((condition, fold))
    if not rows:
        raise SignetInputError(path, "no condition<TAB>fold line")
    folds = pd.DataFrame(rows, columns=["condition", "fold"])
    if folds["fold"].nunique() == 1 and len(known) == len(folds):
        raise SignetInputError(path, "one fold holding every condition leaves nothing to "
                                     "train on")
    return folds


def make_folds(ligands: pd.DataFrame, method: str, *, k: int | None = None, seed: int = 0,
               path=None) -> pd.DataFrame:
    """``condition, fold``: the left-out conditions of every fold.

    * ``loo``: one fold per condition that can be left out (:func:`loocv_folds`: every
      ligand it uses is used by another condition too); the fold is named after it.
    * ``kfold``: those conditions in ``k`` seeded folds.
    * ``file``: the folds of a ``condition<TAB>fold`` file (grouped folds).

    Conditions in no fold stay in every training set and are never scored.
    """
    if method == "loo":
        names = loocv_folds(ligands)
        if not names:
            raise SignetInputError(ligands.attrs.get("path"), "no condition can be left out "
                                   "(each uses a ligand no other condition uses)")
        return pd.DataFrame({"condition": names, "fold": names})
    if method == "kfold":
        return kfold_folds(loocv_folds(ligands), int(k), seed)
    if method == "file":
        return read_fold_file(path, ligands.index)
    raise SignetInputError(None, f"fold method {method!r}: expected loo, kfold or file")


def parse_folds(text: str) -> dict:
    """The command line's ``--folds``: ``loo``, ``kfold:K`` or ``kfold:K:SEED``, or an
    existing fold file; returns ``make_folds`` keyword arguments (``method``, ``k``,
    ``seed``, ``path``). Anything else is an error that suggests the nearest form."""
    if text == "loo":
        return {"method": "loo"}
    if text.startswith("kfold:"):
        parts = text.split(":")
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            values = [int(p) for p in parts[1:]]
        except ValueError:
            raise SignetInputError(None, f"--folds {text!r}: expected kfold:K or "
                                         "kfold:K:SEED with whole numbers") from None
        return {"method": "kfold", "k": values[0], "seed": values[1] if len(values) > 1 else 0}
    if not Path(text).is_file():
        raise SignetInputError(None, f"--folds {text!r}: expected loo, kfold:K, kfold:K:SEED "
                                     f"or a fold file, and there is no file {text!r}"
                                     f"{_nearest_fold_form(text)}")
    return {"method": "file", "path": text}


def _nearest_fold_form(text: str) -> str:
    """``"; did you mean loo?"`` for a near miss of a --folds form, else ``""``."""
    import difflib

    lowered = text.lower()
    if lowered in ("loo", "loocv", "leave-one-out", "leave_one_out", "leaveoneout"):
        return "; did you mean loo?"
    if lowered.startswith(("kfold", "k-fold", "k_fold")):
        return "; did you mean kfold:K, e.g. kfold:5?"
    close = difflib.get_close_matches(lowered, ["loo", "kfold"], n=1, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean loo?" if close[0] == "loo" else "; did you mean kfold:K, e.g. kfold:5?"


def check_knockouts(settings: dict, network, ligands: pd.DataFrame, key: str | dict) -> list:
    """The knock-out settings checked against the data; returns the nodes to knock out
    (``nodes: all`` = every node that is not a ligand). ``key`` names the config key in the
    one-line errors (``KEY.conditions``, ...), or is a mapping of ``conditions``, ``tfs`` and
    ``nodes`` to the names to use (the command line's flags)."""
    names = key if isinstance(key, dict) else {
        field: f"{key}.{field}" for field in ("conditions", "tfs", "nodes")}
    for condition in settings["conditions"]:
        if condition not in ligands.index:
            raise SignetInputError(ligands.attrs.get("path"),
                                   f"{names['conditions']}: {condition!r} is not a condition "
                                   f"(conditions: {', '.join(map(str, ligands.index[:10]))}"
                                   f"{', ...' if len(ligands) > 10 else ''})")
    for tf in settings["tfs"]:
        if tf not in set(network.tfs):
            raise SignetInputError(None, f"{names['tfs']}: {tf!r} is not a TF of the network")
    nodes = settings.get("nodes", "all")
    if nodes == "all":
        return [n for n in network.nodes if n not in set(network.ligands)]
    unknown = [n for n in nodes if n not in network.node_index]
    if unknown:
        raise SignetInputError(None, f"{names['nodes']}: {unknown[0]!r} is not a node of the "
                                     "network")
    return list(nodes)


# ---- one model -----------------------------------------------------------------------------
def model_is_done(output_dir) -> bool:
    """A fold model is finished when its predictions are written (they come last)."""
    return (Path(output_dir) / "predictions.tsv").exists()


def train_fold_model(network, ligands: pd.DataFrame, tfs: pd.DataFrame, left_out, recipe, *,
                     seed: int, output_dir, scrambled_seed: int | None = None,
                     resume: bool = False, progress: bool = False):
    """Train one model on every condition not in ``left_out`` and predict every condition.

    With ``scrambled_seed`` the TF rows are first permuted by that seeded derangement (each
    condition gets another condition's TF row). Writes ``parameters.tsv``, ``model.pt``,
    ``training-log.tsv`` and, last, ``predictions.tsv`` (conditions x the TF columns) into
    ``output_dir``; ``resume`` continues from ``output_dir/model.pt``. Returns the
    :class:`~signet.training.loop.TrainResult`.
    """
    from signet.io import write_conditions
    from signet.training import model_from_recipe, train

    if scrambled_seed is not None:
        tfs = scramble_tfs(tfs, int(scrambled_seed))
        log.info("scrambled TF rows (seed %s): condition <- %s", scrambled_seed,
                 dict(zip(tfs.index, tfs.attrs["derangement"])))
    left_out = set(left_out)
    keep = [c for c in ligands.index if c not in left_out]
    log.info("left out %d condition(s) (%s); %d training conditions; seed %d",
             len(left_out), ", ".join(sorted(map(str, left_out))) or "none", len(keep), seed)
    model = model_from_recipe(network, recipe, seed=seed)
    result = train(model, ligands.loc[keep], tfs.loc[keep], recipe, seed=seed,
                   output_dir=output_dir, resume=resume, progress=progress)
    if len(result.log):
        last = result.log.iloc[-1]
        log.info("trained %d epochs in %.1f s: fit %.4g, rho %.4f", result.epochs_run,
                 result.seconds, last["fit"], last["rho"])
    model.eval()
    predicted, _ = model.simulate(ligands)
    write_conditions(predicted[list(tfs.columns)], Path(output_dir) / "predictions.tsv")
    return result


# ---- tables --------------------------------------------------------------------------------
def ensemble(tables: list[pd.DataFrame]):
    """``(mean, sd, n)`` over equally shaped tables; sd is the sample SD (ddof 1), NaN for a
    single model."""
    stack = np.stack([t.to_numpy(np.float64) for t in tables])
    mean = pd.DataFrame(stack.mean(axis=0), index=tables[0].index, columns=tables[0].columns)
    sd = pd.DataFrame(stack.std(axis=0, ddof=1) if len(tables) > 1 else
                      np.full(stack.shape[1:], np.nan), index=mean.index, columns=mean.columns)
    return mean, sd, len(tables)


def _long(observed: pd.DataFrame, conditions, values: dict) -> pd.DataFrame:
    columns = list(observed.columns)
    frame = {"condition": np.repeat(np.asarray(conditions, dtype=object), len(columns)),
             "tf": np.tile(np.asarray(columns, dtype=object), len(conditions)),
             "observed": observed.loc[conditions, columns].to_numpy().ravel()}
    for name, table in values.items():
        frame[name] = table.loc[conditions, columns].to_numpy().ravel()
    return pd.DataFrame(frame)


def fit_table(observed: pd.DataFrame, full: list[pd.DataFrame]) -> pd.DataFrame:
    """``condition, tf, observed, predicted_mean, predicted_sd, n_models`` of the full fits."""
    mean, sd, n = ensemble(full)
    table = _long(observed, list(observed.index), {"predicted_mean": mean, "predicted_sd": sd})
    table["n_models"] = n
    return table


def cv_table(observed: pd.DataFrame, folds: pd.DataFrame, cv: dict, scrambled: dict | None
             ) -> pd.DataFrame:
    """Every scored condition's TFs predicted by the models that left it out.

    ``cv`` and ``scrambled`` map a fold name to its models' prediction tables (one per
    seed). Columns: ``condition, fold, tf, observed, predicted_mean, predicted_sd,
    n_models, scrambled_mean, scrambled_sd, mean_predictor`` (the TF's mean over the fold's
    training conditions). Conditions in table order.
    """
    parts = []
    order = {c: i for i, c in enumerate(observed.index)}
    for fold, group in folds.groupby("fold", sort=False):
        conditions = sorted(group["condition"], key=order.__getitem__)
        if fold not in cv:
            continue
        mean, sd, n = ensemble(cv[fold])
        values = {"predicted_mean": mean, "predicted_sd": sd}
        if scrambled and fold in scrambled:
            s_mean, s_sd, _ = ensemble(scrambled[fold])
            values.update(scrambled_mean=s_mean, scrambled_sd=s_sd)
        training = observed.drop(index=conditions)
        values["mean_predictor"] = pd.DataFrame(
            np.tile(training.mean(axis=0).to_numpy(), (len(observed), 1)),
            index=observed.index, columns=observed.columns)
        part = _long(observed, conditions, values)
        part.insert(1, "fold", fold)
        part["n_models"] = n
        parts.append(part)
    if not parts:
        raise SignetInputError(None, "no fold has predictions")
    table = pd.concat(parts, ignore_index=True)
    for column in ("scrambled_mean", "scrambled_sd"):
        if column not in table:
            table[column] = np.nan
    table["_order"] = table["condition"].map(order)
    table = table.sort_values("_order", kind="mergesort").drop(columns="_order")
    columns = ["condition", "fold", "tf", "observed", "predicted_mean", "predicted_sd",
               "n_models", "scrambled_mean", "scrambled_sd", "mean_predictor"]
    return table[columns].reset_index(drop=True)


def _grouped_r(table: pd.DataFrame, by: str, column: str) -> pd.Series:
    return table.groupby(by, sort=False).apply(
        lambda g: pearson(g[column], g["observed"]), include_groups=False)


def per_condition_table(cv: pd.DataFrame) -> pd.DataFrame:
    """``condition, fold, cv_r, scrambled_r, mean_predictor_r``: r across the TFs of each
    scored condition (NaN where a side is constant)."""
    folds = cv.groupby("condition", sort=False)["fold"].first()
    table = pd.DataFrame({"fold": folds,
                          "cv_r": _grouped_r(cv, "condition", "predicted_mean"),
                          "scrambled_r": _grouped_r(cv, "condition", "scrambled_mean"),
                          "mean_predictor_r": _grouped_r(cv, "condition", "mean_predictor")})
    table.index.name = "condition"
    return table.reset_index()


def per_tf_table(fit: pd.DataFrame, cv: pd.DataFrame) -> pd.DataFrame:
    """``tf, fit_r, cv_r``: r across conditions of each TF (full fit: every condition;
    CV: the scored conditions)."""
    table = pd.DataFrame({"fit_r": _grouped_r(fit, "tf", "predicted_mean"),
                          "cv_r": _grouped_r(cv, "tf", "predicted_mean")})
    table.index.name = "tf"
    return table.reset_index()


def _median(values) -> float:
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def control_note(cv_r: float, scrambled_r: float) -> tuple[float, str]:
    """``(cv_above_scrambled, note)``: 1 when the pooled cross-validation r is above the
    scrambled control's, 0 when it is not (a NaN r is not above anything), NaN without a
    scrambled control; the note says which in words."""
    if not np.isfinite(scrambled_r):
        return float("nan"), "no scrambled control was trained, so nothing says whether " \
                             "these predictions beat it"
    if np.isfinite(cv_r) and cv_r > scrambled_r:
        return 1.0, (f"cross-validation r {cv_r:.3f} is above the scrambled control's "
                     f"{scrambled_r:.3f}")
    return 0.0, (f"NOT ABOVE THE CONTROL: cross-validation r {cv_r:.3f} is not above the "
                 f"scrambled control's {scrambled_r:.3f}; these predictions show no more of "
                 "the ligand -> TF relation than models trained on TF rows of other "
                 "conditions")


def control_label(summary: pd.Series) -> str:
    """A few words for a report: whether the study's pooled cross-validation r is above its
    scrambled control's (``summary``: the summary's values indexed by metric)."""
    cv_r, scrambled_r = summary["cv_pooled_r"], summary["scrambled_pooled_r"]
    above, _ = control_note(cv_r, scrambled_r)
    if np.isnan(above):
        return "no scrambled control"
    if above:
        return f"above it: r {cv_r:.2f} > {scrambled_r:.2f}"
    return f"NOT ABOVE IT: r {cv_r:.2f} <= {scrambled_r:.2f}"


def study_summary(fit: pd.DataFrame, cv: pd.DataFrame, *, n_conditions: int, n_folds: int,
                  n_seeds: int, n_cv_models: int, n_scrambled_models: int,
                  n_full_models: int) -> pd.DataFrame:
    """``metric, value, note``: the :data:`SUMMARY_METRICS` from the fit and CV tables.

    Pooled r: over every (condition, TF) row; per-condition / per-TF: the median (NaN
    skipped) of r across the TFs of a condition / the scored conditions of a TF. Predictions
    are ensemble means over seeds. ``n_models`` counts every model the study trains (full
    fits, fold models and scrambled models); ``cv_above_scrambled`` is :func:`control_note`'s
    flag, and its row's note says it in words.
    """
    per_condition = per_condition_table(cv)
    per_tf = per_tf_table(fit, cv)
    scrambled = cv.dropna(subset=["scrambled_mean"])
    cv_r = pearson(cv["predicted_mean"], cv["observed"])
    scrambled_r = (pearson(scrambled["scrambled_mean"], scrambled["observed"])
                   if len(scrambled) else float("nan"))
    above, note = control_note(cv_r, scrambled_r)
    values = {
        "full_fit_r": pearson(fit["predicted_mean"], fit["observed"]),
        "cv_pooled_r": cv_r,
        "cv_per_condition_median_r": _median(per_condition["cv_r"]),
        "cv_per_tf_median_r": _median(per_tf["cv_r"]),
        "scrambled_pooled_r": scrambled_r,
        "scrambled_per_condition_median_r": _median(per_condition["scrambled_r"]),
        "mean_predictor_pooled_r": pearson(cv["mean_predictor"], cv["observed"]),
        "mean_predictor_per_condition_median_r": _median(per_condition["mean_predictor_r"]),
        "n_conditions": n_conditions,
        "n_scored_conditions": cv["condition"].nunique(),
        "n_tfs": fit["tf"].nunique(),
        "n_folds": n_folds, "n_seeds": n_seeds,
        "n_models": n_full_models + n_cv_models + n_scrambled_models,
        "n_full_models": n_full_models, "n_cv_models": n_cv_models,
        "n_scrambled_models": n_scrambled_models,
        "cv_above_scrambled": above,
    }
    notes = {"cv_above_scrambled": note}
    return pd.DataFrame({"metric": list(values), "value": list(values.values()),
                         "note": [notes.get(m, "") for m in values]})


def format_summary(summary: pd.DataFrame) -> str:
    """The summary as aligned ``metric  value`` lines for a terminal: counts as whole
    numbers, r to three decimals, and the note on the control below."""
    width = max(map(len, summary["metric"]))
    lines = []
    for metric, value in zip(summary["metric"], summary["value"]):
        if not np.isfinite(value):
            text = "n/a"
        elif metric in COUNT_METRICS:
            text = str(int(value))
        else:
            text = f"{value:.3f}"
        lines.append(f"{metric:<{width}}  {text}")
    notes = [n for n in summary.get("note", []) if isinstance(n, str) and n]
    return "\n".join(lines + notes)


# ---- knock-outs ----------------------------------------------------------------------------
def knockout_models(folds: pd.DataFrame, models: list[tuple], condition: str) -> list[tuple]:
    """The ``(fold, seed, path)`` models that trained on ``condition``: every fold model but
    those of the fold(s) that left it out."""
    left_out_by = set(folds.loc[folds["condition"] == condition, "fold"])
    return [m for m in models if m[0] not in left_out_by]


def run_knockouts(network, recipe, ligands: pd.DataFrame, folds: pd.DataFrame, models: list,
                  settings: dict, nodes: list) -> pd.DataFrame:
    """Knock out ``nodes`` (bias ``settings['strength']``) under every condition of
    ``settings['conditions']`` with every ``(fold, seed, parameters path)`` model that
    trained on it; returns ``model, condition, node, tf, delta`` for the TFs of
    ``settings['tfs']``."""
    from signet.core.knockout import knockout
    from signet.io import read_parameters
    from signet.training import model_from_recipe

    loaded = {}
    tables = []
    for condition in settings["conditions"]:
        chosen = knockout_models(folds, models, condition)
        if not chosen:
            raise SignetInputError(None, f"no fold model trained on knock-out condition "
                                         f"{condition!r}")
        for fold, seed, path in chosen:
            if path not in loaded:
                model = model_from_recipe(network, recipe)
                model.load_parameters_table(read_parameters(path), path)
                model.eval()
                loaded = {path: model}
            table = knockout(loaded[path], ligands.loc[[condition]], nodes=nodes,
                             strength=settings.get("strength", -5.0))
            table = table[table["tf"].isin(settings["tfs"])]
            table.insert(0, "model", f"{fold}/seed~{seed}")
            tables.append(table)
        log.info("%s: %d knock-outs with each of %d models", condition, len(nodes),
                 len(chosen))
    return pd.concat(tables, ignore_index=True)


def write_knockout_tables(per_model: pd.DataFrame, summary: pd.DataFrame, per_model_path,
                          summary_path) -> None:
    """Write the per-model changes (gzip-compressed TSV, every digit) and the ranked
    summary (:func:`signet.eval.knockouts.knockout_summary`)."""
    from signet.io import atomic_write

    with atomic_write(per_model_path, mode="wb") as handle:
        per_model.to_csv(handle, sep="\t", index=False, float_format="%.17g",
                         compression="gzip")
    write_table(summary, summary_path)


# ---- a study's directory -------------------------------------------------------------------
def model_dir(root, control: str, fold: str, seed: int) -> Path:
    """Where a model of a study lives: ``root/models/{control}/{fold}/seed~{seed}`` with
    ``control`` one of ``full`` (fold ``all``), ``cv`` and ``scrambled``."""
    return Path(root) / "models" / control / str(fold) / f"seed~{seed}"


def study_models(folds, seeds, scrambled: bool) -> list[tuple[str, str, int]]:
    """``(control, fold, seed)`` of every model a study trains, in training order: the full
    fit once per seed (fold ``all``), then per fold one model per seed and, with
    ``scrambled``, the scrambled control with the first seed."""
    models = [("full", "all", seed) for seed in seeds]
    for fold in folds:
        models += [("cv", fold, seed) for seed in seeds]
        if scrambled:
            models.append(("scrambled", fold, seeds[0]))
    return models


def train_study_models(output_dir, network, ligands: pd.DataFrame, tfs: pd.DataFrame,
                       folds: pd.DataFrame, recipe, models, *, scrambled_seed: int,
                       progress: bool = True) -> None:
    """Train the ``(control, fold, seed)`` models of :func:`study_models` one after another
    under ``output_dir/models``; a model already finished is kept, one killed part-way
    continues from its checkpoint. The progress bar counts ``models``."""
    from tqdm.auto import tqdm

    bar = tqdm(models, desc="models", unit="model", disable=not progress)
    for control, fold, seed in bar:
        folder = model_dir(output_dir, control, fold, seed)
        bar.set_postfix_str(f"{control} {fold} seed {seed}")
        if model_is_done(folder):
            continue
        left_out = [] if control == "full" else \
            list(folds.loc[folds["fold"] == fold, "condition"])
        train_fold_model(network, ligands, tfs, left_out, recipe, seed=seed,
                         output_dir=folder,
                         scrambled_seed=scrambled_seed if control == "scrambled" else None,
                         resume=(folder / "model.pt").exists())
    bar.close()


#: settings of a study's folder that may change between runs: seeds and the scrambled control
#: add or drop models (each model is kept under its own control, fold and seed); knock-outs
#: and figures are redone from the models
RESUMABLE_SETTINGS = ("seeds", "scrambled", "knockouts")


def check_study_settings(path, settings: dict) -> None:
    """Refuse to reuse a study's folder whose models were trained with other settings.

    ``path`` is the folder's settings file (``crossval.yaml``). Seeds may be added (or
    dropped), the scrambled control switched on or off and the knock-outs changed: the
    finished models stay valid. Anything else (data, folds, recipe, the derangement's
    seed) is one error naming what changed.
    """
    import yaml

    path = Path(path)
    if not path.exists():
        return
    before = yaml.safe_load(path.read_text()) or {}
    changed = sorted(k for k in set(before) | set(settings)
                     if k not in RESUMABLE_SETTINGS and before.get(k) != settings.get(k))
    if changed:
        raise SignetInputError(path, "this output directory holds a study trained with other "
                               f"settings ({', '.join(changed)}); use another --output-dir to "
                               "start afresh (seeds can be added to it, and the scrambled "
                               "control and knock-outs changed)")


def read_predictions(paths) -> dict:
    """``{fold: [prediction table per seed]}`` from ``.../{fold}/seed~{seed}/predictions.tsv``
    paths."""
    from signet.io import read_conditions

    by_fold: dict = {}
    for path in paths:
        by_fold.setdefault(Path(path).parent.parent.name, []).append(
            read_conditions(path, "TF"))
    return by_fold


def write_study_tables(output_dir, observed: pd.DataFrame, folds: pd.DataFrame, full_paths,
                       cv_paths, scrambled_paths, n_seeds: int) -> pd.DataFrame:
    """Write ``fit-predictions.tsv``, ``cv-predictions.tsv``, ``per-condition.tsv``,
    ``per-tf.tsv`` and ``summary.tsv`` into ``output_dir``; returns the summary."""
    output_dir = Path(output_dir)
    full = read_predictions(full_paths)
    cv, scrambled = read_predictions(cv_paths), read_predictions(scrambled_paths)
    fit = fit_table(observed, [t for tables in full.values() for t in tables])
    cv_long = cv_table(observed, folds, cv, scrambled)
    summary = study_summary(
        fit, cv_long, n_conditions=len(observed), n_folds=folds["fold"].nunique(),
        n_seeds=n_seeds, n_cv_models=sum(map(len, cv.values())),
        n_scrambled_models=sum(map(len, scrambled.values())),
        n_full_models=sum(map(len, full.values())))
    write_table(fit, output_dir / "fit-predictions.tsv")
    write_table(cv_long, output_dir / "cv-predictions.tsv")
    write_table(per_condition_table(cv_long), output_dir / "per-condition.tsv")
    write_table(per_tf_table(fit, cv_long), output_dir / "per-tf.tsv")
    write_table(summary, output_dir / "summary.tsv")
    return summary


def write_study_knockouts(output_dir, network, recipe, ligands: pd.DataFrame,
                          folds: pd.DataFrame, models, settings: dict, nodes: list) -> None:
    """Knock out ``nodes`` with every fold model of ``models`` that trained on each knock-out
    condition and write ``knockouts.tsv`` and ``knockouts-per-model.tsv.gz``."""
    from signet.eval.knockouts import knockout_summary

    output_dir = Path(output_dir)
    trained = [(fold, seed, model_dir(output_dir, control, fold, seed) / "parameters.tsv")
               for control, fold, seed in models if control == "cv"]
    per_model = run_knockouts(network, recipe, ligands, folds, trained, settings, nodes)
    summary = knockout_summary(per_model, names=network.names,
                               exclude_readout=settings["exclude_readout"])
    write_knockout_tables(per_model, summary, output_dir / "knockouts-per-model.tsv.gz",
                          output_dir / "knockouts.tsv")


KNOCKOUT_FILES = ("knockouts.tsv", "knockouts-per-model.tsv.gz", "knockouts.png")


def run_study(output_dir, network, ligands: pd.DataFrame, tfs: pd.DataFrame,
              folds: pd.DataFrame, recipe, *, seeds, scrambled: bool, scrambled_seed: int,
              knockouts: dict | None = None, nodes=None, progress: bool = True):
    """A whole study in one folder, one model after another (``signet crossval``).

    Trains the models of :func:`study_models` that ``output_dir`` does not hold yet
    (:func:`train_study_models`), runs the knock-outs when ``knockouts`` (settings as in a
    study's config, ``nodes`` from :func:`check_knockouts`) is given and removes an earlier
    run's otherwise, and writes the tables (:func:`write_study_tables`) and the figures the
    workflow draws. Returns ``(summary, paths of the figures)``.
    """
    from signet.eval.study_figures import write_study_figures

    output_dir = Path(output_dir)
    models = study_models(list(dict.fromkeys(folds["fold"])), seeds, scrambled)
    train_study_models(output_dir, network, ligands, tfs, folds, recipe, models,
                       scrambled_seed=scrambled_seed, progress=progress)
    if knockouts is not None:
        write_study_knockouts(output_dir, network, recipe, ligands, folds, models, knockouts,
                              nodes)
    for path in (output_dir / name for name in KNOCKOUT_FILES):
        if knockouts is None and path.exists():
            path.unlink()
            log.warning("removed %s: an earlier run's knock-outs (this run has none)", path)

    def predictions(control):
        return [model_dir(output_dir, c, fold, seed) / "predictions.tsv"
                for c, fold, seed in models if c == control]

    summary = write_study_tables(output_dir, tfs, folds, predictions("full"),
                                 predictions("cv"), predictions("scrambled"),
                                 n_seeds=len(seeds))
    figures = write_study_figures(output_dir,
                                  top=None if knockouts is None else knockouts["top"])
    return summary, figures
