"""Rule analyse_complexity (Fig. 4c-d): PCA area and linear models per ligand-count level."""

import logging

from signet.core.network import Network
from signet.io import atomic_write
from signet.rule_script import run
from signet.studies.synthetic.complexity import extrapolation_r, linear_cv_r, pca_by_level
from signet.studies.synthetic.conditions import levels_conditions
from signet.studies.synthetic.reference_model import load_reference_model

log = logging.getLogger("analyse_complexity")


def main(smk):
    settings = smk.params.settings
    network = Network.from_files(smk.input.network, smk.input.annotation)
    reference = load_reference_model(network, smk.input.reference, steps=smk.params.steps)
    levels = [level for level in settings["levels"] if level <= len(network.ligands)]
    ligands = levels_conditions(network.ligands, levels, settings["conditions"],
                                seed=settings["seed"])
    tfs = {level: reference.simulate(table)[0] for level, table in ligands.items()}
    scores, summary = pca_by_level(tfs)
    summary["linear_cv_r"] = [linear_cv_r(ligands[level], tfs[level], settings["folds"],
                                          settings["seed"]) for level in summary["level"]]
    single = min(levels)
    extrapolated = extrapolation_r(ligands[single], tfs[single],
                                   {level: (ligands[level], tfs[level]) for level in levels})
    summary["extrapolation_r"] = [extrapolated[level] for level in summary["level"]]
    with atomic_write(smk.output.scores) as handle:
        scores.to_csv(handle, sep="\t", index=False, float_format="%.6g")
    with atomic_write(smk.output.summary) as handle:
        summary.to_csv(handle, sep="\t", index=False, float_format="%.6g")
    log.info("complexity:\n%s", summary.to_string())


run(main, snakemake)  # noqa: F821
