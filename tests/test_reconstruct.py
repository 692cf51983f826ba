"""Network reconstruction from OmniPath (signet.studies.networks: one module per step).

The fixture ``tests/data/omnipath-fixture.tsv`` is a hand-written OmniPath archive table
(the archive's real column names) over made-up ids: ligands L*, receptors R*, kinases K*,
TFs T*. Its comments in the expected-network docstrings derive every kept and dropped edge
by hand; the expected networks below are that derivation, not output of the code.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import signet.studies.networks as rc
from signet import io
from signet.errors import SignetInputError
from signet.studies.networks import curation as cu

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parents[1]


# ---- helpers -------------------------------------------------------------------------
def _inputs():
    return (rc.read_interactions(DATA / "omnipath-fixture.tsv"),
            rc.read_interactions(DATA / "ligand-receptor-fixture.tsv"),
            rc.read_interactions(DATA / "dorothea-fixture.tsv"))


def _build(variant: str):
    """Run every step on the fixture, as the workflow does for ``variant``."""
    omnipath, lr, regulons = _inputs()
    resources = ["KEGG"] if variant == "KEGGnet" else ["KEGG", "InnateDB"]
    selected = rc.select_interactions(omnipath, lr, regulons, resources=resources)
    signaling, _ = cu.apply_curation(selected["signaling"],
                                     cu.read_curation(DATA / "curation-signaling-fixture.tsv"))
    ligrec, _ = cu.apply_curation(selected["ligand_receptor"],
                                  cu.read_curation(DATA / "curation-lr-fixture.tsv"))
    uniprot = rc.read_uniprot(DATA / "uniprot-fixture.tsv")
    signaling, ligrec, _ = rc.normalise_edges(signaling, ligrec, uniprot["code"],
                                              drop_unknown=variant == "KEGGnet")
    extra = {}
    if variant == "macrophage":
        extra = {"ligand_map": rc.read_ligand_map(DATA / "ligand-map-fixture.tsv"),
                 "tfs_with_data": rc.read_tf_data(DATA / "tf-data-fixture.tsv")}
    edges, nodes = rc.classify_nodes(signaling, ligrec, selected["regulatory"],
                                     names=uniprot, **extra)
    kept, removed = rc.trim_network(edges, nodes.loc[nodes["ligand"], "code"],
                                    nodes.loc[nodes["TF"], "code"])
    return kept, rc.annotation_table(kept, nodes), removed


def _signed(edges) -> set:
    """Edges as (source, target, sign) with sign +1, -1 or 0 (unknown)."""
    sign = edges["stimulation"].astype(int) - edges["inhibition"].astype(int)
    return set(zip(edges["source"], edges["target"], sign))


def _edges(rows) -> pd.DataFrame:
    """Model-format edges from (source, target, direction, stimulation, inhibition)."""
    table = pd.DataFrame(rows, columns=["source", "target", "direction", "stimulation",
                                        "inhibition"])
    for column in ("direction", "stimulation", "inhibition"):
        table[column] = table[column].astype(np.int8)
    table["sources"] = "KEGG"
    table["references"] = ""
    return table


def _assert_ligand_to_tf(edges, annotation):
    """Every node is reachable from a ligand and reaches a TF; no self-loops."""
    succ, pred = {}, {}
    for s, t in zip(edges["source"], edges["target"]):
        succ.setdefault(s, set()).add(t)
        pred.setdefault(t, set()).add(s)
    nodes = set(edges["source"]) | set(edges["target"])
    ligands = set(annotation.loc[annotation["ligand"].astype(bool), "code"])
    tfs = set(annotation.loc[annotation["TF"].astype(bool), "code"])

    def closure(start, step):
        seen, stack = set(start), list(start)
        while stack:
            for nxt in step.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    assert closure(ligands & nodes, succ) == nodes
    assert closure(tfs & nodes, pred) == nodes
    assert not (edges["source"] == edges["target"]).any()


# ---- the whole reconstruction on the fixture ------------------------------------------
def test_fixture_kegg_network_matches_hand_derivation():
    """KEGGnet variant, derived by hand from the fixture rows:

    kept: L1->R1 (core pair merged with the ligand-receptor resource), L2->R2 (unsigned
    ligand-receptor edge taken as stimulating), R1->K1, R2->K2, K1-|K2 (curation edit),
    K2->K3 and K3->K2 (non-directed row duplicated), K3->T1, K2->T3, K1->K5 (curation
    reverse of K5->K1), K5->T2 (curation add).
    gone: IK->R2 (curation remove), L3->R2 (no KEGG), L4->R1 and K1->T1 (mouse), K2->T1
    (not core), K1->T2 (InnateDB only), MIR1->K1 (miRNA), K1->K4 (curation remove), K4->T2
    (unknown sign), K2->T2 (conflicting sign), K2->QX->T1 (QX not reviewed), K1->K1 (self
    loop), R1->L1 (ligand-receptor pair), K1->D1 (dead end), U1->K1 (no ligand upstream),
    K3->X1->K3 (X1 redundant); D1 is no TF because its regulon has confidence D only.
    """
    kept, annotation, removed = _build("KEGGnet")
    assert _signed(kept) == {
        ("L1", "R1", 1), ("L2", "R2", 1), ("R1", "K1", 1), ("R2", "K2", 1),
        ("K1", "K2", -1), ("K2", "K3", 1), ("K3", "K2", 1), ("K3", "T1", 1),
        ("K2", "T3", 1), ("K1", "K5", 1), ("K5", "T2", 1)}
    assert len(kept) == 11
    assert (kept["direction"] == 1).all()
    table = annotation.set_index("code")
    assert set(table.index) == {"L1", "L2", "R1", "R2", "K1", "K2", "K3", "K5", "T1", "T2",
                                "T3"}
    assert set(table.index[table["ligand"]]) == {"L1", "L2"}
    assert set(table.index[table["TF"]]) == {"T1", "T2", "T3"}
    assert table.loc["T2", "name"] == "TFB/TFB2"
    assert list(annotation.columns) == ["code", "name", "TF", "ligand"]
    assert set(zip(removed["node"], removed["reason"], removed["round"])) == {
        ("D1", "dead end", 1), ("U1", "dead end", 1), ("X1", "redundant", 1)}


def test_fixture_macrophage_variant_matches_hand_derivation():
    """Macrophage variant: KEGG + InnateDB, unknown signs kept, pseudo-ligands, TFs with data.

    Differences from the KEGG variant, by hand: the ligand map (Ligand_A->R1, Ligand_B->R2)
    replaces the protein ligands L1, L2; K1->T2 (InnateDB) is kept; K2->T2 is kept with
    unknown sign (its conflict resolved to unknown); T3 has no data (the TF table holds T1,
    T2, T9), so it is no TF and, reaching none, a dead end; K4->T2 (unknown sign, kept) has
    no ligand upstream once curation removed K1->K4, so K4 is a dead end.
    """
    kept, annotation, removed = _build("macrophage")
    assert _signed(kept) == {
        ("Ligand_A", "R1", 1), ("Ligand_B", "R2", 1), ("R1", "K1", 1), ("R2", "K2", 1),
        ("K1", "K2", -1), ("K2", "K3", 1), ("K3", "K2", 1), ("K3", "T1", 1),
        ("K1", "K5", 1), ("K5", "T2", 1), ("K1", "T2", 1), ("K2", "T2", 0)}
    table = annotation.set_index("code")
    assert set(table.index[table["ligand"]]) == {"Ligand_A", "Ligand_B"}
    assert set(table.index[table["TF"]]) == {"T1", "T2"}
    assert table.loc["Ligand_A", "name"] == "Ligand_A"
    assert set(removed["node"]) == {"D1", "U1", "X1", "T3", "K4"}


@pytest.mark.parametrize("variant", ["KEGGnet", "macrophage"])
def test_fixture_outputs_run_from_ligands_to_tfs(variant):
    kept, annotation, _ = _build(variant)
    _assert_ligand_to_tf(kept, annotation)


# ---- step by step --------------------------------------------------------------------
def test_select_applies_each_filter():
    omnipath, lr, regulons = _inputs()
    kegg = rc.select_interactions(omnipath, lr, regulons, resources=["KEGG"])
    pairs = {k: set(zip(v["source"], v["target"])) for k, v in kegg.items()}
    assert ("K1", "T1") not in pairs["signaling"]          # mouse row
    assert ("K2", "T1") not in pairs["signaling"]          # not in the core set
    assert ("K1", "T2") not in pairs["signaling"]          # InnateDB only
    assert ("MIR1", "K1") not in pairs["signaling"]        # miRNA, post-transcriptional
    assert ("L1", "R1") not in pairs["signaling"]          # a ligand-receptor pair
    assert pairs["ligand_receptor"] == {("L1", "R1"), ("L2", "R2"), ("IK", "R2")}
    assert pairs["regulatory"] == {("T1", "G1"), ("T2", "G2"), ("T1", "K2"), ("T3", "K1")}
    assert len(pairs["signaling"]) == 18
    # the pair L1 -> R1 unites the core row's and the resource's evidence
    l1 = kegg["ligand_receptor"].set_index(["source", "target"]).loc[("L1", "R1")]
    assert l1["sources"] == "CellPhoneDB;KEGG"
    wider = rc.select_interactions(omnipath, lr, regulons, resources=["KEGG", "InnateDB"])
    assert ("K1", "T2") in set(zip(wider["signaling"]["source"],
                                   wider["signaling"]["target"]))
    levels = rc.select_interactions(omnipath, lr, regulons, resources=["KEGG"],
                                    dorothea_levels=["A", "B", "D"])
    assert ("D1", "G3") in set(zip(levels["regulatory"]["source"],
                                   levels["regulatory"]["target"]))


def test_resource_filter_matches_whole_tokens():
    edges = _edges([("A", "B", 1, 1, 0), ("B", "C", 1, 1, 0)])
    edges["sources"] = ["KEGG-MEDICUS;SIGNOR", "InnateDB;KEGG"]
    kept = rc.filter_resources(edges, ["KEGG"])
    assert list(zip(kept["source"], kept["target"])) == [("B", "C")]


def test_boolean_flags_parse_true_false_and_one_zero():
    """The archive writes 1/0, the web service True/False: both read the same."""
    omnipath = rc.read_interactions(DATA / "omnipath-fixture.tsv")      # True/False
    lr = rc.read_interactions(DATA / "ligand-receptor-fixture.tsv")     # 1/0
    row = omnipath.iloc[0]
    assert (row["direction"], row["stimulation"], row["inhibition"]) == (1, 1, 0)
    assert lr.set_index("source").loc["L2", ["stimulation", "inhibition"]].tolist() == [0, 0]
    assert omnipath["omnipath"].sum() == len(omnipath) - 1


def test_each_curation_action():
    edges = _edges([("K1", "K4", 1, 1, 0), ("K1", "K2", 1, 1, 0), ("K5", "K1", 1, 1, 0)])
    curation = cu.read_curation(DATA / "curation-signaling-fixture.tsv")
    out, report = cu.apply_curation(edges, curation)
    assert _signed(out) == {("K1", "K2", -1), ("K1", "K5", 1), ("K5", "T2", 1)}
    assert report["status"].tolist() == ["applied", "applied", "applied", "applied",
                                         "not found"]
    added = out.set_index(["source", "target"]).loc[("K5", "T2")]
    assert added["sources"] == cu.CURATION_SOURCE
    assert added["references"] == "signet_curation:PMID:2"


def test_adding_an_existing_edge_sets_its_flags():
    edges = _edges([("A", "B", 1, 0, 1)])
    curation = pd.DataFrame([{"action": "add", "source": "A", "target": "B",
                              "direction": "", "stimulation": "1", "inhibition": "0",
                              "references": "", "comment": "c", "line": 2}])
    out, report = cu.apply_curation(edges, curation)
    assert _signed(out) == {("A", "B", 1)}
    assert report["status"].tolist() == ["replaced existing"]


def test_reverse_duplication_of_non_directed_edges():
    """A - B non-directed gives A -> B and B -> A with the same sign; where the reverse
    already exists with the other sign, the two merge into a conflict (both flags)."""
    edges = _edges([("A", "B", 0, 1, 0), ("C", "D", 0, 0, 1), ("D", "C", 1, 1, 0),
                    ("E", "F", 1, 1, 0)])
    out = rc.add_reverse_edges(edges)
    table = out.set_index(["source", "target"])
    assert set(table.index) == {("A", "B"), ("B", "A"), ("C", "D"), ("D", "C"), ("E", "F")}
    assert table.loc[("B", "A"), ["stimulation", "inhibition"]].tolist() == [1, 0]
    assert table.loc[("D", "C"), ["stimulation", "inhibition"]].tolist() == [1, 1]
    assert (out["direction"] == 1).all()


def test_conflicting_mode_of_action_becomes_unknown_and_is_dropped_for_kegg():
    edges = _edges([("A", "B", 1, 1, 1), ("B", "C", 1, 1, 0), ("C", "D", 1, 0, 0)])
    resolved = rc.resolve_sign_conflicts(edges)
    assert _signed(resolved) == {("A", "B", 0), ("B", "C", 1), ("C", "D", 0)}
    assert _signed(rc.drop_unknown_sign(resolved)) == {("B", "C", 1)}
    # duplicate rows that disagree are a conflict as well
    merged = rc.merge_duplicate_edges(_edges([("A", "B", 1, 1, 0), ("A", "B", 1, 0, 1)]))
    assert merged[["stimulation", "inhibition"]].values.tolist() == [[1, 1]]


def test_ligand_receptor_pairs_leave_the_signaling_set_in_both_orientations():
    signaling = _edges([("L", "R", 1, 1, 0), ("R", "L", 1, 1, 0), ("R", "K", 1, 1, 0)])
    lr = _edges([("L", "R", 1, 1, 0)])
    kept = rc.drop_ligand_receptor_pairs(signaling, lr)
    assert list(zip(kept["source"], kept["target"])) == [("R", "K")]


def test_unreviewed_nodes_dropped_except_small_molecules_and_pseudo_ligands():
    edges = _edges([("CHEBI16412", "P1", 1, 1, 0), ("Ligand_X", "P1", 1, 1, 0),
                    ("P1", "Q9", 1, 1, 0), ("P1", "P2", 1, 1, 0)])
    kept = rc.keep_reviewed_proteins(edges, {"P1", "P2"})
    assert set(zip(kept["source"], kept["target"])) == {
        ("CHEBI16412", "P1"), ("Ligand_X", "P1"), ("P1", "P2")}


def test_trim_removes_dead_ends_and_cascading_redundant_nodes():
    """Hand-made graph: L -> B -> T, B <-> A, A <-> X, B -> D, U -> B.

    Round 1: D (reaches no TF) and U (no ligand upstream) are dead ends; X has the single
    source and target A, so it is redundant. Round 2: A is left with the single source and
    target B: redundant. Round 3: nothing changes.
    """
    edges = _edges([("L", "B", 1, 1, 0), ("B", "T", 1, 1, 0), ("B", "A", 1, 1, 0),
                    ("A", "B", 1, 1, 0), ("A", "X", 1, 1, 0), ("X", "A", 1, 0, 1),
                    ("B", "D", 1, 1, 0), ("U", "B", 1, 1, 0)])
    kept, removed = rc.trim_network(edges, ["L"], ["T"])
    assert set(zip(kept["source"], kept["target"])) == {("L", "B"), ("B", "T")}
    assert set(zip(removed["node"], removed["reason"], removed["round"])) == {
        ("D", "dead end", 1), ("U", "dead end", 1), ("X", "redundant", 1),
        ("A", "redundant", 2)}
    again, removed_again = rc.trim_network(kept, ["L"], ["T"])
    assert len(again) == len(kept) and removed_again.empty


def test_trim_keeps_ligands_and_tfs_that_look_redundant():
    """T's single source and target is B, but T is a TF: kept unless roles are unprotected."""
    edges = _edges([("L", "B", 1, 1, 0), ("B", "T", 1, 1, 0), ("T", "B", 1, 1, 0),
                    ("B", "T2", 1, 1, 0)])
    kept, removed = rc.trim_network(edges, ["L"], ["T", "T2"])
    assert len(kept) == 4 and removed.empty
    kept, removed = rc.trim_network(edges, ["L"], ["T", "T2"], protect_roles=False)
    assert set(zip(kept["source"], kept["target"])) == {("L", "B"), ("B", "T2")}


