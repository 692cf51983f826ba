"""Download a public input file once, check it every time after, and record where it came from.

The workflow's inputs that come from the internet (the OmniPath interactions, the DoRothEA
regulon, the UniProt list, the ArrayExpress arrays, ...) go through :func:`fetch`:

* the file is streamed into a temporary file beside its destination, its sha256 computed on
  the way, checked against an expected checksum (when one is given) and against the announced
  ``Content-Length`` (a cut connection leaves a short file), then renamed into place;
* one row per file in a manifest TSV (``resources/MANIFEST.tsv`` in the workflow) records
  ``path, url, retrieved, size, sha256``;
* a later call finds the file, compares its checksum with the manifest (or the given one) and
  returns it without touching the network; a file that no longer matches (truncated, edited,
  corrupted) is deleted and reported;
* without a network the error is one line: which URL failed, and where to put a copy by hand
  (and which config key points the workflow at a local copy instead, when the caller says).

A file placed by hand at the destination (no manifest row yet) is accepted and recorded, so
the offline instructions in the error message work as written.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd

from signet.errors import SignetError
from signet.io.formats import atomic_write

__all__ = ["DownloadError", "MANIFEST_COLUMNS", "fetch", "verify", "read_manifest",
           "sha256sum", "release_url"]

MANIFEST_COLUMNS = ["path", "url", "retrieved", "size", "sha256"]
_CHUNK = 1 << 20


class DownloadError(SignetError):
    """A download failed, or a downloaded file no longer matches its recorded checksum.

    ``str(err)`` is a single line meant for a person: what failed and what to do.
    """

    def __init__(self, message: str, *, path=None, url: str | None = None):
        self.path = None if path is None else str(path)
        self.url = url
        super().__init__(" ".join(str(message).split()))


def release_url(template: str, commit: str, release_path: str) -> str:
    """Fill a ``{commit}``/``{release_path}`` URL template; the path is percent-encoded
    (spaces, brackets, parentheses, ``+``), its ``/`` kept."""
    return template.format(commit=urllib.parse.quote(commit, safe=""),
                           release_path=urllib.parse.quote(release_path, safe="/"))


def sha256sum(path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(path) -> pd.DataFrame:
    """Read a manifest TSV (columns ``path, url, retrieved, size, sha256``).

    A missing file is an empty manifest. ``size`` is an integer column, the rest strings.
    """
    path = Path(path)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "size" else "object")
                             for c in MANIFEST_COLUMNS})
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    missing = [c for c in MANIFEST_COLUMNS if c not in table.columns]
    if missing:
        raise DownloadError(f"{path}: manifest is missing column(s) {', '.join(missing)}; "
                            f"expected {', '.join(MANIFEST_COLUMNS)}", path=path)
    table = table[MANIFEST_COLUMNS].copy()
    table["size"] = pd.to_numeric(table["size"], errors="coerce").fillna(-1).astype("int64")
    return table


def _manifest_key(dest: Path, manifest: Path) -> str:
    """The ``path`` column: ``dest`` relative to the manifest's folder when inside it."""
    dest = Path(os.path.abspath(dest))
    root = Path(os.path.abspath(manifest)).parent
    try:
        return dest.relative_to(root).as_posix()
    except ValueError:
        return dest.as_posix()


def _expected(dest: Path, manifest: Path, sha256: str | None) -> tuple[str | None, str]:
    """Expected checksum of ``dest`` and where it comes from (for the error message)."""
    if sha256:
        return sha256.lower(), "the checksum given in the config"
    table = read_manifest(manifest)
    rows = table.loc[table["path"] == _manifest_key(dest, manifest)]
    if len(rows):
        return str(rows["sha256"].iloc[-1]).lower(), f"the checksum recorded in {manifest}"
    return None, ""


@contextlib.contextmanager
def _locked(manifest: Path):
    """Serialise manifest updates between parallel download jobs."""
    manifest.parent.mkdir(parents=True, exist_ok=True)
    lock = manifest.parent / f".{manifest.name}.lock"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _record(dest: Path, manifest: Path, url: str, digest: str) -> None:
    """Insert or replace the manifest row of ``dest`` (atomic rewrite under a lock)."""
    row = {"path": _manifest_key(dest, manifest), "url": url,
           "retrieved": _dt.date.today().isoformat(), "size": dest.stat().st_size,
           "sha256": digest}
    with _locked(manifest):
        table = read_manifest(manifest)
        table = table.loc[table["path"] != row["path"]]
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
        table = table.sort_values("path", kind="stable")
        with atomic_write(manifest) as handle:
            table[MANIFEST_COLUMNS].to_csv(handle, sep="\t", index=False)


