"""Downloads with a manifest and checksums (signet.io.download), against a local HTTP server.

Checksums are checked against hashlib computed in the test on the served bytes, and
``sha256sum`` against the FIPS 180-2 test vector for b"abc".
"""

from __future__ import annotations

import datetime
import hashlib
import http.server
import socket
import threading
from pathlib import Path

import pytest
from signet.errors import SignetError
from signet.io.download import DownloadError, fetch, read_manifest, sha256sum, verify

PAYLOAD = b"source\ttarget\nP1\tP2\n" * 1000


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802 (http.server's naming)
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        kind, value = route
        if kind == "redirect":
            self.send_response(302)
            self.send_header("Location", value)
            self.end_headers()
        elif kind == "short":        # announce more bytes than are sent
            self.send_response(200)
            self.send_header("Content-Length", str(len(value) + 100))
            self.end_headers()
            self.wfile.write(value)
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_response(200)
            self.send_header("Content-Length", str(len(value)))
            self.end_headers()
            self.wfile.write(value)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.routes = {"/data.tsv": ("ok", PAYLOAD), "/moved": ("redirect", "/data.tsv"),
                       "/short": ("short", PAYLOAD[:50])}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/x"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_sha256sum_matches_fips_test_vector(tmp_path):
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    assert sha256sum(path) == \
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_download_records_manifest_and_second_call_stays_offline(server, tmp_path):
    dest = tmp_path / "resources" / "omnipath" / "data.tsv"
    manifest = tmp_path / "resources" / "MANIFEST.tsv"
    assert fetch(f"{server}/data.tsv", dest, manifest) == dest
    assert dest.read_bytes() == PAYLOAD
    table = read_manifest(manifest)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["path"] == "omnipath/data.tsv"
    assert row["url"] == f"{server}/data.tsv"
    assert row["size"] == len(PAYLOAD)
    assert row["sha256"] == hashlib.sha256(PAYLOAD).hexdigest()
    assert row["retrieved"] == datetime.date.today().isoformat()
    # the second call finds the file and never reaches the (unreachable) URL
    assert fetch(_closed_port_url(), dest, manifest) == dest
    verify(dest, manifest)
    assert _leftovers(dest.parent) == []


def test_redirect_is_followed_and_expected_checksum_checked(server, tmp_path):
    dest = tmp_path / "data.tsv"
    fetch(f"{server}/moved", dest, tmp_path / "MANIFEST.tsv",
          sha256=hashlib.sha256(PAYLOAD).hexdigest())
    assert dest.read_bytes() == PAYLOAD


def test_wrong_expected_checksum_keeps_nothing(server, tmp_path):
    dest = tmp_path / "data.tsv"
    with pytest.raises(DownloadError, match="config expects") as err:
        fetch(f"{server}/data.tsv", dest, tmp_path / "MANIFEST.tsv", sha256="0" * 64)
    assert not dest.exists() and _leftovers(tmp_path) == []
    assert not (tmp_path / "MANIFEST.tsv").exists()
    assert "\n" not in str(err.value)


def test_corrupted_file_is_deleted_with_a_clear_error(server, tmp_path):
    dest = tmp_path / "data.tsv"
    manifest = tmp_path / "MANIFEST.tsv"
    fetch(f"{server}/data.tsv", dest, manifest)
    dest.write_bytes(PAYLOAD[:100])                        # truncated by something else
    with pytest.raises(DownloadError) as err:
        fetch(f"{server}/data.tsv", dest, manifest)
    assert str(dest) in str(err.value) and "deleted" in str(err.value)
    assert not dest.exists()
    # the next run downloads it again
    fetch(f"{server}/data.tsv", dest, manifest)
    assert dest.read_bytes() == PAYLOAD
    dest.write_bytes(b"x")
    with pytest.raises(DownloadError, match="does not match"):
        verify(dest, manifest)
    assert not dest.exists()


def test_truncated_transfer_is_discarded(server, tmp_path):
    dest = tmp_path / "short.tsv"
    with pytest.raises(DownloadError):
        fetch(f"{server}/short", dest, tmp_path / "MANIFEST.tsv", timeout=5)
    assert not dest.exists() and _leftovers(tmp_path) == []


def test_offline_gives_one_line_naming_url_file_and_config_key(tmp_path):
    url = _closed_port_url()
    dest = tmp_path / "resources" / "uniprot.tsv"
    with pytest.raises(DownloadError) as err:
        fetch(url, dest, tmp_path / "resources" / "MANIFEST.tsv", timeout=5,
              config_key="networks.downloads.uniprot.local")
    message = str(err.value)
    assert "\n" not in message
    assert url in message and str(dest) in message
    assert "networks.downloads.uniprot.local" in message
    assert isinstance(err.value, SignetError)
    assert not dest.exists() and _leftovers(dest.parent) == []


def test_http_error_names_the_status(server, tmp_path):
    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch(f"{server}/missing", tmp_path / "m.tsv", tmp_path / "MANIFEST.tsv")


def test_file_url_and_hand_placed_file(tmp_path):
    source = tmp_path / "upstream.tsv"
    source.write_bytes(PAYLOAD)
    manifest = tmp_path / "res" / "MANIFEST.tsv"
    dest = fetch(source.as_uri(), tmp_path / "res" / "copy.tsv", manifest)
    assert dest.read_bytes() == PAYLOAD
    # a file placed by hand (as the offline message asks) is accepted and recorded
    placed = tmp_path / "res" / "placed.tsv"
    placed.write_bytes(b"hand placed\n")
    fetch(_closed_port_url(), placed, manifest)
    table = read_manifest(manifest).set_index("path")
    assert table.loc["placed.tsv", "sha256"] == hashlib.sha256(b"hand placed\n").hexdigest()
    assert set(table.index) == {"copy.tsv", "placed.tsv"}


def test_manifest_helpers(tmp_path):
    empty = read_manifest(tmp_path / "none.tsv")
    assert list(empty.columns) == ["path", "url", "retrieved", "size", "sha256"]
    assert empty.empty
    with pytest.raises(DownloadError, match="not found"):
        verify(tmp_path / "none", tmp_path / "none.tsv")
    (tmp_path / "f").write_bytes(b"1")
    with pytest.raises(DownloadError, match="no checksum"):
        verify(tmp_path / "f", tmp_path / "none.tsv")
