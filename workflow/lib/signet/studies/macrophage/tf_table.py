"""The macrophage TF table and ligand table (paper Fig. 6a) from per-array VIPER scores.

:func:`make_tf_table` reproduces the paper's ``macrophage-TFs.tsv`` from the paper's
per-array scores (tested against ``../shared``: max abs difference 3.3e-16, float64
rounding; the shared score table holds 15 significant digits). Its conventions, found by
experiment and matching the paper's own script:

1. the arrays of the sample sheet are taken from the score table (TFs x arrays);
2. the logistic function ``1 / (1 + exp(-score))`` turns scores into probabilities;
3. arrays are grouped by condition; conditions come out sorted by code point
   (``numpy.unique``: ``CON, GC, IFNb, ..., TNFa+PGE2+P3C, upLPS, ...``);
4. per condition and TF: the mean, and the population standard deviation (``ddof=0``) of
   the replicate probabilities;
5. a TF is kept when the 75th percentile over conditions of these standard deviations
   (numpy's default linear interpolation) is below 0.2 (this drops IRF9, NFE2L2, STAT2
   and ZNF263 on the paper's data; ``ddof=1`` would drop 18);
6. TFs stay in score-table order and are renamed to UniProt accessions by exact match of
   the UniProt table's primary gene name; when several entries share a primary name the
   last one in the table wins (the paper's ``dict(zip(...))``). A TF without an entry keeps
   its symbol (``unmapped="keep"``, the paper's behaviour), or is dropped, or is an error.

:func:`make_ligand_table` splits each condition name at ``+`` into its stimuli and writes
one 0/1 column ``Ligand_<stimulus>`` per stimulus (sorted by code point); the control
condition (``CON``) stimulates nothing.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from signet.errors import SignetInputError
from signet.io import atomic_write
from signet.io.formats import read_tsv

__all__ = [
    "logistic", "condition_statistics", "consistent_tfs", "read_uniprot", "gene_to_uniprot",
    "uniprot_to_gene", "make_tf_table", "make_ligand_table", "write_ligand_table",
]


def logistic(scores):
    """``1 / (1 + exp(-x))``, elementwise."""
    return 1.0 / (1.0 + np.exp(-scores))


def condition_statistics(probabilities: pd.DataFrame, conditions: pd.Series
                         ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Per condition (sorted by code point): mean, population SD and number of arrays.

    ``probabilities`` has arrays as rows; ``conditions`` gives each row's condition.
    """
    labels = np.asarray(conditions, dtype=str)
    names = np.unique(labels)
    values = probabilities.to_numpy(dtype=np.float64)
    means = np.zeros((len(names), values.shape[1]))
    sds = np.zeros_like(means)
    counts = np.zeros(len(names), dtype=int)
    for i, name in enumerate(names):
        block = values[labels == name]
        means[i] = block.mean(axis=0)
        sds[i] = block.std(axis=0)
        counts[i] = block.shape[0]
    columns = probabilities.columns
    return (pd.DataFrame(means, index=names, columns=columns),
            pd.DataFrame(sds, index=names, columns=columns),
            pd.Series(counts, index=names))


def consistent_tfs(sds: pd.DataFrame, percentile: float = 75,
                   max_sd: float = 0.2) -> pd.Series:
    """True for TFs whose ``percentile`` (over conditions) of replicate SDs is < ``max_sd``."""
    level = np.percentile(sds.to_numpy(dtype=np.float64), percentile, axis=0)
    return pd.Series(level < max_sd, index=sds.columns)


def _find(table: pd.DataFrame, wanted: str) -> str | None:
    key = re.sub(r"\s+", "", wanted).lower()
    for column in table.columns:
        if re.sub(r"\s+", "", str(column)).lower() == key:
            return column
    return None


