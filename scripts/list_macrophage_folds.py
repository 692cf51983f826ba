"""Rule list_macrophage_folds: the LOOCV folds of the macrophage study, i.e. the conditions
whose ligands all occur in more than one condition (20 of the paper's 23), optionally
restricted to config macrophage.loocv.folds."""

import logging

import pandas as pd
from signet.errors import SignetInputError
from signet.eval.folds import loocv_folds
from signet.io import atomic_write, read_conditions
from signet.rule_script import run

log = logging.getLogger("list_macrophage_folds")


def main(smk):
    ligands = read_conditions(smk.input.ligands, "ligand")
    folds = loocv_folds(ligands)
    log.info("%d of %d conditions can be left out: %s", len(folds), len(ligands),
             ", ".join(folds))
    if smk.params.only:
        unknown = [f for f in smk.params.only if f not in folds]
        if unknown:
            raise SignetInputError(smk.input.ligands,
                                   f"config macrophage.loocv.folds names {unknown[0]!r}, which "
                                   f"is not a LOOCV fold (folds: {', '.join(folds)})")
        folds = [f for f in folds if f in set(smk.params.only)]
        log.info("restricted by config to %d folds: %s", len(folds), ", ".join(folds))
    with atomic_write(smk.output.folds) as handle:
        pd.DataFrame({"fold": folds}).to_csv(handle, sep="\t", index=False)


run(main, snakemake)  # noqa: F821