def test_trim_refuses_self_loops():
    with pytest.raises(ValueError, match="self-loops"):
        rc.trim_network(_edges([("L", "L", 1, 1, 0), ("L", "T", 1, 1, 0)]), ["L"], ["T"])


def test_summary_of_fixture_network():
    """Counts of the hand-derived KEGG fixture network (first test): 11 nodes, 11 edges,
    10 stimulating, 1 inhibiting, ligands L1 L2, receptors R1 R2, TFs T1 T2 T3."""
    kept, annotation, _ = _build("KEGGnet")
    row = rc.summarise_network(kept, annotation, "fixture").iloc[0].to_dict()
    assert row == {"network": "fixture", "nodes": 11, "edges": 11, "stimulation": 10,
                   "inhibition": 1, "unknown_sign": 0, "ligands": 2, "receptors": 2,
                   "TFs": 3}


def test_layers_and_drawing(tmp_path):
    kept, annotation, _ = _build("KEGGnet")
    layers = rc.layer_nodes(kept, annotation).set_index("code")
    assert set(layers.index[layers["layer"] == 0]) == {"L1", "L2"}
    assert set(layers.index[layers["layer"] == 1]) == {"R1", "R2"}
    last = layers["layer"].max()
    assert set(layers.index[layers["layer"] == last]) == {"T1", "T2", "T3"}
    assert layers["x"].between(0, 1).all()
    paths = [tmp_path / "net.png", tmp_path / "net.svg"]
    rc.draw_network(kept, annotation, paths, title="fixture")
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in paths[1].read_bytes()[:2000]


