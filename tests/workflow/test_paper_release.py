"""The paper's released files: download at a pinned commit from a local HTTP server (standing
in for raw.githubusercontent.com), checked against the manifest's sha256; the local mirror
used instead when present; one clear line when neither works.

Checksums in the fixture manifest are computed here with hashlib on the served bytes; the
percent-encoded request paths are written by hand.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import socket
import struct
import threading
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import torch
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


def _paper_release_values(node) -> list[str]:
    """Every ``paper-release:FILE`` value of a loaded config, FILE only."""
    if isinstance(node, dict):
        return [v for value in node.values() for v in _paper_release_values(value)]
    if isinstance(node, list):
        return [v for value in node for v in _paper_release_values(value)]
    if isinstance(node, str) and node.startswith("paper-release:"):
        return [node.split(":", 1)[1]]
    return []


def test_checked_in_manifest_pins_one_commit_and_every_file_the_configs_name():
    """Every paper-release: value of config/paper-reference.yaml is a file of the manifest;
    a pattern with {index} names the manifest's 15 released tables X_0.pt ... X_14.pt."""
    manifest = pd.read_csv(ROOT / "config" / "paper-release.tsv", sep="\t", dtype=str)
    assert list(manifest.columns) == ["file", "sha256", "commit", "release_path"]
    assert manifest["commit"].nunique() == 1 and len(manifest["commit"].iloc[0]) == 40
    assert manifest["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert manifest["file"].is_unique
    config = yaml.safe_load((ROOT / "config" / "paper-reference.yaml").read_text())
    named = _paper_release_values(config)
    files = set(manifest["file"])
    assert named
    for name in named:
        if "{index}" in name:
            assert {name.replace("{index}", str(i)) for i in range(15)} <= files, name
        else:
            assert name in files, name


def test_manifest_checksums_are_those_of_the_released_files(paper_data):
    """hashlib's sha256 of each file's bytes (text and binary alike) is the manifest's, and
    the manifest names the same release path as the data folder's own table."""
    manifest = pd.read_csv(ROOT / "config" / "paper-release.tsv", sep="\t", dtype=str)
    release = pd.read_csv(paper_data / "RELEASE.tsv", sep="\t", dtype=str).set_index("file")
    for row in manifest.itertuples(index=False):
        assert hashlib.sha256((paper_data / row.file).read_bytes()).hexdigest() == row.sha256, \
            row.file
        assert release.loc[row.file, "release_path"] == row.release_path, row.file
    binary = [name for name in manifest["file"] if name.endswith(".pt")]
    assert sorted(binary) == sorted(f"synthetic/X_{i}.pt" for i in range(15))


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


def _binary_tensor() -> bytes:
    """A float64 tensor saved by torch.save whose bytes hold CR LF, NUL and 0x1a (what a
    text-mode transfer would change)."""
    value = struct.unpack("<d", b"\r\n\x00\x1a\r\n\xf0\x3f")[0]
    buffer = io.BytesIO()
    torch.save(torch.tensor([[0.0, value]], dtype=torch.float64), buffer)
    body = buffer.getvalue()
    assert b"\r\n\x00\x1a" in body
    return body


@pytest.mark.parametrize("tamper", [False, True])
def test_binary_file_downloads_byte_for_byte(tmp_path, release, tamper):
    """A released tensor comes down as the same bytes, checked against the sha256 of those
    bytes (hashlib here), and loads with torch.load(weights_only=True); other bytes are
    refused and leave no file."""
    url, handler = release
    body = _binary_tensor()
    handler.routes[f"/{COMMIT}/Model/synth%20Net/X_0.pt"] = body
    manifest = _manifest(tmp_path / "m.tsv")
    rows = pd.read_csv(manifest, sep="\t", dtype=str)
    extra = {"file": "synthetic/X_0.pt", "release_path": "Model/synth Net/X_0.pt",
             "commit": COMMIT,
             "sha256": hashlib.sha256(body + (b"x" if tamper else b"")).hexdigest()}
    pd.concat([rows, pd.DataFrame([extra])]).to_csv(manifest, sep="\t", index=False)
    workdir = copy_workflow(tmp_path)
    configfile = _overlay(workdir, url, None, manifest)
    target = "resources/paper-release/synthetic/X_0.pt"
    result = snakemake(workdir, target, configfile, cores=1, check=not tamper)
    if tamper:
        assert result.returncode != 0 and not (workdir / target).exists()
        return
    assert (workdir / target).read_bytes() == body
    loaded = torch.load(workdir / target, weights_only=True)
    assert loaded.dtype == torch.float64 and loaded.shape == (1, 2)
