"""Rule plot_mechanisms (Fig. 1a): heatmaps of each motif's steady-state output."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_mechanisms")


def main(smk):
    table = pd.read_csv(smk.input[0], sep="\t")
    mechanisms = list(dict.fromkeys(table["mechanism"]))
    fig, axes = plt.subplots(1, len(mechanisms), figsize=(3.0 * len(mechanisms), 3.0),
                             squeeze=False, layout="constrained")
    for ax, mechanism in zip(axes[0], mechanisms):
        rows = table[table["mechanism"] == mechanism].sort_values(["source_a", "source_b"])
        a, b = np.unique(rows["source_a"]), np.unique(rows["source_b"])
        surface = rows["output"].to_numpy().reshape(a.size, b.size)
        image = ax.imshow(surface.T, origin="lower", extent=(a[0], a[-1], b[0], b[-1]),
                          vmin=0, vmax=1, cmap="viridis", interpolation="bilinear", aspect="equal")
        ax.set_title(mechanism.replace("_", " "), fontsize=9)
        ax.set_xlabel("source A")
        ax.set_ylabel("source B")
        log.info("%s: %d x %d grid", mechanism, a.size, b.size)
    fig.colorbar(image, ax=axes[0].tolist(), label="active target (steady state)", shrink=0.8)
    fig.savefig(smk.output[0], dpi=150)


run(main, snakemake)  # noqa: F821
