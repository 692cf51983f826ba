"""Rule plot_ffnn_fits (Fig. 1c): test Pearson r (mean over seeds) as a heatmap and a table."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from signet.io import atomic_write  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_ffnn_fits")


def main(smk):
    fits = pd.concat([pd.read_csv(path, sep="\t") for path in smk.input], ignore_index=True)
    summary = (fits.groupby(["mechanism", "activation", "hidden_layers"], sort=False)
               .agg(test_r_mean=("test_r", "mean"), test_r_sd=("test_r", "std"),
                    train_r_mean=("train_r", "mean"), seeds=("seed", "nunique"))
               .reset_index())
    with atomic_write(smk.output.table) as handle:
        summary.to_csv(handle, sep="\t", index=False, float_format="%.6g")

    summary["model"] = (summary["activation"] + ", " + summary["hidden_layers"].astype(str)
                        + " hidden")
    grid = summary.pivot(index="mechanism", columns="model", values="test_r_mean")
    grid = grid.loc[list(dict.fromkeys(summary["mechanism"])),
                    list(dict.fromkeys(summary["model"]))]
    fig, ax = plt.subplots(figsize=(1.1 * grid.shape[1] + 3.0, 0.55 * grid.shape[0] + 1.8),
                           layout="constrained")
    image = ax.imshow(grid.to_numpy(), cmap="magma", vmin=0, vmax=1, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            value = grid.iat[i, j]
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                    color="black" if value > 0.6 else "white")
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=45, ha="right")
    ax.set_yticks(range(grid.shape[0]), [m.replace("_", " ") for m in grid.index])
    fig.colorbar(image, ax=ax, label="test Pearson r (mean of seeds)")
    fig.savefig(smk.output.figure, dpi=150)
    log.info("%d fits, %d cells", len(fits), grid.size)


run(main, snakemake)  # noqa: F821
