"""Rule plot_figure5 (Fig. 5b-f): the data-requirement sweep, the best model's test fit,
per-TF and per-condition r, the controls, and the knock-outs."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from signet.io import read_conditions  # noqa: E402
from signet.rule_script import run  # noqa: E402
from signet.studies.synthetic.conditions import PAPER_SWEEP_R  # noqa: E402

log = logging.getLogger("plot_figure5")


def main(smk):
    summary = pd.read_csv(smk.input.summary, sep="\t")
    sweep = pd.concat([pd.read_csv(path, sep="\t") for path in smk.input.sweep],
                      ignore_index=True)
    best = int(sweep["r"].to_numpy().argmax())

    # (b) test r against training samples
    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    for ligands, part in sweep.groupby("ligands"):
        by_samples = part.groupby("samples")["r"]
        mean, low, high = by_samples.mean(), by_samples.min(), by_samples.max()
        line, = ax.plot(mean.index, mean.to_numpy(), "o-",
                        label=f"{ligands} ligands (ours, mean of {by_samples.size().max()} seeds)")
        ax.fill_between(mean.index, low.to_numpy(), high.to_numpy(), color=line.get_color(),
                        alpha=0.2, lw=0)
    ax.plot(list(PAPER_SWEEP_R), list(PAPER_SWEEP_R.values()), "k*--", label="paper, 5 ligands")
    ax.set_xscale("log")
    ax.set_xlabel("training conditions")
    ax.set_ylabel("test Pearson r")
    ax.legend(fontsize=8)
    fig.savefig(smk.output.b, dpi=150)
    plt.close(fig)

    # (c) predicted against reference on the test set, best point
    reference = read_conditions(smk.input.test_tfs, "TF")
    predicted = read_conditions(smk.input.predictions[best], "TF").loc[reference.index,
                                                                       reference.columns]
    fig, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
    ax.scatter(reference.to_numpy().ravel(), predicted.to_numpy().ravel(), s=1, alpha=0.2)
    ax.plot([0, 1.2], [0, 1.2], "k--", lw=0.8)
    point = sweep.iloc[best]
    ax.set_title(f"{int(point['samples'])} conditions, {int(point['ligands'])} ligands: "
                 f"r = {point['r']:.3f}", fontsize=9)
    ax.set_xlabel("reference TF activity")
    ax.set_ylabel("predicted TF activity")
    fig.savefig(smk.output.c, dpi=150)
    plt.close(fig)

    # (d) per-TF and per-condition r, best point
    per_tf = pd.read_csv(smk.input.per_tf[best], sep="\t", index_col=0)["r"].dropna()
    per_condition = pd.read_csv(smk.input.per_condition[best], sep="\t", index_col=0)["r"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
    axes[0].hist(per_tf, bins=20)
    axes[0].set_xlabel("r per TF (over test conditions)")
    axes[1].hist(per_condition.dropna(), bins=30)
    axes[1].set_xlabel("r per condition (over TFs)")
    for ax in axes:
        ax.set_ylabel("count")
    fig.savefig(smk.output.d, dpi=150)
    plt.close(fig)

    # (e) controls against the model at the same point
    controls = summary[summary["part"] == "control"]
    same = sweep.iloc[:0]
    if len(controls):  # the sweep model at the controls' point, else the best one
        first = controls.iloc[0]
        same = sweep[(sweep["samples"] == first["samples"]) & (sweep["ligands"] == first["ligands"])
                     & (sweep["seed"] == first["seed"])]
    model = same.iloc[0] if len(same) else point
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    names = [f"model ({int(model['samples'])} x {int(model['ligands'])})"] + \
        [n.removesuffix("_r") for n in controls["name"]]
    ours = [model["r"]] + list(controls["ours"])
    paper = [PAPER_SWEEP_R.get(int(model["samples"]), np.nan) if int(model["ligands"]) == 5
             else np.nan] + list(controls["paper"])
    x = np.arange(len(names))
    ax.bar(x - 0.2, ours, 0.4, label="ours")
    ax.bar(x + 0.2, paper, 0.4, label="paper", color="grey")
    ax.set_xticks(x, names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("test Pearson r")
    ax.axhline(0, color="k", lw=0.5)
    ax.legend()
    fig.savefig(smk.output.e, dpi=150)
    plt.close(fig)

    # (f) knock-outs: predicted against reference delta TF
    keys = ["condition", "node", "tf"]
    merged = pd.read_csv(smk.input.knockout_reference, sep="\t").merge(
        pd.read_csv(smk.input.knockout_model, sep="\t"), on=keys, suffixes=("_ref", "_model"))
    ko = summary[summary["name"] == "knockout_r"]["ours"].iloc[0]
    fig, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
    ax.scatter(merged["delta_ref"], merged["delta_model"], s=1, alpha=0.1)
    low = float(min(merged["delta_ref"].min(), merged["delta_model"].min()))
    high = float(max(merged["delta_ref"].max(), merged["delta_model"].max()))
    ax.plot([low, high], [low, high], "k--", lw=0.8)
    ax.set_xlabel("reference delta TF")
    ax.set_ylabel("predicted delta TF")
    ax.set_title(f"knock-outs: r = {ko:.3f} (paper 0.80)", fontsize=9)
    fig.savefig(smk.output.f, dpi=150)
    plt.close(fig)
    log.info("wrote %s", list(smk.output))


run(main, snakemake)  # noqa: F821
