"""The expression matrix of the macrophage arrays: probes -> genes, filtered, log, centred.

Input: the experiment's ``processed.N.zip`` archives, one ``GSM..._sample_table.txt`` per
array (columns: probe id first, then ``VALUE`` and a detection p-value such as
``Detection Pval``), and the array design (ADF) that maps probes (``Reporter Name``) to
genes (``Reporter Database Entry [hugo]`` by default).

Steps (:func:`build_expression` runs them in order):

1. :func:`filter_detected`: drop probes with no detected signal, i.e. whose smallest
   detection p-value over all arrays exceeds ``max_p`` (0.01);
2. :func:`average_probes`: map probes to genes through the ADF and average the probes of a
   gene (arithmetic mean of the intensities); genes come out sorted by name;
3. :func:`drop_constant_genes`: drop genes whose standard deviation over arrays
   (``ddof=1``) is below ``1e-6`` times their mean;
4. :func:`log_centre`: ``log2`` (values below ``floor`` are raised to it first), then
   subtract each gene's mean over arrays.

The result has genes as rows and arrays as columns.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from signet.errors import SignetInputError

__all__ = [
    "read_sample_table", "read_processed_zips", "filter_detected", "read_adf",
    "average_probes", "drop_constant_genes", "log_centre", "build_expression",
]


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "", str(name)).lower()


def read_sample_table(text: str, source: str) -> tuple[pd.Series, pd.Series]:
    """Intensities and detection p-values of one processed array table, indexed by probe.

    The probe id is the first column; the intensity is the column ``VALUE`` (else the
    second); the p-value is the first column whose name contains ``detection`` or ``pval``
    (else the third).
    """
    try:
        table = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as err:
        raise SignetInputError(source, f"cannot parse as tab-separated text: {err}") from None
    if table.shape[1] < 3:
        raise SignetInputError(source, "expected a probe column, an intensity column and a "
                                       "detection p-value column", line=1)
    names = list(table.columns)
    norm = [_normalise(c) for c in names]
    value_col = names[norm.index("value")] if "value" in norm else names[1]
    p_candidates = [c for c, n in zip(names, norm) if "detection" in n or "pval" in n]
    p_col = p_candidates[0] if p_candidates else names[2]
    probes = table.iloc[:, 0].str.strip()
    out = []
    for column in (value_col, p_col):
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna().to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise SignetInputError(source, f"expected a number, got {table[column].iloc[row]!r}",
                                   line=row + 2, column=column)
        out.append(pd.Series(values.to_numpy(dtype=np.float64), index=probes.to_numpy()))
    if out[0].index.duplicated().any():
        probe = out[0].index[out[0].index.duplicated()][0]
        raise SignetInputError(source, f"probe {probe!r} appears twice",
                               column=names[0])
    return out[0], out[1]


def _sample_name(member: str) -> str:
    name = member.rsplit("/", 1)[-1]
    return re.sub(r"(_sample_table)?\.txt$", "", name)


def read_processed_zips(paths) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Intensity and detection p-value matrices (probes x arrays) from processed zips.

    Every ``*.txt`` member is one array, named after the file (``GSM1140407_sample_table.txt``
    -> ``GSM1140407``). All arrays must list the same probes.
    """
    intensities, pvalues = {}, {}
    probes = None
    for path in paths:
        path = Path(path)
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, FileNotFoundError) as err:
            raise SignetInputError(path, f"not a readable zip archive: {err}") from None
        with archive:
            for member in sorted(archive.namelist()):
                if not member.endswith(".txt"):
                    continue
                source = f"{path}!{member}"
                text = archive.read(member).decode("latin-1")
                values, pvals = read_sample_table(text, source)
                sample = _sample_name(member)
                if sample in intensities:
                    raise SignetInputError(source, f"array {sample!r} appears twice")
                if probes is None:
                    probes = values.index
                elif not values.index.equals(probes):
                    if set(values.index) != set(probes):
                        raise SignetInputError(source, "lists other probes than the first "
                                                       "array")
                    values, pvals = values.reindex(probes), pvals.reindex(probes)
                intensities[sample], pvalues[sample] = values, pvals
    if not intensities:
        raise SignetInputError(", ".join(map(str, paths)), "no *.txt array tables in the "
                                                             "processed archives")
    return pd.DataFrame(intensities), pd.DataFrame(pvalues)


