"""The paper's file formats: read, validate and write.

* network ``*-Model.tsv``: ``source, target, direction, stimulation, inhibition, sources, references``
* annotation ``*-Annotation.tsv``: ``code, name, TF, ligand`` (booleans in any case)
* condition tables (ligand inputs, TF outputs): conditions as rows, the first column holds the
  condition names, one column per ligand / TF; training data are checked by
  :func:`check_tf_values` (activities in 0..1) and :func:`check_ligand_values` (no negative
  concentration; above 1 warns)
* parameter table: ``Source, Target, Type, Value`` with Type in Weight, Bias, Projection, Input;
  values are written with 17 significant digits so that float64 round-trips exactly
* checkpoints: a plain dict of tensors and builtins, saved with ``torch.save`` and loaded with
  ``weights_only=True``

Every reader validates what it reads and raises :class:`signet.errors.SignetInputError` naming
the file, the line (header = line 1) and/or the column. Every writer writes to a temporary file
beside the target and renames it, so a failure never leaves a partial output.

The building blocks are public for the other table formats of the workflow (the network
reconstruction's edge tables, for one): :func:`read_tsv`, :func:`require_columns`,
:func:`parse_flags`, :func:`write_table`, :func:`atomic_write`. Only the checkpoint functions
need torch, and they import it when called, so the table code runs without it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from signet.errors import SignetInputError

_log = logging.getLogger(__name__)

__all__ = [
    "NETWORK_COLUMNS", "ANNOTATION_COLUMNS", "PARAMETER_COLUMNS", "PARAMETER_TYPES",
    "read_network", "merge_repeated_edges", "write_network", "read_annotation",
    "write_annotation",
    "read_conditions", "check_tf_values", "check_ligand_values", "write_conditions",
    "read_parameters", "write_parameters",
    "save_checkpoint", "load_checkpoint", "atomic_write", "read_tsv", "require_columns",
    "parse_flags", "strip_node_ids", "write_table",
]

NETWORK_COLUMNS = ["source", "target", "direction", "stimulation", "inhibition", "sources",
                   "references"]
NETWORK_REQUIRED = ["source", "target", "stimulation", "inhibition"]
ANNOTATION_COLUMNS = ["code", "name", "TF", "ligand"]
ANNOTATION_REQUIRED = ["code", "TF", "ligand"]
PARAMETER_COLUMNS = ["Source", "Target", "Type", "Value"]
PARAMETER_TYPES = ("Weight", "Bias", "Projection", "Input")

_TRUE = {"true", "t", "1", "yes"}
_FALSE = {"false", "f", "0", "no", ""}
#: the spellings of a float or missing flag (pandas, OmniPath exports), accepted on request
_TRUE_LENIENT = _TRUE | {"1.0"}
_FALSE_LENIENT = _FALSE | {"0.0", "nan", "none"}


@contextlib.contextmanager
def atomic_write(path, mode="w"):
    """Open a temporary file next to ``path``; rename it onto ``path`` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_tsv(path, what: str, *, usecols=None) -> pd.DataFrame:
    """Read a tab-separated table as strings (no NA parsing), header names stripped.

    ``what`` names the table in the error; ``usecols`` (column names, or a callable on a
    name) keeps only those columns. Gzip and xz files are read transparently. Data rows may carry one trailing
    empty field more than the header (a tab at the end of every line, as in the paper's
    released toy network); it is dropped. A non-empty value in that extra field is an error
    naming its line, never silently lost. A missing, empty or unparsable file is one
    :class:`SignetInputError` naming the file.
    """
    path = Path(path)
    if not path.exists():
        raise SignetInputError(path, f"{what} file not found")
    try:
        header = pd.read_csv(path, sep="\t", dtype=str, nrows=0).columns
    except pd.errors.EmptyDataError:
        raise SignetInputError(path, f"{what} file is empty; expected a tab-separated table "
                                     "with a header line") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as err:
        raise SignetInputError(path, f"cannot read {what} as tab-separated text: "
                                     f"{' '.join(str(err).split())}") from None
    names = [str(c).strip() for c in header]
    try:
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False,
                            na_filter=False, header=None, skiprows=1,
                            names=list(range(len(names) + 1)), skip_blank_lines=True,
                            low_memory=False)
    except pd.errors.EmptyDataError:
        table = pd.DataFrame(columns=list(range(len(names) + 1)), dtype=str)
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as err:
        found = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", str(err))
        if found:
            raise SignetInputError(path, f"{found.group(2)} fields where the header has "
                                         f"{len(names)}", line=int(found.group(1))) from None
        raise SignetInputError(path, f"cannot read {what} as tab-separated text: "
                                     f"{' '.join(str(err).split())}") from None
    extra = table[len(names)].astype(str).str.strip() != ""
    if extra.any():
        row = int(np.flatnonzero(extra.to_numpy())[0])
        raise SignetInputError(path, f"{len(names) + 1} fields where the header has "
                                     f"{len(names)}", line=row + 2)
    table = table.drop(columns=len(names))
    table.columns = names
    if usecols is not None:
        keep = usecols if callable(usecols) else set(usecols).__contains__
        table = table[[c for c in names if keep(c)]]
    return table
    return table


