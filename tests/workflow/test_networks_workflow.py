"""The network rules run by Snakemake on the hand-written OmniPath fixture.

Downloads go through file:// URLs (so download_* rules, checksums and the manifest run),
every step runs, and the resulting networks are the hand-derived ones of
tests/test_reconstruct.py. A third network given as a Model/Annotation pair (the paper's KEGG
network) is summarised without any reconstruction rule in the DAG.
"""

import gzip
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
import yaml
from wfhelpers import snakemake

_snakemake = partial(snakemake, cores=1, check=False)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _overlay(workdir, upstream: Path, paper_data: Path) -> Path:
    paper = paper_data / "networks" / "KEGGnet"
    config = {
        "stages": {name: False for name in ("figure1", "toy", "spectral", "timing",
                                              "macrophage", "studies", "synthetic")}
        | {"networks": True},
        "networks": {
            "use": {"KEGGnet": "omnipath", "macrophage": "omnipath",
                    "paper": {"model": f"{paper}-Model.tsv",
                              "annotation": f"{paper}-Annotation.tsv"}},
            "downloads": {
                "timeout": 10,
                "omnipath": {"url": (upstream / "omnipath.tsv.gz").as_uri()},
                "ligand_receptor": {"url": (DATA / "ligand-receptor-fixture.tsv").as_uri()},
                "dorothea": {"url": (DATA / "dorothea-fixture.tsv").as_uri()},
                "uniprot": {"url": (DATA / "uniprot-fixture.tsv").as_uri()},
            },
            "taxon": 9606,
            "dorothea_levels": ["A", "B"],
            "curation": {"signaling": str(DATA / "curation-signaling-fixture.tsv"),
                         "ligand_receptor": str(DATA / "curation-lr-fixture.tsv")},
            "exempt_prefixes": ["CHEBI", "Ligand_"],
            "build": {
                "KEGGnet": {"resources": ["KEGG"], "drop_unknown_sign": True,
                            "ligand_receptor_sign": "stimulation"},
                "macrophage": {"resources": ["KEGG", "InnateDB"],
                               "drop_unknown_sign": False,
                               "ligand_receptor_sign": "stimulation",
                               "ligand_map": str(DATA / "ligand-map-fixture.tsv"),
                               "tf_data": str(DATA / "tf-data-fixture.tsv")},
            },
        },
    }
    path = workdir / "networks-test.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _signed(path) -> set:
    table = pd.read_csv(path, sep="\t")
    return set(zip(table["source"], table["target"],
                   table["stimulation"] - table["inhibition"]))


@pytest.mark.slow
def test_network_rules_rebuild_the_fixture_networks(workdir, tmp_path, paper_data):
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    with gzip.open(upstream / "omnipath.tsv.gz", "wb") as out:
        out.write((DATA / "omnipath-fixture.tsv").read_bytes())
    overlay = _overlay(workdir, upstream, paper_data)

    result = _snakemake(workdir, "--configfile", str(overlay), "--dry-run", "--",
                        "results/networks/paper-summary.tsv")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "trim_network" not in result.stdout and "download_" not in result.stdout

    result = _snakemake(workdir, "--configfile", str(overlay))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    results = workdir / "results" / "networks"
    # the hand-derived networks of tests/test_reconstruct.py
    assert _signed(results / "KEGGnet-Model.tsv") == {
        ("L1", "R1", 1), ("L2", "R2", 1), ("R1", "K1", 1), ("R2", "K2", 1),
        ("K1", "K2", -1), ("K2", "K3", 1), ("K3", "K2", 1), ("K3", "T1", 1),
        ("K2", "T3", 1), ("K1", "K5", 1), ("K5", "T2", 1)}
    assert _signed(results / "macrophage-Model.tsv") == {
        ("Ligand_A", "R1", 1), ("Ligand_B", "R2", 1), ("R1", "K1", 1), ("R2", "K2", 1),
        ("K1", "K2", -1), ("K2", "K3", 1), ("K3", "K2", 1), ("K3", "T1", 1),
        ("K1", "K5", 1), ("K5", "T2", 1), ("K1", "T2", 1), ("K2", "T2", 0)}
    annotation = pd.read_csv(results / "KEGGnet-Annotation.tsv", sep="\t")
    assert list(annotation.columns) == ["code", "name", "TF", "ligand"]
    assert set(annotation.loc[annotation["TF"], "code"]) == {"T1", "T2", "T3"}
    model = pd.read_csv(results / "KEGGnet-Model.tsv", sep="\t")
    assert list(model.columns) == ["source", "target", "direction", "stimulation",
                                   "inhibition", "sources", "references"]

    summary = pd.read_csv(results / "paper-summary.tsv", sep="\t").iloc[0]
    assert (summary["nodes"], summary["edges"], summary["ligands"], summary["TFs"]) == \
        (409, 832, 101, 55)
    summary = pd.read_csv(results / "KEGGnet-summary.tsv", sep="\t").iloc[0]
    assert (summary["nodes"], summary["edges"], summary["inhibition"]) == (11, 11, 1)
    for name in ("KEGGnet", "macrophage", "paper"):
        assert (results / f"{name}-network.png").stat().st_size > 0
    curation = pd.read_csv(results / "KEGGnet" / "curation-report.tsv", sep="\t")
    assert curation["status"].tolist().count("not found") == 1

    manifest = pd.read_csv(workdir / "resources" / "MANIFEST.tsv", sep="\t")
    assert sorted(manifest["path"]) == [
        "networks/dorothea-regulon.tsv", "networks/ligand-receptor.tsv",
        "networks/omnipath-interactions.tsv.gz", "networks/uniprot-human-reviewed.tsv"]
