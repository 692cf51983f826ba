"""Rule plot_figure4 (Fig. 4b-d): synthetic TF heat map, PCA by ligand count, linear models."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from signet.io import read_conditions  # noqa: E402
from signet.rule_script import run  # noqa: E402
from signet.studies.synthetic import figures  # noqa: E402
from signet.studies.synthetic.captions import (  # noqa: E402
    figure4c_claim,
    figure4d_claim,
    write_caption,
)

log = logging.getLogger("plot_figure4")


def _save(fig, path) -> None:
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main(smk):
    _save(figures.tf_heatmap(read_conditions(smk.input.heatmap_tfs, "TF")), smk.output.b)
    scores = pd.read_csv(smk.input.scores, sep="\t")
    summary = pd.read_csv(smk.input.summary, sep="\t")
    _save(figures.complexity_pca(scores, summary), smk.output.c)
    _save(figures.linear_models(summary), smk.output.d)
    write_caption(smk.input.caption_c, smk.output.caption_c, figure4c_claim(summary))
    write_caption(smk.input.caption_d, smk.output.caption_d, figure4d_claim(summary))
    log.info("wrote %s", list(smk.output))


run(main, snakemake)  # noqa: F821