def require_columns(table: pd.DataFrame, required, path, what: str) -> None:
    """Raise a :class:`SignetInputError` at the header naming the first missing column."""
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise SignetInputError(
            path, f"{what} is missing column(s) {', '.join(repr(c) for c in missing)}; "
                  f"found {', '.join(repr(c) for c in table.columns) or 'none'}", line=1,
            column=missing[0])


def parse_flags(values: pd.Series, path, column: str, *, lenient: bool = False) -> np.ndarray:
    """Boolean flags from 0/1 or true/false text (any case; blank is false), naming the first
    bad line. ``lenient`` also takes ``1.0``/``0.0`` and ``nan``/``none`` (false), the
    spellings of a float or missing flag in exported tables."""
    true, false = (_TRUE_LENIENT, _FALSE_LENIENT) if lenient else (_TRUE, _FALSE)
    text = values.astype(str).str.strip().str.lower()
    good = text.isin(true | false)
    if not good.all():
        row = int(np.flatnonzero(~good.to_numpy())[0])
        raise SignetInputError(path, f"expected 0/1 or true/false, got {values.iloc[row]!r}",
                               line=row + 2, column=column)
    return text.isin(true).to_numpy()


def strip_node_ids(table: pd.DataFrame, path, columns=("source", "target")) -> None:
    """Strip the node ids in ``columns`` in place; an empty one is an error at its line."""
    for column in columns:
        table[column] = table[column].str.strip()
        empty = table[column] == ""
        if empty.any():
            row = int(np.flatnonzero(empty.to_numpy())[0])
            raise SignetInputError(path, "empty node id", line=row + 2, column=column)


def write_table(table: pd.DataFrame, path) -> None:
    """Write a table as TSV without its index, atomically."""
    with atomic_write(path) as handle:
        table.to_csv(handle, sep="\t", index=False)


# ---- network -------------------------------------------------------------------------
def _join_tokens(values) -> str:
    """The ``;``-separated tokens of every value, united and sorted."""
    tokens = set()
    for value in values:
        tokens |= {t for t in str(value).split(";") if t}
    return ";".join(sorted(tokens))