# ---- the paper's networks -----------------------------------------------------------
def _paper(paper_data, name):
    edges = rc.read_edges(paper_data / "networks" / f"{name}-Model.tsv")
    annotation = io.read_annotation(paper_data / "networks" / f"{name}-Annotation.tsv")
    return edges, annotation


def test_trimming_paper_kegg_network_is_a_fixed_point(paper_data):
    """Published: 409 nodes, 832 edges, 101 ligands, 55 TFs (paper Fig. 5)."""
    edges, annotation = _paper(paper_data, "KEGGnet")
    kept, removed = rc.trim_network(edges, annotation.loc[annotation["ligand"], "code"],
                                    annotation.loc[annotation["TF"], "code"])
    assert removed.empty
    row = rc.summarise_network(kept, annotation, "KEGGnet").iloc[0]
    assert (row["nodes"], row["edges"], row["ligands"], row["TFs"]) == (409, 832, 101, 55)
    assert (row["stimulation"], row["inhibition"]) == (702, 130)
    _assert_ligand_to_tf(kept, annotation)


def test_trimming_paper_macrophage_network(paper_data):
    """Published: 1128 nodes, 5732 edges (3726 unknown sign), 12 ligands, 58 TFs.

    Trimming changes nothing (docs/networks.md). Without protecting TFs, the redundant-node
    rule would take the TFs VDR (only neighbour SRC), NFYA (CEBPA), FLI1 and ETS2 (ERG) in
    round 1, then ERG (left with SPI1 only) in round 2.
    """
    edges, annotation = _paper(paper_data, "macrophage")
    ligands = annotation.loc[annotation["ligand"], "code"]
    tfs = annotation.loc[annotation["TF"], "code"]
    kept, removed = rc.trim_network(edges, ligands, tfs)
    assert removed.empty
    row = rc.summarise_network(kept, annotation, "macrophage").iloc[0]
    assert (row["nodes"], row["edges"], row["unknown_sign"], row["ligands"], row["TFs"]) \
        == (1128, 5732, 3726, 12, 58)
    _assert_ligand_to_tf(kept, annotation)
    _, unprotected = rc.trim_network(edges, ligands, tfs, protect_roles=False)
    names = dict(zip(annotation["code"], annotation["name"]))
    assert {(names[n], r) for n, r in zip(unprotected["node"], unprotected["round"])} == {
        ("VDR", 1), ("NFYA", 1), ("FLI1", 1), ("ETS2", 1), ("ERG", 2)}


