"""Rule plot_spectral (Fig. 3b-d): eigenvalues, weights and trajectories before and after."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from signet.rule_script import run  # noqa: E402

log = logging.getLogger("plot_spectral")
COLORS = {"before": "tab:red", "after": "tab:blue"}


def main(smk):
    eigenvalues = pd.read_csv(smk.input.eigenvalues, sep="\t")
    weights = pd.read_csv(smk.input.weights, sep="\t")
    trajectories = pd.read_csv(smk.input.trajectories, sep="\t")
    history = pd.read_csv(smk.input.history, sep="\t")

    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8), layout="constrained")
    # (b) eigenvalues and the unit circle
    circle = np.linspace(0, 2 * np.pi, 200)
    axes[0].plot(np.cos(circle), np.sin(circle), color="grey", lw=0.5)
    rho = {}
    for name, color in COLORS.items():
        rows = eigenvalues[eigenvalues["matrix"] == name]
        rho[name] = np.hypot(rows["real"], rows["imag"]).max()
        axes[0].scatter(rows["real"], rows["imag"], s=8, color=color, label=name)
    axes[0].set_aspect("equal")
    axes[0].set_xlabel("real")
    axes[0].set_ylabel("imaginary")
    axes[0].legend(frameon=False, fontsize=8, loc="upper right")
    axes[0].set_title(f"b  eigenvalues, rho {rho['before']:.3f} -> {rho['after']:.3f}")
    # (c) weights after against before
    r = np.corrcoef(weights["before"], weights["after"])[0, 1]
    axes[1].scatter(weights["before"], weights["after"], s=4, color="black")
    limits = [weights[["before", "after"]].min().min(), weights[["before", "after"]].max().max()]
    axes[1].plot(limits, limits, color="grey", lw=0.5)
    axes[1].set_xlabel("weight before")
    axes[1].set_ylabel("weight after")
    axes[1].set_title(f"c  weights, r = {r:.4f}")
    # (d) trajectories: node states, and the largest change per step
    states = trajectories[trajectories["node"] >= 0]
    for (name, _node), rows in states.groupby(["matrix", "node"]):
        axes[2].plot(rows["step"], rows["state"], color=COLORS[name], lw=0.8, alpha=0.8)
    for name, color in COLORS.items():
        axes[2].plot([], [], color=color, label=name)
        change = trajectories[(trajectories["node"] == -1) & (trajectories["matrix"] == name)]
        axes[3].semilogy(change["step"], change["state"].clip(lower=1e-300), color=color,
                         label=name)
    axes[2].set_yscale("symlog", linthresh=1.0)
    axes[2].set_xlabel("step")
    axes[2].set_ylabel("node state, x(k+1) = A x(k) + b")
    axes[2].legend(frameon=False, fontsize=8)
    axes[2].set_title("d  trajectories")
    axes[3].set_xlabel("step")
    axes[3].set_ylabel("max |x(k+1) - x(k)|")
    axes[3].legend(frameon=False, fontsize=8)
    axes[3].set_title(f"e  convergence ({len(history) - 1} descent steps)")
    fig.savefig(smk.output[0], dpi=150)
    log.info("rho %.4f -> %.4f", history["rho"].iloc[0], history["rho"].iloc[-1])


run(main, snakemake)  # noqa: F821
