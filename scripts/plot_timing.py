"""Rule plot_timing (Supp. Fig. 5): time per pass against network size, with a linear fit."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from signet.io import atomic_write  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_timing")


def main(smk):
    times = pd.read_csv(smk.input[0], sep="\t")
    trend = []
    fig, ax = plt.subplots(figsize=(4.5, 3.5), layout="constrained")
    for column, color in (("forward_ms", "tab:blue"), ("backward_ms", "tab:orange")):
        slope, intercept = np.polyfit(times["nodes"], times[column], 1)
        r = float(np.corrcoef(times["nodes"], times[column])[0, 1])
        name = column.removesuffix("_ms")
        trend.append({"pass": name, "ms_per_1000_nodes": 1000 * slope, "intercept_ms": intercept,
                      "r": r})
        ax.scatter(times["nodes"], times[column], color=color, label=f"{name}")
        x = np.array([0, times["nodes"].max()])
        ax.plot(x, intercept + slope * x, color=color, lw=1, ls="--",
                label=f"{1000 * slope:.2f} ms per 1000 nodes")
        log.info("%s: %.3f ms per 1000 nodes, intercept %.3f ms, r %.4f", name, 1000 * slope,
                 intercept, r)
    ax.set_xlabel("nodes")
    ax.set_ylabel("time per pass (ms)")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=8)
    fig.savefig(smk.output.figure, dpi=150)
    with atomic_write(smk.output.trend) as handle:
        pd.DataFrame(trend).to_csv(handle, sep="\t", index=False, float_format="%.6g")


run(main, snakemake)  # noqa: F821
