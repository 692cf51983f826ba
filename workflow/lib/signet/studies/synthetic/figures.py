"""The drawings of Figs. 4b-d and 5b-f, one function per panel, each returning its figure.

The captions (:mod:`signet.studies.synthetic.captions`) state what these panels show; where
a caption's claim depends on how a panel is drawn (the seeds behind a line of 5b, the pairs
highlighted in 5f), both read the same helper of that module.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from scipy.cluster.hierarchy import leaves_list, linkage

from signet.studies.synthetic.captions import (
    CONTROL_LABELS,
    KNOCKOUT_MOVED,
    KNOCKOUT_STILL,
    knockout_moved,
    seeds_per_point,
)
from signet.studies.synthetic.conditions import PAPER_KNOCKOUT_R, PAPER_SWEEP_R

__all__ = ["cluster_order", "tf_heatmap", "complexity_pca", "linear_models", "sweep",
           "predicted_against_reference", "per_tf_and_condition", "controls", "knockouts", "HEATMAP_RANGE"]

# Fig. 4b's colour scale: the range of the activation function; the colour bar's arrows mark
# values beyond it
HEATMAP_RANGE = (0.0, 1.0)


def cluster_order(matrix: np.ndarray) -> np.ndarray:
    """Row order of ``matrix`` by average-linkage hierarchical clustering (as is for 2 rows
    or fewer)."""
    matrix = np.asarray(matrix, dtype=float)
    return leaves_list(linkage(matrix, "average")) if len(matrix) > 2 else np.arange(len(matrix))


def tf_heatmap(tfs: pd.DataFrame) -> Figure:
    """(4b) TF activity, conditions (rows of ``tfs``) along x and TFs along y, both in
    clustered order; the TFs are named on the y axis and the colour runs over
    :data:`HEATMAP_RANGE` (the colour bar's arrows mark values beyond it)."""
    values = tfs.to_numpy(dtype=float)
    rows, cols = cluster_order(values), cluster_order(values.T)
    names = [str(name) for name in tfs.columns[cols]]
    fontsize = 8 if len(names) <= 40 else 6
    height = max(5.0, 1.5 + len(names) * fontsize / 72 * 1.25)
    fig, ax = plt.subplots(figsize=(8, height), layout="constrained")
    low, high = HEATMAP_RANGE
    image = ax.imshow(values[rows][:, cols].T, aspect="auto", cmap="viridis", vmin=low,
                      vmax=high, interpolation="nearest")
    ax.set_yticks(np.arange(len(names)), names, fontsize=fontsize)
    ax.set_xticks([])
    ax.set_xlabel(f"condition ({len(tfs)}, clustered)")
    ax.set_ylabel(f"TF ({len(names)}, clustered)")
    below, above = values.min() < low, values.max() > high
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max",
              (True, True): "both"}[(bool(below), bool(above))]
    fig.colorbar(image, ax=ax, label="TF activity", extend=extend)
    return fig


def complexity_pca(scores: pd.DataFrame, summary: pd.DataFrame) -> Figure:
    """(4c) PC1-PC2 of the TF outputs by number of simultaneous ligands, and the hull area."""
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
    return fig


def linear_models(summary: pd.DataFrame) -> Figure:
    """(4d) r of the cross-validated linear models and of the one trained on the lowest level."""
    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    ax.plot(summary["level"], summary["linear_cv_r"], "o-", label="linear model, k-fold CV")
    lowest = int(summary["level"].min())
    ax.plot(summary["level"], summary["extrapolation_r"], "s--",
            label=f"trained on {lowest} {'ligand' if lowest == 1 else 'ligands'}")
    ax.set_xlabel("simultaneous ligands")
    ax.set_ylabel("Pearson r")
    ax.set_ylim(0, 1)
    ax.legend()
    return fig


