"""Rule plot_figure5 (Fig. 5b-f): the data-requirement sweep, the best model's test fit,
per-TF and per-condition r, the controls, and the knock-outs."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from signet.io import read_conditions  # noqa: E402
from signet.rule_script import run  # noqa: E402
from signet.studies.synthetic import figures  # noqa: E402
from signet.studies.synthetic.captions import (  # noqa: E402
    figure5b_claim,
    figure5c_claim,
    figure5d_claim,
    figure5e_claim,
    figure5f_claim,
    knockout_unchanged,
    write_caption,
)

log = logging.getLogger("plot_figure5")


def _save(fig, path) -> None:
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main(smk):
    summary = pd.read_csv(smk.input.summary, sep="\t")
    sweep = pd.concat([pd.read_csv(path, sep="\t") for path in smk.input.sweep],
                      ignore_index=True)
    best = int(sweep["r"].to_numpy().argmax())
    point = sweep.iloc[best]
    _save(figures.sweep(sweep), smk.output.b)
    _save(figures.predicted_against_reference(
        read_conditions(smk.input.test_tfs, "TF"),
        read_conditions(smk.input.predictions[best], "TF"), point), smk.output.c)
    _save(figures.per_tf_and_condition(
        pd.read_csv(smk.input.per_tf[best], sep="\t", index_col=0)["r"],
        pd.read_csv(smk.input.per_condition[best], sep="\t", index_col=0)["r"]), smk.output.d)
    controls = summary[summary["part"] == "control"]
    _save(figures.controls(controls, control_point(sweep, controls, point)), smk.output.e)
    keys = ["condition", "node", "tf"]
    merged = pd.read_csv(smk.input.knockout_reference, sep="\t").merge(
        pd.read_csv(smk.input.knockout_model, sep="\t"), on=keys, suffixes=("_ref", "_model"))
    _save(figures.knockouts(merged, summary[summary["name"] == "knockout_r"]["ours"].iloc[0]),
          smk.output.f)
    write_captions(smk, summary, merged)
    log.info("wrote %s", list(smk.output))


def write_captions(smk, summary: pd.DataFrame, merged: pd.DataFrame) -> None:
    """Each panel's caption, with the claim that this run's numbers support."""
    unchanged = knockout_unchanged(merged["delta_ref"], merged["delta_model"])
    claims = {"b": figure5b_claim(summary), "c": figure5c_claim(summary),
              "d": figure5d_claim(summary), "e": figure5e_claim(summary),
              "f": figure5f_claim(summary, unchanged)}
    for panel, claim in claims.items():
        write_caption(smk.input[f"caption_{panel}"], smk.output[f"caption_{panel}"], claim)


def control_point(sweep: pd.DataFrame, controls: pd.DataFrame, best):
    """The sweep model at the controls' point (samples, ligands, seed), else the best one."""
    if len(controls):
        first = controls.iloc[0]
        same = sweep[(sweep["samples"] == first["samples"])
                     & (sweep["ligands"] == first["ligands"]) & (sweep["seed"] == first["seed"])]
        if len(same):
            return same.iloc[0]
    return best


run(main, snakemake)  # noqa: F821
