"""Rule knockout_macrophage (Fig. 6f): knock out every non-ligand node (bias -5) under TNFa
with each LOOCV fold model (except the one that left TNFa out) and rank the nodes by the
mean |delta RELA| over the models."""

import logging
from pathlib import Path

import pandas as pd
from signet.core.knockout import knockout
from signet.core.network import Network
from signet.errors import SignetInputError
from signet.eval.knockouts import rank_knockouts
from signet.io import atomic_write, read_conditions, read_parameters
from signet.rule_script import run
from signet.training import Recipe, model_from_recipe

log = logging.getLogger("knockout_macrophage")


def main(smk):
    settings = smk.params.settings
    network = Network.from_files(smk.input.network, smk.input.annotation)
    ligands = read_conditions(smk.input.ligands, "ligand")
    condition = settings["condition"]
    if condition not in ligands.index:
        raise SignetInputError(smk.input.ligands, f"knock-out condition {condition!r} "
                                                  "(config macrophage.knockout.condition) is "
                                                  "not a condition")
    if settings["tf"] not in network.tfs:
        raise SignetInputError(smk.input.annotation, f"knock-out read-out {settings['tf']!r} "
                                                     "is not a TF of the network")
    recipe = Recipe.load(smk.params.recipe)  # steps and activation of the fold models
    nodes = [n for n in network.nodes if n not in set(network.ligands)]
    tables = []
    for path in smk.input.parameters:
        fold = f"{Path(path).parent.parent.name}/{Path(path).parent.name}"
        model = model_from_recipe(network, recipe)
        model.load_parameters_table(read_parameters(path), path)
        table = knockout(model, ligands.loc[[condition]], nodes=nodes,
                         strength=settings["strength"])
        table.insert(0, "model", fold)
        tables.append(table)
        log.info("%s: %d knock-outs", fold, len(nodes))
    if not tables:
        raise SignetInputError(smk.input.folds, "no fold model to knock out with")
    knockouts = pd.concat(tables, ignore_index=True)
    with atomic_write(smk.output.knockouts, mode="wb") as handle:
        knockouts.to_csv(handle, sep="\t", index=False, float_format="%.6g",
                         compression="gzip")
    exclude = [settings["tf"]] if settings["exclude_readout"] else []
    ranking = rank_knockouts(knockouts, tf=settings["tf"], names=network.names,
                             exclude=exclude)
    with atomic_write(smk.output.ranking) as handle:
        ranking.to_csv(handle, sep="\t", index=False, float_format="%.6g")
    log.info("top %d:\n%s", settings["top"], ranking.head(settings["top"]).to_string())


run(main, snakemake)  # noqa: F821