def sweep(points: pd.DataFrame) -> Figure:
    """(5b) test r against training conditions, one line per ligand count (``points``: one row
    per sweep model, columns samples, ligands, seed, r): the mean over the seeds of each point,
    and where a point has two seeds or more the band of their range; the paper's line beside
    ours at 5 ligands."""
    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    _, _, most = seeds_per_point(points)
    what = "one seed" if most == 1 else f"mean of {most} seeds"
    for ligands, part in points.groupby("ligands"):
        by_samples = part.groupby("samples")["r"]
        mean, low, high = by_samples.mean(), by_samples.min(), by_samples.max()
        line, = ax.plot(mean.index, mean.to_numpy(), "o-", label=f"{ligands} ligands ({what})")
        if most > 1:
            ax.fill_between(mean.index, low.to_numpy(), high.to_numpy(),
                            color=line.get_color(), alpha=0.2, lw=0)
    ticks = set(points["samples"])
    if 5 in set(points["ligands"]):  # the paper's line is at 5 ligands: only beside ours
        ax.plot(list(PAPER_SWEEP_R), list(PAPER_SWEEP_R.values()), "k*--",
                label="paper, 5 ligands")
        ticks |= set(PAPER_SWEEP_R)
    ax.set_xscale("log")
    ax.set_xticks(sorted(ticks), [str(int(t)) for t in sorted(ticks)])
    ax.minorticks_off()
    ax.set_xlabel("training conditions")
    ax.set_ylabel("test Pearson r")
    ax.legend(fontsize=8)
    return fig


def predicted_against_reference(reference: pd.DataFrame, predicted: pd.DataFrame, point) -> Figure:
    """(5c) predicted against reference TF activity on the test set, at one sweep point."""
    predicted = predicted.loc[reference.index, reference.columns]
    fig, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
    ax.scatter(reference.to_numpy().ravel(), predicted.to_numpy().ravel(), s=1, alpha=0.2)
    ax.plot([0, 1.2], [0, 1.2], "k--", lw=0.8)
    ax.set_title(f"{int(point['samples'])} conditions, {int(point['ligands'])} ligands: "
                 f"r = {point['r']:.3f}", fontsize=9)
    ax.set_xlabel("reference TF activity")
    ax.set_ylabel("predicted TF activity")
    return fig


def per_tf_and_condition(per_tf: pd.Series, per_condition: pd.Series) -> Figure:
    """(5d) histograms of r per TF and r per condition, at one sweep point."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
    axes[0].hist(per_tf.dropna(), bins=20)
    axes[0].set_xlabel("r per TF (over test conditions)")
    axes[1].hist(per_condition.dropna(), bins=30)
    axes[1].set_xlabel("r per condition (over TFs)")
    for ax in axes:
        ax.set_ylabel("count")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def controls(control_rows: pd.DataFrame, model) -> Figure:
    """(5e) the controls' test r (summary rows of part control) against the model's at the
    same point (a sweep metrics row), ours beside the paper's."""
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    names = [f"trained model\n({int(model['samples'])} conditions x {int(model['ligands'])} "
             "ligands)"] + [CONTROL_LABELS.get(n.removesuffix("_r"), n.removesuffix("_r"))
                            for n in control_rows["name"]]
    ours = [model["r"]] + list(control_rows["ours"])
    paper = [PAPER_SWEEP_R.get(int(model["samples"]), np.nan) if int(model["ligands"]) == 5
             else np.nan] + list(control_rows["paper"])
    x = np.arange(len(names))
    ax.bar(x - 0.2, ours, 0.4, label="ours")
    ax.bar(x + 0.2, paper, 0.4, label="paper", color="grey")
    ax.set_xticks(x, names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("test Pearson r")
    ax.axhline(0, color="k", lw=0.5)
    ax.legend()
    return fig


def knockouts(merged: pd.DataFrame, r: float) -> Figure:
    """(5f) predicted against reference change of each TF per knock-out (``delta_ref``,
    ``delta_model``); in orange the pairs on the vertical line at 0 that the model moves
    (:func:`signet.studies.synthetic.captions.knockout_moved`), counted in the legend."""
    reference, model = merged["delta_ref"].to_numpy(), merged["delta_model"].to_numpy()
    moved = knockout_moved(reference, model)
    fig, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
    ax.scatter(reference[~moved], model[~moved], s=1, alpha=0.1, color="C0")
    if moved.any():
        ax.scatter(reference[moved], model[moved], s=1, alpha=0.3, color="C1",
                   label=f"reference |change| < {KNOCKOUT_STILL:g}, predicted |change| "
                         f"\u2265 {KNOCKOUT_MOVED:g}: {int(moved.sum())} pairs")
        ax.legend(fontsize=7, markerscale=6, loc="upper left")
    low = float(min(reference.min(), model.min()))
    high = float(max(reference.max(), model.max()))
    ax.plot([low, high], [low, high], "k--", lw=0.8)
    ax.set_xlabel("reference change of the TF")
    ax.set_ylabel("predicted change of the TF")
    ax.set_title(f"knock-outs: r = {r:.3f} (paper {PAPER_KNOCKOUT_R:.2f})", fontsize=9)
    return fig
