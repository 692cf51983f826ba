"""The macrophage sample sheet: from the experiment's SDRF to ``sample, condition, replicate``.

The SDRF of E-GEOD-46903 is latin-1 text (its concentrations contain 'µ'). One row per
array; the columns used are (matched ignoring case and spaces, so ``Factor Value[TIME]``
finds ``FactorValue [TIME]``):

* ``Source Name``: ``GSM1140738 1``; the GSM id is the sample name;
* ``Comment [Sample_description]``: the cell type, kept when it contains ``Macrophage``;
* ``FactorValue [TIME]``: kept when ``72h``;
* ``FactorValue [INITIAL DIFFERENTIATION]``: kept when ``GM-CSF``;
* ``FactorValue [ACTIVATION STIMULI]``: the stimuli, e.g. ``TNFa 800 u/ml+PGE2 1µg/ml``;
  concentrations and spaces are removed, giving the condition name ``TNFa+PGE2``.

The sample sheet has one row per array: ``sample`` (GSM id), ``condition`` (the ``+``-joined
stimuli) and ``replicate`` (1, 2, ... within a condition, in SDRF order).
:func:`read_sample_sheet` also reads the paper's ``Condition, Stimulation`` form
(``GSM1140737  IL4+upLPS_2``: the suffix is a running number over all samples).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from signet.errors import SignetInputError
from signet.io import atomic_write
from signet.io.formats import read_tsv

__all__ = [
    "SDRF_COLUMNS", "SAMPLE_SHEET_COLUMNS", "read_sdrf", "find_column", "strip_concentrations",
    "select_samples", "read_sample_sheet", "write_sample_sheet",
]

SDRF_COLUMNS = {
    "source": "Source Name",
    "cell_type": "Comment [Sample_description]",
    "time": "FactorValue [TIME]",
    "differentiation": "FactorValue [INITIAL DIFFERENTIATION]",
    "stimulus": "FactorValue [ACTIVATION STIMULI]",
}
SAMPLE_SHEET_COLUMNS = ["sample", "condition", "replicate"]

# a number and a unit of concentration: mass or activity per volume, or molar
_CONCENTRATION = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:[pnuµμm]?g|i?u|units?)\s*/\s*m?l"
    r"|\d+(?:[.,]\d+)?\s*[pnuµμm]M(?![a-z])",
    re.IGNORECASE,
)


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "", str(name)).lower()


def read_sdrf(path) -> pd.DataFrame:
    """Read an SDRF as latin-1 text, every value a string (duplicate headers get ``.1``)."""
    path = Path(path)
    if not path.exists():
        raise SignetInputError(path, "SDRF file not found")
    try:
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False,
                            encoding="latin-1", quoting=3)
    except pd.errors.EmptyDataError:
        raise SignetInputError(path, "SDRF file is empty") from None
    except pd.errors.ParserError as err:
        raise SignetInputError(path, f"cannot parse as tab-separated text: {err}") from None
    table.columns = [str(c).strip().strip('"') for c in table.columns]
    return table.apply(lambda column: column.str.strip().str.strip('"'))


def find_column(table: pd.DataFrame, name: str, path, what: str = "SDRF") -> str:
    """The column of ``table`` called ``name``, ignoring case and whitespace."""
    wanted = _normalise(name)
    for column in table.columns:
        if _normalise(column) == wanted:
            return column
    raise SignetInputError(path, f"{what} has no column {name!r} (columns: "
                                 f"{', '.join(map(str, table.columns))})", line=1, column=name)


def strip_concentrations(stimulus: str) -> str:
    """``'TNFa 800 u/ml+PGE2 1µg/ml'`` -> ``'TNFa+PGE2'``: drop amounts, brackets, spaces."""
    text = _CONCENTRATION.sub("", stimulus)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    return re.sub(r"\s+", "", text)


def _sample_id(source: str) -> str:
    match = re.search(r"GSM\d+", source)
    return match.group(0) if match else re.sub(r"\s+1$", "", source)


def select_samples(sdrf: pd.DataFrame, path=None, cell_type: str = "Macrophage",
                   time: str = "72h", differentiation: str = "GM-CSF",
                   columns: dict | None = None) -> pd.DataFrame:
    """Sample sheet of the arrays whose cell type contains ``cell_type`` (case-sensitive, as
    the paper), whose time is ``time`` and initial differentiation ``differentiation``.

    ``columns`` overrides entries of :data:`SDRF_COLUMNS`. Rows repeating a sample (one per
    data file) count once. Raises when a column is missing or nothing is selected.
    """
    names = {**SDRF_COLUMNS, **(columns or {})}
    col = {key: find_column(sdrf, value, path) for key, value in names.items()}
    keep = (sdrf[col["cell_type"]].str.contains(cell_type, regex=False)
            & (sdrf[col["time"]] == time)
            & (sdrf[col["differentiation"]] == differentiation))
    selected = sdrf.loc[keep]
    if selected.empty:
        raise SignetInputError(path, f"no array has cell type containing {cell_type!r}, "
                                     f"time {time!r} and differentiation {differentiation!r}")
    samples = selected[col["source"]].map(_sample_id)
    conditions = selected[col["stimulus"]].map(strip_concentrations)
    sheet = pd.DataFrame({"sample": samples.to_numpy(), "condition": conditions.to_numpy()},
                         index=selected.index)
    empty = sheet["condition"] == ""
    if empty.any():
        row = int(sheet.index[np.flatnonzero(empty.to_numpy())[0]])
        raise SignetInputError(path, "empty stimulus after removing concentrations",
                               line=row + 2, column=names["stimulus"])
    sheet = sheet.drop_duplicates("sample").reset_index(drop=True)
    sheet["replicate"] = sheet.groupby("condition").cumcount() + 1
    return sheet[SAMPLE_SHEET_COLUMNS]


def read_sample_sheet(path) -> pd.DataFrame:
    """Read a sample sheet: ``sample, condition[, replicate]`` or the paper's
    ``Condition, Stimulation`` (stimulation with a ``_N`` suffix).

    Returns ``sample, condition, replicate`` in file order; replicates are numbered
    1, 2, ... within each condition when the file has none.
    """
    table = read_tsv(path, "sample sheet")
    if {"Condition", "Stimulation"} <= set(table.columns) and "sample" not in table.columns:
        sheet = pd.DataFrame({
            "sample": table["Condition"].str.strip(),
            "condition": table["Stimulation"].str.strip().str.replace(r"_\d+$", "",
                                                                       regex=True),
        })
    else:
        for column in ("sample", "condition"):
            if column not in table.columns:
                raise SignetInputError(path, "missing column; a sample sheet has columns "
                                             "sample, condition, replicate (or the paper's "
                                             "Condition, Stimulation)", line=1, column=column)
        sheet = table[["sample", "condition"]].apply(lambda c: c.str.strip())
    for column in ("sample", "condition"):
        blank = sheet[column] == ""
        if blank.any():
            raise SignetInputError(path, "empty value", column=column,
                                   line=int(np.flatnonzero(blank.to_numpy())[0]) + 2)
    duplicated = sheet["sample"].duplicated()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise SignetInputError(path, f"sample {sheet['sample'].iloc[row]!r} appears twice",
                               line=row + 2, column="sample")
    if "replicate" in table.columns and "sample" in table.columns:
        replicate = pd.to_numeric(table["replicate"], errors="coerce")
        if replicate.isna().any():
            row = int(np.flatnonzero(replicate.isna().to_numpy())[0])
            raise SignetInputError(path, f"expected an integer, got "
                                         f"{table['replicate'].iloc[row]!r}",
                                   line=row + 2, column="replicate")
        sheet["replicate"] = replicate.astype(int).to_numpy()
    else:
        sheet["replicate"] = sheet.groupby("condition").cumcount() + 1
    sheet.attrs["path"] = str(path)
    return sheet[SAMPLE_SHEET_COLUMNS].reset_index(drop=True)


def write_sample_sheet(sheet: pd.DataFrame, path) -> None:
    """Write ``sample, condition, replicate`` as TSV (atomically)."""
    with atomic_write(path) as handle:
        sheet[SAMPLE_SHEET_COLUMNS].to_csv(handle, sep="\t", index=False)
