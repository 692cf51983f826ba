"""Rule plot_study_predictions: predicted against observed TF activities under
cross-validation, one panel per left-out condition, and r per left-out condition of the
trained models beside the scrambled control and the mean predictor."""

import logging
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_study_predictions")


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def main(smk):
    cv = pd.read_csv(smk.input.cv_predictions, sep="\t")
    per_condition = pd.read_csv(smk.input.per_condition, sep="\t", index_col="condition")
    summary = pd.read_csv(smk.input.summary, sep="\t", index_col="metric")["value"]

    conditions = list(dict.fromkeys(cv["condition"]))
    columns = math.ceil(math.sqrt(len(conditions)))
    rows = math.ceil(len(conditions) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.2 * columns, 2.2 * rows),
                             squeeze=False, sharex=True, sharey=True)
    for ax in axes.ravel()[len(conditions):]:
        ax.axis("off")
    for ax, condition in zip(axes.ravel(), conditions):
        part = cv[cv["condition"] == condition]
        sd = part["predicted_sd"].to_numpy()
        ax.errorbar(part["observed"], part["predicted_mean"],
                    yerr=np.where(np.isfinite(sd), sd, 0.0), fmt="o", ms=2.5, lw=0.6,
                    alpha=0.7)
        ax.plot([0, 1], [0, 1], color="grey", lw=0.7, ls="--")
        ax.set_title(f"{condition}\nr = {per_condition.loc[condition, 'cv_r']:.2f}",
                     fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set(xlim=(0, 1), ylim=(0, 1))
    fig.supxlabel("observed TF activity", fontsize=8)
    fig.supylabel("predicted (models that left the condition out)", fontsize=8)
    fig.suptitle(f"cross-validation, {len(conditions)} left-out conditions "
                 f"(pooled r = {summary['cv_pooled_r']:.2f})", fontsize=9)
    save(fig, smk.output.cv)

    table = per_condition.sort_values("cv_r")
    fig, ax = plt.subplots(figsize=(max(5, 0.35 * len(table) + 2), 4))
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["cv_r"], 0.4, label="trained (CV)", color="C0")
    ax.bar(x + 0.2, table["scrambled_r"], 0.4, label="scrambled control", color="C3")
    ax.plot(x, table["mean_predictor_r"], "k_", ms=9, label="mean predictor")
    for column, color in (("cv_r", "C0"), ("scrambled_r", "C3")):
        median = np.nanmedian(table[column]) if table[column].notna().any() else np.nan
        ax.axhline(median, color=color, lw=1, ls=":", label=f"median {median:.2f}")
    ax.set_xticks(x, table.index, rotation=90, fontsize=7)
    ax.set(ylabel="r across TFs", ylim=(-1, 1), title="left-out conditions")
    ax.legend(fontsize=7)
    save(fig, smk.output.per_condition)
    log.info("wrote %s and %s", smk.output.cv, smk.output.per_condition)


run(main, snakemake)  # noqa: F821
