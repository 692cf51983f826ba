"""Rule plot_figure5 (Fig. 5b-f): the data-requirement sweep, the best model's test fit,
per-TF and per-condition r, the controls, and the knock-outs."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from signet.io import read_conditions  # noqa: E402
from signet.rule_script import run  # noqa: E402
from signet.studies.synthetic.captions import (  # noqa: E402
    CONTROL_LABELS,
    figure5b_claim,
    figure5c_claim,
    figure5d_claim,
    figure5e_claim,
    figure5f_claim,
    knockout_unchanged,
    write_caption,
)
from signet.studies.synthetic.conditions import PAPER_SWEEP_R  # noqa: E402

log = logging.getLogger("plot_figure5")


def main(smk):
    summary = pd.read_csv(smk.input.summary, sep="\t")
    sweep = pd.concat([pd.read_csv(path, sep="\t") for path in smk.input.sweep],
                      ignore_index=True)
    best = int(sweep["r"].to_numpy().argmax())
    point = sweep.iloc[best]
    plot_sweep(sweep, smk.output.b)
    plot_test_fit(read_conditions(smk.input.test_tfs, "TF"),
                  read_conditions(smk.input.predictions[best], "TF"), point, smk.output.c)
    plot_per_tf_and_condition(
        pd.read_csv(smk.input.per_tf[best], sep="\t", index_col=0)["r"].dropna(),
        pd.read_csv(smk.input.per_condition[best], sep="\t", index_col=0)["r"], smk.output.d)
    controls = summary[summary["part"] == "control"]
    plot_controls(controls, control_point(sweep, controls, point), smk.output.e)
    keys = ["condition", "node", "tf"]
    merged = pd.read_csv(smk.input.knockout_reference, sep="\t").merge(
        pd.read_csv(smk.input.knockout_model, sep="\t"), on=keys, suffixes=("_ref", "_model"))
    plot_knockouts(merged, summary[summary["name"] == "knockout_r"]["ours"].iloc[0],
                   smk.output.f)
    write_captions(smk, summary, merged)
    log.info("wrote %s", list(smk.output))


def write_captions(smk, summary: pd.DataFrame, merged: pd.DataFrame) -> None:
    """Each panel's caption, with the claim that this run's numbers support."""
    unchanged = knockout_unchanged(merged["delta_ref"], merged["delta_model"])
    claims = {"b": figure5b_claim(summary), "c": figure5c_claim(summary),
              "d": figure5d_claim(summary), "e": figure5e_claim(summary),
              "f": figure5f_claim(summary, unchanged)}
    for panel, claim in claims.items():
        write_caption(smk.input[f"caption_{panel}"], smk.output[f"caption_{panel}"], claim)


def _save(fig, path) -> None:
    fig.savefig(path, dpi=150)
    plt.close(fig)


def plot_sweep(sweep: pd.DataFrame, path) -> None:
    """(b) test r against training samples, one line per ligand count, the paper's beside."""
    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    for ligands, part in sweep.groupby("ligands"):
        by_samples = part.groupby("samples")["r"]
        mean, low, high = by_samples.mean(), by_samples.min(), by_samples.max()
        line, = ax.plot(mean.index, mean.to_numpy(), "o-",
                        label=f"{ligands} ligands (ours, mean of {by_samples.size().max()} seeds)")
        ax.fill_between(mean.index, low.to_numpy(), high.to_numpy(), color=line.get_color(),
                        alpha=0.2, lw=0)
    if 5 in set(sweep["ligands"]):  # the paper's line is at 5 ligands: only beside ours
        ax.plot(list(PAPER_SWEEP_R), list(PAPER_SWEEP_R.values()), "k*--",
                label="paper, 5 ligands")
    ax.set_xscale("log")
    ax.set_xlabel("training conditions")
    ax.set_ylabel("test Pearson r")
    ax.legend(fontsize=8)
    _save(fig, path)


def plot_test_fit(reference: pd.DataFrame, predicted: pd.DataFrame, point, path) -> None:
    """(c) predicted against reference TF activity on the test set, at the best point."""
    predicted = predicted.loc[reference.index, reference.columns]
    fig, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
    ax.scatter(reference.to_numpy().ravel(), predicted.to_numpy().ravel(), s=1, alpha=0.2)
    ax.plot([0, 1.2], [0, 1.2], "k--", lw=0.8)
    ax.set_title(f"{int(point['samples'])} conditions, {int(point['ligands'])} ligands: "
                 f"r = {point['r']:.3f}", fontsize=9)
    ax.set_xlabel("reference TF activity")
    ax.set_ylabel("predicted TF activity")
    _save(fig, path)


def plot_per_tf_and_condition(per_tf: pd.Series, per_condition: pd.Series, path) -> None:
    """(d) histograms of r per TF and r per condition, at the best point."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
    axes[0].hist(per_tf, bins=20)
    axes[0].set_xlabel("r per TF (over test conditions)")
    axes[1].hist(per_condition.dropna(), bins=30)
    axes[1].set_xlabel("r per condition (over TFs)")
    for ax in axes:
        ax.set_ylabel("count")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _save(fig, path)


def control_point(sweep: pd.DataFrame, controls: pd.DataFrame, best):
    """The sweep model at the controls' point (samples, ligands, seed), else the best one."""
    if len(controls):
        first = controls.iloc[0]
        same = sweep[(sweep["samples"] == first["samples"])
                     & (sweep["ligands"] == first["ligands"]) & (sweep["seed"] == first["seed"])]
        if len(same):
            return same.iloc[0]
    return best


def plot_controls(controls: pd.DataFrame, model, path) -> None:
    """(e) the controls' test r against the model's at the same point, ours beside the paper's."""
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    names = [f"trained model\n({int(model['samples'])} conditions x {int(model['ligands'])} "
             "ligands)"] + [CONTROL_LABELS.get(n.removesuffix("_r"), n.removesuffix("_r"))
                            for n in controls["name"]]
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
    _save(fig, path)


def plot_knockouts(merged: pd.DataFrame, r: float, path) -> None:
    """(f) knock-outs: predicted against reference delta TF (``delta_ref``, ``delta_model``)."""
    fig, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
    ax.scatter(merged["delta_ref"], merged["delta_model"], s=1, alpha=0.1)
    low = float(min(merged["delta_ref"].min(), merged["delta_model"].min()))
    high = float(max(merged["delta_ref"].max(), merged["delta_model"].max()))
    ax.plot([low, high], [low, high], "k--", lw=0.8)
    ax.set_xlabel("reference delta TF")
    ax.set_ylabel("predicted delta TF")
    ax.set_title(f"knock-outs: r = {r:.3f} (paper 0.80)", fontsize=9)
    _save(fig, path)


run(main, snakemake)  # noqa: F821
