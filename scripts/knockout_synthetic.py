"""Rule knockout_synthetic (Fig. 5f): knock out every internal node (bias -5) in the model of
the configured sweep point (synthetic.knockout.point) and in the reference, over the first
training conditions of that point."""

import logging

import pandas as pd
from signet.core.knockout import knockout
from signet.core.network import Network
from signet.eval.metrics import knockout_agreement
from signet.io import atomic_write, read_conditions
from signet.rule_script import run
from signet.studies.synthetic.reference_model import load_reference_model

log = logging.getLogger("knockout_synthetic")


def main(smk):
    settings = smk.params.settings
    network = Network.from_files(smk.input.network, smk.input.annotation)
    point = pd.read_csv(smk.input.metrics, sep="\t").iloc[0]
    log.info("knock-out sweep point (config): %s", point.to_dict())
    reference = load_reference_model(network, smk.input.reference, steps=smk.params.steps)
    model = load_reference_model(network, smk.input.parameters, steps=smk.params.steps)
    ligands = read_conditions(smk.input.ligands, "ligand").iloc[:settings["conditions"]]
    nodes = network.internal_nodes
    tables = {}
    for name, which, path in (("reference", reference, smk.output.reference),
                              ("model", model, smk.output.model)):
        tables[name] = knockout(which, ligands, nodes=nodes, strength=settings["strength"])
        with atomic_write(path) as handle:
            tables[name].to_csv(handle, sep="\t", index=False, float_format="%.8g")
    agreement = knockout_agreement(tables["model"], tables["reference"], settings["threshold"])
    agreement.update(samples=int(point["samples"]), ligands=int(point["ligands"]),
                     seed=int(point["seed"]), test_r=float(point["r"]), nodes=len(nodes),
                     conditions=len(ligands))
    with atomic_write(smk.output.agreement) as handle:
        pd.DataFrame([agreement]).to_csv(handle, sep="\t", index=False, float_format="%.6g")
    log.info("knock-outs: %s", agreement)


run(main, snakemake)  # noqa: F821