# ---- the project's shipped curation and ligand map ------------------------------------
def test_shipped_curation_has_the_papers_edits():
    pkn = cu.read_curation(REPO / "config" / "curation" / "signaling.tsv")
    removes = set(zip(pkn.loc[pkn["action"] == "remove", "source"],
                      pkn.loc[pkn["action"] == "remove", "target"]))
    # IL6R (P08887) -> JAK1 (P23458), STAT3 (P40763), SRC (P12931)
    assert {("P08887", "P23458"), ("P08887", "P40763"), ("P08887", "P12931")} <= removes
    rl = cu.read_curation(REPO / "config" / "curation" / "ligand-receptor.tsv")
    removes = set(zip(rl.loc[rl["action"] == "remove", "source"],
                      rl.loc[rl["action"] == "remove", "target"]))
    # IRAK4 (Q9NWZ3) and CD14 (P08571) are no TLR4 (O00206) ligands
    assert {("Q9NWZ3", "O00206"), ("P08571", "O00206")} <= removes
    assert (pkn["comment"] != "").all() and (rl["comment"] != "").all()


def test_shipped_ligand_map_covers_the_papers_stimuli(paper_data):
    mapping = rc.read_ligand_map(REPO / "config" / "macrophage-ligand-map.tsv")
    stimuli = {s.removeprefix("Ligand_") for s in mapping["source"]}
    assert stimuli == {"GC", "IC", "IFNb", "IFNg", "IL4", "IL10", "IL13", "P3C", "PGE2",
                       "LPSc", "TNFa", "upLPS"}
    reviewed = set(rc.read_uniprot(paper_data / "annotation" / "uniprot-human-reviewed.tsv")
                   ["code"])
    assert set(mapping["target"]) <= reviewed
    # every receptor is a node of the paper's macrophage network, so the check in
    # classify_nodes passes on a network like it
    edges, annotation = _paper(paper_data, "macrophage")
    signaling = edges.loc[~edges["source"].str.startswith("Ligand_")]
    assert set(mapping["target"]) <= set(signaling["source"]) | set(signaling["target"])
    tfs = annotation.loc[annotation["TF"], "code"]
    regulatory = _edges([(tf, "GENE", 1, 1, 0) for tf in tfs])
    _, nodes = rc.classify_nodes(signaling, _edges([]), regulatory, ligand_map=mapping)
    assert nodes["ligand"].sum() == 12


