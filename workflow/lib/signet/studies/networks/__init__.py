"""Reconstruct a signaling network (a prior-knowledge network, PKN) from OmniPath.

The paper's "Model reconstruction", one module per step, each step a pure pandas function;
the workflow runs one script per step and writes every intermediate as a readable TSV.

1. :mod:`~signet.studies.networks.select`: human interactions of the OmniPath core set, split
   into ligand-receptor, regulatory (TF -> gene) and signaling sets, kept when they cite one
   of the chosen resources (KEGG for the synthetic-study network; KEGG and InnateDB for the
   macrophage network).
2. :mod:`~signet.studies.networks.curation`: the project's manual curation tables.
3. :mod:`~signet.studies.networks.normalise`: duplicates merged, ligand-receptor pairs out of
   the signaling set, non-directed interactions duplicated in reverse, conflicting signs made
   unknown, unknown signs dropped (KEGG network only), nodes outside reviewed human UniProt and
   self-loops dropped.
4. :mod:`~signet.studies.networks.classify`: ligands, receptors and TFs (or a pseudo-ligand ->
   receptor map for the macrophage network).
5. :mod:`~signet.studies.networks.trim`: dead ends and redundant ``A -> X -> A`` nodes removed
   to a fixed point; the paper's Model and Annotation tables.

:mod:`~signet.studies.networks.tables` reads and writes the tables (on top of
:mod:`signet.io.formats`), :mod:`~signet.studies.networks.summary` and
:mod:`~signet.studies.networks.draw` describe the result (paper Fig. 4a). The names below are
re-exported so that ``import signet.studies.networks as pkn`` reaches every step.

Nothing here imports torch or numba: the network rules run in a small environment
(envs/networks.yaml).
"""

from signet.io.formats import read_annotation, write_annotation, write_table
from signet.studies.networks.classify import classify_nodes
from signet.studies.networks.draw import draw_network, layer_nodes
from signet.studies.networks.normalise import (
    add_reverse_edges,
    drop_ligand_receptor_pairs,
    drop_self_loops,
    drop_unknown_sign,
    keep_reviewed_proteins,
    merge_duplicate_edges,
    normalise_edges,
    resolve_sign_conflicts,
)
from signet.studies.networks.select import (
    filter_resources,
    select_core_human,
    select_interactions,
    split_interactions,
)
from signet.studies.networks.summary import summarise_network
from signet.studies.networks.tables import (
    ANNOTATION_COLUMNS,
    MODEL_COLUMNS,
    NODE_COLUMNS,
    OMNIPATH_REQUIRED,
    SUMMARY_COLUMNS,
    read_edges,
    read_interactions,
    read_ligand_map,
    read_tf_data,
    read_uniprot,
    write_edges,
)
from signet.studies.networks.trim import annotation_table, reachable, trim_network

__all__ = [
    "MODEL_COLUMNS", "ANNOTATION_COLUMNS", "NODE_COLUMNS", "OMNIPATH_REQUIRED", "SUMMARY_COLUMNS",
    "read_interactions", "read_edges", "write_edges", "read_annotation", "write_annotation",
    "write_table", "read_uniprot", "read_ligand_map", "read_tf_data", "select_core_human",
    "split_interactions", "filter_resources", "select_interactions", "merge_duplicate_edges",
    "drop_ligand_receptor_pairs", "add_reverse_edges", "resolve_sign_conflicts",
    "drop_unknown_sign", "keep_reviewed_proteins", "drop_self_loops", "normalise_edges",
    "classify_nodes", "trim_network", "reachable", "annotation_table", "summarise_network",
    "layer_nodes", "draw_network",
]