def merge_repeated_edges(table: pd.DataFrame, path=None) -> pd.DataFrame:
    """One row per ``source -> target`` pair of a network table read by :func:`read_network`.

    Public network files list some pairs more than once (for example once with a known sign
    and once with neither flag set). Repeated rows are merged into the first one: a known
    sign wins over an unknown one (``sign`` 0), ``direction`` is 1 when any row says so, and
    ``sources``/``references`` are united. A pair listed as stimulating (+1) on one line and
    inhibiting (-1) on another is a real conflict: :class:`SignetInputError` naming both
    lines. One line is logged with the number of rows merged.
    """
    repeated = table.duplicated(["source", "target"], keep=False)
    if not repeated.any():
        return table
    rows = table.loc[repeated]
    for (source, target), group in rows.groupby(["source", "target"], sort=False):
        signs = group["sign"].to_numpy()
        if (signs > 0).any() and (signs < 0).any():
            plus = int(group.loc[group["sign"] > 0, "line"].iloc[0])
            minus = int(group.loc[group["sign"] < 0, "line"].iloc[0])
            raise SignetInputError(
                path, f"edge {source} -> {target} is stimulating on line {plus} and "
                      f"inhibiting on line {minus}; a pair may have one sign only",
                line=max(plus, minus))
    out = table.copy()
    grouped = rows.groupby(["source", "target"], sort=False)
    first = grouped.head(1).index
    for index, (_, group) in zip(first, grouped):
        known = group.loc[group["sign"] != 0]
        best = known.iloc[0] if len(known) else group.iloc[0]
        for column in ("stimulation", "inhibition", "sign"):
            out.at[index, column] = best[column]
        if "direction" in out.columns:
            out.at[index, "direction"] = "1" if (group["direction"].str.strip() == "1").any() \
                else group["direction"].iloc[0]
        for column in ("sources", "references"):
            if column in out.columns:
                out.at[index, column] = _join_tokens(group[column])
    drop = rows.index.difference(first)
    _log.warning("%s: %d repeated edge row(s) merged into %d edge(s)",
              path if path is not None else "network", len(drop), len(first))
    return out.drop(index=drop).reset_index(drop=True)


def read_network(path) -> pd.DataFrame:
    """Read and validate a ``*-Model.tsv`` network table.

    Returns a DataFrame with the file's rows and columns (strings), plus an integer column
    ``sign`` (+1 stimulation, -1 inhibition, 0 unknown or conflicting) and ``line`` (the line
    of each edge in the file). A ``source -> target`` pair listed more than once is merged
    (:func:`merge_repeated_edges`); only opposite signs for one pair are an error, as are
    empty ids and an empty network.
    """
    table = read_tsv(path, "network")
    require_columns(table, NETWORK_REQUIRED, path, "network")
    if len(table) == 0:
        raise SignetInputError(path, "network has no edges; expected at least one "
                                     "source -> target row", line=2)
    strip_node_ids(table, path)
    stim = parse_flags(table["stimulation"], path, "stimulation")
    inhib = parse_flags(table["inhibition"], path, "inhibition")
    table["sign"] = stim.astype(np.int8) - inhib.astype(np.int8)
    table["line"] = np.arange(2, len(table) + 2)
    table = merge_repeated_edges(table, path)
    for column in NETWORK_COLUMNS:
        if column not in table.columns:
            table[column] = "1" if column == "direction" else ""
    return table


def write_network(table: pd.DataFrame, path) -> None:
    """Write a network table in the paper's column order."""
    out = table.copy()
    if "sign" in out.columns:
        out["stimulation"] = (out["sign"] > 0).astype(int)
        out["inhibition"] = (out["sign"] < 0).astype(int)
    for column in NETWORK_COLUMNS:
        if column not in out.columns:
            out[column] = 1 if column == "direction" else ""
    with atomic_write(path) as handle:
        out[NETWORK_COLUMNS].to_csv(handle, sep="\t", index=False)


# ---- annotation ----------------------------------------------------------------------
def read_annotation(path) -> pd.DataFrame:
    """Read ``*-Annotation.tsv``: columns code, name, TF, ligand (booleans any case).

    Returns columns ``code, name`` (strings), ``TF, ligand`` (bool) and ``line``; an optional
    ``receptor`` column (the reconstruction's node tables) is read as bool too.
    """
    table = read_tsv(path, "annotation")
    require_columns(table, ANNOTATION_REQUIRED, path, "annotation")
    table["code"] = table["code"].str.strip()
    if "name" not in table.columns:
        table["name"] = table["code"]
    table["TF"] = parse_flags(table["TF"], path, "TF")
    table["ligand"] = parse_flags(table["ligand"], path, "ligand")
    if "receptor" in table.columns:  # the node tables of the network reconstruction
        table["receptor"] = parse_flags(table["receptor"], path, "receptor")
    table["line"] = np.arange(2, len(table) + 2)
    dup = table.duplicated("code", keep="first")
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise SignetInputError(path, f"node {table['code'].iloc[row]!r} is annotated twice",
                               line=row + 2, column="code")
    both = table["TF"] & table["ligand"]
    if both.any():
        row = int(np.flatnonzero(both.to_numpy())[0])
        raise SignetInputError(path, f"node {table['code'].iloc[row]!r} is marked both TF "
                                     "and ligand", line=row + 2)
    return table