# ---- bad inputs ----------------------------------------------------------------------
def test_missing_column_names_file_and_column(tmp_path):
    table = pd.read_csv(DATA / "omnipath-fixture.tsv", sep="\t", dtype=str)
    bad = tmp_path / "omnipath.tsv"
    table.drop(columns="is_directed").to_csv(bad, sep="\t", index=False)
    with pytest.raises(SignetInputError) as err:
        rc.read_interactions(bad)
    assert err.value.column == "is_directed" and err.value.line == 1
    assert str(bad) in str(err.value)
    table.drop(columns="omnipath").to_csv(bad, sep="\t", index=False)
    _, lr, regulons = _inputs()
    with pytest.raises(SignetInputError, match="'omnipath'"):
        rc.select_interactions(rc.read_interactions(bad), lr, regulons, resources=["KEGG"],
                               paths={"omnipath": bad})


def test_empty_result_after_filtering_is_an_error():
    omnipath, lr, regulons = _inputs()
    with pytest.raises(SignetInputError, match="no ligand-receptor interactions left"):
        rc.select_interactions(omnipath, lr, regulons, resources=["Reactome"])
    with pytest.raises(SignetInputError, match="no signaling interactions left"):
        rc.select_interactions(omnipath, lr, regulons, resources=["CellPhoneDB"])
    with pytest.raises(SignetInputError, match="taxon 9913"):
        rc.select_interactions(omnipath, lr, regulons, resources=["KEGG"], taxon=9913)
    with pytest.raises(SignetInputError, match="TF -> gene"):
        rc.select_interactions(omnipath, lr, regulons, resources=["KEGG"],
                               dorothea_levels=["E"])


