"""Rule fit_ffnn (Fig. 1c): fit small FFNNs to one motif; train 7 x 7, test 20 x 20."""

import logging

import pandas as pd
from signet.io import atomic_write
from signet.rule_script import run
from signet.studies.figure1.ffnn import fit_response
from signet.studies.figure1.mechanisms import interpolate_response

log = logging.getLogger("fit_ffnn")


def main(smk):
    ffnn = smk.params.ffnn
    mechanism = smk.wildcards.mechanism
    table = pd.read_csv(smk.input[0], sep="\t")
    train = interpolate_response(table, mechanism, ffnn["train_grid"])
    test = interpolate_response(table, mechanism, ffnn["test_grid"])
    fits = fit_response(train, test, activations=ffnn["activations"],
                        hidden_layers=ffnn["hidden_layers"], hidden_nodes=ffnn["hidden_nodes"],
                        seeds=ffnn["seeds"], epochs=ffnn["epochs"], lr=ffnn["lr"],
                        weight_decay=ffnn["weight_decay"])
    fits.insert(0, "mechanism", mechanism)
    for row in fits.itertuples(index=False):
        log.info("%s %s hidden=%d seed=%d: train r %.4f, test r %.4f", mechanism,
                 row.activation, row.hidden_layers, row.seed, row.train_r, row.test_r)
    with atomic_write(smk.output[0]) as handle:
        fits.to_csv(handle, sep="\t", index=False, float_format="%.10g")


run(main, snakemake)  # noqa: F821
