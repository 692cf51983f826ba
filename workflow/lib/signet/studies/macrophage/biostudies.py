"""Listing and downloading an ArrayExpress experiment, now served by BioStudies.

ArrayExpress moved into BioStudies in 2022. A study's files are listed by the BioStudies
files API, a DataTables-style JSON endpoint that is paged with ``start`` and ``length``::

    GET {base}/api/v1/files/{accession}?start=0&length=500
    -> {"recordsTotal": 390, "recordsFiltered": 390,
        "data": [{"path": "E-GEOD-46903.sdrf.txt", "size": 215387, "type": "file", ...}, ...]}

and a file is downloaded from ``{base}/files/{accession}/{path}``, which redirects to the
FIRE storage (urllib follows the redirect). Array designs are studies of their own
(``A-MEXP-1171``), listed the same way.

The macrophage study needs, from the experiment, the SDRF, the IDF and every
``processed.N.zip``; from the array design, the ADF. :func:`select_experiment_files` and
:func:`select_array_design_file` pick them from a listing; :func:`download_files` fetches them
through :func:`signet.io.download.fetch` (checksums, ``resources/MANIFEST.tsv``, one-line
offline errors live there); :func:`experiment_downloads` puts listing and selection together.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from signet.errors import SignetError, SignetInputError
from signet.io.formats import read_tsv

__all__ = [
    "BIOSTUDIES_URL", "StudyFile", "files_api_url", "file_url", "parse_file_page",
    "list_study_files", "select_experiment_files", "select_array_design_file",
    "experiment_downloads", "download_files", "write_file_table", "read_file_table",
    "FILE_TABLE_COLUMNS",
]

BIOSTUDIES_URL = "https://www.ebi.ac.uk/biostudies"
FILE_TABLE_COLUMNS = ["role", "name", "path", "url", "size"]


@dataclass(frozen=True)
class StudyFile:
    """One file of a BioStudies study: its path inside the study and its size in bytes."""

    path: str
    size: int | None = None

    @property
    def name(self) -> str:
        """The file name without the study's folders."""
        return self.path.rsplit("/", 1)[-1]


def files_api_url(accession: str, base_url: str = BIOSTUDIES_URL, start: int = 0,
                  length: int = 500) -> str:
    """URL of one page of the files API for ``accession``."""
    query = urllib.parse.urlencode({"start": start, "length": length})
    return f"{base_url.rstrip('/')}/api/v1/files/{urllib.parse.quote(accession)}?{query}"


def file_url(accession: str, path: str, base_url: str = BIOSTUDIES_URL) -> str:
    """Download URL of ``path`` in study ``accession`` (redirects to the storage)."""
    return (f"{base_url.rstrip('/')}/files/{urllib.parse.quote(accession)}/"
            f"{urllib.parse.quote(path)}")


