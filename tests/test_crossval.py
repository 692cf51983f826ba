"""Folds of a study (loo, k-fold, fold files), data checks, the CV table and the knock-out
summary, each against a hand count or a plain numpy computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from signet.core.network import Network
from signet.errors import SignetInputError
from signet.eval.crossval import (
    check_knockouts,
    cv_table,
    kfold_folds,
    make_folds,
    parse_folds,
    prepare_study,
    read_fold_file,
)
from signet.eval.knockouts import knockout_summary
from signet.io import read_conditions


@pytest.fixture
def ligands():
    """A and B each used by several conditions, C only by 'C' (so 'C' cannot be left out)."""
    rows = {"CON": [0, 0, 0], "A": [1, 0, 0], "B": [0, 1, 0], "AB": [1, 1, 0],
            "A_low": [0.3, 0, 0], "B_low": [0, 0.2, 0], "C": [0, 0, 1], "A2": [0.7, 0, 0]}
    return pd.DataFrame(list(rows.values()), index=list(rows), columns=["A", "B", "C"],
                        dtype=float)


def test_loo_folds_leave_out_each_condition_whose_ligands_occur_twice(ligands):
    folds = make_folds(ligands, "loo")
    assert folds["condition"].tolist() == folds["fold"].tolist()
    assert folds["condition"].tolist() == ["CON", "A", "B", "AB", "A_low", "B_low", "A2"]


@pytest.mark.parametrize("k", [2, 3, 7])
def test_kfold_partitions_the_eligible_conditions(ligands, k):
    """Hand count: 7 eligible conditions; every one in exactly one fold, sizes differ by at
    most one, the same seed gives the same folds, another seed other folds."""
    folds = make_folds(ligands, "kfold", k=k, seed=4)
    assert sorted(folds["condition"]) == sorted(["CON", "A", "B", "AB", "A_low", "B_low", "A2"])
    sizes = folds["fold"].value_counts()
    assert len(sizes) == k and sizes.max() - sizes.min() <= 1
    assert folds.equals(make_folds(ligands, "kfold", k=k, seed=4))
    if k < 7:
        assert any(not make_folds(ligands, "kfold", k=k, seed=s).equals(folds)
                   for s in range(5, 10))


def test_kfold_k_out_of_range():
    with pytest.raises(SignetInputError, match="2 <= k <= 3"):
        kfold_folds(["a", "b", "c"], 4)


def test_fold_file_keeps_each_group_in_one_fold(tmp_path, ligands):
    path = tmp_path / "groups.tsv"
    path.write_text("condition\tfold\n# donors\nA\td1\nA_low\td1\nB\td2\n\nB_low\td2\nAB\td1\n")
    folds = read_fold_file(path, ligands.index)
    assert folds.groupby("fold")["condition"].apply(set).to_dict() == {
        "d1": {"A", "A_low", "AB"}, "d2": {"B", "B_low"}}
    # a file without header works the same
    path.write_text("A\td1\nA_low\td1\nB\td2\nB_low\td2\nAB\td1\n")
    assert read_fold_file(path, ligands.index).equals(folds)


@pytest.mark.parametrize("text, message", [
    ("A\td1\nX\td2\n", ":2: column 'condition': 'X' is not a condition"),
    ("A\td1\nA\td2\n", ":2: condition 'A' is already in a fold (line 1)"),
    ("A d1\n", ":1: expected condition<TAB>fold"),
    ("A\t../up\n", ":1: column 'fold': fold name '../up'"),
    ("# nothing\n", "no condition<TAB>fold line"),
])
def test_fold_file_errors_are_one_line_with_the_line_number(tmp_path, ligands, text, message):
    path = tmp_path / "folds.tsv"
    path.write_text(text)
    with pytest.raises(SignetInputError) as err:
        read_fold_file(path, ligands.index)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_parse_folds(tmp_path):
    assert parse_folds("loo") == {"method": "loo"}
    assert parse_folds("kfold:5") == {"method": "kfold", "k": 5, "seed": 0}
    assert parse_folds("kfold:5:3") == {"method": "kfold", "k": 5, "seed": 3}
    (tmp_path / "folds.tsv").write_text("A\tgroup1\n")
    path = str(tmp_path / "folds.tsv")
    assert parse_folds(path) == {"method": "file", "path": path}
    with pytest.raises(SignetInputError, match="kfold:K"):
        parse_folds("kfold:five")


@pytest.mark.parametrize("text, hint", [
    ("lo", "did you mean loo?"), ("LOO", "did you mean loo?"),
    ("leave-one-out", "did you mean loo?"), ("kfold5", "did you mean kfold:K"),
    ("k-fold:5", "did you mean kfold:K"), ("my/folds.tsv", None),
])
def test_a_folds_value_that_is_no_form_and_no_file_is_one_line_with_a_hint(text, hint):
    """--folds lo: not loo, not kfold:K, not an existing file; the error names the forms and
    suggests the nearest one (a path that is simply missing gets no guess)."""
    with pytest.raises(SignetInputError) as err:
        parse_folds(text)
    message = str(err.value)
    assert f"--folds {text!r}: expected loo, kfold:K, kfold:K:SEED or a fold file" in message
    assert "\n" not in message
    if hint:
        assert message.endswith(hint) or hint in message
    else:
        assert "did you mean" not in message


@pytest.fixture
def network(toy_paths):
    return Network.from_files(toy_paths["network"], toy_paths["annotation"])


def test_prepare_study_drops_non_network_tfs_and_rejects_unknown_ligands(network):
    ligand = network.ligands[0]
    tf = network.tfs[0]
    ligands = pd.DataFrame({ligand: [0.0, 1.0]}, index=["CON", "L"])
    tfs = pd.DataFrame({"ZZZ": [0.1, 0.2], tf: [0.3, 0.4]}, index=["L", "CON"])
    _, prepared, dropped = prepare_study(network, ligands, tfs)
    assert dropped == ["ZZZ"] and prepared.columns.tolist() == [tf]
    assert prepared[tf].tolist() == [0.4, 0.3]  # rows follow the ligand table
    with pytest.raises(SignetInputError, match="'NOPE' is not a ligand of the network"):
        prepare_study(network, ligands.assign(NOPE=0.0), tfs)
    with pytest.raises(SignetInputError, match="condition 'L' of the ligand table has no TF"):
        prepare_study(network, ligands, tfs.drop(index="L"))


def test_prepare_study_says_how_many_tf_rows_have_no_ligand_row(network, caplog):
    """Hand count: TF rows L, X, Y; the ligand table has L only, so 2 of 3 are not used."""
    ligands = pd.DataFrame({network.ligands[0]: [1.0]}, index=["L"])
    tfs = pd.DataFrame({network.tfs[0]: [0.1, 0.2, 0.3]}, index=["X", "L", "Y"])
    tfs.attrs["path"] = "my-TFs.tsv"
    with caplog.at_level("WARNING", logger="signet.crossval"):
        _, prepared, _ = prepare_study(network, ligands, tfs)
    assert prepared.index.tolist() == ["L"]
    assert [r.getMessage() for r in caplog.records] == [
        "my-TFs.tsv: 2 of 3 TF rows have no ligand row and are not used (first: 'X')"]
    caplog.clear()
    with caplog.at_level("WARNING", logger="signet.crossval"):
        prepare_study(network, ligands, tfs.loc[["L"]])
    assert not caplog.records


@pytest.mark.parametrize("ligand_text, tf_text, where", [
    ("\tL1\nc0\t0\nc1\t1\n", "\tT1\tT2\nc0\t0.2\t0.1\nc1\t1.5\t0\n",
     "y.tsv:3: column 'T1': TF value 1.5 is outside 0..1"),
    ("\tL1\nc0\t0\nc1\t-0.5\n", "\tT1\tT2\nc0\t0.2\t0.1\nc1\t0.5\t0\n",
     "x.tsv:3: column 'L1': ligand value -0.5 is negative"),
], ids=["TF above 1", "negative ligand"])
def test_check_values_names_the_value_and_the_setting_that_accepts_it(tmp_path, caplog,
                                                                      ligand_text, tf_text,
                                                                      where):
    from signet.eval.crossval import check_values

    (tmp_path / "x.tsv").write_text(ligand_text)
    (tmp_path / "y.tsv").write_text(tf_text)
    ligands = read_conditions(tmp_path / "x.tsv", "ligand")
    tfs = read_conditions(tmp_path / "y.tsv", "TF")
    setting = "studies.s.allow_out_of_range: true"
    with pytest.raises(SignetInputError) as err:
        check_values(ligands, tfs, setting=setting)
    message = str(err.value)
    assert message.startswith(f"{tmp_path}/{where}") and "\n" not in message
    assert setting in message and "--allow-out-of-range" not in message
    with caplog.at_level("WARNING"):
        check_values(ligands, tfs, allow_out_of_range=True, setting=setting)
    assert len(caplog.records) == 1 and "outside 0..1" in caplog.records[0].getMessage()


def test_check_knockouts_names_the_key(network):
    ligands = pd.DataFrame({network.ligands[0]: [0.0, 1.0]}, index=["CON", "L"])
    key = "studies.s.knockouts"
    with pytest.raises(SignetInputError, match=r"studies\.s\.knockouts\.conditions: 'X'"):
        check_knockouts({"conditions": ["X"], "tfs": network.tfs}, network, ligands, key)
    with pytest.raises(SignetInputError, match=r"studies\.s\.knockouts\.tfs: 'Y'"):
        check_knockouts({"conditions": ["L"], "tfs": ["Y"]}, network, ligands, key)
    nodes = check_knockouts({"conditions": ["L"], "tfs": network.tfs}, network, ligands, key)
    assert set(nodes) == set(network.nodes) - set(network.ligands)


def test_cv_table_against_a_numpy_loop():
    """Ensemble mean/SD per left-out condition and the mean predictor over the fold's
    training rows (unscored conditions included), recomputed with numpy."""
    rng = np.random.default_rng(0)
    conditions, tfs = ["c1", "c2", "c3", "c4", "c5"], ["t1", "t2", "t3"]
    observed = pd.DataFrame(rng.random((5, 3)), index=conditions, columns=tfs)
    folds = pd.DataFrame({"condition": ["c1", "c3", "c2"], "fold": ["f1", "f1", "f2"]})
    cv = {f: [pd.DataFrame(rng.random((5, 3)), index=conditions, columns=tfs)
              for _ in range(3)] for f in ("f1", "f2")}
    table = cv_table(observed, folds, cv, None)
    assert table["condition"].tolist() == ["c1"] * 3 + ["c2"] * 3 + ["c3"] * 3
    for _, row in table.iterrows():
        values = [t.loc[row["condition"], row["tf"]] for t in cv[row["fold"]]]
        assert row["predicted_mean"] == pytest.approx(np.mean(values))
        assert row["predicted_sd"] == pytest.approx(np.std(values, ddof=1))
        held = folds.loc[folds["fold"] == row["fold"], "condition"].tolist()
        train = [c for c in conditions if c not in held]
        assert row["mean_predictor"] == pytest.approx(
            np.mean([observed.loc[c, row["tf"]] for c in train]))
    assert table["scrambled_mean"].isna().all()


def test_knockout_summary_against_a_numpy_loop():
    rng = np.random.default_rng(1)
    rows = [(f"m{m}", "X", node, tf, rng.normal(0.1 if node == "n1" else 0, 0.2))
            for m in range(5) for node in ("n1", "n2", "n3", "t1") for tf in ("t1", "t2")]
    rows.append(("m0", "X", "n2", "t2", 0.0))  # a sixth model with no change of t2 by n2
    rows += [(f"m{m}", "X", "n0", tf, 0.0) for m in range(5) for tf in ("t1", "t2")]  # no effect
    per_model = pd.DataFrame(rows, columns=["model", "condition", "node", "tf", "delta"])
    summary = knockout_summary(per_model, names={"n1": "N one"})
    assert not ((summary["node"] == "t1") & (summary["tf"] == "t1")).any()
    for _, row in summary.iterrows():
        deltas = per_model.loc[(per_model["node"] == row["node"]) &
                               (per_model["tf"] == row["tf"]), "delta"].to_numpy()
        mean = deltas.mean()
        assert row["mean_delta"] == pytest.approx(mean)
        assert row["sd_delta"] == pytest.approx(deltas.std(ddof=1))
        assert row["mean_abs_delta"] == pytest.approx(np.abs(deltas).mean())
        assert row["n_models"] == len(deltas)
        if not deltas.any():  # no model changes the TF: no sign to agree on
            assert np.isnan(row["sign_agreement"])
        else:
            assert row["sign_agreement"] == pytest.approx(
                sum(1 for d in deltas if d != 0 and np.sign(d) == np.sign(mean)) / len(deltas))
    for _, group in summary.groupby("tf"):
        assert group["rank"].tolist() == list(range(1, len(group) + 1))
        assert list(group["mean_abs_delta"]) == sorted(group["mean_abs_delta"], reverse=True)
    assert summary.loc[summary["node"] == "n1", "name"].unique().tolist() == ["N one"]


def _summary_tables(cv_noise: float, scrambled_noise: float | None):
    """Fit and CV tables of 6 conditions x 4 TFs whose predictions are the observations plus
    seeded noise of the given sizes (None: no scrambled control)."""
    rng = np.random.default_rng(0)
    conditions, tfs = [f"c{i}" for i in range(6)], [f"T{j}" for j in range(4)]
    rows = [(c, t) for c in conditions for t in tfs]
    observed = rng.uniform(0, 1, len(rows))
    cv = pd.DataFrame({"condition": [c for c, _ in rows], "fold": [c for c, _ in rows],
                       "tf": [t for _, t in rows], "observed": observed,
                       "predicted_mean": observed + rng.normal(0, cv_noise, len(rows)),
                       "predicted_sd": 0.01, "n_models": 2,
                       "scrambled_mean": (np.nan if scrambled_noise is None else
                                          observed + rng.normal(0, scrambled_noise, len(rows))),
                       "scrambled_sd": np.nan, "mean_predictor": 0.5})
    fit = cv[["condition", "tf", "observed", "predicted_mean"]].copy()
    return fit, cv


@pytest.mark.parametrize("cv_noise, scrambled_noise, flag, words", [
    (0.05, 1.0, 1, "is above the scrambled control's"),
    (1.0, 0.05, 0, "NOT ABOVE THE CONTROL: cross-validation r"),
    (0.05, None, None, "no scrambled control was trained"),
])
def test_summary_says_plainly_whether_cv_beats_the_scrambled_control(cv_noise, scrambled_noise,
                                                                     flag, words):
    """cv_above_scrambled against the two pooled r computed with np.corrcoef; the note says
    it in words, and the printed summary ends with it."""
    from signet.eval.crossval import format_summary, study_summary

    fit, cv = _summary_tables(cv_noise, scrambled_noise)
    summary = study_summary(fit, cv, n_conditions=6, n_folds=6, n_seeds=2, n_cv_models=12,
                            n_scrambled_models=6, n_full_models=2)
    values = summary.set_index("metric")
    cv_r = np.corrcoef(cv["observed"], cv["predicted_mean"])[0, 1]
    assert values.loc["cv_pooled_r", "value"] == pytest.approx(cv_r)
    if flag is None:
        assert np.isnan(values.loc["cv_above_scrambled", "value"])
    else:
        scrambled_r = np.corrcoef(cv["observed"], cv["scrambled_mean"])[0, 1]
        assert (cv_r > scrambled_r) == bool(flag)
        assert values.loc["cv_above_scrambled", "value"] == flag
    assert words in values.loc["cv_above_scrambled", "note"]
    assert format_summary(summary).splitlines()[-1] == values.loc["cv_above_scrambled", "note"]


def test_printed_summary_gives_counts_as_whole_numbers_and_n_models_counts_every_model():
    """n_models = full fits + fold models + scrambled models (2 + 12 + 6, by hand), printed
    as 20, not 20.0; r to three decimals."""
    from signet.eval.crossval import format_summary, study_models, study_summary

    fit, cv = _summary_tables(0.05, 1.0)
    summary = study_summary(fit, cv, n_conditions=6, n_folds=6, n_seeds=2, n_cv_models=12,
                            n_scrambled_models=6, n_full_models=2)
    lines = dict(line.split(None, 1) for line in format_summary(summary).splitlines()[:-1])
    assert lines["n_models"] == "20" and lines["n_cv_models"] == "12"
    assert lines["n_full_models"] == "2" and lines["n_conditions"] == "6"
    assert lines["cv_above_scrambled"] == "1"
    assert lines["scrambled_pooled_r"].count(".") == 1
    assert len(lines["cv_pooled_r"].split(".")[1]) == 3
    assert len(study_models([f"c{i}" for i in range(6)], [1, 2], scrambled=True)) == 20


def test_a_study_folder_takes_more_seeds_but_not_other_settings(tmp_path):
    """Seeds, the scrambled control and knock-outs may change in a study's folder (its models
    stay valid); the folds may not: one line naming them."""
    import yaml
    from signet.eval.crossval import check_study_settings

    path = tmp_path / "crossval.yaml"
    before = {"folds": "loo", "seeds": [1], "scrambled": True, "knockouts": None,
              "recipe": {"epochs": 10}}
    path.write_text(yaml.safe_dump(before))
    check_study_settings(path, dict(before, seeds=[1, 2, 3], scrambled=False,
                                    knockouts={"conditions": ["A"]}))
    with pytest.raises(SignetInputError, match=r"other settings \(folds\)") as err:
        check_study_settings(path, dict(before, folds="kfold:3", seeds=[1, 2]))
    assert "seeds can be added" in str(err.value)


@pytest.mark.parametrize("cv_r, scrambled_r, label", [
    (0.846, 0.642, "above it: r 0.85 > 0.64"),
    (0.12, 0.15, "NOT ABOVE IT: r 0.12 <= 0.15"),
    (float("nan"), 0.15, "NOT ABOVE IT: r nan <= 0.15"),
    (0.5, float("nan"), "no scrambled control"),
])
def test_report_label_says_whether_cv_beats_the_scrambled_control(cv_r, scrambled_r, label):
    from signet.eval.crossval import control_label

    assert control_label(pd.Series({"cv_pooled_r": cv_r, "scrambled_pooled_r": scrambled_r})) \
        == label
