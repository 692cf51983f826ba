"""The reconstruction's tables: OmniPath interactions and the paper's Model format.

Edge tables use the paper's Model columns ``source, target, direction, stimulation,
inhibition, sources, references`` (flags as 0/1 integers; ``direction = 0`` marks a
non-directed interaction, ``stimulation = inhibition = 1`` a conflict before normalisation).
Reading, column checks, flag parsing and atomic writing are :mod:`signet.io.formats`'s; this
module adds the formats only the reconstruction reads (OmniPath, UniProt, the ligand map).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from signet.errors import SignetInputError
from signet.io.formats import (
    ANNOTATION_COLUMNS,
    NETWORK_COLUMNS,
    parse_flags,
    read_tsv,
    require_columns,
    strip_node_ids,
    write_table,
)

__all__ = ["MODEL_COLUMNS", "ANNOTATION_COLUMNS", "FLAG_COLUMNS", "NODE_COLUMNS",
           "OMNIPATH_REQUIRED", "SUMMARY_COLUMNS", "read_interactions", "read_edges",
           "write_edges", "read_uniprot", "read_ligand_map", "read_tf_data", "empty_edges",
           "int_flags", "tokens", "nothing_left"]

#: the paper's ``*-Model.tsv`` columns
MODEL_COLUMNS = NETWORK_COLUMNS
FLAG_COLUMNS = ["direction", "stimulation", "inhibition"]
NODE_COLUMNS = ["code", "name", "ligand", "receptor", "TF"]
SUMMARY_COLUMNS = ["network", "nodes", "edges", "stimulation", "inhibition", "unknown_sign",
                   "ligands", "receptors", "TFs"]
#: columns an OmniPath interactions table must have (the archive TSV and the web service)
OMNIPATH_REQUIRED = ["source", "target", "is_directed", "is_stimulation", "is_inhibition",
                     "sources", "references"]
OMNIPATH_FLAGS = {"is_directed": "direction", "is_stimulation": "stimulation",
                  "is_inhibition": "inhibition"}
OMNIPATH_OPTIONAL = ["omnipath", "type", "ncbi_tax_id_source", "ncbi_tax_id_target",
                     "entity_type_source", "entity_type_target", "dorothea_level",
                     "confidence", "consensus_direction", "consensus_stimulation",
                     "consensus_inhibition", "source_genesymbol", "target_genesymbol"]


def nothing_left(path, what: str, step: str) -> SignetInputError:
    """The error when a step leaves no rows: names the input file and the step."""
    return SignetInputError(path, f"no {what} left after {step}; check the input file and "
                                  "the filter settings in config['networks']")


def tokens(text: str) -> set[str]:
    """The ``;``-separated tokens of a ``sources`` or ``references`` cell."""
    return {t.strip() for t in str(text).split(";") if t.strip()}


def int_flags(values: pd.Series, path, column: str) -> np.ndarray:
    """0/1 flags (int8) from exported text: 0/1, true/false, 1.0/0.0; blank, nan, none are 0."""
    return parse_flags(values, path, column, lenient=True).astype(np.int8)


def empty_edges() -> pd.DataFrame:
    """An edge table with no rows (Model columns, int8 flags)."""
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
    wanted = set(OMNIPATH_REQUIRED) | set(MODEL_COLUMNS) | set(OMNIPATH_OPTIONAL)
    table = read_tsv(path, what, usecols=lambda c: str(c).strip() in wanted)
    if set(OMNIPATH_FLAGS) & set(table.columns) or "stimulation" not in table.columns:
        require_columns(table, OMNIPATH_REQUIRED, path, f"{what} table (OmniPath format)")
        for omnipath_name, model_name in OMNIPATH_FLAGS.items():
            table[model_name] = int_flags(table.pop(omnipath_name), path, omnipath_name)
    else:
        require_columns(table, ["source", "target", "stimulation", "inhibition"], path,
                        f"{what} table (Model format)")
        for column in FLAG_COLUMNS:
            table[column] = int_flags(table[column], path, column) if column in table.columns \
                else np.ones(len(table), dtype=np.int8)
    strip_node_ids(table, path)
    for column in ("sources", "references"):
        if column not in table.columns:
            table[column] = ""
        table[column] = table[column].replace({"nan": "", "None": ""})
    for column in ("omnipath",):
        if column in table.columns:
            table[column] = int_flags(table[column], path, column)
    table["line"] = np.arange(2, len(table) + 2)
    extra = [c for c in table.columns if c not in MODEL_COLUMNS]
    return table[MODEL_COLUMNS + extra].reset_index(drop=True)


def read_edges(path, *, what: str = "edge table") -> pd.DataFrame:
    """Read an intermediate edge table (Model columns; duplicates and conflicts allowed)."""
    table = read_interactions(path, what=what)
    return table[MODEL_COLUMNS].copy()


def write_edges(edges: pd.DataFrame, path) -> None:
    """Write edges in Model column order (flags as 0/1), atomically."""
    out = edges.copy()
    for column in FLAG_COLUMNS:
        out[column] = out[column].astype(int)
    write_table(out[MODEL_COLUMNS], path)


def read_uniprot(path) -> pd.DataFrame:
    """Reviewed human UniProt entries as ``code, name``.

    Accepts the UniProt web site's TSV export (columns ``Entry`` and ``Gene Names
    (primary)``, spelt ``Gene names  (primary )`` by the old site). Several primary gene
    names (``IFNA1; IFNA13``) are joined by ``/`` as in the paper's annotation files; entries
    without a gene name are named by their accession.
    """
    table = read_tsv(path, "UniProt")
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
    to 1, 0, 1; ``references`` is kept; every edge's ``sources`` is ``ligand_map``.
    """
    table = read_tsv(path, "ligand map")
    require_columns(table, ["source", "target"], path, "ligand map")
    if len(table) == 0:
        raise SignetInputError(path, "ligand map has no rows", line=2)
    out = pd.DataFrame({"source": table["source"], "target": table["target"]})
    for column, default in (("direction", 1), ("stimulation", 1), ("inhibition", 0)):
        out[column] = int_flags(table[column], path, column) if column in table.columns \
            else np.full(len(table), default, dtype=np.int8)
    strip_node_ids(out, path)
    out["sources"] = "ligand_map"
    out["references"] = table["references"] if "references" in table.columns else ""
    out["line"] = np.arange(2, len(out) + 2)
    return out


def read_tf_data(path) -> list[str]:
    """TFs that have data: the column names (after the condition column) of a TF table."""
    table = read_tsv(path, "TF data")
    if table.shape[1] < 2:
        raise SignetInputError(path, "TF table needs a condition column and one column per "
                                     "TF", line=1)
    return [str(c) for c in table.columns[1:]]
