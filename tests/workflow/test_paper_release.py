"""The paper's released files: download at a pinned commit from a local HTTP server (standing
in for raw.githubusercontent.com), checked against the manifest's sha256; the local mirror
used instead when present; one clear line when neither works.

Checksums in the fixture manifest are computed here with hashlib on the served bytes; the
percent-encoded request paths are written by hand.
"""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import yaml
from signet.io.download import release_url
from wfhelpers import copy_workflow, snakemake

ROOT = Path(__file__).resolve().parents[2]
COMMIT = "0123456789abcdef0123456789abcdef01234567"
MODEL = (ROOT / "config" / "networks" / "toy-Model.tsv").read_bytes()
ANNOTATION = (ROOT / "config" / "networks" / "toy-Annotation.tsv").read_bytes()
# file -> (release path with the characters the real release has: space, +, (), [], bytes)
FILES = {
    "networks/toy-Model.tsv": ("Demo/data/Toy Net+(v1) [x].txt", MODEL),
    "networks/toy-Annotation.tsv": ("Demo/data/Toy Net-Annotation.txt", ANNOTATION),
}
ENCODED = {  # the request paths the server must see, percent-encoded by hand
    f"/{COMMIT}/Demo/data/Toy%20Net%2B%28v1%29%20%5Bx%5D.txt": MODEL,
    f"/{COMMIT}/Demo/data/Toy%20Net-Annotation.txt": ANNOTATION,
}


class _Release(http.server.BaseHTTPRequestHandler):
    routes: dict = {}
    requests: list = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.requests.append(self.path)
        body = self.routes.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def release():
    _Release.routes = dict(ENCODED)
    _Release.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Release)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Release
    httpd.shutdown()
    httpd.server_close()


def _manifest(path: Path, tamper: bool = False) -> Path:
    rows = [{"file": name, "release_path": release_path, "commit": COMMIT,
             "sha256": hashlib.sha256(body + (b"x" if tamper else b"")).hexdigest()}
            for name, (release_path, body) in FILES.items()]
    pd.DataFrame(rows).to_csv(path, sep="\t", index=False)
    return path


def _overlay(workdir: Path, url: str, mirror, manifest: Path) -> str:
    stages = {name: False for name in ("figure1", "toy", "spectral", "timing", "macrophage",
                                       "studies", "synthetic")}
    config = {
        "results_root": "results/release-test",
        "stages": stages | {"networks": True},
        "paper_release": {"url": url + "/{commit}/{release_path}", "manifest": str(manifest),
                          "mirror": mirror, "timeout": 5},
        "networks": {"use": {"KEGGnet": {"model": "paper-release:networks/toy-Model.tsv",
                                         "annotation": "paper-release:networks/toy-Annotation.tsv"},
                             "macrophage": {"model": "config/networks/toy-Model.tsv",
                                            "annotation": "config/networks/toy-Annotation.tsv"}}},
    }
    (workdir / "release.yaml").write_text(yaml.safe_dump(config))
    return "--configfile=release.yaml"


TARGET = "results/release-test/networks/KEGGnet-summary.tsv"


def test_release_url_encodes_the_real_release_paths():
    """The paper's UniProt file name, encoded by hand (space %20, + %2B, () %28 %29,
    [] %5B %5D), on the template config/paper-reference.yaml uses."""
    template = ("https://raw.githubusercontent.com/Lauffenburger-Lab/"
                "Artificial-Signaling-Network/{commit}/{release_path}")
    path = ("Network Construction/annotation/uniprot-reviewed_yes+AND+organism__Homo+sapiens+"
            "(Human)+[9606]_.tab")
    assert release_url(template, "abc", path) == (
        "https://raw.githubusercontent.com/Lauffenburger-Lab/Artificial-Signaling-Network/abc/"
        "Network%20Construction/annotation/uniprot-reviewed_yes%2BAND%2Borganism__Homo%2B"
        "sapiens%2B%28Human%29%2B%5B9606%5D_.tab")


def test_checked_in_manifest_pins_one_commit_and_every_file_the_configs_name():
    manifest = pd.read_csv(ROOT / "config" / "paper-release.tsv", sep="\t", dtype=str)
    assert list(manifest.columns) == ["file", "sha256", "commit", "release_path"]
    assert manifest["commit"].nunique() == 1 and len(manifest["commit"].iloc[0]) == 40
    assert manifest["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    named = set()
    for line in (ROOT / "config" / "paper-reference.yaml").read_text().splitlines():
        if "paper-release:" in line and not line.lstrip().startswith("#"):
            named.add(line.split("paper-release:", 1)[1].strip())
    assert named and named <= set(manifest["file"])


def test_download_at_the_pinned_commit_with_checksums(tmp_path, release):
    url, handler = release
    workdir = copy_workflow(tmp_path)
    configfile = _overlay(workdir, url, None, _manifest(tmp_path / "manifest.tsv"))
    snakemake(workdir, configfile, TARGET, cores=1)
    assert sorted(handler.requests) == sorted(ENCODED)
    for name, (_, body) in FILES.items():
        assert (workdir / "resources" / "paper-release" / name).read_bytes() == body
    summary = pd.read_csv(workdir / TARGET, sep="\t")
    assert summary["edges"].iloc[0] == MODEL.count(b"\n") - 1
    # a second run finds the checked files and asks the server nothing
    handler.requests.clear()
    result = snakemake(workdir, configfile, TARGET, cores=1)
    assert handler.requests == [] and "Nothing to be done" in result.stdout + result.stderr


def test_changed_upstream_file_is_refused(tmp_path, release):
    url, _ = release
    workdir = copy_workflow(tmp_path)
    configfile = _overlay(workdir, url, None, _manifest(tmp_path / "m.tsv", tamper=True))
    result = snakemake(workdir, configfile, TARGET, cores=1, check=False)
    assert result.returncode != 0
    assert "does not match" in result.stderr or "but the config expects" in result.stderr
    assert not (workdir / "resources" / "paper-release" / "networks" / "toy-Model.tsv").exists()


def test_local_mirror_is_used_without_any_download(tmp_path, release):
    url, handler = release
    mirror = tmp_path / "mirror"
    for name, (_, body) in FILES.items():
        (mirror / name).parent.mkdir(parents=True, exist_ok=True)
        (mirror / name).write_bytes(body)
    workdir = copy_workflow(tmp_path)
    configfile = _overlay(workdir, url, str(mirror), _manifest(tmp_path / "m.tsv"))
    result = snakemake(workdir, configfile, TARGET, "--dry-run", cores=1)
    assert "download_paper_file" not in result.stdout
    snakemake(workdir, configfile, TARGET, cores=1)
    assert handler.requests == []
    assert not (workdir / "resources").exists()


def test_offline_without_mirror_gives_one_clear_line(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = copy_workflow(tmp_path)
    configfile = _overlay(workdir, f"http://127.0.0.1:{port}", str(tmp_path / "absent"),
                          _manifest(tmp_path / "m.tsv"))
    result = snakemake(workdir, configfile, TARGET, cores=1, check=False)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "cannot download" in line]
    assert lines, result.stderr[-3000:]
    line = lines[0]
    assert urllib.parse.unquote(f"127.0.0.1:{port}/{COMMIT}/Demo/data/Toy Net") in \
        urllib.parse.unquote(line)
    assert "resources/paper-release/networks/toy-" in line
    assert "'paper_release.mirror'" in line
