"""Rule shrink_spectral_radius (Fig. 3b-d): pull a random matrix's spectral radius below the
target by gradient descent on the spectral barrier; record eigenvalues, weights and
trajectories before and after."""

import logging

import numpy as np
import pandas as pd
from signet.io import atomic_write
from signet.rule_script import run
from signet.spectral import shrink_spectral_radius

log = logging.getLogger("shrink_spectral_radius")


def write_table(table, path):
    with atomic_write(path) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.12g")


def random_matrix(nodes, density, rho, rng):
    """A nodes x nodes matrix with ``density`` N(0, 1) non-zeros, scaled to spectral radius rho."""
    matrix = np.where(rng.random((nodes, nodes)) < density, rng.normal(size=(nodes, nodes)), 0.0)
    return matrix * (rho / np.max(np.abs(np.linalg.eigvals(matrix))))


def trajectory(matrix, bias, steps):
    """States x_k of x_{k+1} = A x_k + b from x_0 = 0 (steps + 1 rows).

    This is the signaling RNN's iteration in the linear range of MML (0 <= z <= 0.5, where
    f'(z) = 1, so the transition matrix T = diag(f') A is A itself): it converges to a steady
    state exactly when rho(A) < 1.
    """
    x = np.zeros_like(bias)
    states = [x]
    for _ in range(steps):
        x = matrix @ x + bias
        states.append(x)
    return np.array(states)


def main(smk):
    p = smk.params.spectral
    rng = np.random.default_rng(p["seed"])
    before = random_matrix(p["nodes"], p["density"], p["rho_start"], rng)
    after, history = shrink_spectral_radius(before, target=p["rho_target"], lr=p["lr"],
                                            max_steps=p["max_steps"])
    after = np.asarray(after, dtype=np.float64)
    rho = {name: float(np.max(np.abs(np.linalg.eigvals(m))))
           for name, m in (("before", before), ("after", after))}
    rows, cols = np.nonzero(before)
    weight_r = float(np.corrcoef(before[rows, cols], after[rows, cols])[0, 1])
    log.info("rho %.4f -> %.4f in %d steps; r(weights before, after) = %.5f", rho["before"],
             rho["after"], len(history) - 1, weight_r)

    eigenvalues = pd.concat([
        pd.DataFrame({"matrix": name, "real": values.real, "imag": values.imag})
        for name, values in (("before", np.linalg.eigvals(before)),
                             ("after", np.linalg.eigvals(after)))], ignore_index=True)
    write_table(eigenvalues, smk.output.eigenvalues)
    write_table(pd.DataFrame({"source": cols, "target": rows, "before": before[rows, cols],
                              "after": after[rows, cols]}), smk.output.weights)

    bias = rng.uniform(0.0, 0.1, p["nodes"])
    shown = np.arange(min(p["trajectory_nodes"], p["nodes"]))
    tables = []
    for name, matrix in (("before", before), ("after", after)):
        states = trajectory(matrix, bias, p["trajectory_steps"])
        for node in shown:
            tables.append(pd.DataFrame({"matrix": name, "step": np.arange(len(states)),
                                        "node": int(node), "state": states[:, node]}))
        change = np.abs(np.diff(states, axis=0)).max(axis=1)
        tables.append(pd.DataFrame({"matrix": name, "step": np.arange(1, len(states)),
                                    "node": -1, "state": change}))
    write_table(pd.concat(tables, ignore_index=True), smk.output.trajectories)
    write_table(pd.DataFrame({"step": np.arange(len(history)), "rho": history}),
                smk.output.history)


run(main, snakemake)  # noqa: F821
