"""Rule fit_reference_model (Fig. 4a): optimise the synthetic reference model's parameters."""

import logging

from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.io import atomic_write, write_parameters
from signet.rule_script import run
from signet.studies.synthetic.reference_model import ReferenceSettings, fit_reference_model

log = logging.getLogger("fit_reference_model")


def main(smk):
    settings = smk.params.settings
    network = Network.from_files(smk.input.network, smk.input.annotation)
    model = SignalingModel(network, steps=settings["steps"])
    reference = ReferenceSettings(iterations=settings["iterations"],
                                  conditions=settings["conditions"],
                                  ligands_per_sample=settings["ligands_per_sample"],
                                  steps=settings["steps"])
    history = fit_reference_model(model, reference, seed=settings["seed"])
    with atomic_write(smk.output.optimisation_log) as handle:
        history.to_csv(handle, sep="\t", index=False, float_format="%.8g")
    write_parameters(model.parameters_table(), smk.output.parameters)
    log.info("reference model: %d iterations, final max rho %.4f", settings["iterations"],
             history["rho"].iloc[-1])


run(main, snakemake)  # noqa: F821
