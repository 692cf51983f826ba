"""Rule simulate_synthetic_test: the fixed test set (ligands, reference TFs and states) and
the heat-map conditions of Fig. 4b."""

import logging

from signet.core.network import Network
from signet.io import write_conditions
from signet.rule_script import run
from signet.studies.synthetic.conditions import random_conditions
from signet.studies.synthetic.reference_model import load_reference_model

log = logging.getLogger("simulate_synthetic_test")


def main(smk):
    network = Network.from_files(smk.input.network, smk.input.annotation)
    reference = load_reference_model(network, smk.input.reference, steps=smk.params.steps)
    test = smk.params.test
    ligands = random_conditions(network.ligands, test["conditions"], test["ligands_per_sample"],
                                seed=test["seed"])
    tfs, states = reference.simulate(ligands)
    write_conditions(ligands, smk.output.ligands)
    write_conditions(tfs, smk.output.tfs)
    write_conditions(states, smk.output.states)
    heatmap = smk.params.heatmap
    ligands = random_conditions(network.ligands, heatmap["conditions"],
                                heatmap["ligands_per_sample"], seed=heatmap["seed"],
                                prefix="heatmap")
    tfs, _ = reference.simulate(ligands)
    write_conditions(ligands, smk.output.heatmap_ligands)
    write_conditions(tfs, smk.output.heatmap_tfs)
    log.info("test set: %d conditions; heat map: %d conditions", test["conditions"],
             heatmap["conditions"])


run(main, snakemake)  # noqa: F821
