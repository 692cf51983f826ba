"""Write the example study's ligand and TF tables from its network and reference parameters.

The example network (``example-Model.tsv``, ``example-Annotation.tsv``: 3 ligands, 3
receptors, 4 kinases with one feedback loop, 5 TFs, one edge of unknown sign) and its
reference parameters (``example-Parameters.tsv``) are written by hand. This script simulates
the reference model under 11 ligand conditions (each ligand alone at 1 and at 0.1, the pairs,
the three together and the control), adds Gaussian noise (SD 0.03, seed 0) to the TF
activities and clips them to 0..1: ``example-Ligands.tsv`` and ``example-TFs.tsv``. It also
writes ``example-new-ligands.tsv``, three combinations the study never sees, for the README's
library example.

    .venv/bin/python examples/make_example_data.py
"""

from pathlib import Path

import numpy as np
import pandas as pd
import signet

HERE = Path(__file__).resolve().parent
CONDITIONS = {
    "CON": {}, "L1": {"L1": 1}, "L2": {"L2": 1}, "L3": {"L3": 1},
    "L1_low": {"L1": 0.1}, "L2_low": {"L2": 0.1}, "L3_low": {"L3": 0.1},
    "L1+L2": {"L1": 1, "L2": 1}, "L1+L3": {"L1": 1, "L3": 1}, "L2+L3": {"L2": 1, "L3": 1},
    "L1+L2+L3": {"L1": 1, "L2": 1, "L3": 1},
}
NEW_CONDITIONS = {"L1_low+L2": {"L1": 0.1, "L2": 1}, "L2_low+L3_low": {"L2": 0.1, "L3": 0.1},
                  "L1+L3_low": {"L1": 1, "L3": 0.1}}
NOISE_SD, SEED = 0.03, 0


def ligand_table(conditions: dict, ligands: list) -> pd.DataFrame:
    return pd.DataFrame([[row.get(ligand, 0.0) for ligand in ligands]
                         for row in conditions.values()],
                        index=pd.Index(list(conditions), name="condition"), columns=ligands)


def main() -> None:
    network = signet.Network.from_files(HERE / "example-Model.tsv",
                                        HERE / "example-Annotation.tsv")
    reference = signet.SignalingModel(network)
    reference.load_parameters_table(signet.read_parameters(HERE / "example-Parameters.tsv"),
                                    path=HERE / "example-Parameters.tsv")
    reference.eval()
    ligands = ligand_table(CONDITIONS, list(network.ligands))
    tfs, _ = signet.simulate(reference, ligands)
    noise = np.random.default_rng(SEED).normal(0.0, NOISE_SD, tfs.shape)
    observed = (tfs + noise).clip(0.0, 1.0).round(4)
    observed.index.name = "condition"
    for table, name in ((ligands, "example-Ligands.tsv"), (observed, "example-TFs.tsv"),
                        (ligand_table(NEW_CONDITIONS, list(network.ligands)),
                         "example-new-ligands.tsv")):
        table.to_csv(HERE / name, sep="\t", float_format="%.4g")  # short, readable numbers


if __name__ == "__main__":
    main()
