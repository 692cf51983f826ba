"""Reconstruct a signaling network (a prior-knowledge network, PKN) from OmniPath.

The paper's "Model reconstruction", one pure pandas function per step; the workflow runs one
script per step and writes every intermediate as a readable TSV.

1. :func:`select_interactions`: human interactions of the OmniPath core set, split into
   ligand-receptor, regulatory (TF -> gene) and signaling sets; ligand-receptor and signaling
   interactions are kept only when they cite one of the chosen resources (KEGG for the
   synthetic-study network; KEGG and InnateDB for the macrophage network).
2. manual curation, see :mod:`signet.curation`.
3. :func:`normalise_edges`: duplicates merged, ligand-receptor pairs removed from the signaling
   set, non-directed (reversible) interactions duplicated in reverse, conflicting mode of
   action made unknown, edges of unknown sign dropped (KEGG network only), nodes absent from
   reviewed human UniProt dropped, self-loops dropped.
4. :func:`classify_nodes`: ligand = source of a ligand-receptor edge, receptor = its target,
   TF = source of a regulatory edge (optionally only the TFs that have data). For the
   macrophage network a pseudo-ligand -> receptor map (``Ligand_TNFa -> TNFRSF1A``) takes the
   place of the protein ligand-receptor set (:func:`read_ligand_map`).
5. :func:`trim_network`: nodes with no path from any ligand or none to any TF are removed,
   then nodes whose single source and single target are the same node (``A -> X -> A``),
   repeated to a fixed point.

Edge tables use the paper's Model columns ``source, target, direction, stimulation,
inhibition, sources, references`` (flags as 0/1 integers; ``direction = 0`` marks a
non-directed interaction, ``stimulation = inhibition = 1`` a conflict before step 3).

Self-loops (``A -> A``) are **not kept**: a self-loop is a node feeding its own state back,
which no resource distinguishes from an annotation artefact, the paper's networks contain
none, and a self-loop would let a node satisfy the "reaches a TF" test through itself only.
Step 3 removes them and :func:`trim_network` refuses an input that has any.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections import deque
from pathlib import Path

import numpy as np
import pandas as pd

from signet.errors import SignetInputError

__all__ = [
    "MODEL_COLUMNS", "ANNOTATION_COLUMNS", "NODE_COLUMNS", "OMNIPATH_REQUIRED", "SUMMARY_COLUMNS",
    "read_interactions", "read_edges", "write_edges", "read_annotation", "write_annotation",
    "write_table", "read_uniprot", "read_ligand_map", "read_tf_data", "select_core_human", "split_interactions", "filter_resources",
    "select_interactions", "merge_duplicate_edges", "drop_ligand_receptor_pairs",
    "add_reverse_edges", "resolve_sign_conflicts", "drop_unknown_sign",
    "keep_reviewed_proteins", "drop_self_loops", "normalise_edges", "classify_nodes",
    "trim_network", "reachable", "annotation_table", "summarise_network", "layer_nodes",
    "draw_network",
]

#: the paper's ``*-Model.tsv`` columns (as :data:`signet.io.NETWORK_COLUMNS`; this module
#: does not import :mod:`signet.io`, which needs torch, so the network rules run without it)
MODEL_COLUMNS = ["source", "target", "direction", "stimulation", "inhibition", "sources",
                 "references"]
ANNOTATION_COLUMNS = ["code", "name", "TF", "ligand"]
FLAG_COLUMNS = ["direction", "stimulation", "inhibition"]
NODE_COLUMNS = ["code", "name", "ligand", "receptor", "TF"]
SUMMARY_COLUMNS = ["network", "nodes", "edges", "stimulation", "inhibition", "unknown_sign",
                   "ligands", "receptors", "TFs"]
#: columns an OmniPath interactions table must have (the archive TSV and the web service)
OMNIPATH_REQUIRED = ["source", "target", "is_directed", "is_stimulation", "is_inhibition",
                     "sources", "references"]
_OMNIPATH_FLAGS = {"is_directed": "direction", "is_stimulation": "stimulation",
                   "is_inhibition": "inhibition"}
_OPTIONAL = ["omnipath", "type", "ncbi_tax_id_source", "ncbi_tax_id_target",
             "entity_type_source", "entity_type_target", "dorothea_level", "confidence",
             "consensus_direction", "consensus_stimulation", "consensus_inhibition",
             "source_genesymbol", "target_genesymbol"]
_TRUE = {"true", "t", "1", "yes", "1.0"}
_FALSE = {"false", "f", "0", "no", "", "0.0", "nan", "none"}


# ---- reading and writing -------------------------------------------------------------
@contextlib.contextmanager
def _atomic(path):
    """A text file next to ``path``, renamed onto it only when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_table(table: pd.DataFrame, path) -> None:
    """Write any table as TSV, atomically (no partial file on failure)."""
    with _atomic(path) as handle:
        table.to_csv(handle, sep="\t", index=False)


