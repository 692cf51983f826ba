"""Rule evaluate_macrophage (Fig. 6b-e): fit of the full model, LOOCV predictions of the
left-out conditions against the observed TF activities (pooled and per-condition r), the
scrambled control on the same folds, and per-TF r. Predictions are averaged over seeds."""

import logging
from pathlib import Path

import numpy as np
import pandas as pd
from signet.eval.metrics import per_condition_r, per_tf_r, pooled_r
from signet.io import atomic_write, read_conditions
from signet.rule_script import run

log = logging.getLogger("evaluate_macrophage")


def mean_over_seeds(paths):
    """{fold: predicted TF table averaged over the seed replicates}, folds from the paths
    (``.../{fold}/seed~{seed}/predictions.tsv``)."""
    by_fold = {}
    for path in paths:
        by_fold.setdefault(Path(path).parent.parent.name, []).append(
            read_conditions(path, "TF"))
    return {fold: sum(tables) / len(tables) for fold, tables in by_fold.items()}


def long_table(predicted, observed, name="predicted"):
    rows = predicted.index.intersection(observed.index)
    columns = [c for c in observed.columns if c in predicted.columns]
    frame = pd.DataFrame({
        "condition": np.repeat(rows.to_numpy(), len(columns)),
        "tf": np.tile(columns, len(rows)),
        "observed": observed.loc[rows, columns].to_numpy().ravel(),
        name: predicted.loc[rows, columns].to_numpy().ravel(),
    })
    return frame


def write(table, path, index=False):
    with atomic_write(path) as handle:
        table.to_csv(handle, sep="\t", index=index, float_format="%.8g")


def main(smk):
    observed = read_conditions(smk.input.tfs, "TF")
    folds = [str(f) for f in pd.read_csv(smk.input.folds, sep="\t", dtype=str)["fold"]]
    full = sum(read_conditions(p, "TF") for p in smk.input.full) / len(smk.input.full)
    observed = observed[[c for c in observed.columns if c in full.columns]]
    log.info("%d TFs of the table are TFs of the network", observed.shape[1])
    loocv, scrambled = mean_over_seeds(smk.input.loocv), mean_over_seeds(smk.input.scrambled)
    left_out = [f for f in folds if f in loocv]
    loocv_table = pd.concat([loocv[f].loc[[f]] for f in left_out]) if left_out else None
    scrambled_folds = [f for f in folds if f in scrambled]
    scrambled_table = (pd.concat([scrambled[f].loc[[f]] for f in scrambled_folds])
                       if scrambled_folds else None)

    write(long_table(full, observed), smk.output.fit)
    loocv_long = long_table(loocv_table, observed)
    scrambled_long = long_table(scrambled_table, observed, "scrambled")
    write(loocv_long.merge(scrambled_long, on=["condition", "tf", "observed"], how="outer"),
          smk.output.loocv)

    per_condition = pd.DataFrame({
        "fit_r": per_condition_r(full, observed),
        "loocv_r": per_condition_r(loocv_table, observed),
        "scrambled_r": per_condition_r(scrambled_table, observed),
    })
    per_condition.index.name = "condition"
    per_condition["left_out"] = per_condition.index.isin(left_out)
    write(per_condition, smk.output.per_condition, index=True)
    per_tf = pd.DataFrame({"fit_r": per_tf_r(full, observed),
                           "loocv_r": per_tf_r(loocv_table, observed)})
    per_tf.index.name = "tf"
    write(per_tf, smk.output.per_tf, index=True)

    metrics = {
        "fit_r": pooled_r(full, observed),
        "loocv_pooled_r": pooled_r(loocv_table, observed),
        "loocv_median_r": float(per_condition.loc[left_out, "loocv_r"].median()),
        "scrambled_pooled_r": pooled_r(scrambled_table, observed),
        "scrambled_median_r": float(per_condition.loc[scrambled_folds, "scrambled_r"].median()),
        "folds": len(folds), "loocv_folds_run": len(left_out),
        "scrambled_folds_run": len(scrambled_folds), "seeds": len(smk.params.seeds),
        "conditions": len(full), "tfs": observed.shape[1],
    }
    log.info("metrics: %s", metrics)
    write(pd.DataFrame([metrics]), smk.output.metrics)


run(main, snakemake)  # noqa: F821
