"""Rule time_passes (Supp. Fig. 5): forward and backward milliseconds per pass on random
networks of increasing size."""

import logging

import pandas as pd
from signet.bench import time_pass
from signet.io import atomic_write
from signet.rule_script import run

log = logging.getLogger("time_passes")


def main(smk):
    p = smk.params.timing
    rows = []
    for n_nodes in sorted(p["nodes"]):
        result = time_pass(n_nodes, p["edges_per_node"], p["batch_size"], p["steps"],
                           repeats=p["repeats"], seed=p["seed"])
        rows.append({"nodes": result["nodes"], "edges": result["edges"],
                     "batch_size": result["batch_size"], "steps": result["steps"],
                     "forward_ms": result["forward_ms_median"],
                     "backward_ms": result["backward_ms_median"],
                     "forward_steps": result["forward_steps"]})
        log.info("%s", rows[-1])
    with atomic_write(smk.output[0]) as handle:
        pd.DataFrame(rows).to_csv(handle, sep="\t", index=False, float_format="%.6g")


run(main, snakemake)  # noqa: F821