def test_ligand_map_naming_an_unknown_receptor(tmp_path):
    path = tmp_path / "map.tsv"
    path.write_text("source\ttarget\nLigand_A\tR1\nLigand_B\tR9\n")
    signaling = _edges([("R1", "K1", 1, 1, 0), ("K1", "T1", 1, 1, 0)])
    regulatory = _edges([("T1", "G1", 1, 1, 0)])
    with pytest.raises(SignetInputError) as err:
        rc.classify_nodes(signaling, _edges([]), regulatory,
                          ligand_map=rc.read_ligand_map(path), paths={"ligand_map": path})
    assert "'R9'" in str(err.value) and err.value.line == 3 and err.value.column == "target"


@pytest.mark.parametrize("row, message", [
    ("explode\tA\tB\t\t\t\t\twhy", "unknown action"),
    ("remove\tA\tB\t\t\t\t\t", "needs a comment"),
    ("add\tA\tB\t\t\t0\t\twhy", "needs 0 or 1"),
    ("edit\tA\tB\t\t\t\t\twhy", "must set"),
    ("edit\tA\tB\t\t2\t\t\twhy", "expected 0 or 1"),
])
def test_bad_curation_rows(tmp_path, row, message):
    path = tmp_path / "curation.tsv"
    path.write_text("# header comment\n" + "\t".join(cu.CURATION_COLUMNS) + "\n" + row + "\n")
    with pytest.raises(SignetInputError, match=message) as err:
        cu.read_curation(path)
    assert err.value.line == 3


