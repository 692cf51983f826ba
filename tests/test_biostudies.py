"""BioStudies listing of E-GEOD-46903: file selection, paging, offline errors, fetch calls."""

import http.server
import json
import socket
import threading
import urllib.parse
from pathlib import Path

import pytest
from signet.errors import SignetError, SignetInputError
from signet.studies.macrophage.biostudies import (
    StudyFile,
    download_files,
    experiment_downloads,
    file_url,
    list_study_files,
    parse_file_page,
    read_file_table,
    select_array_design_file,
    select_experiment_files,
    write_file_table,
)

DATA = Path(__file__).resolve().parent / "data" / "macrophage"
EXPERIMENT = json.loads((DATA / "biostudies-E-GEOD-46903-files.json").read_text())
ARRAY = json.loads((DATA / "biostudies-A-MEXP-1171-files.json").read_text())


def test_listing_picks_sdrf_idf_and_every_processed_zip_in_number_order():
    files, total = parse_file_page(EXPERIMENT)
    assert total == 8
    assert "Files" not in [f.path for f in files]  # the directory entry is skipped
    chosen = select_experiment_files(files, "E-GEOD-46903")
    assert [f.name for f in chosen["sdrf"]] == ["E-GEOD-46903.sdrf.txt"]
    assert [f.name for f in chosen["idf"]] == ["E-GEOD-46903.idf.txt"]
    assert [f.name for f in chosen["processed"]] == [
        "E-GEOD-46903.processed.1.zip", "E-GEOD-46903.processed.2.zip",
        "E-GEOD-46903.processed.10.zip"]  # raw.1.zip and the README are not chosen
    assert chosen["sdrf"][0].size == 422961


def test_listing_picks_the_adf_of_the_array_design():
    files, _ = parse_file_page(ARRAY)
    assert select_array_design_file(files, "A-MEXP-1171").name == "A-MEXP-1171.adf.txt"


def test_listing_without_sdrf_is_an_error_naming_the_file():
    files = [StudyFile("E-GEOD-46903.idf.txt"), StudyFile("E-GEOD-46903.processed.1.zip")]
    with pytest.raises(SignetError, match=r"E-GEOD-46903\.sdrf\.txt"):
        select_experiment_files(files, "E-GEOD-46903")
    with pytest.raises(SignetError, match="processed"):
        select_experiment_files([StudyFile("E-GEOD-46903.idf.txt"),
                                 StudyFile("E-GEOD-46903.sdrf.txt")], "E-GEOD-46903")


def test_listing_pages_through_the_files_api():
    """Pages of 3 records: the client asks start=0, 3, 6 and gets all 7 files."""
    asked = []

    def get_json(url, timeout):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        start, length = int(query["start"][0]), int(query["length"][0])
        asked.append(start)
        return {**EXPERIMENT, "data": EXPERIMENT["data"][start:start + length]}

    files = list_study_files("E-GEOD-46903", page_size=3, get_json=get_json)
    assert asked == [0, 3, 6]
    assert len(files) == 7


def test_parse_page_rejects_json_that_is_not_a_file_table():
    with pytest.raises(SignetInputError, match="'data' list"):
        parse_file_page({"accno": "E-GEOD-46903"}, source="x.json")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_listing_without_network_is_one_line_naming_the_study():
    port = _free_port()  # nothing listens there any more
    with pytest.raises(SignetError) as err:
        list_study_files("E-GEOD-46903", base_url=f"http://127.0.0.1:{port}/biostudies",
                         timeout=5)
    message = str(err.value)
    assert "\n" not in message
    assert "E-GEOD-46903" in message and "macrophage.inputs.tf_scores" in message


