"""Rule build_reference_model: one member of the reference-model suite (Fig. 4a); a released
member (``procedure: released``) is its given table, checked complete and written as it is."""

import logging

import pandas as pd
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.io import atomic_write, read_parameters, write_parameters
from signet.rule_script import run
from signet.studies.synthetic.reference_model import ReferenceSettings
from signet.studies.synthetic.reference_suite import ReferenceSpec, build_reference

log = logging.getLogger("build_reference_model")


def main(smk):
    settings = smk.params.settings
    spec = ReferenceSpec.from_dict(smk.params.spec)
    network = Network.from_files(smk.input.network, smk.input.annotation)
    model = SignalingModel(network, steps=settings["steps"])
    objective = ReferenceSettings(iterations=spec.iterations or settings["iterations"],
                                  conditions=settings["conditions"],
                                  ligands_per_sample=settings["ligands_per_sample"],
                                  steps=settings["steps"])
    given = smk.input.get("base") or smk.input.get("released")
    base = read_parameters(given) if given else None
    if base is not None:
        base.attrs["path"] = str(given)
    notes = build_reference(model, spec, objective, base_parameters=base)
    with atomic_write(smk.output.build_log) as handle:
        pd.DataFrame([notes]).to_csv(handle, sep="\t", index=False, float_format="%.8g")
    write_parameters(model.parameters_table(), smk.output.parameters)
    log.info("reference %s: %s", spec.name, notes)


run(main, snakemake)  # noqa: F821
