"""Step 4, classification: ligand = source of a ligand-receptor edge, receptor = its target,
TF = source of a regulatory edge (optionally only the TFs that have data). For the macrophage
network a pseudo-ligand -> receptor map (``Ligand_TNFa -> TNFRSF1A``) takes the place of the
protein ligand-receptor set (:func:`signet.studies.networks.tables.read_ligand_map`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from signet.errors import SignetInputError
from signet.studies.networks.normalise import drop_self_loops, merge_duplicate_edges
from signet.studies.networks.tables import MODEL_COLUMNS, NODE_COLUMNS, nothing_left

__all__ = ["classify_nodes"]


def classify_nodes(signaling: pd.DataFrame, ligand_receptor: pd.DataFrame,
                   regulatory: pd.DataFrame, *, names: pd.DataFrame | None = None,
                   ligand_map: pd.DataFrame | None = None, tfs_with_data=None, paths=None):
    """Step 4. Returns ``(edges, nodes)``.

    ``edges``: the ligand-receptor edges followed by the signaling edges (Model columns).
    ``nodes``: ``code, name, ligand, receptor, TF`` for every node of ``edges``:

    * ligand = source of a ligand-receptor edge; receptor = its target;
    * TF = source of a regulatory edge, restricted to ``tfs_with_data`` when given;
      a node that is both a TF and a ligand source counts as a TF only;
    * ``ligand_map`` (pseudo-ligand -> receptor, :func:`read_ligand_map`) replaces the
      ligand-receptor set; each receptor it names must be a node of ``signaling``.

    ``names`` (``code, name``, e.g. :func:`read_uniprot`) names the nodes; others keep their id.
    """
    paths = paths or {}
    signaling_nodes = set(signaling["source"]) | set(signaling["target"])
    if ligand_map is not None:
        lines = ligand_map["line"] if "line" in ligand_map.columns \
            else pd.Series(np.arange(2, len(ligand_map) + 2))
        for receptor, ligand, line in zip(ligand_map["target"], ligand_map["source"], lines):
            if receptor not in signaling_nodes:
                raise SignetInputError(
                    paths.get("ligand_map"),
                    f"receptor {receptor!r} of {ligand!r} is not a node of the signaling "
                    "network; expected the UniProt accession of a protein the network has",
                    line=int(line), column="target")
        ligand_receptor = merge_duplicate_edges(ligand_map[MODEL_COLUMNS])
    edges = merge_duplicate_edges(pd.concat([ligand_receptor[MODEL_COLUMNS],
                                             signaling[MODEL_COLUMNS]], ignore_index=True))
    edges = drop_self_loops(edges)
    nodes = list(dict.fromkeys(list(edges["source"]) + list(edges["target"])))
    tfs = set(regulatory["source"])
    if tfs_with_data is not None:
        tfs &= set(tfs_with_data)
    tfs &= set(nodes)
    if not tfs:
        raise nothing_left(paths.get("regulons"), "TFs in the network",
                           "intersecting the regulon sources" +
                           (" and the TFs with data" if tfs_with_data is not None else "")
                           + " with the network's nodes")
    ligands = set(ligand_receptor["source"]) - tfs
    if not ligands:
        raise nothing_left(paths.get("ligand_receptor"), "ligands",
                           "classifying the nodes")
    receptors = set(ligand_receptor["target"])
    name_of = {} if names is None else dict(zip(names["code"], names["name"]))
    table = pd.DataFrame({"code": nodes})
    table["name"] = [name_of.get(n, n) for n in nodes]
    table["ligand"] = table["code"].isin(ligands)
    table["receptor"] = table["code"].isin(receptors)
    table["TF"] = table["code"].isin(tfs)
    return edges, table[NODE_COLUMNS]
