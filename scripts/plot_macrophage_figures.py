"""Rule plot_macrophage_figures (Fig. 6a-f): TF heat map, full fit, LOOCV against the
scrambled control, per-condition r, per-TF fit quality and the knock-out ranking."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from signet.core.network import Network  # noqa: E402
from signet.io import read_conditions  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_macrophage_figures")


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def scatter(ax, observed, predicted, title, color="C0"):
    ax.scatter(observed, predicted, s=6, alpha=0.5, color=color, linewidths=0)
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    ok = np.isfinite(predicted)
    r = np.corrcoef(observed[ok], predicted[ok])[0, 1] if ok.sum() > 1 else np.nan
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="observed TF activity",
           ylabel="predicted TF activity", title=f"{title}\nr = {r:.2f}")
    ax.set_aspect("equal")


def main(smk):
    network = Network.from_files(smk.input.network, smk.input.annotation)
    names = network.names
    tfs = read_conditions(smk.input.tfs, "TF")
    tfs = tfs[[t for t in tfs.columns if t in set(network.tfs)]]
    fit = pd.read_csv(smk.input.fit, sep="\t")
    loocv = pd.read_csv(smk.input.loocv, sep="\t")
    per_condition = pd.read_csv(smk.input.per_condition, sep="\t", index_col=0)
    per_tf = pd.read_csv(smk.input.per_tf, sep="\t", index_col=0)
    ranking = pd.read_csv(smk.input.ranking, sep="\t")
    paper = smk.params.paper

    # 6a: the TF activities (conditions x TFs), TFs ordered by their mean
    order = tfs.mean().sort_values().index
    fig, ax = plt.subplots(figsize=(12, 5))
    image = ax.imshow(tfs[order].to_numpy(), aspect="auto", cmap="RdBu_r", vmin=0, vmax=1)
    ax.set_xticks(range(len(order)), [names.get(t, t) for t in order], rotation=90, fontsize=6)
    ax.set_yticks(range(len(tfs)), tfs.index, fontsize=7)
    ax.set_title("TF activity (DoRothEA/VIPER, logistic) per condition")
    fig.colorbar(image, ax=ax, label="activity")
    save(fig, smk.output.a)

    # 6b: full fit
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    scatter(ax, fit["observed"].to_numpy(), fit["predicted"].to_numpy(),
            f"full fit, {fit['condition'].nunique()} conditions (paper r = {paper['fit_r']})")
    save(fig, smk.output.b)

    # 6c: LOOCV against scrambled
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
    scatter(axes[0], loocv["observed"].to_numpy(), loocv["predicted"].to_numpy(),
            f"LOOCV, left-out conditions (paper r = {paper['loocv_pooled_r']})")
    scatter(axes[1], loocv["observed"].to_numpy(), loocv["scrambled"].to_numpy(),
            "scrambled TF rows, same folds", color="C3")
    save(fig, smk.output.c)

    # 6d: per-condition r
    left_out = per_condition[per_condition["left_out"]].sort_values("loocv_r")
    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.arange(len(left_out))
    ax.bar(x - 0.2, left_out["loocv_r"], 0.4, label="LOOCV")
    ax.bar(x + 0.2, left_out["scrambled_r"], 0.4, label="scrambled", color="C3")
    for column, color, key in (("loocv_r", "C0", "loocv_median_r"),
                               ("scrambled_r", "C3", "scrambled_median_r")):
        ax.axhline(left_out[column].median(), color=color, lw=1,
                   label=f"median {left_out[column].median():.2f} (paper {paper[key]})")
    ax.set_xticks(x, left_out.index, rotation=90, fontsize=7)
    ax.set(ylabel="r across TFs", title="left-out conditions", ylim=(-1, 1))
    ax.legend(fontsize=7)
    save(fig, smk.output.d)

    # 6e: per-TF fit quality
    quality = per_tf.sort_values("fit_r")
    fig, ax = plt.subplots(figsize=(12, 4))
    x = np.arange(len(quality))
    ax.bar(x - 0.2, quality["fit_r"], 0.4, label="full fit")
    ax.bar(x + 0.2, quality["loocv_r"], 0.4, label="LOOCV", color="C1")
    ax.set_xticks(x, [names.get(t, t) for t in quality.index], rotation=90, fontsize=6)
    ax.set(ylabel="r across conditions", title="fit quality per TF", ylim=(-1, 1))
    ax.legend(fontsize=7)
    save(fig, smk.output.e)

    # 6f: knock-out ranking
    top = ranking.head(smk.params.top)[::-1]
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.barh(top["name"].astype(str), top["mean_abs_delta"], xerr=top["sd_abs_delta"],
            color="C2")
    ax.set(xlabel="mean |delta RELA| under TNFa (KO bias -5)",
           title=f"knock-outs, top {len(top)}")
    save(fig, smk.output.f)
    log.info("wrote figures 6a-f")


run(main, snakemake)  # noqa: F821
