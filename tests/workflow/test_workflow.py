"""The workflow skeleton, Figures 1-3 and the timing figure, run by Snakemake.

Every run works in a temporary directory (``config/`` is linked there, results stay there) and
uses the repository's Snakefile, with ``--workflow-profile none`` and a private
``XDG_CACHE_HOME``. One tiny run builds every figure and the report; the tests below check
its outputs.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

TINY = {
    "stages": {"figure1": True, "toy": True, "spectral": True, "timing": True,
               "networks": False, "macrophage": False, "studies": False,
               "synthetic": False},
    "figure1": {
        "mechanisms": ["cooperative_activation", "competitive_inhibition"],
        "ode": {"grid_points": 8},
        "ffnn": {"activations": ["MML", "sigmoid"], "train_grid": 4, "test_grid": 6,
                 "seeds": [0, 1], "epochs": 20},
    },
    "toy": {"grid_points": 5, "epochs": 20, "warmup_epochs": 5},
    "spectral": {"nodes": 30, "max_steps": 500, "trajectory_steps": 10, "trajectory_nodes": 3},
    "timing": {"nodes": [60, 120], "repeats": 2, "steps": 20, "batch_size": 2},
}


def make_workdir(path: Path) -> Path:
    """A working directory with the repository's config/ linked in."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "config").symlink_to(ROOT / "config")
    return path