def filter_detected(intensity: pd.DataFrame, pvalues: pd.DataFrame,
                    max_p: float = 0.01) -> pd.DataFrame:
    """Keep the probes detected in at least one array: smallest p-value <= ``max_p``."""
    keep = pvalues.loc[intensity.index, intensity.columns].min(axis=1) <= max_p
    return intensity.loc[keep.to_numpy()]


def read_adf(path, gene_column: str = "Reporter Database Entry [hugo]",
             probe_column: str = "Reporter Name") -> pd.Series:
    """Probe -> gene map from an ADF; probes without a gene are left out.

    The table starts after the ``[main]`` line (or at the line starting with
    ``probe_column``); column names are matched ignoring case and whitespace.
    """
    path = Path(path)
    if not path.exists():
        raise SignetInputError(path, "array design (ADF) not found")
    lines = path.read_text(encoding="latin-1").splitlines()
    start = None
    for number, line in enumerate(lines):
        if line.strip().lower() == "[main]":
            start = number + 1
            break
    if start is None:
        for number, line in enumerate(lines):
            if _normalise(line.split("\t", 1)[0]) == _normalise(probe_column):
                start = number
                break
    if start is None or start >= len(lines):
        raise SignetInputError(path, f"no [main] section and no header line starting with "
                                     f"{probe_column!r}")
    table = pd.read_csv(io.StringIO("\n".join(lines[start:])), sep="\t", dtype=str,
                        keep_default_na=False)
    header_line = start + 1
    found = {}
    for wanted in (probe_column, gene_column):
        matches = [c for c in table.columns if _normalise(c) == _normalise(wanted)]
        if not matches:
            raise SignetInputError(path, f"ADF has no column {wanted!r}", line=header_line,
                                   column=wanted)
        found[wanted] = matches[0]
    mapping = pd.Series(table[found[gene_column]].str.strip().to_numpy(),
                        index=table[found[probe_column]].str.strip().to_numpy())
    mapping = mapping[(mapping != "") & (mapping.index != "")]
    return mapping[~mapping.index.duplicated()]


def average_probes(intensity: pd.DataFrame, probe_to_gene: pd.Series) -> pd.DataFrame:
    """Genes x arrays: the mean intensity of each gene's probes (genes sorted by name)."""
    genes = probe_to_gene.reindex(intensity.index)
    mapped = genes.notna().to_numpy()
    if not mapped.any():
        raise ValueError("no probe of the expression matrix maps to a gene through the ADF")
    expression = intensity.loc[mapped].groupby(genes[mapped].to_numpy(), sort=True).mean()
    expression.index.name = None
    return expression


def drop_constant_genes(expression: pd.DataFrame, relative: float = 1e-6) -> pd.DataFrame:
    """Drop genes whose standard deviation (``ddof=1``) is below ``relative * mean``."""
    values = expression.to_numpy(dtype=np.float64)
    spread = values.std(axis=1, ddof=1)
    keep = ~(spread < relative * values.mean(axis=1))
    return expression.loc[keep]


def log_centre(expression: pd.DataFrame, floor: float | None = 1.0) -> pd.DataFrame:
    """``log2`` of the intensities (raised to ``floor`` first), minus each gene's mean.

    With ``floor=None`` a non-positive intensity is an error instead.
    """
    values = expression.to_numpy(dtype=np.float64)
    if floor is not None:
        values = np.maximum(values, floor)
    elif (values <= 0).any():
        gene = expression.index[np.flatnonzero((values <= 0).any(axis=1))[0]]
        raise ValueError(f"gene {gene!r} has a non-positive intensity; set a floor to "
                         "log-transform")
    logged = np.log2(values)
    centred = logged - logged.mean(axis=1, keepdims=True)
    return pd.DataFrame(centred, index=expression.index, columns=expression.columns)


def build_expression(intensity: pd.DataFrame, pvalues: pd.DataFrame,
                     probe_to_gene: pd.Series, max_p: float = 0.01,
                     relative_sd: float = 1e-6, floor: float | None = 1.0
                     ) -> tuple[pd.DataFrame, dict]:
    """Steps 1-4 of the module docstring. Returns the matrix and counts for the log."""
    detected = filter_detected(intensity, pvalues, max_p)
    genes = average_probes(detected, probe_to_gene)
    varying = drop_constant_genes(genes, relative_sd)
    result = log_centre(varying, floor)
    counts = {"probes": len(intensity), "detected_probes": len(detected),
              "genes": len(genes), "varying_genes": len(varying),
              "arrays": intensity.shape[1]}
    return result, counts
