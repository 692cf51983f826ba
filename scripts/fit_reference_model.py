"""Rule fit_reference_model (Fig. 4a): optimise the synthetic reference model's parameters."""

import logging
from contextlib import redirect_stderr

import torch
from signet.io import atomic_write, write_parameters
from signet.model import SignalingModel
from signet.network import Network
from signet.reference_model import ReferenceSettings, fit_reference_model
from threadpoolctl import threadpool_limits

log = logging.getLogger("fit_reference_model")


def main(smk):
    torch.set_num_threads(smk.threads)
    threadpool_limits(smk.threads)  # numpy BLAS of the eigen-solver
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


with open(snakemake.log[0], "w") as log_file, redirect_stderr(log_file):  # noqa: F821
    logging.basicConfig(stream=log_file, level=logging.INFO, format="%(asctime)s %(message)s")
    main(snakemake)  # noqa: F821
