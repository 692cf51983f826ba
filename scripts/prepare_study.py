"""Checkpoint prepare_study: check a study's recipe, the value ranges of its ligand and TF
tables (unless allow_out_of_range), and the tables against its network; drop the TF columns
that are not TFs of the network, make the folds, check the knock-out settings, and write the
tables and the folds the training jobs read."""

import logging

from signet.core.network import Network
from signet.errors import SignetInputError
from signet.eval.crossval import (
    check_knockouts,
    check_values,
    make_folds,
    prepare_study,
    write_table,
)
from signet.io import read_conditions, write_conditions
from signet.rule_script import run
from signet.training import PRESETS, Recipe

log = logging.getLogger("prepare_study")


def main(smk):
    settings, key = smk.params.settings, smk.params.key
    recipe = settings["recipe"]
    if not smk.input.recipe and recipe not in PRESETS:
        raise SignetInputError(None, f"{key}.recipe: {recipe!r} is neither a preset "
                                     f"({', '.join(PRESETS)}) nor a .yaml file")
    try:
        Recipe.load(smk.input.recipe[0] if smk.input.recipe else recipe)
    except SignetInputError as err:
        raise SignetInputError(None, f"{key}.recipe: {err}") from None
    network = Network.from_files(smk.input.network, smk.input.annotation)
    ligands = read_conditions(smk.input.ligands, "ligand")
    tfs = read_conditions(smk.input.tfs, "TF")
    check_values(ligands, tfs, allow_out_of_range=settings["allow_out_of_range"],
                 setting=f"{key}.allow_out_of_range: true")
    ligands, tfs, dropped = prepare_study(network, ligands, tfs)
    log.info("dropped %d of %d TF columns that are not TFs of the network; %d TFs, %d "
             "conditions", len(dropped), len(dropped) + tfs.shape[1], tfs.shape[1],
             len(ligands))
    fold_settings = settings["folds"]
    folds = make_folds(ligands, fold_settings["method"], k=fold_settings.get("k"),
                       seed=fold_settings.get("seed", 0), path=smk.input.get("fold_file"))
    log.info("%s folds: %d folds leave out %d of %d conditions", fold_settings["method"],
             folds["fold"].nunique(), len(folds), len(ligands))
    if settings.get("knockouts"):
        nodes = check_knockouts(settings["knockouts"], network, ligands, f"{key}.knockouts")
        log.info("knock-outs: %d nodes under %s", len(nodes),
                 ", ".join(settings["knockouts"]["conditions"]))
    write_conditions(ligands, smk.output.ligands)
    write_conditions(tfs, smk.output.tfs)
    write_table(folds, smk.output.folds)


run(main, snakemake)  # noqa: F821
