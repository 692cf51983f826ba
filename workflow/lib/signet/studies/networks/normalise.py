"""Step 3, normalisation: duplicates merged, ligand-receptor pairs removed from the signaling
set, non-directed (reversible) interactions duplicated in reverse, conflicting mode of action
made unknown, edges of unknown sign dropped (KEGG network only), nodes absent from reviewed
human UniProt dropped, self-loops dropped.

Self-loops (``A -> A``) are **not kept**: a self-loop is a node feeding its own state back,
which no resource distinguishes from an annotation artefact, the paper's networks contain
none, and a self-loop would let a node satisfy the "reaches a TF" test through itself only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from signet.studies.networks.tables import (
    FLAG_COLUMNS,
    MODEL_COLUMNS,
    empty_edges,
    nothing_left,
    tokens,
)

__all__ = ["merge_duplicate_edges", "drop_ligand_receptor_pairs", "add_reverse_edges",
           "resolve_sign_conflicts", "drop_unknown_sign", "keep_reviewed_proteins",
           "drop_self_loops", "normalise_edges", "join_tokens"]


def join_tokens(values) -> str:
    """The union of the ``;``-separated tokens of ``values``, sorted and ``;``-joined."""
    union = set()
    for value in values:
        union |= tokens(value)
    return ";".join(sorted(union))


def merge_duplicate_edges(edges: pd.DataFrame) -> pd.DataFrame:
    """One row per ``(source, target)``: flags OR-ed, sources and references united.

    A pair reported once as directed and once as not counts as directed; stimulation and
    inhibition from different rows add up (and become a conflict when both are set).
    Rows keep the order of their first occurrence.
    """
    if len(edges) == 0:
        return empty_edges()
    table = edges[MODEL_COLUMNS].copy()
    for column in FLAG_COLUMNS:
        table[column] = table[column].astype(np.int8)
    if not table.duplicated(["source", "target"]).any():
        return table.reset_index(drop=True)
    grouped = table.groupby(["source", "target"], sort=False)
    out = grouped[FLAG_COLUMNS].max().astype(np.int8)
    out["sources"] = grouped["sources"].agg(join_tokens)
    out["references"] = grouped["references"].agg(join_tokens)
    return out.reset_index()[MODEL_COLUMNS]


def drop_ligand_receptor_pairs(signaling: pd.DataFrame,
                               ligand_receptor: pd.DataFrame) -> pd.DataFrame:
    """Remove signaling edges that join a ligand-receptor pair, in either orientation."""
    pairs = {frozenset(p) for p in zip(ligand_receptor["source"], ligand_receptor["target"])}
    keep = [frozenset(p) not in pairs for p in zip(signaling["source"], signaling["target"])]
    return signaling.loc[np.asarray(keep, dtype=bool)].reset_index(drop=True)


def add_reverse_edges(edges: pd.DataFrame) -> pd.DataFrame:
    """Duplicate non-directed (reversible, ``direction == 0``) edges in reverse.

    The reversed copy carries the same sign, sources and references; where the reverse edge
    already exists the two are merged (:func:`merge_duplicate_edges`). Every edge of the
    result is directed (``direction = 1``): each orientation is an edge of its own.
    """
    undirected = edges.loc[edges["direction"] == 0]
    reverse = undirected.rename(columns={"source": "target", "target": "source"})
    out = merge_duplicate_edges(pd.concat([edges, reverse[MODEL_COLUMNS]],
                                          ignore_index=True))
    out["direction"] = np.int8(1)
    return out


def resolve_sign_conflicts(edges: pd.DataFrame) -> pd.DataFrame:
    """Edges marked both stimulating and inhibiting get an unknown sign (both flags 0)."""
    out = edges.copy()
    both = (out["stimulation"] == 1) & (out["inhibition"] == 1)
    out.loc[both, ["stimulation", "inhibition"]] = 0
    return out


def drop_unknown_sign(edges: pd.DataFrame) -> pd.DataFrame:
    """Keep only edges with a known sign (exactly one of stimulation / inhibition)."""
    known = (edges["stimulation"] + edges["inhibition"]) == 1
    return edges.loc[known].reset_index(drop=True)


def keep_reviewed_proteins(edges: pd.DataFrame, reviewed, *,
                           exempt_prefixes=("CHEBI", "Ligand_")) -> pd.DataFrame:
    """Drop edges touching a node that is neither reviewed UniProt nor exempt.

    Small-molecule ligands (ChEBI ids) and pseudo-ligands are not proteins; ids starting with
    one of ``exempt_prefixes`` are kept.
    """
    reviewed = set(reviewed)
    prefixes = tuple(exempt_prefixes)

    def known(node: str) -> bool:
        return node in reviewed or (bool(prefixes) and node.startswith(prefixes))

    keep = edges["source"].map(known) & edges["target"].map(known)
    return edges.loc[keep.to_numpy(dtype=bool)].reset_index(drop=True)


def drop_self_loops(edges: pd.DataFrame) -> pd.DataFrame:
    """Remove ``A -> A`` edges (self-loops are not kept, see the module docstring)."""
    return edges.loc[edges["source"] != edges["target"]].reset_index(drop=True)


def normalise_edges(signaling: pd.DataFrame, ligand_receptor: pd.DataFrame, reviewed, *,
                    drop_unknown: bool = True, ligand_receptor_sign: str = "stimulation",
                    exempt_prefixes=("CHEBI", "Ligand_"), paths=None):
    """Step 3. Returns ``(signaling, ligand_receptor, counts)``.

    In order: duplicates merged; ligand-receptor edges made directed (ligand -> receptor)
    and, when ``ligand_receptor_sign == 'stimulation'``, those with no sign at all taken as
    stimulating (binding is how the ligand's input enters the network; most ligand-receptor
    resources give no sign); signaling edges joining a ligand-receptor pair removed;
    non-directed signaling edges duplicated in reverse; conflicting signs made unknown;
    unknown signs dropped when ``drop_unknown``; nodes not in ``reviewed`` (and not
    exempt) dropped; self-loops dropped. ``counts`` says how many edges each step removed
    or added, for the log.
    """
    paths = paths or {}
    if ligand_receptor_sign not in ("stimulation", "unknown"):
        raise ValueError("ligand_receptor_sign must be 'stimulation' or 'unknown'")
    counts = {}
    signaling = merge_duplicate_edges(signaling)
    lr = merge_duplicate_edges(ligand_receptor)
    lr["direction"] = np.int8(1)
    if ligand_receptor_sign == "stimulation":
        unsigned = (lr["stimulation"] == 0) & (lr["inhibition"] == 0)
        lr.loc[unsigned, "stimulation"] = 1
        counts["ligand-receptor edges taken as stimulating"] = int(unsigned.sum())
    before = len(signaling)
    signaling = drop_ligand_receptor_pairs(signaling, lr)
    counts["signaling edges removed as ligand-receptor pairs"] = before - len(signaling)
    before = len(signaling)
    signaling = add_reverse_edges(signaling)
    counts["reverse edges added for non-directed interactions"] = len(signaling) - before
    out = {}
    for label, table in (("signaling", signaling), ("ligand-receptor", lr)):
        conflict = int(((table["stimulation"] == 1) & (table["inhibition"] == 1)).sum())
        counts[f"{label} edges with conflicting sign made unknown"] = conflict
        table = resolve_sign_conflicts(table)
        if drop_unknown:
            before = len(table)
            table = drop_unknown_sign(table)
            counts[f"{label} edges of unknown sign dropped"] = before - len(table)
        before = len(table)
        table = keep_reviewed_proteins(table, reviewed, exempt_prefixes=exempt_prefixes)
        counts[f"{label} edges dropped (node not in reviewed UniProt)"] = before - len(table)
        before = len(table)
        table = drop_self_loops(table)
        counts[f"{label} self-loops dropped"] = before - len(table)
        if len(table) == 0:
            key = "omnipath" if label == "signaling" else "ligand_receptor"
            raise nothing_left(paths.get(key), f"{label} edges", "normalising the edges")
        out[label] = table
    return out["signaling"], out["ligand-receptor"], counts