def test_listing_over_http_from_a_local_server():
    """The real urllib path: GET /biostudies/api/v1/files/<acc>?start=..&length=.."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            seen.append(self.path)
            body = json.dumps(EXPERIMENT).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/biostudies"
        files = list_study_files("E-GEOD-46903", base_url=base, page_size=500, timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert seen == ["/biostudies/api/v1/files/E-GEOD-46903?start=0&length=500"]
    assert len(files) == 7


def test_download_goes_through_fetch_with_destination_and_checksum(tmp_path):
    calls = []

    def fake_fetch(url, dest, manifest, sha256=None, timeout=60, config_key=None):
        calls.append((url, Path(dest).name, manifest, sha256, timeout, config_key))
        return dest

    url = file_url("E-GEOD-46903", "E-GEOD-46903.sdrf.txt")
    assert url == "https://www.ebi.ac.uk/biostudies/files/E-GEOD-46903/E-GEOD-46903.sdrf.txt"
    paths = download_files([{"url": url, "dest": tmp_path / "E-GEOD-46903.sdrf.txt",
                             "config_key": "macrophage.inputs.tf_scores"}],
                           manifest="MANIFEST.tsv", timeout=7,
                           sha256={"E-GEOD-46903.sdrf.txt": "ab" * 32}, fetch=fake_fetch)
    assert paths == [tmp_path / "E-GEOD-46903.sdrf.txt"]
    assert calls == [(url, "E-GEOD-46903.sdrf.txt", "MANIFEST.tsv", "ab" * 32, 7,
                      "macrophage.inputs.tf_scores")]


def test_file_table_round_trip_and_missing_column(tmp_path):
    rows = [{"role": "processed", "name": "a.zip", "path": "resources/a.zip",
             "url": "https://x/a.zip", "size": 3}]
    write_file_table(rows, tmp_path / "files.tsv")
    table = read_file_table(tmp_path / "files.tsv")
    assert table.to_dict("records") == [{**rows[0], "size": "3"}]
    (tmp_path / "bad.tsv").write_text("name\tpath\na\tb\n")
    with pytest.raises(SignetInputError, match=r"bad\.tsv.*'role'"):
        read_file_table(tmp_path / "bad.tsv")


def test_experiment_download_through_a_local_biostudies_with_redirects(tmp_path):
    """Listing, selection and signet.io.download.fetch end to end against a local server that
    redirects file downloads, as BioStudies does (to its FIRE storage)."""
    listings = {
        "E-GEOD-46903": {"recordsTotal": 4, "data": [
            {"path": "E-GEOD-46903.sdrf.txt", "type": "file"},
            {"path": "E-GEOD-46903.idf.txt", "type": "file"},
            {"path": "E-GEOD-46903.processed.1.zip", "type": "file"},
            {"path": "E-GEOD-46903.raw.1.zip", "type": "file"}]},
        "A-MEXP-1171": {"recordsTotal": 1, "data": [
            {"path": "A-MEXP-1171.adf.txt", "type": "file"}]},
    }
    contents = {"E-GEOD-46903.sdrf.txt": b"Source Name\n", "E-GEOD-46903.idf.txt": b"MAGE\n",
                "E-GEOD-46903.processed.1.zip": b"PK-zip-bytes",
                "A-MEXP-1171.adf.txt": b"[main]\n"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            path = urllib.parse.urlsplit(self.path).path
            if path.startswith("/biostudies/api/v1/files/"):
                body = json.dumps(listings[path.rsplit("/", 1)[-1]]).encode()
            elif path.startswith("/biostudies/files/"):
                self.send_response(302)
                self.send_header("Location", "/fire/" + path.rsplit("/", 1)[-1])
                self.end_headers()
                return
            else:
                body = contents[path.rsplit("/", 1)[-1]]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/biostudies"
        entries = experiment_downloads("E-GEOD-46903", "A-MEXP-1171", tmp_path / "res",
                                       roles=("sdrf", "idf", "adf", "processed"),
                                       base_url=base, timeout=5)
        paths = download_files(entries, tmp_path / "MANIFEST.tsv", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert [e["role"] for e in entries] == ["sdrf", "idf", "processed", "adf"]
    assert entries[0]["url"] == f"{base}/files/E-GEOD-46903/E-GEOD-46903.sdrf.txt"
    for path in paths:
        assert path.read_bytes() == contents[path.name]
    manifest = (tmp_path / "MANIFEST.tsv").read_text()
    assert all(f"res/{name}" in manifest for name in contents)
