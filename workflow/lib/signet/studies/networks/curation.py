"""Manual curation of a network's edges: add, edit, reverse and remove, from a table.

A curation table is a TSV with one edit per row (lines starting with ``#`` are comments)::

    action  source  target  direction  stimulation  inhibition  references  comment
    remove  P08887  P23458                                      PMID:30267440  IL6R ...

* ``action``: ``add`` (a new edge; ``stimulation`` and ``inhibition`` required, 0/1;
  ``direction`` 0/1, blank = 1), ``edit`` (set the non-blank flags of an existing edge),
  ``reverse`` (swap source and target of an existing edge) or ``remove``;
* ``source``, ``target``: node ids (UniProt accessions, ChEBI ids, pseudo-ligands);
* ``references``: ``;``-separated references for the edit (e.g. ``PMID:30267440``);
* ``comment``: why, in words; required on every row.

:func:`apply_curation` applies the rows in file order and returns a report saying, for each
row, whether it applied: curation written for one OmniPath release may find an edge already
gone in the next, which is reported rather than fatal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from signet.errors import SignetInputError
from signet.studies.networks.normalise import merge_duplicate_edges
from signet.studies.networks.tables import FLAG_COLUMNS, MODEL_COLUMNS

__all__ = ["CURATION_COLUMNS", "CURATION_ACTIONS", "CURATION_SOURCE", "read_curation",
           "apply_curation"]

CURATION_COLUMNS = ["action", "source", "target", "direction", "stimulation", "inhibition",
                    "references", "comment"]
CURATION_ACTIONS = ("add", "edit", "reverse", "remove")
#: the ``sources`` entry of edges added by curation
CURATION_SOURCE = "signet_curation"


def read_curation(path) -> pd.DataFrame:
    """Read and validate a curation table; returns its rows with their file ``line``."""
    path = Path(path)
    if not path.exists():
        raise SignetInputError(path, "curation file not found")
    lines = path.read_text(encoding="utf-8").splitlines()
    data = [(number, text) for number, text in enumerate(lines, start=1)
            if text.strip() and not text.lstrip().startswith("#")]
    if not data:
        raise SignetInputError(path, "curation file has no header line; expected columns "
                                     + ", ".join(CURATION_COLUMNS))
    header = [c.strip() for c in data[0][1].split("\t")]
    missing = [c for c in ("action", "source", "target", "comment") if c not in header]
    if missing:
        raise SignetInputError(path, f"curation table is missing column(s) "
                                     f"{', '.join(repr(c) for c in missing)}; expected "
                                     + ", ".join(CURATION_COLUMNS),
                               line=data[0][0], column=missing[0])
    rows = []
    for number, text in data[1:]:
        cells = [c.strip() for c in text.split("\t")]
        if len(cells) > len(header):
            raise SignetInputError(path, f"{len(cells)} fields but the header has "
                                         f"{len(header)}", line=number)
        cells += [""] * (len(header) - len(cells))
        row = dict(zip(header, cells))
        row["line"] = number
        rows.append(row)
    table = pd.DataFrame(rows, columns=header + ["line"])
    for column in CURATION_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    for row in table.itertuples(index=False):
        _check_row(row, path)
    return table[CURATION_COLUMNS + ["line"]]


def _flag_or_blank(value: str, path, line: int, column: str, *, required: bool):
    if value == "":
        if required:
            raise SignetInputError(path, "an added edge needs 0 or 1 here", line=line,
                                   column=column)
        return None
    if value not in ("0", "1"):
        raise SignetInputError(path, f"expected 0 or 1, got {value!r}", line=line,
                               column=column)
    return int(value)


def _check_row(row, path) -> None:
    line = int(row.line)
    if row.action not in CURATION_ACTIONS:
        raise SignetInputError(path, f"unknown action {row.action!r}; expected one of "
                                     f"{', '.join(CURATION_ACTIONS)}", line=line,
                               column="action")
    for column in ("source", "target"):
        if getattr(row, column) == "":
            raise SignetInputError(path, "empty node id", line=line, column=column)
    if row.comment == "":
        raise SignetInputError(path, "every curation row needs a comment saying why",
                               line=line, column="comment")
    flags = {c: _flag_or_blank(getattr(row, c), path, line, c,
                               required=row.action == "add" and c != "direction")
             for c in FLAG_COLUMNS}
    if row.action == "edit" and all(v is None for v in flags.values()):
        raise SignetInputError(path, "an edit must set direction, stimulation or "
                                     "inhibition", line=line)


def apply_curation(edges: pd.DataFrame, curation: pd.DataFrame):
    """Apply a curation table (:func:`read_curation`) to Model-format ``edges``.

    Returns ``(edges, report)``; ``report`` has the curation rows plus ``status``:
    ``applied``, ``not found`` (edit / reverse / remove of an absent edge), or
    ``replaced existing`` (an added edge that was already there: its flags are set).
    Edges added by curation cite ``signet_curation`` and the row's references.
    Rows apply in file order, each to the result of the rows before it.
    """
    table = merge_duplicate_edges(edges)
    book = _EdgeBook(table)
    status = [_ACTIONS[row.action](book, row, _curation_references(row))
              for row in curation.itertuples(index=False)]
    out = merge_duplicate_edges(book.table(empty=table.iloc[:0]))
    report = curation.copy()
    report["status"] = status
    return out, report


class _EdgeBook:
    """The edges under curation: records by ``(source, target)``; a removed edge stays in
    place, marked dead, so that the order of the others is kept."""

    def __init__(self, table: pd.DataFrame):
        self.records = table.to_dict("records")
        self.alive = [True] * len(self.records)
        self.index = {(r["source"], r["target"]): i for i, r in enumerate(self.records)}

    def find(self, key) -> dict | None:
        where = self.index.get(key)
        return None if where is None or not self.alive[where] else self.records[where]

    def append(self, record: dict) -> None:
        self.index[(record["source"], record["target"])] = len(self.records)
        self.records.append(record)
        self.alive.append(True)

    def remove(self, key) -> None:
        self.alive[self.index[key]] = False

    def table(self, *, empty: pd.DataFrame) -> pd.DataFrame:
        kept = [r for r, a in zip(self.records, self.alive) if a]
        out = pd.DataFrame(kept, columns=MODEL_COLUMNS) if kept else empty.copy()
        for column in FLAG_COLUMNS:
            out[column] = out[column].astype(np.int8)
        return out


def _curation_references(row) -> str:
    """The row's references, each cited as ``signet_curation:<reference>``."""
    return ";".join(f"{CURATION_SOURCE}:{r.strip()}" for r in row.references.split(";")
                    if r.strip())


