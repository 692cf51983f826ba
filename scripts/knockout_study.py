"""Rule knockout_study: knock out the configured nodes under each knock-out condition with
every fold model (x seed) that trained on that condition, and reduce the changes of the
read-out TFs to a mean, a sample SD, the number of models and their sign agreement (empty
where no model's knock-out changes the TF). ``nodes: all`` is every node that is not a
ligand, as in ``signet knockout --nodes all``."""

import logging
from pathlib import Path

import pandas as pd
from signet.core.network import Network
from signet.eval.crossval import check_knockouts, run_knockouts, write_knockout_tables
from signet.eval.knockouts import knockout_summary
from signet.io import read_conditions
from signet.rule_script import run
from signet.training import Recipe

log = logging.getLogger("knockout_study")


def main(smk):
    settings = smk.params.settings
    network = Network.from_files(smk.input.network, smk.input.annotation)
    ligands = read_conditions(smk.input.ligands, "ligand")
    folds = pd.read_csv(smk.input.folds, sep="\t", dtype=str)
    nodes = check_knockouts(settings, network, ligands, smk.params.key)
    # the models' steps and activation
    recipe = Recipe.load(smk.input.recipe[0] if smk.input.recipe else smk.params.recipe)
    models = []
    for path in smk.input.parameters:  # .../models/cv/{fold}/seed~{seed}/parameters.tsv
        seed_dir = Path(path).parent
        models.append((seed_dir.parent.name, int(seed_dir.name.split("~")[1]), path))
    per_model = run_knockouts(network, recipe, ligands, folds, models, settings, nodes)
    summary = knockout_summary(per_model, names=network.names,
                               exclude_readout=settings["exclude_readout"])
    write_knockout_tables(per_model, summary, smk.output.per_model, smk.output.knockouts)
    for (condition, tf), group in summary.groupby(["condition", "tf"], sort=False):
        log.info("%s, %s: top %d\n%s", condition, tf, settings["top"],
                 group.head(settings["top"]).to_string(index=False))


run(main, snakemake)  # noqa: F821
