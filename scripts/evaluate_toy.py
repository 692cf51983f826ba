"""Rule evaluate_toy (Fig. 2e-g): predictions of the fitted toy model on training and test
conditions, fitted against reference parameters, and summary numbers."""

import logging

import numpy as np
import pandas as pd
from signet.core.network import Network
from signet.io import atomic_write, read_conditions, read_parameters
from signet.rule_script import run
from signet.training import Recipe, model_from_recipe

log = logging.getLogger("evaluate_toy")


def write_table(table, path):
    with atomic_write(path) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.10g")


def main(smk):
    recipe = Recipe.load(smk.params.recipe)
    network = Network.from_files(smk.input.network, smk.input.annotation)
    model = model_from_recipe(network, recipe)
    model.load_parameters_table(read_parameters(smk.input.fitted), path=smk.input.fitted)

    predictions = []
    observed = {}
    for split in ("train", "test"):
        ligands = read_conditions(smk.input[f"{split}_ligands"], "ligand")
        tfs = read_conditions(smk.input[f"{split}_tfs"], "TF")
        observed[split] = tfs
        predicted, _ = model.simulate(ligands)
        long = (tfs.rename_axis("condition").reset_index()
                .melt(id_vars="condition", var_name="tf", value_name="observed"))
        long["predicted"] = [predicted.at[c, t] for c, t in zip(long["condition"], long["tf"])]
        long.insert(1, "split", split)
        predictions.append(long)
    predictions = pd.concat(predictions, ignore_index=True)
    write_table(predictions, smk.output.predictions)

    reference = read_parameters(smk.input.reference)
    fitted = read_parameters(smk.input.fitted)
    keys = ["Source", "Target", "Type"]
    comparison = (reference[keys + ["Value"]].rename(columns={"Value": "reference"})
                  .merge(fitted[keys + ["Value"]].rename(columns={"Value": "fitted"}), on=keys,
                         how="outer"))
    comparison["Target"] = comparison["Target"].fillna("")
    write_table(comparison, smk.output.parameters)

    def r(a, b):
        return float(np.corrcoef(a, b)[0, 1])

    train_mean = observed["train"].mean()
    summary = {}
    for split in ("train", "test"):
        rows = predictions[predictions["split"] == split]
        summary[f"{split}_r"] = r(rows["observed"], rows["predicted"])
        summary[f"{split}_mse"] = float(np.mean((rows["observed"] - rows["predicted"]) ** 2))
        summary[f"{split}_baseline_mse"] = float(
            ((observed[split] - train_mean) ** 2).to_numpy().mean())
    both = comparison.dropna()
    for kind in ("Weight", "Bias"):
        rows = both[both["Type"] == kind]
        summary[f"{kind.lower()}_r"] = r(rows["reference"], rows["fitted"])
    training_log = pd.read_csv(smk.input.training_log, sep="\t")
    summary["final_fit_mse"] = float(training_log["fit"].iloc[-1])
    summary["epochs"] = int(training_log["epoch"].iloc[-1])
    for name, value in summary.items():
        log.info("%s: %.6g", name, value)
    write_table(pd.DataFrame({"metric": list(summary), "value": list(summary.values())}),
                smk.output.summary)


run(main, snakemake)  # noqa: F821