def write_annotation(table: pd.DataFrame, path, *, columns=ANNOTATION_COLUMNS) -> None:
    """Write ``columns`` of an annotation (or node) table, booleans as ``True`` / ``False``."""
    out = table[list(columns)].copy()
    for column in ("TF", "ligand", "receptor"):
        if column in out.columns:
            out[column] = out[column].map(lambda v: "True" if bool(v) else "False")
    write_table(out, path)


# ---- condition tables ---------------------------------------------------------------
def read_conditions(path, what: str = "condition") -> pd.DataFrame:
    """Read a ligand or TF table: conditions as rows, first column = condition names.

    Every value must be a finite number; the error names line and column otherwise.
    Returns a float64 DataFrame indexed by condition name.
    """
    table = read_tsv(path, f"{what} table")
    if table.shape[1] < 2:
        raise SignetInputError(path, f"{what} table needs a condition-name column and at "
                                     "least one value column", line=1)
    if len(table) == 0:
        raise SignetInputError(path, f"{what} table has no conditions", line=2)
    names = table.iloc[:, 0].str.strip()
    values = table.iloc[:, 1:]
    header = list(values.columns)
    dup_cols = pd.Index(header).duplicated()
    if dup_cols.any():
        raise SignetInputError(path, "column appears twice", line=1,
                               column=header[int(np.flatnonzero(dup_cols)[0])])
    numeric = values.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna().to_numpy() | ~np.isfinite(numeric.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        row, col = (int(v[0]) for v in np.nonzero(bad))
        raise SignetInputError(path, f"expected a finite number, got {values.iat[row, col]!r}",
                               line=row + 2, column=header[col])
    dup = names.duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise SignetInputError(path, f"condition {names.iloc[row]!r} appears twice",
                               line=row + 2)
    # pandas' own text-to-float parser can miss the nearest double by one unit in the last
    # place; Python's float() is correctly rounded, so %.17g text reads back bit for bit
    # (a model trained from written tables is then the model trained from the values)
    try:
        exact = values.to_numpy(dtype=object).astype(np.float64)
    except ValueError:  # a spelling pandas reads and float() does not (none known): keep
        exact = numeric.to_numpy(dtype=np.float64)  # pandas' value
    numeric = pd.DataFrame(exact, index=pd.Index(names.to_numpy(), name=None), columns=header)
    numeric.attrs["path"] = str(path)
    return numeric


def _outside(table: pd.DataFrame, low: float, high: float):
    """``(count, row, column)`` of the values of ``table`` outside ``[low, high]``; ``row`` and
    ``column`` locate the first one in reading order (None when there is none)."""
    values = table.to_numpy(dtype=np.float64)
    outside = (values < low) | (values > high)
    if not outside.any():
        return 0, None, None
    row, col = (int(v[0]) for v in np.nonzero(outside))
    return int(outside.sum()), row, col


def check_tf_values(tfs: pd.DataFrame, *, allow_out_of_range: bool = False) -> int:
    """TF activities, as read by :func:`read_conditions`, must lie in 0..1.

    The model's outputs are fractions of a TF's largest activity: a value outside 0..1 is a
    :class:`SignetInputError` naming the file, line, column and value, unless
    ``allow_out_of_range`` (``--allow-out-of-range``), which accepts them with one warning
    line. Returns the number of values outside 0..1. Call it on the table as read: the line
    is the row's position in the file.
    """
    count, row, col = _outside(tfs, 0.0, 1.0)
    if count and not allow_out_of_range:
        raise SignetInputError(tfs.attrs.get("path"),
                               f"TF value {tfs.iat[row, col]:g} is outside 0..1 ({count} of "
                               f"{tfs.size} values are); rescale the table to 0..1, or accept "
                               "it with --allow-out-of-range", line=row + 2,
                               column=str(tfs.columns[col]))
    if count:
        _log.warning("%s: %d of %d TF values lie outside 0..1 (accepted: "
                     "--allow-out-of-range)", tfs.attrs.get("path", "TF table"), count,
                     tfs.size)
    return count


def check_ligand_values(ligands: pd.DataFrame, *, allow_out_of_range: bool = False) -> int:
    """Ligand concentrations, as read by :func:`read_conditions`, must not be negative.

    A negative value is a :class:`SignetInputError` naming the file, line, column and value,
    unless ``allow_out_of_range`` (``--allow-out-of-range``: one warning line). Values above
    1 are accepted with one warning line: the paper's inputs lie in 0..1 (scaled by the
    input weight 3), and larger ones drive the ligand's node further into saturation.
    Returns the number of values outside 0..1.
    """
    path = ligands.attrs.get("path")
    negative, row, col = _outside(ligands, 0.0, np.inf)
    if negative and not allow_out_of_range:
        raise SignetInputError(path, f"ligand value {ligands.iat[row, col]:g} is negative "
                                     f"({negative} of {ligands.size} values are); a "
                                     "concentration is 0 or more (accept it with "
                                     "--allow-out-of-range)", line=row + 2,
                               column=str(ligands.columns[col]))
    count, row, col = _outside(ligands, 0.0, 1.0)
    if count:
        _log.warning("%s: %d of %d ligand values lie outside 0..1 (the first: %g at line %d, "
                     "column %r); the method's inputs are 0..1", path or "ligand table",
                     count, ligands.size, ligands.iat[row, col], row + 2,
                     str(ligands.columns[col]))
    return count


def write_conditions(table: pd.DataFrame, path) -> None:
    """Write a condition table (index = condition names) with full float64 precision."""
    with atomic_write(path) as handle:
        table.to_csv(handle, sep="\t", float_format="%.17g")


# ---- parameter table ----------------------------------------------------------------
def read_parameters(path) -> pd.DataFrame:
    """Read a ``Source, Target, Type, Value`` parameter table (Value parsed exactly)."""
    table = read_tsv(path, "parameter table")
    require_columns(table, PARAMETER_COLUMNS, path, "parameter table")
    table["line"] = np.arange(2, len(table) + 2)
    bad_type = ~table["Type"].isin(PARAMETER_TYPES)
    if bad_type.any():
        row = int(np.flatnonzero(bad_type.to_numpy())[0])
        raise SignetInputError(path, f"unknown parameter type {table['Type'].iloc[row]!r}; "
                                     f"expected one of {', '.join(PARAMETER_TYPES)}",
                               line=row + 2, column="Type")
    values = pd.to_numeric(table["Value"], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SignetInputError(path, f"expected a finite number, got {table['Value'].iloc[row]!r}",
                               line=row + 2, column="Value")
    # float() of the decimal text is correctly rounded: exact round trip of %.17g output
    table["Value"] = [float(v) for v in table["Value"]]
    table["Source"] = table["Source"].str.strip()
    table["Target"] = table["Target"].str.strip()
    return table


def write_parameters(table: pd.DataFrame, path) -> None:
    """Write a parameter table; float64 values survive ``read_parameters`` bit for bit."""
    out = table[PARAMETER_COLUMNS].copy()
    out["Value"] = [repr(float(v)) for v in out["Value"]]
    with atomic_write(path) as handle:
        out.to_csv(handle, sep="\t", index=False)


# ---- checkpoints ---------------------------------------------------------------------
def save_checkpoint(checkpoint: dict, path) -> None:
    """Save a checkpoint dict (tensors and builtins only) atomically."""
    import torch

    with atomic_write(path, "wb") as handle:
        torch.save(checkpoint, handle)


def load_checkpoint(path) -> dict:
    """Load a checkpoint with ``weights_only=True`` (no arbitrary code is unpickled)."""
    path = Path(path)
    if not path.exists():
        raise SignetInputError(path, "checkpoint not found")
    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several types for a corrupt file
        raise SignetInputError(path, f"not a readable signet checkpoint ({err.__class__.__name__}: "
                                     f"{str(err).splitlines()[0] if str(err) else ''})") from None
