"""Rule plot_activations (Fig. 1b): MML next to leaky ReLU and sigmoid."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402
from signet.core.activations import LEAKY_RELU, MML, SIGMOID  # noqa: E402
from signet.io import atomic_write  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_activations")


def main(smk):
    z = torch.linspace(-2.0, 4.0, 601, dtype=torch.float64)
    table = pd.DataFrame({"z": z.numpy()})
    for activation in (MML, LEAKY_RELU, SIGMOID):
        table[activation.name] = activation.value(z).numpy()
    with atomic_write(smk.output.table) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.10g")

    fig, ax = plt.subplots(figsize=(4.0, 3.2), layout="constrained")
    styles = {"MML": dict(color="black", lw=2), "leakyReLU": dict(color="tab:blue", ls="--"),
              "sigmoid": dict(color="tab:orange", ls=":")}
    for name, style in styles.items():
        ax.plot(table["z"], table[name], label=name, **style)
    ax.axhline(1.0, color="grey", lw=0.5)
    ax.axvline(0.5, color="grey", lw=0.5, ls=":")
    ax.set_ylim(-0.5, 2.0)
    ax.set_xlabel("input z")
    ax.set_ylabel("f(z)")
    ax.legend(frameon=False)
    fig.savefig(smk.output.figure, dpi=150)
    log.info("MML(4) = %.4f (1 - 0.25/4 = 0.9375)", float(MML.value(torch.tensor(4.0))))


run(main, snakemake)  # noqa: F821
