"""Rule plot_figure4 (Fig. 4b-d): synthetic TF heat map, PCA by ligand count, linear models."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.cluster.hierarchy import leaves_list, linkage  # noqa: E402
from signet.io import read_conditions  # noqa: E402
from signet.rule_script import run  # noqa: E402
from signet.studies.synthetic.captions import (  # noqa: E402
    figure4c_claim,
    figure4d_claim,
    write_caption,
)

log = logging.getLogger("plot_figure4")


def _order(matrix):
    return leaves_list(linkage(matrix, "average")) if len(matrix) > 2 else np.arange(len(matrix))


def main(smk):
    tfs = read_conditions(smk.input.heatmap_tfs, "TF")
    values = tfs.to_numpy()
    rows, cols = _order(values), _order(values.T)
    fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    image = ax.imshow(values[rows][:, cols].T, aspect="auto", cmap="viridis", vmin=0, vmax=1.2)
    ax.set_xlabel(f"condition ({len(tfs)}, clustered)")
    ax.set_ylabel(f"TF ({tfs.shape[1]}, clustered)")
    fig.colorbar(image, ax=ax, label="TF activity")
    fig.savefig(smk.output.b, dpi=150)
    plt.close(fig)

    scores = pd.read_csv(smk.input.scores, sep="\t")
    summary = pd.read_csv(smk.input.summary, sep="\t")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    cmap = plt.get_cmap("viridis")
    levels = sorted(scores["level"].unique())
    for i, level in enumerate(reversed(levels)):
        part = scores[scores["level"] == level]
        axes[0].scatter(part["PC1"], part["PC2"], s=2, alpha=0.5,
                        color=cmap(1 - i / max(1, len(levels) - 1)), label=f"{level}")
    axes[0].set_xlabel(f"PC1 ({100 * summary['explained_variance_PC1'].iloc[0]:.0f} %)")
    axes[0].set_ylabel(f"PC2 ({100 * summary['explained_variance_PC2'].iloc[0]:.0f} %)")
    axes[0].legend(title="ligands", markerscale=4, fontsize=7, ncol=2)
    axes[1].plot(summary["level"], summary["area"], "o-")
    axes[1].set_xlabel("simultaneous ligands")
    axes[1].set_ylabel("area covered (convex hull, PC1-PC2)")
    fig.savefig(smk.output.c, dpi=150)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    ax.plot(summary["level"], summary["linear_cv_r"], "o-", label="linear model, k-fold CV")
    ax.plot(summary["level"], summary["extrapolation_r"], "s--",
            label=f"trained on {summary['level'].min()} ligand(s)")
    ax.set_xlabel("simultaneous ligands")
    ax.set_ylabel("Pearson r")
    ax.set_ylim(0, 1)
    ax.legend()
    fig.savefig(smk.output.d, dpi=150)
    plt.close(fig)
    write_caption(smk.input.caption_c, smk.output.caption_c, figure4c_claim(summary))
    write_caption(smk.input.caption_d, smk.output.caption_d, figure4d_claim(summary))
    log.info("wrote %s", list(smk.output))


run(main, snakemake)  # noqa: F821