def snakemake(workdir: Path, *args, check=True, extra_env=None, timeout=900):
    env = {**os.environ, "XDG_CACHE_HOME": str(workdir / ".xdg-cache"), **(extra_env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
         "--workflow-profile", "none", "--cores", "2", *args],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


def write_config(workdir: Path, name: str, values: dict) -> Path:
    path = workdir / name
    path.write_text(yaml.safe_dump(values))
    return path


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """Every final output of the tiny config, then the report."""
    workdir = make_workdir(tmp_path_factory.mktemp("tiny"))
    tiny = write_config(workdir, "tiny.yaml", TINY)
    snakemake(workdir, "--configfile", str(tiny))
    snakemake(workdir, "--configfile", str(tiny), "--report", "results/report.html")
    return workdir


def read(workdir, path):
    table = pd.read_csv(workdir / path, sep="\t")
    assert len(table) > 0, path
    return table


def assert_png(path: Path):
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    assert path.stat().st_size > 5000, path


# ---- the workflow as a whole ---------------------------------------------------------------
def test_lint_is_clean(tmp_path):
    result = snakemake(make_workdir(tmp_path), "--lint")
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def test_paper_config_dry_run_works_offline(tmp_path):
    """The full paper configuration plans every stage with HTTP(S) pointed at a closed port."""
    dead = "http://127.0.0.1:9"
    offline = {name: dead for name in ("http_proxy", "https_proxy", "HTTP_PROXY",
                                       "HTTPS_PROXY", "ALL_PROXY", "all_proxy")}
    offline.update(no_proxy="", NO_PROXY="")
    result = snakemake(make_workdir(tmp_path), "--dry-run", extra_env=offline)
    plan = result.stdout
    full = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    n_mechanisms = len(full["figure1"]["mechanisms"])
    for rule, count in (("simulate_mechanisms", 1), ("fit_ffnn", n_mechanisms),
                        ("train_toy", 1), ("shrink_spectral_radius", 1), ("time_passes", 1),
                        ("plot_toy", 1), ("plot_timing", 1)):
        assert any(line.split() == [rule, str(count)] for line in plan.splitlines()), rule
    assert not (tmp_path / "results").exists()


def test_offline_main_job_plans_every_offline_stage(tmp_path):
    result = snakemake(make_workdir(tmp_path), "--dry-run", "--configfile",
                       "config/offline.yaml")
    for rule in ("plot_mechanisms", "plot_activations", "plot_ffnn_fits", "plot_toy",
                 "plot_spectral", "plot_timing"):
        assert rule in result.stdout


BAD_CONFIGS = [
    ({"figure1": {"ffnn": {"epochs": "ten"}}},
     "config error: bad.yaml: figure1.ffnn.epochs: 'ten' is not of type 'integer'"),
    ({"toy": {"colour": "red"}},
     "config error: bad.yaml: toy: Additional properties are not allowed ('colour' was unexpected)"),
    ({"figures": {"toy": True}},
     "config error: bad.yaml: (top level): Additional properties are not allowed ('figures' was "
     "unexpected)"),
    ({"spectral": {"density": 1.5}},
     "config error: bad.yaml: spectral.density: 1.5 is greater than or equal to the maximum of 1"),
    ({"synthetic": {"network": "KEGG"}},
     "config error: bad.yaml: synthetic.network: 'KEGG' is not a network of networks.use (known: "
     "KEGGnet, macrophage, random)"),
]


@pytest.mark.parametrize("values, message", BAD_CONFIGS,
                         ids=["wrong-type", "unknown-key", "unknown-section", "out-of-range",
                              "unknown-network"])
def test_bad_config_gives_one_line(tmp_path, values, message):
    workdir = make_workdir(tmp_path)
    bad = write_config(workdir, "bad.yaml", values)
    result = snakemake(workdir, "--dry-run", "--configfile", str(bad), check=False)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [message]


# ---- Figure 1 --------------------------------------------------------------------------------
def test_mechanism_steady_states(tiny_run):
    table = read(tiny_run, "results/figure1/mechanism-steady-states.tsv")
    assert list(table.columns) == ["mechanism", "source_a", "source_b", "output"]
    assert table["mechanism"].value_counts().to_dict() == {
        "cooperative_activation": 64, "competitive_inhibition": 64}
    # closed form of competitive inhibition (see signet.studies.figure1.mechanisms): 10 A / (1 + 10 A + 10 B)
    rows = table[table["mechanism"] == "competitive_inhibition"]
    a, b = rows["source_a"], rows["source_b"]
    np.testing.assert_allclose(rows["output"], 10 * a / (1 + 10 * a + 10 * b), atol=1e-6)
    assert_png(tiny_run / "results/figure1/figure1a.png")


def test_activation_table(tiny_run):
    table = read(tiny_run, "results/figure1/activations.tsv")
    assert list(table.columns) == ["z", "MML", "leakyReLU", "sigmoid"]

    def at(z, column):
        row = table.iloc[int((table["z"] - z).abs().argmin())]
        assert row["z"] == pytest.approx(z, abs=1e-9)
        return row[column]

    # hand-computed: MML(4) = 1 - 0.25 / 4, MML(-2) = 0.01 * -2, MML(0.3) = 0.3, sigmoid(0) = 1/2
    assert at(4.0, "MML") == pytest.approx(0.9375)
    assert at(-2.0, "MML") == pytest.approx(-0.02)
    assert at(0.3, "MML") == pytest.approx(0.3)
    assert at(0.0, "sigmoid") == pytest.approx(0.5)
    assert_png(tiny_run / "results/figure1/figure1b.png")


def test_ffnn_fits(tiny_run):
    per_mechanism = read(tiny_run, "results/figure1/ffnn/competitive_inhibition.tsv")
    assert list(per_mechanism.columns) == ["mechanism", "activation", "hidden_layers", "seed",
                                           "train_r", "test_r", "final_loss"]
    assert len(per_mechanism) == 2 * 2 * 2  # activations x depths x seeds
    summary = read(tiny_run, "results/figure1/ffnn-fits.tsv")
    assert list(summary.columns) == ["mechanism", "activation", "hidden_layers", "test_r_mean",
                                     "test_r_sd", "train_r_mean", "seeds"]
    assert len(summary) == 2 * 2 * 2  # mechanisms x activations x depths
    assert (summary["seeds"] == 2).all()
    assert summary["test_r_mean"].between(-1, 1).all()
    assert_png(tiny_run / "results/figure1/figure1c.png")


# ---- Figure 2 --------------------------------------------------------------------------------
def test_toy_data_split(tiny_run):
    """5 x 5 grid, 20 % test: 5 test and 20 training conditions, disjoint."""
    train = pd.read_csv(tiny_run / "results/toy/data/train-ligands.tsv", sep="\t", index_col=0)
    test = pd.read_csv(tiny_run / "results/toy/data/test-ligands.tsv", sep="\t", index_col=0)
    assert (len(train), len(test)) == (20, 5)
    assert not set(train.index) & set(test.index)
    assert list(train.columns) == ["L1", "L2"]
    tfs = pd.read_csv(tiny_run / "results/toy/data/train-tfs.tsv", sep="\t", index_col=0)
    assert list(tfs.columns) == ["T1"] and list(tfs.index) == list(train.index)


def test_toy_training_and_evaluation(tiny_run):
    log = read(tiny_run, "results/toy/model/training-log.tsv")
    assert {"epoch", "loss", "fit", "rho", "lr"} <= set(log.columns)
    assert log["epoch"].iloc[-1] == 20
    parameters = read(tiny_run, "results/toy/model/parameters.tsv")
    assert list(parameters.columns) == ["Source", "Target", "Type", "Value"]
    predictions = read(tiny_run, "results/toy/evaluation/predictions.tsv")
    assert list(predictions.columns) == ["condition", "split", "tf", "observed", "predicted"]
    assert predictions["split"].value_counts().to_dict() == {"train": 20, "test": 5}
    comparison = read(tiny_run, "results/toy/evaluation/parameters.tsv")
    assert list(comparison.columns) == ["Source", "Target", "Type", "reference", "fitted"]
    assert (comparison["Type"] == "Weight").sum() == 8  # the toy network's 8 edges
    summary = read(tiny_run, "results/toy/evaluation/summary.tsv").set_index("metric")["value"]
    for metric in ("train_r", "test_r", "weight_r", "bias_r", "train_baseline_mse"):
        assert np.isfinite(summary[metric]), metric
    assert_png(tiny_run / "results/toy/figure2.png")


# ---- Figure 3 --------------------------------------------------------------------------------
def test_spectral_radius_is_pulled_below_target(tiny_run):
    eigenvalues = read(tiny_run, "results/spectral/eigenvalues.tsv")
    assert list(eigenvalues.columns) == ["matrix", "real", "imag"]
    rho = (eigenvalues.assign(modulus=np.hypot(eigenvalues["real"], eigenvalues["imag"]))
           .groupby("matrix")["modulus"].max())
    assert rho["before"] == pytest.approx(1.2)
    assert rho["after"] < 0.95
    weights = read(tiny_run, "results/spectral/weights.tsv")
    assert list(weights.columns) == ["source", "target", "before", "after"]
    assert np.corrcoef(weights["before"], weights["after"])[0, 1] > 0.99
    trajectories = read(tiny_run, "results/spectral/trajectories.tsv")
    assert list(trajectories.columns) == ["matrix", "step", "node", "state"]
    history = read(tiny_run, "results/spectral/history.tsv")
    assert list(history.columns) == ["step", "rho"]
    assert_png(tiny_run / "results/spectral/figure3.png")


# ---- timing ----------------------------------------------------------------------------------
def test_timing_table_and_trend(tiny_run):
    times = read(tiny_run, "results/timing/pass-times.tsv")
    assert list(times.columns) == ["nodes", "edges", "batch_size", "steps", "forward_ms",
                                   "backward_ms", "forward_steps"]
    assert list(times["nodes"]) == [60, 120]
    assert (times[["forward_ms", "backward_ms"]] > 0).all().all()
    trend = read(tiny_run, "results/timing/trend.tsv")
    assert list(trend.columns) == ["pass", "ms_per_1000_nodes", "intercept_ms", "r"]
    assert list(trend["pass"]) == ["forward", "backward"]
    assert_png(tiny_run / "results/timing/supplementary-figure5.png")


# ---- report ----------------------------------------------------------------------------------
def test_report_has_every_figure_and_caption(tiny_run):
    html = (tiny_run / "results/report.html").read_text()
    for caption in ("Figure 1a.", "Figure 1b.", "Figure 1c.", "Figure 2d-g.", "Figure 3b-e.",
                    "Supplementary Figure 5."):
        assert caption in html, caption
    assert "{{" not in html  # every Jinja field of the captions was filled in
    # the front page lists the stages in words, not the config's dict
    for words in ("Stages built in this run", "Figure 1**: steady states",
                  "Not built in this run", "Figure 6", "Figures 4-5"):
        assert words.replace("**", "") in html.replace("**", "").replace("<strong>", "")\
            .replace("</strong>", ""), words
    assert "'figure1': True" not in html and "&#39;figure1&#39;: True" not in html