def read_uniprot(path) -> pd.DataFrame:
    """Reviewed UniProt table as ``entry, gene`` (primary gene name; may be empty).

    Accepts the old ``Entry ... Gene names  (primary )`` and the current REST
    ``Entry ... Gene Names (primary)`` headers.
    """
    table = read_tsv(path, "UniProt table")
    entry = _find(table, "Entry")
    gene = _find(table, "Gene names (primary)")
    for found, name in ((entry, "Entry"), (gene, "Gene Names (primary)")):
        if found is None:
            raise SignetInputError(path, "missing column of the UniProt table", line=1,
                                   column=name)
    return pd.DataFrame({"entry": table[entry].str.strip(), "gene": table[gene].str.strip()})


def gene_to_uniprot(uniprot: pd.DataFrame) -> dict[str, str]:
    """Primary gene name -> accession; the last entry of a shared name wins (as the paper)."""
    named = uniprot[uniprot["gene"] != ""]
    return dict(zip(named["gene"], named["entry"]))


def uniprot_to_gene(uniprot: pd.DataFrame) -> dict[str, str]:
    """Accession -> primary gene name (entries without a name are left out)."""
    named = uniprot[uniprot["gene"] != ""]
    return dict(zip(named["entry"], named["gene"]))


def make_tf_table(scores: pd.DataFrame, sheet: pd.DataFrame, gene_map: dict[str, str],
                  percentile: float = 75, max_sd: float = 0.2, unmapped: str = "keep",
                  scores_path=None) -> tuple[pd.DataFrame, dict]:
    """Conditions x TFs (UniProt ids): mean replicate probability, noisy TFs dropped.

    ``scores``: TFs x arrays; ``sheet``: ``sample, condition`` per array; ``gene_map``:
    symbol -> accession. Returns the table and a report with the per-condition SDs, the
    percentile per TF, the dropped and the unmapped TFs and the array counts.
    """
    if unmapped not in ("keep", "drop", "error"):
        raise ValueError(f"unmapped must be keep, drop or error, not {unmapped!r}")
    source = scores_path or scores.attrs.get("path")
    missing = [s for s in sheet["sample"] if s not in scores.columns]
    if missing:
        raise SignetInputError(source, f"{len(missing)} array(s) of the sample sheet "
                                       f"{sheet.attrs.get('path', '')} have no column in the "
                                       f"score table", line=1, column=missing[0])
    probabilities = logistic(scores[list(sheet["sample"])].T.astype(np.float64))
    means, sds, counts = condition_statistics(probabilities, sheet["condition"])
    keep = consistent_tfs(sds, percentile, max_sd)
    level = pd.Series(np.percentile(sds.to_numpy(), percentile, axis=0), index=sds.columns)
    table = means.loc[:, keep.to_numpy()]
    names, unmapped_tfs, kept_columns = [], [], []
    for tf in table.columns:
        if tf in gene_map:
            names.append(gene_map[tf])
            kept_columns.append(tf)
        else:
            unmapped_tfs.append(tf)
            if unmapped == "error":
                raise SignetInputError(source, "TF has no reviewed UniProt entry with this "
                                               "primary gene name", column=tf)
            if unmapped == "keep":
                names.append(tf)
                kept_columns.append(tf)
    table = table[kept_columns]
    table.columns = names
    report = {"sds": sds, "percentile": level, "dropped": list(keep.index[~keep.to_numpy()]),
              "unmapped": unmapped_tfs, "counts": counts}
    return table, report


def make_ligand_table(conditions, control: str = "CON", prefix: str = "Ligand_"
                      ) -> pd.DataFrame:
    """Conditions x ``Ligand_<stimulus>`` (0/1) from ``+``-joined condition names."""
    conditions = list(conditions)
    parts = {c: ([] if c == control else [s for s in c.split("+") if s]) for c in conditions}
    stimuli = sorted({s for p in parts.values() for s in p})
    values = np.array([[int(s in parts[c]) for s in stimuli] for c in conditions],
                      dtype=np.int64).reshape(len(conditions), len(stimuli))
    return pd.DataFrame(values, index=conditions, columns=[prefix + s for s in stimuli])


def write_ligand_table(ligands: pd.DataFrame, path) -> None:
    """Write the 0/1 ligand table (integers) atomically."""
    with atomic_write(path) as handle:
        ligands.to_csv(handle, sep="\t")