def _mismatch(dest: Path, actual: str, expected: str, origin: str) -> DownloadError:
    with contextlib.suppress(FileNotFoundError):
        dest.unlink()
    return DownloadError(
        f"{dest}: checksum {actual[:12]}... does not match {origin} ({expected[:12]}...); "
        "the file was truncated or corrupted and has been deleted, run again to download it",
        path=dest)


def verify(dest, manifest, *, sha256: str | None = None) -> None:
    """Check ``dest`` against its manifest row (or ``sha256``).

    A mismatching file is deleted. Raises :class:`DownloadError` when the file is missing,
    has no recorded checksum, or does not match.
    """
    dest, manifest = Path(dest), Path(manifest)
    if not dest.exists():
        raise DownloadError(f"{dest}: file not found", path=dest)
    expected, origin = _expected(dest, manifest, sha256)
    if expected is None:
        raise DownloadError(f"{dest}: no checksum recorded in {manifest}", path=dest)
    actual = sha256sum(dest)
    if actual != expected:
        raise _mismatch(dest, actual, expected, origin)


def _offline_hint(url: str, dest: Path, reason, config_key: str | None) -> DownloadError:
    hint = f"cannot download {url} ({reason}): place a copy of that file at {dest}"
    if config_key:
        hint += f", or set config key '{config_key}' to a local copy"
    return DownloadError(hint, path=dest, url=url)


def fetch(url: str, dest, manifest, *, sha256: str | None = None, timeout: float = 60,
          config_key: str | None = None) -> Path:
    """Make sure ``dest`` holds the file at ``url``; return ``dest``.

    * ``dest`` exists and matches its manifest row (or ``sha256``): returned as is, no network.
    * ``dest`` exists but does not match: deleted, :class:`DownloadError` naming the file.
    * ``dest`` exists without any recorded checksum (placed by hand): recorded and returned.
    * otherwise: downloaded (redirects followed) to a temporary file beside ``dest``, checked
      against ``Content-Length`` and ``sha256`` when given, renamed into place and recorded.

    Without a network (or on an HTTP error) raises :class:`DownloadError` with one line that
    names the URL, the local path to fill by hand and, if given, ``config_key``.
    """
    dest, manifest = Path(dest), Path(manifest)
    if dest.exists():
        _accept_existing(url, dest, manifest, sha256)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            actual, size, announced = _stream(url, out, timeout=timeout,
                                              hint=lambda reason: _offline_hint(
                                                  url, dest, reason, config_key))
        _check_download(url, dest, size=size, announced=announced, actual=actual,
                        sha256=sha256)
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _record(dest, manifest, url, actual)
    return dest


def _accept_existing(url: str, dest: Path, manifest: Path, sha256: str | None) -> None:
    """A file already at ``dest``: check it against what is expected, or record it."""
    expected, origin = _expected(dest, manifest, sha256)
    actual = sha256sum(dest)
    if expected is not None and actual != expected:
        raise _mismatch(dest, actual, expected, origin)
    if _expected(dest, manifest, None)[0] is None:
        _record(dest, manifest, url, actual)


def _stream(url: str, out, *, timeout: float, hint) -> tuple[str, int, str | None]:
    """Copy ``url`` into the open file ``out``; ``(sha256, bytes, Content-Length)``.

    Any network failure becomes ``hint(reason)`` (a :class:`DownloadError`)."""
    digest = hashlib.sha256()
    size = 0
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "signet-workflow"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            announced = response.headers.get("Content-Length")
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except urllib.error.HTTPError as err:
        raise hint(f"HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise hint(err.reason) from None
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise hint(err or type(err).__name__) from None
    return digest.hexdigest(), size, announced


def _check_download(url: str, dest: Path, *, size: int, announced: str | None, actual: str,
                    sha256: str | None) -> None:
    """A short download (fewer bytes than announced) or a wrong checksum is an error."""
    if announced is not None and announced.isdigit() and int(announced) != size:
        raise DownloadError(
            f"{url}: received {size} bytes but the server announced {announced}; "
            f"the truncated download was discarded, run again (or place a copy at {dest})",
            path=dest, url=url)
    if sha256 and actual != sha256.lower():
        raise DownloadError(
            f"{url}: downloaded file has checksum {actual[:12]}... but the config expects "
            f"{sha256.lower()[:12]}...; it was discarded (has the upstream file changed?)",
            path=dest, url=url)
