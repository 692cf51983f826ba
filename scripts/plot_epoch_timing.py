"""Rule plot_epoch_timing: seconds per epoch and per pass against network size, with linear
least-squares fits (as the paper's Supp. Fig. 5 does for passes)."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from signet.io import atomic_write  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_epoch_timing")


def main(smk):
    times = pd.read_csv(smk.input[0], sep="\t")
    trend = []
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.5), layout="constrained")
    panels = (("epoch_cpu_s", "CPU seconds per epoch", 1.0, "s"),
              ("pass_ms", "forward + backward pass (ms)", 1.0, "ms"))
    for ax, (column, label, scale, unit) in zip(axes, panels):
        y = times[column] * scale
        slope, intercept = np.polyfit(times["nodes"], y, 1)
        r = float(np.corrcoef(times["nodes"], y)[0, 1]) if len(times) > 1 else float("nan")
        trend.append({"quantity": column, "per_1000_nodes": 1000 * slope,
                      "intercept": intercept, "r": r, "unit": unit})
        ax.scatter(times["nodes"], y, color="tab:blue")
        x = np.array([0, times["nodes"].max()])
        ax.plot(x, intercept + slope * x, color="tab:blue", lw=1, ls="--",
                label=f"{1000 * slope:.3g} {unit} per 1000 nodes (r {r:.3f})")
        ax.set_xlabel("nodes")
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False, fontsize=8)
        log.info("%s: %.4g %s per 1000 nodes, intercept %.4g, r %.4f", column, 1000 * slope,
                 unit, intercept, r)
    fig.savefig(smk.output.figure, dpi=150)
    with atomic_write(smk.output.trend) as handle:
        pd.DataFrame(trend).to_csv(handle, sep="\t", index=False, float_format="%.6g")


run(main, snakemake)  # noqa: F821
