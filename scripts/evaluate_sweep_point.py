"""Rules evaluate_sweep_point and evaluate_control (Fig. 5b-e): test a trained model (or the
mean predictor) on the fixed test set against the reference model."""

import logging

import pandas as pd
from signet.core.network import Network
from signet.eval.metrics import (
    internal_state_r,
    mean_predictor,
    per_condition_r,
    per_tf_r,
    prediction_metrics,
)
from signet.io import atomic_write, read_conditions, write_conditions
from signet.rule_script import run
from signet.studies.synthetic.reference_model import load_reference_model

log = logging.getLogger("evaluate_sweep_point")


def main(smk):
    network = Network.from_files(smk.input.network, smk.input.annotation)
    ligands = read_conditions(smk.input.test_ligands, "ligand")
    reference = read_conditions(smk.input.test_tfs, "TF")
    reference_states = read_conditions(smk.input.test_states, "state")
    control = smk.params.control
    if control == "mean":
        predicted = mean_predictor(read_conditions(smk.input.train_tfs, "TF"), ligands)
        states_r = float("nan")
    else:
        model = load_reference_model(network, smk.input.parameters, steps=smk.params.steps)
        predicted, states = model.simulate(ligands)
        states_r = internal_state_r(states, reference_states, network)
    metrics = prediction_metrics(predicted, reference)
    metrics["internal_state_r"] = states_r
    row = {"control": control or "", **{k: v for k, v in dict(smk.params.point).items()},
           **metrics}
    with atomic_write(smk.output.metrics) as handle:
        pd.DataFrame([row]).to_csv(handle, sep="\t", index=False, float_format="%.6g")
    write_conditions(predicted, smk.output.predictions)
    for table, path in ((per_tf_r(predicted, reference), smk.output.per_tf),
                        (per_condition_r(predicted, reference), smk.output.per_condition)):
        with atomic_write(path) as handle:
            table.to_frame().to_csv(handle, sep="\t", float_format="%.6g")
    log.info("%s", row)


run(main, snakemake)  # noqa: F821
