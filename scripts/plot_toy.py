"""Rule plot_toy (Fig. 2d-g): reference data, training curve, fit, and parameters."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from signet.io import read_conditions  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_toy")


def main(smk):
    ligands = pd.concat([read_conditions(smk.input.train_ligands, "ligand"),
                         read_conditions(smk.input.test_ligands, "ligand")])
    tfs = pd.concat([read_conditions(smk.input.train_tfs, "TF"),
                     read_conditions(smk.input.test_tfs, "TF")]).loc[ligands.index]
    training_log = pd.read_csv(smk.input.training_log, sep="\t")
    predictions = pd.read_csv(smk.input.predictions, sep="\t")
    parameters = pd.read_csv(smk.input.parameters, sep="\t", keep_default_na=False,
                             na_values=[""]).dropna(subset=["reference", "fitted"])
    summary = pd.read_csv(smk.input.summary, sep="\t").set_index("metric")["value"]

    fig, axes = plt.subplots(1, 4, figsize=(15, 3.5), layout="constrained")
    # (d) reference data: first TF over the ligand grid
    first, second = ligands.columns[:2]
    tf = tfs.columns[0]
    grid = (pd.DataFrame({"a": ligands[first], "b": ligands[second], "y": tfs[tf]})
            .pivot(index="b", columns="a", values="y"))
    half_a = (grid.columns.max() - grid.columns.min()) / max(1, grid.shape[1] - 1) / 2
    half_b = (grid.index.max() - grid.index.min()) / max(1, grid.shape[0] - 1) / 2
    image = axes[0].imshow(grid.to_numpy(), origin="lower", cmap="viridis", aspect="equal",
                           extent=(grid.columns.min() - half_a, grid.columns.max() + half_a,
                                   grid.index.min() - half_b, grid.index.max() + half_b))
    fig.colorbar(image, ax=axes[0], label=f"{tf} activity", shrink=0.8)
    axes[0].set_xlabel(first)
    axes[0].set_ylabel(second)
    axes[0].set_title("d  reference data")
    # (e) training curve against the mean-prediction baseline
    axes[1].plot(training_log["epoch"], training_log["fit"], color="black", lw=1, label="fit (MSE)")
    axes[1].axhline(summary["train_baseline_mse"], color="tab:red", ls="--",
                    label="predict the mean")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("mean squared error")
    axes[1].legend(frameon=False)
    axes[1].set_title("e  training")
    # (f) train and test fit
    for split, color in (("train", "tab:blue"), ("test", "tab:orange")):
        rows = predictions[predictions["split"] == split]
        axes[2].scatter(rows["observed"], rows["predicted"], s=12, color=color, alpha=0.8,
                        label=f"{split}, r = {summary[f'{split}_r']:.3f}")
    limits = [predictions[["observed", "predicted"]].min().min(),
              predictions[["observed", "predicted"]].max().max()]
    axes[2].plot(limits, limits, color="grey", lw=0.5)
    axes[2].set_xlabel("reference")
    axes[2].set_ylabel("fitted model")
    axes[2].legend(frameon=False)
    axes[2].set_title("f  fit")
    # (g) parameters, fitted against reference
    for kind, label, marker in (("Weight", "weights", "o"), ("Bias", "biases", "s")):
        rows = parameters[parameters["Type"] == kind]
        axes[3].scatter(rows["reference"], rows["fitted"], marker=marker, s=25,
                        label=f"{label}, r = {summary[f'{kind.lower()}_r']:.3f}")
    values = parameters[["reference", "fitted"]].to_numpy()
    limits = [np.min(values), np.max(values)]
    axes[3].plot(limits, limits, color="grey", lw=0.5)
    axes[3].set_xlabel("reference parameter")
    axes[3].set_ylabel("fitted parameter")
    axes[3].legend(frameon=False)
    axes[3].set_title("g  parameters")
    fig.savefig(smk.output[0], dpi=150)
    log.info("plotted %d conditions, %d parameters", len(ligands), len(parameters))


run(main, snakemake)  # noqa: F821
