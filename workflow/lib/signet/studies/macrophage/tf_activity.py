"""TF activities per array: the DoRothEA regulon and VIPER (decoupler's ``dc.mt.viper``).

* Regulon: DoRothEA, confidence A and B, TFs with at least 5 targets. It is downloaded by
  :func:`download_dorothea` (decoupler's OmniPath client, network needed; only the download
  rule calls it) or read by :func:`read_regulon` from a local file in either of two forms:

  - decoupler's long form ``source, target, weight[, confidence]`` with gene symbols;
  - the OmniPath form ``source, target, stimulation, inhibition, confidence`` (as in
    ``annotation/dorothea-regulon-AB.tsv``): the weight is -1 for inhibition only, else +1.
    UniProt accessions there are turned into gene symbols with a UniProt table.

  Weights are the mode of regulation, +-1, whatever the confidence level: the paper ran
  R's ``dorothea::run_viper``, whose regulon has ``tfmode = mor`` and likelihood 1.
* VIPER: :func:`run_viper` calls ``decoupler.mt.viper`` (runs offline) on the centred
  expression matrix with ``tmin`` = 5 measured targets and, as R's viper by default, no
  pleiotropy correction. With +-1 weights the score of TF t in array s is the closed form
  ``NES = sum_i w_i * Phi^-1(rank_s(i) / (n + 1)) / sqrt(k)`` over its k measured targets i
  (ranks over the n measured genes of array s), which the tests use as reference.

Score tables have TFs as rows and arrays as columns, like the paper's
``dorothea-viper-scores-per-sample.tsv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from signet.errors import SignetInputError
from signet.io import atomic_write
from signet.io.formats import read_tsv

__all__ = [
    "REGULON_COLUMNS", "read_regulon", "filter_regulon", "download_dorothea", "run_viper",
    "read_tf_scores", "write_tf_scores", "write_regulon",
]

REGULON_COLUMNS = ["source", "target", "weight", "confidence"]


def read_regulon(path, uniprot_to_gene: dict | None = None) -> pd.DataFrame:
    """Read a regulon in decoupler or OmniPath form as ``source, target, weight, confidence``.

    ``uniprot_to_gene`` (accession -> gene symbol) translates accessions; an id that is not
    in it (a symbol already, or an accession without a name) is kept as it is.
    """
    table = read_tsv(path, "regulon")
    for column in ("source", "target"):
        if column not in table.columns:
            raise SignetInputError(path, "missing column; a regulon has source, target and "
                                         "weight (or stimulation/inhibition)", line=1,
                                   column=column)
    if "weight" in table.columns:
        weight = pd.to_numeric(table["weight"], errors="coerce")
        bad_column = "weight"
    elif {"stimulation", "inhibition"} <= set(table.columns):
        stimulation = pd.to_numeric(table["stimulation"], errors="coerce")
        inhibition = pd.to_numeric(table["inhibition"], errors="coerce")
        weight = pd.Series(np.where((inhibition == 1) & (stimulation != 1), -1.0, 1.0))
        weight[stimulation.isna() | inhibition.isna()] = np.nan
        bad_column = "stimulation" if stimulation.isna().any() else "inhibition"
    else:
        raise SignetInputError(path, "missing column; expected 'weight' or 'stimulation' and "
                                     "'inhibition'", line=1, column="weight")
    if weight.isna().any():
        row = int(np.flatnonzero(weight.isna().to_numpy())[0])
        raise SignetInputError(path, f"expected a number, got "
                                     f"{table[bad_column].iloc[row]!r}",
                               line=row + 2, column=bad_column)
    regulon = pd.DataFrame({
        "source": table["source"].str.strip(),
        "target": table["target"].str.strip(),
        "weight": weight.to_numpy(dtype=np.float64),
        "confidence": table["confidence"].str.strip() if "confidence" in table.columns
        else "",
    })
    if uniprot_to_gene is not None:
        regulon["source"] = regulon["source"].map(lambda v: uniprot_to_gene.get(v, v))
        regulon["target"] = regulon["target"].map(lambda v: uniprot_to_gene.get(v, v))
    regulon.attrs["path"] = str(path)
    return regulon


def filter_regulon(regulon: pd.DataFrame, confidence=("A", "B"),
                   min_targets: int = 5) -> pd.DataFrame:
    """Keep edges of the given confidence levels (all when ``confidence`` is empty) and TFs
    with at least ``min_targets`` distinct targets; duplicate TF-target pairs count once."""
    kept = regulon
    if confidence:
        kept = kept[kept["confidence"].isin(list(confidence))]
    kept = kept.drop_duplicates(["source", "target"])
    sizes = kept.groupby("source")["target"].transform("size")
    return kept[sizes >= min_targets].reset_index(drop=True)


def download_dorothea(levels=("A", "B"), organism: str = "human") -> pd.DataFrame:
    """Fetch DoRothEA through decoupler's OmniPath client (network needed).

    Weights are the mode of regulation (+-1) at every level, as in the paper's regulon.
    """
    import decoupler as dc

    levels = list(levels)
    table = dc.op.dorothea(organism=organism, levels=levels,
                           dict_weights=dict.fromkeys(levels, 1))
    return table[REGULON_COLUMNS].reset_index(drop=True)


def write_regulon(regulon: pd.DataFrame, path) -> None:
    """Write ``source, target, weight, confidence`` as TSV (atomically)."""
    with atomic_write(path) as handle:
        regulon[REGULON_COLUMNS].to_csv(handle, sep="\t", index=False)


def run_viper(expression: pd.DataFrame, regulon: pd.DataFrame, min_targets: int = 5,
              pleiotropy: bool = False) -> pd.DataFrame:
    """VIPER scores (TFs x arrays) of a genes x arrays matrix, with ``decoupler.mt.viper``.

    TFs with fewer than ``min_targets`` targets among the measured genes get no score.
    """
    import decoupler as dc

    net = regulon[["source", "target", "weight"]]
    measured = net["target"].isin(expression.index)
    if not measured.any():
        raise ValueError("no target of the regulon is a gene of the expression matrix")
    data = expression.T.astype(np.float64)
    scores, _ = dc.mt.viper(data, net, tmin=min_targets, pleiotropy=pleiotropy)
    scores = scores.T.sort_index()
    scores.index.name = None
    return scores


def read_tf_scores(path) -> pd.DataFrame:
    """Read a per-array score table: first column the TF names, one column per array."""
    table = read_tsv(path, "TF score table")
    if table.shape[1] < 2 or len(table) == 0:
        raise SignetInputError(path, "expected TFs as rows and arrays as columns", line=1)
    names = table.iloc[:, 0].str.strip()
    values = table.iloc[:, 1:]
    header = [str(c).strip() for c in values.columns]
    numeric = values.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(numeric)
    if bad.any():
        row, col = (int(v[0]) for v in np.nonzero(bad))
        raise SignetInputError(path, f"expected a finite number, got {values.iat[row, col]!r}",
                               line=row + 2, column=header[col])
    duplicated = names.duplicated()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise SignetInputError(path, f"TF {names.iloc[row]!r} appears twice", line=row + 2)
    scores = pd.DataFrame(numeric, index=names.to_numpy(), columns=header)
    scores.attrs["path"] = str(path)
    return scores


def write_tf_scores(scores: pd.DataFrame, path) -> None:
    """Write TFs x arrays with full float64 precision (atomically)."""
    with atomic_write(path) as handle:
        scores.to_csv(handle, sep="\t", float_format="%.17g")