def test_bad_flag_and_bad_uniprot(tmp_path):
    path = tmp_path / "edges.tsv"
    path.write_text("source\ttarget\tdirection\tstimulation\tinhibition\nA\tB\t1\tmaybe\t0\n")
    with pytest.raises(SignetInputError) as err:
        rc.read_edges(path)
    assert err.value.line == 2 and err.value.column == "stimulation"
    uniprot = tmp_path / "uniprot.tsv"
    uniprot.write_text("Entry\tProtein names\nP1\tsomething\n")
    with pytest.raises(SignetInputError, match="Gene Names"):
        rc.read_uniprot(uniprot)


def test_old_uniprot_column_spelling_is_read(paper_data):
    """The paper's file spells the column 'Gene names  (primary )'; IFNA1; IFNA13 -> IFNA1/IFNA13."""
    names = rc.read_uniprot(paper_data / "annotation" / "uniprot-human-reviewed.tsv")
    assert names.set_index("code").loc["P01562", "name"] == "IFNA1/IFNA13"
    assert len(names) == 20394


def test_model_columns_match_signet_io():
    assert rc.MODEL_COLUMNS == io.NETWORK_COLUMNS
    assert rc.ANNOTATION_COLUMNS == io.ANNOTATION_COLUMNS


def test_written_tables_read_back_with_signet_io(tmp_path):
    """What trim_network writes is what signet.io (the model side) reads."""
    kept, annotation, _ = _build("KEGGnet")
    rc.write_edges(kept, tmp_path / "x-Model.tsv")
    rc.write_annotation(annotation, tmp_path / "x-Annotation.tsv")
    network = io.read_network(tmp_path / "x-Model.tsv")
    assert set(zip(network["source"], network["target"], network["sign"])) == _signed(kept)
    back = io.read_annotation(tmp_path / "x-Annotation.tsv")
    assert back[["code", "name", "TF", "ligand"]].values.tolist() == \
        annotation[["code", "name", "TF", "ligand"]].values.tolist()
    assert rc.read_annotation(tmp_path / "x-Annotation.tsv")["TF"].sum() == 3


