# signet: regenerate the figures of "Artificial neural networks enable genome-scale
# simulations of intracellular signaling" (Nilsson et al.). Table of contents only:
# helpers and input functions live in workflow/rules/common.smk, the work in the stages.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/paper_release.smk"
include: "workflow/rules/figure1.smk"
include: "workflow/rules/toy.smk"
include: "workflow/rules/spectral.smk"
include: "workflow/rules/timing.smk"
include: "workflow/rules/networks.smk"
include: "workflow/rules/macrophage_data.smk"
include: "workflow/rules/studies.smk"
include: "workflow/rules/synthetic.smk"


rule all:
    input:
        get_final_outputs,
    default_target: True
