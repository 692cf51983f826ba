"""The finished network in one row: nodes, edges by sign, ligands, receptors, TFs."""

from __future__ import annotations

import pandas as pd

from signet.studies.networks.tables import SUMMARY_COLUMNS

__all__ = ["receptors_of", "summarise_network"]


def receptors_of(edges: pd.DataFrame, ligands: set) -> set:
    """Receptors of a finished network: non-ligand nodes that a ligand points at."""
    return set(edges.loc[edges["source"].isin(ligands), "target"]) - ligands


def summarise_network(edges: pd.DataFrame, annotation: pd.DataFrame,
                      name: str) -> pd.DataFrame:
    """One row: nodes, edges (stimulation / inhibition / unknown sign), ligands, receptors, TFs.

    ``annotation`` needs ``code, TF, ligand`` (booleans). Receptors are the non-ligand nodes
    that a ligand points at (the Annotation format has no receptor column).
    """
    nodes = set(edges["source"]) | set(edges["target"])
    stim = edges["stimulation"].astype(int)
    inhib = edges["inhibition"].astype(int)
    ligands = set(annotation.loc[annotation["ligand"].astype(bool), "code"]) & nodes
    tfs = set(annotation.loc[annotation["TF"].astype(bool), "code"]) & nodes
    row = {"network": name, "nodes": len(nodes), "edges": len(edges),
           "stimulation": int(((stim == 1) & (inhib == 0)).sum()),
           "inhibition": int(((inhib == 1) & (stim == 0)).sum()),
           "unknown_sign": int((stim == inhib).sum()),
           "ligands": len(ligands), "receptors": len(receptors_of(edges, ligands)),
           "TFs": len(tfs)}
    return pd.DataFrame([row], columns=SUMMARY_COLUMNS)