def test_gzipped_omnipath_table_is_read(tmp_path):
    path = tmp_path / "omnipath.tsv.gz"
    with gzip.open(path, "wb") as out:
        out.write((DATA / "omnipath-fixture.tsv").read_bytes())
    plain = rc.read_interactions(DATA / "omnipath-fixture.tsv")
    packed = rc.read_interactions(path)
    pd.testing.assert_frame_equal(plain, packed)


def test_network_steps_run_without_torch_or_numba():
    """envs/networks.yaml has neither: the reconstruction, its table code (signet.io.formats)
    and the downloads must not import them (checked in a fresh interpreter)."""
    code = ("import sys, signet.studies.networks, signet.studies.networks.curation, "
            "signet.io.download, signet.rule_script; "
            "print(sorted(m for m in ('torch', 'numba') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(REPO / "workflow" / "lib")})
    assert out.stdout.strip() == "[]"


def test_written_tables_get_the_usual_permissions(tmp_path):
    """The reconstruction writes through signet.io's atomic_write: a file gets 0666 less the
    umask (as open() would give), not the 0600 of the temporary file it was renamed from."""
    umask = os.umask(0o022)
    try:
        rc.write_edges(_edges([("A", "B", 1, 1, 0)]), tmp_path / "edges.tsv")
        rc.write_table(pd.DataFrame({"x": [1]}), tmp_path / "table.tsv")
    finally:
        os.umask(umask)
    for name in ("edges.tsv", "table.tsv"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644


def test_fixture_genome_variant_keeps_every_resource():
    """Genome variant (``resources: ["*"]``, unknown signs dropped, trimmed as KEGGnet),
    derived by hand: the KEGGnet edges plus K1->T2 (InnateDB only) and L3->R2 (CellPhoneDB
    only); every other removal of the KEGGnet derivation still applies."""
    omnipath, lr, regulons = _inputs()
    selected = rc.select_interactions(omnipath, lr, regulons, resources=["*"])
    signaling, _ = cu.apply_curation(selected["signaling"],
                                     cu.read_curation(DATA / "curation-signaling-fixture.tsv"))
    ligrec, _ = cu.apply_curation(selected["ligand_receptor"],
                                  cu.read_curation(DATA / "curation-lr-fixture.tsv"))
    uniprot = rc.read_uniprot(DATA / "uniprot-fixture.tsv")
    signaling, ligrec, _ = rc.normalise_edges(signaling, ligrec, uniprot["code"],
                                              drop_unknown=True)
    edges, nodes = rc.classify_nodes(signaling, ligrec, selected["regulatory"], names=uniprot)
    kept, removed = rc.trim_network(edges, nodes.loc[nodes["ligand"], "code"],
                                    nodes.loc[nodes["TF"], "code"])
    assert _signed(kept) == {
        ("L1", "R1", 1), ("L2", "R2", 1), ("L3", "R2", 1), ("R1", "K1", 1), ("R2", "K2", 1),
        ("K1", "K2", -1), ("K2", "K3", 1), ("K3", "K2", 1), ("K3", "T1", 1), ("K2", "T3", 1),
        ("K1", "K5", 1), ("K5", "T2", 1), ("K1", "T2", 1)}
    assert set(removed["node"]) == {"D1", "U1", "X1"}
    _assert_ligand_to_tf(kept, rc.annotation_table(kept, nodes))