def _size(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def parse_file_page(payload, source: str = "<files API>") -> tuple[list[StudyFile], int]:
    """Files of one files-API page and the total number of records the API reports.

    Directories are skipped. The file path is read from ``path`` (or ``Name``/``name`` when
    ``path`` is absent), the size from ``size``/``Size``.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise SignetInputError(source, "expected a JSON object with a 'data' list (the "
                                       "BioStudies files API format)")
    files = []
    for position, entry in enumerate(payload["data"]):
        if not isinstance(entry, dict):
            raise SignetInputError(source, f"entry {position} of 'data' is not an object")
        if str(entry.get("type", "file")).lower() == "directory":
            continue
        path = entry.get("path") or entry.get("Name") or entry.get("name")
        if not path:
            raise SignetInputError(source, f"entry {position} of 'data' has no 'path'")
        files.append(StudyFile(str(path), _size(entry.get("size", entry.get("Size")))))
    total = payload.get("recordsTotal", payload.get("recordsFiltered", len(payload["data"])))
    try:
        total = int(total)
    except (TypeError, ValueError):
        raise SignetInputError(source, f"'recordsTotal' is not a number: {total!r}") from None
    return files, total


def _get_json(url: str, timeout: float):
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "signet-workflow"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def list_study_files(accession: str, base_url: str = BIOSTUDIES_URL, page_size: int = 500,
                     timeout: float = 60,
                     get_json: Callable[[str, float], object] | None = None) -> list[StudyFile]:
    """All files of a BioStudies study, page by page through the files API.

    ``get_json(url, timeout)`` fetches and decodes one page (urllib by default; tests pass
    their own). No network, a server error or a malformed answer raise one-line errors.
    """
    get_json = get_json or _get_json
    files: list[StudyFile] = []
    start, total = 0, None
    while total is None or start < total:
        url = files_api_url(accession, base_url, start=start, length=page_size)
        try:
            payload = get_json(url, timeout)
        except urllib.error.HTTPError as err:
            raise SignetError(f"BioStudies answered HTTP {err.code} for {url}: is "
                              f"{accession!r} a public study?") from None
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise SignetError(f"cannot list the files of {accession} ({url}): {reason}; "
                              "without network, place the files yourself or start the "
                              "macrophage chain at the score table "
                              "(macrophage.inputs.tf_scores)") from None
        except json.JSONDecodeError as err:
            raise SignetInputError(url, f"not JSON: {err}") from None
        page, total = parse_file_page(payload, source=url)
        files.extend(page)
        if not payload["data"]:  # the API has no more records, whatever recordsTotal says
            break
        start += page_size
    return files


_PROCESSED = re.compile(r"\.processed\.(\d+)\.zip$")


def select_experiment_files(files: list[StudyFile], accession: str) -> dict[str, list[StudyFile]]:
    """The files the macrophage study needs from the experiment's listing.

    Returns ``{"sdrf": [..], "idf": [..], "processed": [..]}``: ``{accession}.sdrf.txt``,
    ``{accession}.idf.txt`` and every ``{accession}.processed.N.zip`` in order of N.
    Raises when one of them is missing from the listing.
    """
    by_name = {f.name: f for f in files}
    chosen: dict[str, list[StudyFile]] = {}
    for role in ("sdrf", "idf"):
        name = f"{accession}.{role}.txt"
        if name not in by_name:
            raise SignetError(f"the BioStudies listing of {accession} has no {name} "
                              f"({len(files)} files listed)")
        chosen[role] = [by_name[name]]
    processed = []
    for f in files:
        match = _PROCESSED.search(f.name)
        if match and f.name.startswith(f"{accession}."):
            processed.append((int(match.group(1)), f))
    if not processed:
        raise SignetError(f"the BioStudies listing of {accession} has no "
                          f"{accession}.processed.*.zip ({len(files)} files listed)")
    chosen["processed"] = [f for _, f in sorted(processed, key=lambda item: item[0])]
    return chosen


def select_array_design_file(files: list[StudyFile], array: str) -> StudyFile:
    """The ADF ``{array}.adf.txt`` from the listing of array design ``array``."""
    for f in files:
        if f.name == f"{array}.adf.txt":
            return f
    raise SignetError(f"the BioStudies listing of {array} has no {array}.adf.txt "
                      f"({len(files)} files listed)")


def experiment_downloads(accession: str, array: str, directory, roles=("sdrf", "idf", "adf"),
                         base_url: str = BIOSTUDIES_URL, timeout: float = 60,
                         config_key: str | None = None, get_json=None) -> list[dict]:
    """What to download for ``roles`` (``sdrf``, ``idf``, ``adf``, ``processed``).

    Lists the experiment (and, for ``adf``, the array design) through the files API and
    returns one entry per file: ``role, name, url, dest`` (``directory/name``), ``size``
    and ``config_key`` (named in the offline error message).
    """
    directory = Path(directory)
    chosen: list[tuple[str, str, StudyFile]] = []
    if set(roles) & {"sdrf", "idf", "processed"}:
        listing = list_study_files(accession, base_url, timeout=timeout, get_json=get_json)
        selected = select_experiment_files(listing, accession)
        chosen += [(role, accession, f) for role in ("sdrf", "idf", "processed")
                   if role in roles for f in selected[role]]
    if "adf" in roles:
        listing = list_study_files(array, base_url, timeout=timeout, get_json=get_json)
        chosen.append(("adf", array, select_array_design_file(listing, array)))
    return [{"role": role, "name": f.name, "url": file_url(study, f.path, base_url),
             "dest": directory / f.name, "size": f.size, "config_key": config_key}
            for role, study, f in chosen]


def download_files(entries: list[dict], manifest, timeout: float = 60,
                   sha256: dict[str, str] | None = None, fetch=None) -> list[Path]:
    """Fetch every entry (``{"url", "dest", "config_key"}``) with :func:`signet.io.download.fetch`.

    ``sha256`` maps file names to known checksums (optional); ``fetch`` defaults to
    :func:`signet.io.download.fetch`, which verifies and records each file in ``manifest``.
    """
    if fetch is None:
        from signet.io.download import fetch
    sha256 = sha256 or {}
    paths = []
    for entry in entries:
        dest = Path(entry["dest"])
        paths.append(Path(fetch(entry["url"], dest, manifest, sha256=sha256.get(dest.name),
                                timeout=timeout, config_key=entry.get("config_key"))))
    return paths


def write_file_table(rows: list[dict], path) -> None:
    """Write the table of downloaded files (``role, name, path, url, size``)."""
    from signet.io import atomic_write

    table = pd.DataFrame(rows, columns=FILE_TABLE_COLUMNS)
    with atomic_write(path) as handle:
        table.to_csv(handle, sep="\t", index=False)


def read_file_table(path) -> pd.DataFrame:
    """Read a table written by :func:`write_file_table`; paths are relative to the cwd."""
    table = read_tsv(path, "file table")
    for column in ("role", "path"):
        if column not in table.columns:
            raise SignetInputError(path, f"missing column; expected {FILE_TABLE_COLUMNS}",
                                   line=1, column=column)
    return table