def _add(book: _EdgeBook, row, refs: str) -> str:
    new = {"source": row.source, "target": row.target, "direction": int(row.direction or 1),
           "stimulation": int(row.stimulation), "inhibition": int(row.inhibition),
           "sources": CURATION_SOURCE, "references": refs}
    old = book.find((row.source, row.target))
    if old is None:
        book.append(new)
        return "applied"
    for column in FLAG_COLUMNS:
        old[column] = new[column]
    old["sources"] = _union(old["sources"], CURATION_SOURCE)
    old["references"] = _union(old["references"], refs)
    return "replaced existing"


def _remove(book: _EdgeBook, row, refs: str) -> str:
    if book.find((row.source, row.target)) is None:
        return "not found"
    book.remove((row.source, row.target))
    return "applied"


def _edit(book: _EdgeBook, row, refs: str) -> str:
    edge = book.find((row.source, row.target))
    if edge is None:
        return "not found"
    for column in FLAG_COLUMNS:
        value = getattr(row, column)
        if value != "":
            edge[column] = int(value)
    edge["references"] = _union(edge["references"], refs)
    return "applied"


def _reverse(book: _EdgeBook, row, refs: str) -> str:
    edge = book.find((row.source, row.target))
    if edge is None:
        return "not found"
    book.remove((row.source, row.target))
    book.append(dict(edge, source=edge["target"], target=edge["source"],
                     references=_union(edge["references"], refs)))
    return "applied"


_ACTIONS = {"add": _add, "remove": _remove, "edit": _edit, "reverse": _reverse}


def _union(a: str, b: str) -> str:
    tokens = [t for t in (str(a) + ";" + str(b)).split(";") if t.strip()]
    return ";".join(sorted(set(tokens)))
