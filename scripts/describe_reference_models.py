"""Rule describe_reference_models: the suite's table (per-TF mean and sd, saturated and
negative shares, rho at the steady states, mean-predictor r) as TSV and markdown."""

import logging

import pandas as pd
from signet.core.network import Network
from signet.io import atomic_write
from signet.rule_script import run
from signet.studies.synthetic.reference_model import load_reference_model
from signet.studies.synthetic.reference_suite import (
    ReferenceSpec,
    describe_reference,
    suite_markdown,
)

log = logging.getLogger("describe_reference_models")


def main(smk):
    network = Network.from_files(smk.input.network, smk.input.annotation)
    specs = {entry["name"]: ReferenceSpec.from_dict(entry) for entry in smk.params.specs}
    test = smk.params.test
    rows, per_tf = [], {}
    for name, path in zip(specs, smk.input.parameters):
        model = load_reference_model(network, path, steps=smk.params.steps)
        row, table = describe_reference(model, name, test=test["conditions"],
                                        test_seed=test["seed"])
        rows.append(row)
        per_tf[name] = table
        log.info("%s: %s", name, row)
    summary = pd.DataFrame(rows)
    with atomic_write(smk.output.summary) as handle:
        summary.to_csv(handle, sep="\t", index=False, float_format="%.6g")
    long = pd.concat([t.assign(reference=name) for name, t in per_tf.items()], ignore_index=True)
    with atomic_write(smk.output.per_tf) as handle:
        long.to_csv(handle, sep="\t", index=False, float_format="%.6g")
    with atomic_write(smk.output.markdown) as handle:
        handle.write(suite_markdown(summary, per_tf, specs))


run(main, snakemake)  # noqa: F821
