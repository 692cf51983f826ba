"""The macrophage data rules run by Snakemake: the paper-reference config, and the full chain
(download -> sample sheet -> expression -> VIPER -> tables) against a local BioStudies."""

import http.server
import json
import threading
import urllib.parse
import zipfile
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from wfhelpers import snakemake

_snakemake = partial(snakemake, cores=1)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "macrophage"


def test_paper_reference_config_makes_the_paper_tables_offline(workdir, paper_data):
    """`snakemake --configfile=config/paper-reference.yaml results/paper-reference/...` with no
    network: only make_tf_table runs; reference: the paper's two tables."""
    _snakemake(workdir, "--configfile=config/paper-reference.yaml",
               "results/paper-reference/macrophage/macrophage-TFs.tsv")
    reference = paper_data / "macrophage"
    tfs = pd.read_csv(workdir / "results/paper-reference/macrophage/macrophage-TFs.tsv", sep="\t", index_col=0)
    paper = pd.read_csv(reference / "macrophage-TFs.tsv", sep="\t", index_col=0)
    assert list(tfs.index) == list(paper.index) and list(tfs.columns) == list(paper.columns)
    assert np.abs(tfs.to_numpy() - paper.to_numpy()).max() < 1e-9
    ligands = (workdir / "results/paper-reference/macrophage/macrophage-Ligands.tsv").read_text()
    assert ligands == (reference / "macrophage-Ligands.tsv").read_text()
    assert not (workdir / "resources").exists()  # nothing downloaded


def _fixture_study(tmp_path):
    """A 5-array experiment: 2 CON and 2 TNFa arrays at 72 h plus one 24 h array."""
    rng = np.random.default_rng(0)
    header = ["Source Name", "Comment [Sample_description]", "FactorValue [TIME]",
              "FactorValue [INITIAL DIFFERENTIATION]", "FactorValue [ACTIVATION STIMULI]"]
    rows = [("GSM9000001 1", "Macrophage", "72h", "GM-CSF", "CON"),
            ("GSM9000002 1", "Macrophage", "72h", "GM-CSF", "CON"),
            ("GSM9000003 1", "Macrophage", "72h", "GM-CSF", "TNFa 800 u/ml"),
            ("GSM9000004 1", "Macrophage", "72h", "GM-CSF", "TNFa 800 u/ml"),
            ("GSM9000005 1", "Macrophage", "24h", "GM-CSF", "TNFa 800 u/ml")]
    files = {"E-GEOD-46903.sdrf.txt": ("\n".join("\t".join(r) for r in [header, *rows]) +
                                       "\n").encode("latin-1"),
             "E-GEOD-46903.idf.txt": b"Investigation Title\tfixture\n"}
    genes = [f"G{i}" for i in range(1, 13)]
    adf = ["Array Design Name\tfixture", "[main]", "Reporter Name\tReporter Database Entry [hugo]"]
    adf += [f"ILMN_{i}\t{gene}" for i, gene in enumerate(genes, start=1)]
    files["A-MEXP-1171.adf.txt"] = ("\n".join(adf) + "\n").encode()
    archive = tmp_path / "processed.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for k in range(1, 6):
            values = rng.uniform(50, 5000, size=len(genes))
            lines = ["Reporter Identifier\tVALUE\tDetection Pval"]
            lines += [f"ILMN_{i}\t{v:.3f}\t0.001" for i, v in enumerate(values, start=1)]
            handle.writestr(f"GSM900000{k}_sample_table.txt", "\n".join(lines) + "\n")
    files["E-GEOD-46903.processed.1.zip"] = archive.read_bytes()
    regulon = pd.DataFrame({"source": ["FOS"] * 6 + ["RELA"] * 6, "target": genes,
                            "weight": [1.0, -1.0] * 6, "confidence": "A"})
    regulon.to_csv(tmp_path / "regulon.tsv", sep="\t", index=False)
    return files


def test_full_chain_from_a_local_biostudies(workdir, tmp_path):
    files = _fixture_study(tmp_path)
    listings = {"E-GEOD-46903": [n for n in files if n.startswith("E-")],
                "A-MEXP-1171": ["A-MEXP-1171.adf.txt"]}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            path = urllib.parse.urlsplit(self.path).path
            name = path.rsplit("/", 1)[-1]
            if path.startswith("/biostudies/api/v1/files/"):
                body = json.dumps({"recordsTotal": len(listings[name]), "data": [
                    {"path": n, "type": "file"} for n in listings[name]]}).encode()
            else:
                body = files[name]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    overlay = {
        "stages": {"figure1": False, "toy": False, "spectral": False, "timing": False,
                   "networks": False, "synthetic": False, "macrophage": True,
                   "studies": False},
        "macrophage": {
            "biostudies_url": f"http://127.0.0.1:{server.server_address[1]}/biostudies",
            "uniprot_url": (DATA / "uniprot-mini.tsv").resolve().as_uri(),
            "download_timeout": 10,
            "inputs": {"regulon": str(tmp_path / "regulon.tsv")},
            "tf_table": {"max_replicate_sd": 1.0},
        },
    }
    (tmp_path / "overlay.yaml").write_text(yaml.safe_dump(overlay))
    try:
        _snakemake(workdir, f"--configfile={tmp_path / 'overlay.yaml'}")
    finally:
        server.shutdown()
        server.server_close()

    results = workdir / "results" / "macrophage"
    sheet = pd.read_csv(results / "sample-sheet.tsv", sep="\t")
    assert sheet.to_dict("list") == {
        "sample": ["GSM9000001", "GSM9000002", "GSM9000003", "GSM9000004"],
        "condition": ["CON", "CON", "TNFa", "TNFa"], "replicate": [1, 2, 1, 2]}
    scores = pd.read_csv(results / "tf-scores.tsv", sep="\t", index_col=0)
    assert list(scores.index) == ["FOS", "RELA"] and scores.shape == (2, 5)
    tfs = pd.read_csv(results / "macrophage-TFs.tsv", sep="\t", index_col=0)
    # FOS -> P01100; RELA is the primary name of two fixture entries, the last wins
    assert list(tfs.index) == ["CON", "TNFa"] and list(tfs.columns) == ["P01100", "A0A000"]
    probabilities = 1 / (1 + np.exp(-scores))
    np.testing.assert_allclose(tfs.loc["CON", "P01100"],
                               probabilities.loc["FOS", ["GSM9000001", "GSM9000002"]].mean())
    ligands = pd.read_csv(results / "macrophage-Ligands.tsv", sep="\t", index_col=0)
    assert ligands.to_dict("list") == {"Ligand_TNFa": [0, 1]}
    manifest = pd.read_csv(workdir / "resources" / "MANIFEST.tsv", sep="\t")
    assert sorted(manifest["path"]) == sorted(
        [f"macrophage/{n}" for n in ("E-GEOD-46903.sdrf.txt", "E-GEOD-46903.idf.txt",
                                     "A-MEXP-1171.adf.txt", "uniprot-human-reviewed.tsv")]
        + ["macrophage/processed/E-GEOD-46903.processed.1.zip"])