def _read_table(path, what: str, usecols=None) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise SignetInputError(path, f"{what} file not found")
    try:
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False,
                            na_filter=False, usecols=usecols, low_memory=False)
    except pd.errors.EmptyDataError:
        raise SignetInputError(path, f"{what} file is empty; expected a tab-separated "
                                     "table with a header line") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as err:
        raise SignetInputError(path, f"cannot read {what} as tab-separated text: "
                                     f"{' '.join(str(err).split())}") from None
    table.columns = [str(c).strip() for c in table.columns]
    return table


def _require(table: pd.DataFrame, columns, path, what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SignetInputError(
            path, f"{what} is missing column(s) {', '.join(repr(c) for c in missing)}; "
                  f"found {', '.join(repr(c) for c in table.columns) or 'none'}",
            line=1, column=missing[0])


def _flag(values: pd.Series, path, column: str) -> np.ndarray:
    """0/1 flags from '1'/'0', 'True'/'False' (any case); blank is 0."""
    text = values.astype(str).str.strip().str.lower()
    good = text.isin(_TRUE | _FALSE)
    if not good.all():
        row = int(np.flatnonzero(~good.to_numpy())[0])
        raise SignetInputError(path, f"expected 0/1 or True/False, got {values.iloc[row]!r}",
                               line=row + 2, column=column)
    return text.isin(_TRUE).to_numpy().astype(np.int8)


def _empty_edges() -> pd.DataFrame:
    table = pd.DataFrame({c: pd.Series(dtype=object) for c in MODEL_COLUMNS})
    for column in FLAG_COLUMNS:
        table[column] = table[column].astype(np.int8)
    return table


def read_interactions(path, *, what: str = "interactions") -> pd.DataFrame:
    """Read an interaction table in OmniPath format or in the paper's Model format.

    OmniPath format (the archive's ``omnipath_webservice_interactions`` TSV, or a web-service
    query): ``source, target, is_directed, is_stimulation, is_inhibition, sources,
    references`` plus optional ``omnipath`` (core-set flag), ``type``, ``ncbi_tax_id_*``,
    ``entity_type_*``, ``dorothea_level``, ... Model format: ``source, target, direction,
    stimulation, inhibition, sources, references`` (``confidence`` optional). Gzip and xz
    files are read transparently.

    Returns the Model columns (flags as int8) plus whichever optional columns exist;
    ``line`` holds each row's line in the file.
    """
    wanted = set(OMNIPATH_REQUIRED) | set(MODEL_COLUMNS) | set(_OPTIONAL)
    table = _read_table(path, what, usecols=lambda c: str(c).strip() in wanted)
    if set(_OMNIPATH_FLAGS) & set(table.columns) or "stimulation" not in table.columns:
        _require(table, OMNIPATH_REQUIRED, path, f"{what} table (OmniPath format)")
        for omnipath_name, model_name in _OMNIPATH_FLAGS.items():
            table[model_name] = _flag(table.pop(omnipath_name), path, omnipath_name)
    else:
        _require(table, ["source", "target", "stimulation", "inhibition"], path,
                 f"{what} table (Model format)")
        for column in FLAG_COLUMNS:
            table[column] = _flag(table[column], path, column) if column in table.columns \
                else np.ones(len(table), dtype=np.int8)
    for column in ("source", "target"):
        table[column] = table[column].str.strip()
        empty = table[column] == ""
        if empty.any():
            row = int(np.flatnonzero(empty.to_numpy())[0])
            raise SignetInputError(path, "empty node id", line=row + 2, column=column)
    for column in ("sources", "references"):
        if column not in table.columns:
            table[column] = ""
        table[column] = table[column].replace({"nan": "", "None": ""})
    for column in ("omnipath",):
        if column in table.columns:
            table[column] = _flag(table[column], path, column)
    table["line"] = np.arange(2, len(table) + 2)
    extra = [c for c in table.columns if c not in MODEL_COLUMNS]
    return table[MODEL_COLUMNS + extra].reset_index(drop=True)


def read_edges(path, *, what: str = "edge table") -> pd.DataFrame:
    """Read an intermediate edge table (Model columns; duplicates and conflicts allowed)."""
    table = read_interactions(path, what=what)
    return table[MODEL_COLUMNS].copy()


def write_edges(edges: pd.DataFrame, path, *, extra=()) -> None:
    """Write edges in Model column order (flags as 0/1), atomically."""
    out = edges.copy()
    for column in FLAG_COLUMNS:
        out[column] = out[column].astype(int)
    write_table(out[MODEL_COLUMNS + list(extra)], path)


def read_annotation(path) -> pd.DataFrame:
    """Read ``*-Annotation.tsv`` (``code, name, TF, ligand``; booleans in any case).

    Also reads the node tables of :func:`classify_nodes` (with ``receptor``). A missing
    ``name`` is the code.
    """
    table = _read_table(path, "annotation")
    _require(table, ["code", "TF", "ligand"], path, "annotation")
    table["code"] = table["code"].str.strip()
    if "name" not in table.columns:
        table["name"] = table["code"]
    for column in ("TF", "ligand", "receptor"):
        if column in table.columns:
            table[column] = _flag(table[column], path, column).astype(bool)
    return table


def write_annotation(table: pd.DataFrame, path, *, columns=ANNOTATION_COLUMNS) -> None:
    """Write an annotation (or node) table with booleans as ``True`` / ``False``."""
    out = table[list(columns)].copy()
    for column in ("TF", "ligand", "receptor"):
        if column in out.columns:
            out[column] = out[column].map(lambda v: "True" if bool(v) else "False")
    write_table(out, path)


def read_uniprot(path) -> pd.DataFrame:
    """Reviewed human UniProt entries as ``code, name``.

    Accepts the UniProt web site's TSV export (columns ``Entry`` and ``Gene Names
    (primary)``, spelt ``Gene names  (primary )`` by the old site). Several primary gene
    names (``IFNA1; IFNA13``) are joined by ``/`` as in the paper's annotation files; entries
    without a gene name are named by their accession.
    """
    table = _read_table(path, "UniProt")
    keys = {re.sub(r"[^a-z]", "", c.lower()): c for c in table.columns}
    entry = keys.get("entry")
    gene = keys.get("genenamesprimary") or keys.get("geneprimary")
    if entry is None or gene is None:
        raise SignetInputError(
            path, "UniProt table needs columns 'Entry' and 'Gene Names (primary)'; found "
                  f"{', '.join(repr(c) for c in table.columns)}", line=1,
            column="Entry" if entry is None else "Gene Names (primary)")
    out = pd.DataFrame({"code": table[entry].str.strip(),
                        "name": table[gene].str.strip().str.replace(r"\s*;\s*", "/",
                                                                    regex=True)})
    out = out.loc[out["code"] != ""]
    out.loc[out["name"] == "", "name"] = out["code"]
    if len(out) == 0:
        raise SignetInputError(path, "UniProt table has no entries", line=2)
    return out.drop_duplicates("code").reset_index(drop=True)


def read_ligand_map(path) -> pd.DataFrame:
    """Read a pseudo-ligand -> receptor map (Model columns; sign defaults to stimulation).

    Columns ``source`` (the pseudo-ligand, e.g. ``Ligand_TNFa``) and ``target`` (the
    receptor's UniProt accession) are required; ``stimulation, inhibition, direction`` default
    to 1, 0, 1; a ``comment`` column is kept as the edge's ``sources`` text.
    """
    table = _read_table(path, "ligand map")
    _require(table, ["source", "target"], path, "ligand map")
    if len(table) == 0:
        raise SignetInputError(path, "ligand map has no rows", line=2)
    out = pd.DataFrame({"source": table["source"].str.strip(),
                        "target": table["target"].str.strip()})
    for column, default in (("direction", 1), ("stimulation", 1), ("inhibition", 0)):
        out[column] = _flag(table[column], path, column) if column in table.columns \
            else np.full(len(table), default, dtype=np.int8)
    for column in ("source", "target"):
        empty = out[column] == ""
        if empty.any():
            row = int(np.flatnonzero(empty.to_numpy())[0])
            raise SignetInputError(path, "empty node id", line=row + 2, column=column)
    out["sources"] = "ligand_map"
    out["references"] = table["references"] if "references" in table.columns else ""
    out["line"] = np.arange(2, len(out) + 2)
    return out


def read_tf_data(path) -> list[str]:
    """TFs that have data: the column names (after the condition column) of a TF table."""
    table = _read_table(path, "TF data")
    if table.shape[1] < 2:
        raise SignetInputError(path, "TF table needs a condition column and one column per "
                                     "TF", line=1)
    return [str(c) for c in table.columns[1:]]


# ---- step 1: select ------------------------------------------------------------------
def _empty_error(path, what: str, step: str) -> SignetInputError:
    return SignetInputError(path, f"no {what} left after {step}; check the input file and "
                                  "the filter settings in config['networks']")


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
        _require(table, ["omnipath"], path, "OmniPath interactions table (core-set flag)")
    keep = np.ones(len(table), dtype=bool)
    for column in ("ncbi_tax_id_source", "ncbi_tax_id_target"):
        if column in table.columns:
            keep &= pd.to_numeric(table[column], errors="coerce").to_numpy() == taxon
    if not keep.any():
        raise _empty_error(path, "interactions", f"keeping taxon {taxon} (human)")
    for column in ("entity_type_source", "entity_type_target"):
        if column in table.columns:
            keep &= (table[column].str.lower() == "protein").to_numpy()
    if "omnipath" in table.columns:
        keep &= table["omnipath"].to_numpy().astype(bool)
    if not keep.any():
        raise _empty_error(path, "interactions", "keeping the OmniPath core set ('omnipath' "
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


def _tokens(text: str) -> set[str]:
    return {t.strip() for t in str(text).split(";") if t.strip()}


def filter_resources(edges: pd.DataFrame, resources, *, path=None,
                     what: str = "interactions") -> pd.DataFrame:
    """Keep edges whose ``sources`` (``;``-separated) name one of ``resources`` exactly.

    ``KEGG`` matches the token ``KEGG`` only, not ``KEGG-MEDICUS`` (a different resource).
    ``*`` keeps every edge (the genome-scale build: all resources).
    """
    wanted = set(resources)
    if "*" in wanted:
        return edges.reset_index(drop=True)
    keep = edges["sources"].map(lambda s: bool(_tokens(s) & wanted)).to_numpy(dtype=bool)
    if not keep.any():
        raise _empty_error(path, what, f"keeping those that cite {', '.join(sorted(wanted))}")
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
        raise _empty_error(paths.get("omnipath"), "signaling interactions",
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
        raise _empty_error(paths.get("regulons"), "TF -> gene interactions",
                           f"keeping DoRothEA levels {', '.join(dorothea_levels)}")
    regulatory = merge_duplicate_edges(pd.concat([regulon[MODEL_COLUMNS],
                                                  parts["regulatory"][MODEL_COLUMNS]],
                                                 ignore_index=True))
    return {"ligand_receptor": lr, "regulatory": regulatory, "signaling": signaling}


# ---- step 3: normalise ---------------------------------------------------------------
def _join_tokens(values) -> str:
    tokens = set()
    for value in values:
        tokens |= _tokens(value)
    return ";".join(sorted(tokens))


def merge_duplicate_edges(edges: pd.DataFrame) -> pd.DataFrame:
    """One row per ``(source, target)``: flags OR-ed, sources and references united.

    A pair reported once as directed and once as not counts as directed; stimulation and
    inhibition from different rows add up (and become a conflict when both are set).
    Rows keep the order of their first occurrence.
    """
    if len(edges) == 0:
        return _empty_edges()
    table = edges[MODEL_COLUMNS].copy()
    for column in FLAG_COLUMNS:
        table[column] = table[column].astype(np.int8)
    if not table.duplicated(["source", "target"]).any():
        return table.reset_index(drop=True)
    grouped = table.groupby(["source", "target"], sort=False)
    out = grouped[FLAG_COLUMNS].max().astype(np.int8)
    out["sources"] = grouped["sources"].agg(_join_tokens)
    out["references"] = grouped["references"].agg(_join_tokens)
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
            raise _empty_error(paths.get(key), f"{label} edges", "normalising the edges")
        out[label] = table
    return out["signaling"], out["ligand-receptor"], counts


# ---- step 4: classify ----------------------------------------------------------------
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
        raise _empty_error(paths.get("regulons"), "TFs in the network",
                           "intersecting the regulon sources" +
                           (" and the TFs with data" if tfs_with_data is not None else "")
                           + " with the network's nodes")
    ligands = set(ligand_receptor["source"]) - tfs
    if not ligands:
        raise _empty_error(paths.get("ligand_receptor"), "ligands",
                           "classifying the nodes")
    receptors = set(ligand_receptor["target"])
    name_of = {} if names is None else dict(zip(names["code"], names["name"]))
    table = pd.DataFrame({"code": nodes})
    table["name"] = [name_of.get(n, n) for n in nodes]
    table["ligand"] = table["code"].isin(ligands)
    table["receptor"] = table["code"].isin(receptors)
    table["TF"] = table["code"].isin(tfs)
    return edges, table[NODE_COLUMNS]


# ---- step 5: trim --------------------------------------------------------------------
def _adjacency(edges: pd.DataFrame):
    succ, pred = {}, {}
    for s, t in zip(edges["source"], edges["target"]):
        succ.setdefault(s, set()).add(t)
        pred.setdefault(t, set()).add(s)
        succ.setdefault(t, set())
        pred.setdefault(s, set())
    return succ, pred


def reachable(start, neighbours: dict) -> set:
    """Nodes reachable from ``start`` (included) following ``neighbours`` (breadth first)."""
    seen = {n for n in start if n in neighbours}
    queue = deque(seen)
    while queue:
        node = queue.popleft()
        for nxt in neighbours[node]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def trim_network(edges: pd.DataFrame, ligands, tfs, *, protect_roles: bool = True):
    """Step 5: trim to the fixed point. Returns ``(edges, removed)``.

    Each round removes (a) dead ends: nodes not reachable from any ligand or from which no TF
    is reachable, and (b) redundant nodes: nodes other than ligands and TFs whose only source
    and only target are one and the same node (``A -> X -> A``: X adds nothing but a loop
    through A). Rounds repeat until nothing changes. Reachability is a breadth-first search
    from the ligands (forward) and from the TFs (backward): O(edges) per round.

    Ligands and TFs are never removed as redundant (``protect_roles``): a TF whose single
    regulator is also its single target still reports the network's state, and a ligand is
    an input. The paper's KEGG network is a fixed point only with this rule (CEBPA is such a
    TF). Dead-end removal applies to every node.

    ``removed`` lists ``node, reason, round``. Raises ``ValueError`` on self-loops (drop
    them first, :func:`drop_self_loops`).
    """
    if (edges["source"] == edges["target"]).any():
        raise ValueError("trim_network: the edges contain self-loops; drop them first")
    ligands, tfs = set(ligands), set(tfs)
    succ, pred = _adjacency(edges)
    removed = []
    rounds = 0
    while True:
        rounds += 1
        alive = reachable(ligands, succ) & reachable(tfs, pred)
        dead = [n for n in succ if n not in alive]
        redundant = [n for n in succ if n in alive and len(pred[n]) == 1
                     and pred[n] == succ[n]
                     and not (protect_roles and (n in ligands or n in tfs))]
        if not dead and not redundant:
            break
        for node, reason in [(n, "dead end") for n in dead] + \
                            [(n, "redundant") for n in redundant]:
            removed.append((node, reason, rounds))
            for t in succ.pop(node):
                if t in pred:
                    pred[t].discard(node)
            for s in pred.pop(node):
                if s in succ:
                    succ[s].discard(node)
    keep = edges["source"].isin(succ.keys()) & edges["target"].isin(succ.keys())
    kept = edges.loc[keep.to_numpy(dtype=bool)].reset_index(drop=True)
    return kept, pd.DataFrame(removed, columns=["node", "reason", "round"])


def annotation_table(edges: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """The paper's Annotation table (``code, name, TF, ligand``) for the nodes of ``edges``."""
    present = set(edges["source"]) | set(edges["target"])
    table = nodes.loc[nodes["code"].isin(present), ["code", "name", "TF", "ligand"]]
    return table.reset_index(drop=True)


# ---- summaries and drawing -----------------------------------------------------------
def _receptors(edges: pd.DataFrame, ligands: set) -> set:
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
           "ligands": len(ligands), "receptors": len(_receptors(edges, ligands)),
           "TFs": len(tfs)}
    return pd.DataFrame([row], columns=SUMMARY_COLUMNS)


def layer_nodes(edges: pd.DataFrame, annotation: pd.DataFrame, *,
                signaling_layers: int = 4) -> pd.DataFrame:
    """Layers for the drawing (paper Fig. 4a): ligand, receptor, signaling..., TF.

    Returns ``code, layer, role, x`` with layer 0 = ligands, 1 = receptors, then up to
    ``signaling_layers`` layers of signaling nodes by their distance from the ligands
    (capped), last = TFs; empty layers are left out. ``x`` in [0, 1] orders each layer by the mean position of its predecessors
    in earlier layers (a barycentre sweep, which keeps edges short).
    """
    ligands = set(annotation.loc[annotation["ligand"].astype(bool), "code"])
    tfs = set(annotation.loc[annotation["TF"].astype(bool), "code"])
    receptors = _receptors(edges, ligands) - tfs
    succ, pred = _adjacency(edges)
    distance = {n: 0 for n in ligands if n in succ}
    queue = deque(distance)
    while queue:
        node = queue.popleft()
        for nxt in succ[node]:
            if nxt not in distance:
                distance[nxt] = distance[node] + 1
                queue.append(nxt)
    last = 2 + signaling_layers
    rows = []
    for node in succ:
        if node in ligands:
            layer, role = 0, "ligand"
        elif node in tfs:
            layer, role = last, "TF"
        elif node in receptors:
            layer, role = 1, "receptor"
        else:
            depth = distance.get(node, 2)
            layer, role = min(max(depth, 2), last - 1), "signaling"
        rows.append((node, layer, role))
    table = pd.DataFrame(rows, columns=["code", "layer", "role"])
    used = sorted(table["layer"].unique())
    table["layer"] = table["layer"].map({layer: rank for rank, layer in enumerate(used)})
    position = {}
    for layer in range(len(used)):
        members = table.loc[table["layer"] == layer, "code"].tolist()
        if not members:
            continue
        keys = []
        for node in sorted(members):
            before = [position[p] for p in pred[node] if p in position]
            keys.append((float(np.mean(before)) if before else 0.5, node))
        keys.sort()
        n = len(keys)
        for rank, (_, node) in enumerate(keys):
            position[node] = (rank + 0.5) / n
    table["x"] = table["code"].map(position)
    return table


def draw_network(edges: pd.DataFrame, annotation: pd.DataFrame, paths, *,
                 title: str = "") -> None:
    """Draw the layered network (ligand -> receptor -> signaling -> TF) to each of ``paths``.

    Edges are coloured by sign (stimulation, inhibition, unknown); node labels are shown
    when the network is small (< 120 nodes). Uses matplotlib's Agg backend.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    layers = layer_nodes(edges, annotation)
    where = {c: (x, -float(y)) for c, x, y in zip(layers["code"], layers["x"],
                                                   layers["layer"])}
    colour = {"stimulation": "#2c7fb8", "inhibition": "#d7301f", "unknown": "#969696"}
    fig, ax = plt.subplots(figsize=(12, 7))
    alpha = float(np.clip(30.0 / max(len(edges), 1), 0.15, 0.8))
    for kind in ("unknown", "stimulation", "inhibition"):
        stim, inhib = edges["stimulation"].astype(int), edges["inhibition"].astype(int)
        mask = {"stimulation": (stim == 1) & (inhib == 0),
                "inhibition": (inhib == 1) & (stim == 0),
                "unknown": stim == inhib}[kind]
        segments = [(where[s], where[t]) for s, t in
                    zip(edges.loc[mask, "source"], edges.loc[mask, "target"])]
        if segments:
            ax.add_collection(LineCollection(segments, colors=colour[kind], linewidths=0.6,
                                             alpha=alpha, label=f"{kind} ({len(segments)})"))
    role_colour = {"ligand": "#1b9e77", "receptor": "#d95f02", "signaling": "#7570b3",
                   "TF": "#e7298a"}
    for role in role_colour:
        group = layers.loc[layers["role"] == role]
        if group.empty:
            continue
        ax.scatter(group["x"], -group["layer"].astype(float), s=10, zorder=3,
                   color=role_colour[role], label=f"{role} ({len(group)})")
    if len(layers) < 120:
        names = dict(zip(annotation["code"], annotation.get("name", annotation["code"])))
        for code, x, y in zip(layers["code"], layers["x"], layers["layer"]):
            ax.annotate(names.get(code, code), (x, -float(y)), fontsize=6,
                        xytext=(2, 2), textcoords="offset points")
    top = int(layers["layer"].max())
    ax.set_yticks([0, -1, -top], ["ligands", "receptors", "TFs"])
    ax.set_xticks([])
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-top - 0.5, 0.5)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title(title or "network")
    fig.tight_layout()
    for path in paths:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150)
    plt.close(fig)
