"""Step 1, selection: the human OmniPath core set split into ligand-receptor, regulatory
(TF -> gene) and signaling interactions; ligand-receptor and signaling interactions kept when
they cite one of the chosen resources (KEGG for the synthetic-study network; KEGG and InnateDB
for the macrophage network)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from signet.io.formats import require_columns
from signet.studies.networks.normalise import merge_duplicate_edges
from signet.studies.networks.tables import MODEL_COLUMNS, nothing_left, tokens

__all__ = ["select_core_human", "split_interactions", "filter_resources",
           "select_interactions"]


def select_core_human(interactions: pd.DataFrame, *, taxon: int = 9606, path=None,
                      require_core: bool = True) -> pd.DataFrame:
    """Keep human protein-protein interactions of the OmniPath core set.

    * human: ``ncbi_tax_id_source == ncbi_tax_id_target == taxon`` when those columns exist
      (the archive mixes human, mouse and rat; a web-service query for one organism lacks
      them and is taken as is);
    * proteins: ``entity_type_* == 'protein'`` when those columns exist;
    * core set: ``omnipath`` flag set (the column is required when ``require_core``).
    """
    table = interactions
    if require_core:
        require_columns(table, ["omnipath"], path,
                        "OmniPath interactions table (core-set flag)")
    keep = np.ones(len(table), dtype=bool)
    for column in ("ncbi_tax_id_source", "ncbi_tax_id_target"):
        if column in table.columns:
            keep &= pd.to_numeric(table[column], errors="coerce").to_numpy() == taxon
    if not keep.any():
        raise nothing_left(path, "interactions", f"keeping taxon {taxon} (human)")
    for column in ("entity_type_source", "entity_type_target"):
        if column in table.columns:
            keep &= (table[column].str.lower() == "protein").to_numpy()
    if "omnipath" in table.columns:
        keep &= table["omnipath"].to_numpy().astype(bool)
    if not keep.any():
        raise nothing_left(path, "interactions", "keeping the OmniPath core set ('omnipath' "
                                                 "flag) of human proteins")
    return table.loc[keep].reset_index(drop=True)


def split_interactions(core: pd.DataFrame, ligand_receptor_pairs) -> dict[str, pd.DataFrame]:
    """Split core interactions into ``ligand_receptor``, ``regulatory`` and ``signaling``.

    * regulatory: ``type == 'transcriptional'`` (TF -> gene);
    * ligand_receptor: post-translational interactions whose ``(source, target)`` is a
      pair of the ligand-receptor resource;
    * signaling: the other post-translational interactions.

    Other types (miRNA, lncRNA, small molecule) belong to none. Without a ``type`` column
    every interaction counts as post-translational.
    """
    pairs = set(map(tuple, ligand_receptor_pairs))
    kind = core["type"].str.strip().str.lower() if "type" in core.columns \
        else pd.Series("post_translational", index=core.index)
    regulatory = kind == "transcriptional"
    protein = kind == "post_translational"
    is_pair = pd.Series([p in pairs for p in zip(core["source"], core["target"])],
                        index=core.index, dtype=bool)
    return {
        "ligand_receptor": core.loc[protein & is_pair].reset_index(drop=True),
        "regulatory": core.loc[regulatory].reset_index(drop=True),
        "signaling": core.loc[protein & ~is_pair].reset_index(drop=True),
    }


def filter_resources(edges: pd.DataFrame, resources, *, path=None,
                     what: str = "interactions") -> pd.DataFrame:
    """Keep edges whose ``sources`` (``;``-separated) name one of ``resources`` exactly.

    ``KEGG`` matches the token ``KEGG`` only, not ``KEGG-MEDICUS`` (a different resource).
    ``*`` keeps every edge (the genome-scale build: all resources).
    """
    wanted = set(resources)
    if "*" in wanted:
        return edges.reset_index(drop=True)
    keep = edges["sources"].map(lambda s: bool(tokens(s) & wanted)).to_numpy(dtype=bool)
    if not keep.any():
        raise nothing_left(path, what, f"keeping those that cite {', '.join(sorted(wanted))}")
    return edges.loc[keep].reset_index(drop=True)


def select_interactions(omnipath: pd.DataFrame, ligand_receptor: pd.DataFrame,
                        regulons: pd.DataFrame, *, resources, taxon: int = 9606,
                        dorothea_levels=("A", "B"), paths=None) -> dict[str, pd.DataFrame]:
    """Step 1: the ligand-receptor, regulatory and signaling sets, as Model-format edges.

    ``omnipath``: the OmniPath interactions (:func:`read_interactions`); ``ligand_receptor``:
    the ligand-receptor resource (OmniPath's ligand-receptor interactions); ``regulons``: the
    DoRothEA regulon (``dorothea_level`` or ``confidence`` restricted to ``dorothea_levels``).
    ``paths`` maps ``omnipath``, ``ligand_receptor``, ``regulons`` to file names for errors.

    * ligand_receptor = core pairs of the resource together with the resource's own human
      interactions, each merged per pair, kept when citing ``resources``;
    * signaling = the other core post-translational interactions citing ``resources``;
    * regulatory = the DoRothEA regulon plus core transcriptional interactions.
    """
    paths = paths or {}
    core = select_core_human(omnipath, taxon=taxon, path=paths.get("omnipath"))
    lr_resource = select_core_human(ligand_receptor, taxon=taxon, require_core=False,
                                    path=paths.get("ligand_receptor"))
    parts = split_interactions(core, zip(lr_resource["source"], lr_resource["target"]))

    lr = merge_duplicate_edges(pd.concat([parts["ligand_receptor"][MODEL_COLUMNS],
                                          lr_resource[MODEL_COLUMNS]], ignore_index=True))
    lr = filter_resources(lr, resources, path=paths.get("ligand_receptor"),
                          what="ligand-receptor interactions")
    signaling = merge_duplicate_edges(parts["signaling"][MODEL_COLUMNS])
    if len(signaling) == 0:
        raise nothing_left(paths.get("omnipath"), "signaling interactions",
                           "splitting off ligand-receptor and regulatory interactions")
    signaling = filter_resources(signaling, resources, path=paths.get("omnipath"),
                                 what="signaling interactions")

    regulon = regulons
    level = next((c for c in ("dorothea_level", "confidence") if c in regulon.columns), None)
    if level is not None and dorothea_levels:
        wanted = set(dorothea_levels)
        keep = regulon[level].map(lambda v: bool(set(re.split(r"[;,\s]+", str(v))) & wanted))
        regulon = regulon.loc[keep.to_numpy(dtype=bool)]
    if len(regulon) == 0:
        raise nothing_left(paths.get("regulons"), "TF -> gene interactions",
                           f"keeping DoRothEA levels {', '.join(dorothea_levels)}")
    regulatory = merge_duplicate_edges(pd.concat([regulon[MODEL_COLUMNS],
                                                  parts["regulatory"][MODEL_COLUMNS]],
                                                 ignore_index=True))
    return {"ligand_receptor": lr, "regulatory": regulatory, "signaling": signaling}
