"""Rule plot_study_knockouts: the top knock-outs of each condition and read-out TF: mean
change with its spread over the fold models and seeds; nodes whose change has one sign in at
least the agreement threshold of the models are drawn solid."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_study_knockouts")


def main(smk):
    knockouts = pd.read_csv(smk.input.knockouts, sep="\t", dtype={"node": str, "name": str})
    top, threshold = smk.params.top, smk.params.agreement
    groups = list(knockouts.groupby(["condition", "tf"], sort=False))
    fig, axes = plt.subplots(len(groups), 1, figsize=(5.5, 0.3 * top * len(groups) + 1.2),
                             squeeze=False)
    for ax, ((condition, _tf), group) in zip(axes[:, 0], groups):
        best = group.sort_values("rank").head(top)[::-1]
        y = np.arange(len(best))
        agrees = best["sign_agreement"].to_numpy() >= threshold
        sd = best["sd_delta"].to_numpy()
        ax.barh(y, best["mean_delta"], xerr=np.where(np.isfinite(sd), sd, 0.0),
                color=np.where(agrees, "C2", "white"), edgecolor="C2", hatch=None,
                error_kw={"lw": 0.8, "capsize": 2})
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_yticks(y, best["name"].astype(str), fontsize=7)
        n = int(best["n_models"].max()) if len(best) else 0
        ax.set_xlabel(f"change of {best['tf_name'].iloc[0]} (mean ± SD over {n} models)",
                      fontsize=8)
        ax.set_title(f"knock-outs under {condition}, top {len(best)} by mean |change|",
                     fontsize=9)
    axes[0, 0].legend(handles=[
        Patch(facecolor="C2", edgecolor="C2", label=f"sign agrees in >= {threshold:.0%}"),
        Patch(facecolor="white", edgecolor="C2", label="sign differs between models")],
        fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(smk.output.figure, dpi=130)
    plt.close(fig)
    log.info("wrote %s", smk.output.figure)


run(main, snakemake)  # noqa: F821
