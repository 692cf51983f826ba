"""Rule plot_study_knockouts: the top knock-outs of each condition and read-out TF: mean
change with its spread over the fold models and seeds; nodes whose change has one sign in at
least the agreement threshold of the models are drawn solid, nodes that change the TF in no
model are marked "no effect"."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from signet.eval.knockouts import NO_EFFECT, agreement_categories  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_study_knockouts")


def main(smk):
    knockouts = pd.read_csv(smk.input.knockouts, sep="\t", dtype={"node": str, "name": str})
    top, threshold = smk.params.top, smk.params.agreement
    groups = list(knockouts.groupby(["condition", "tf"], sort=False))
    fig, axes = plt.subplots(len(groups), 1, figsize=(5.5, 0.3 * top * len(groups) + 1.2),
                             squeeze=False)
    any_flat = False
    for ax, ((condition, _tf), group) in zip(axes[:, 0], groups):
        best = group.sort_values("rank").head(top)[::-1]
        y = np.arange(len(best))
        category = agreement_categories(best["sign_agreement"], threshold)
        sd = best["sd_delta"].to_numpy()
        ax.barh(y, best["mean_delta"], xerr=np.where(np.isfinite(sd), sd, 0.0),
                color=np.where(category == "agree", "C2", "white"), edgecolor="C2",
                hatch=None, error_kw={"lw": 0.8, "capsize": 2})
        none = category == NO_EFFECT
        any_flat = any_flat or bool(none.any())
        ax.plot(np.zeros(none.sum()), y[none], "o", color="grey", ms=4)
        ax.axvline(0, color="grey", lw=0.6)
        labels = [f"{name} ({NO_EFFECT})" if flat else name
                  for name, flat in zip(best["name"].astype(str), none)]
        ax.set_yticks(y, labels, fontsize=7)
        n = int(best["n_models"].max()) if len(best) else 0
        ax.set_xlabel(f"change of {best['tf_name'].iloc[0]} (mean ± SD over {n} models)",
                      fontsize=8)
        ax.set_title(f"knock-outs under {condition}, top {len(best)} by mean |change|",
                     fontsize=9)
    handles = [Patch(facecolor="C2", edgecolor="C2", label=f"sign agrees in >= {threshold:.0%}"),
               Patch(facecolor="white", edgecolor="C2", label="sign differs between models")]
    if any_flat:
        handles.append(Line2D([], [], marker="o", color="grey", ls="", ms=4,
                              label=f"{NO_EFFECT}: no model changes the TF"))
    axes[0, 0].legend(handles=handles, fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(smk.output.figure, dpi=130)
    plt.close(fig)
    log.info("wrote %s", smk.output.figure)


run(main, snakemake)  # noqa: F821
