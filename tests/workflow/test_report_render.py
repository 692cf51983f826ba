"""The report renders clean: every caption of workflow/report and the front page, rendered the
way Snakemake renders them, give no docutils system message (the boxes the report would show
as errors or warnings), print no raw Python values, and list the stages that were built.

Snakemake (``snakemake.report.auto_report``) renders a caption with a Jinja ``Environment``
with ``trim_blocks`` and ``lstrip_blocks``, given ``snakemake`` (config, wildcards, ...), with
its own link targets appended, and then ``docutils.core.publish_parts(..., writer_name="html")``.
Here the same is done for the paper-scale config, the offline one and the paper-reference one,
each completed by the schema's defaults as the workflow completes it; the captions that a rule
fills in from its numbers (the @CLAIM@ mark) are filled with claims built from the offline
run's numbers (tests/data/synthetic/) and from a hand-written paper-scale table.
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from docutils.core import publish_parts
from jinja2 import Environment
from signet.studies.synthetic import captions
from snakemake.utils import update_config, validate

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "workflow" / "report"
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
DATA = ROOT / "tests" / "data" / "synthetic"

CONFIGS = {"paper": ["config.yaml"], "offline": ["config.yaml", "offline.yaml"],
           "paper-reference": ["config.yaml", "paper-reference.yaml"]}

# the link targets snakemake.report appends to every caption (one per category and file)
LINKS = textwrap.dedent("""

    .. _Workflow: javascript:show_panel('workflow')
    .. _Statistics: javascript:show_panel('statistics')
    .. _Figure 5: javascript:app.showCategory('Figure%205')
    .. _figure5f.png: javascript:app.showResultInfo('results/synthetic/figure5f.png')
    """)


def load_config(names: list[str]) -> dict:
    """The config the workflow sees: config/<names> overlaid in order, schema defaults set."""
    config: dict = {}
    for name in names:
        update_config(config, yaml.safe_load((ROOT / "config" / name).read_text()))
    validate(config, str(SCHEMA))
    return config


def render(template: str, config: dict, **wildcards) -> str:
    """The caption's reStructuredText after Jinja, as snakemake.report renders it."""
    environment = Environment(trim_blocks=True, lstrip_blocks=True)
    snakemake = SimpleNamespace(config=config, wildcards=SimpleNamespace(**wildcards))
    return environment.from_string(template).render(snakemake=snakemake, categories={},
                                                    files=[])


def docutils_messages(text: str, report_level: int) -> list[str]:
    """Every docutils system message of ``text`` at ``report_level`` or above, as printed;
    the HTML body must carry none of the boxes either."""
    stream = io.StringIO()
    body = publish_parts(text, writer="html", settings_overrides={
        "report_level": report_level, "halt_level": 5, "warning_stream": stream})["body"]
    messages = [line for line in stream.getvalue().splitlines() if line.strip()]
    if "system-message" in body and not messages:
        messages.append("a system-message box in the HTML")
    return messages


def assert_renders_clean(text: str, what: str) -> None:
    """No message at all (info included) from the caption itself; none that the report shows
    (warning and above, docutils' and Snakemake's default) once the report's links are added."""
    assert docutils_messages(text, report_level=1) == [], f"{what}:\n{text}"
    assert docutils_messages(text + LINKS, report_level=2) == [], f"{what}:\n{text}"


# ---- the claims of the generated captions ---------------------------------------------------
def _paper_scale_summary() -> pd.DataFrame:
    """Three seeds at 5 ligands, controls, knock-outs: the branches the offline run misses."""
    rows = []
    for samples, values in ((10, (0.40, 0.45, 0.5)), (800, (0.97, 0.98, 0.99))):
        for seed, r in zip((1, 2, 3), values):
            for name, value in (("r", r), ("r_tf_median", r - 0.05),
                                ("r_condition_median", r - 0.1)):
                rows.append(("sweep", samples, 5, seed, name, value, None))
    rows += [("control", 400, 5, 1, "mean_r", 0.15, 0.16),
             ("control", 400, 5, 1, "scrambled_r", 0.11, 0.10),
             ("control", 400, 5, 1, "no_spectral_r", 0.5, None),
             ("knockout", 800, 5, 1, "knockout_r", 0.82, 0.8),
             ("knockout", 800, 5, 1, "knockout_sign_agreement", 0.95, None)]
    return pd.DataFrame(rows, columns=["part", "samples", "ligands", "seed", "name", "ours",
                                       "paper"])


def _claims(summary: pd.DataFrame, complexity: pd.DataFrame,
            unchanged: tuple[int, int]) -> dict[str, str]:
    return {"figure4c.rst": captions.figure4c_claim(complexity),
            "figure4d.rst": captions.figure4d_claim(complexity),
            "figure5b.rst": captions.figure5b_claim(summary),
            "figure5c.rst": captions.figure5c_claim(summary),
            "figure5d.rst": captions.figure5d_claim(summary),
            "figure5e.rst": captions.figure5e_claim(summary),
            "figure5f.rst": captions.figure5f_claim(summary, unchanged)}


CLAIMS = {
    # the offline run's numbers, and its knock-out count (1557 of 5257 pairs)
    "offline": _claims(pd.read_csv(DATA / "offline-summary.tsv", sep="\t"),
                       pd.read_csv(DATA / "offline-complexity.tsv", sep="\t"), (5257, 1557)),
    "paper": _claims(_paper_scale_summary(),
                     pd.DataFrame({"level": [1, 2, 3], "area": [0.5, 1.0, 1.5],
                                   "linear_cv_r": [0.9, 0.8, 0.7],
                                   "extrapolation_r": [0.9, 0.6, 0.4]}), (10, 1)),
}


def captions_of(config: dict, claims: dict[str, str]):
    """(name, rendered text) of every caption of workflow/report for ``config``: one per
    network for network.rst, one per study for the study captions."""
    for path in sorted(REPORT.glob("*.rst")):
        template = path.read_text()
        if path.name in claims:
            template = captions.fill_caption(template, claims[path.name])
        if path.name == "workflow.rst":
            yield path.name, render(template, config)
        elif path.name == "network.rst":
            for name in config["networks"]["use"]:
                yield f"{path.name} ({name})", render(template, config, name=name)
        elif path.name.startswith("study-"):
            for study in config.get("studies") or {"example": {}}:
                yield f"{path.name} ({study})", render(template, config, study=study)
        else:
            yield path.name, render(template, config)


@pytest.mark.parametrize("claims", sorted(CLAIMS))
@pytest.mark.parametrize("config_name", sorted(CONFIGS))
def test_every_caption_renders_without_a_docutils_message(config_name, claims):
    config = load_config(CONFIGS[config_name])
    names = []
    for name, text in captions_of(config, CLAIMS[claims]):
        assert "{{" not in text and "{%" not in text and captions.CLAIM_MARK not in text, name
        assert_renders_clean(text, name)
        names.append(name)
    assert "workflow.rst" in names and "figure5f.rst" in names


@pytest.mark.parametrize("config_name", sorted(CONFIGS))
def test_no_caption_prints_raw_python_values(config_name):
    """Lists and dicts of the config are written as prose: no brackets, braces, quotes around
    keys, None/True/False."""
    raw = re.compile(r"[\[\]{}]|'\w+':|\b(None|True|False)\b")
    for name, text in captions_of(load_config(CONFIGS[config_name]), CLAIMS["offline"]):
        prose = re.sub(r"``[^`]*``", "", text)  # literal file names may hold anything
        assert not raw.search(prose), f"{name}: {raw.search(prose).group(0)!r} in\n{text}"


def test_lists_are_prose_and_seeds_singular_or_plural():
    offline = dict(captions_of(load_config(CONFIGS["offline"]), CLAIMS["offline"]))
    paper = dict(captions_of(load_config(CONFIGS["paper"]), CLAIMS["paper"]))
    flat = {name: " ".join(text.split()) for name, text in {**{f"o:{k}": v for k, v in
            offline.items()}, **{f"p:{k}": v for k, v in paper.items()}}.items()}
    assert "Network sizes: 250, 500, 1000 and 2000 nodes." in flat["o:timing.rst"]
    assert "on 1 thread;" in flat["o:timing.rst"]
    assert "the mean over seeds 0, 1 and 2;" in flat["p:figure1c.rst"]
    assert ("(10 and 50 training conditions; 3 ligands; seed 1; recipe "
            "``config/recipes/offline-sweep.yaml``)") in flat["o:figure5b.rst"]
    assert "recipe ``fast``)" in flat["p:figure5b.rst"]
    assert "seeds 1, 2 and 3;" in flat["p:figure5b.rst"]
    assert "(50 training conditions, 3 ligands, seed 1; not chosen by test r)" in \
        flat["o:figure5f.rst"]
    assert "1000, 5000, 10000 and 19000 nodes." in flat["p:epoch-timing.rst"]


def test_figure1c_with_one_seed_says_so():
    config = load_config(CONFIGS["offline"])
    config["figure1"]["ffnn"]["seeds"] = [4]
    text = " ".join(render((REPORT / "figure1c.rst").read_text(), config).split())
    assert "of one seed (4);" in text and "mean over" not in text


# ---- the front page -------------------------------------------------------------------------
STAGE_NAMES = {"figure1": "Figure 1", "toy": "Figure 2", "spectral": "Figure 3",
               "timing": "Supplementary Figure 5", "networks": "the network reconstruction",
               "macrophage": "the macrophage data", "studies": "the studies (Figure 6)",
               "synthetic": "Figures 4-5"}


def front_page(stages: dict) -> str:
    config = load_config(CONFIGS["paper"])
    config["stages"] = stages
    return " ".join(render((REPORT / "workflow.rst").read_text(), config).split())


def test_front_page_names_every_stage_of_the_schema():
    schema = yaml.safe_load(SCHEMA.read_text())
    assert set(schema["properties"]["stages"]["properties"]) == set(STAGE_NAMES)


def test_front_page_with_every_stage_built_lists_none_as_not_built():
    """Every stage on (the studies stage builds Fig. 6): nothing is listed as not built."""
    text = front_page(dict.fromkeys(STAGE_NAMES, True))
    assert "Not built" not in text
    assert "**Studies** (Figure 6 is the macrophage study)" in text
    assert_renders_clean(render((REPORT / "workflow.rst").read_text(),
                                {**load_config(CONFIGS["paper"]),
                                 "stages": dict.fromkeys(STAGE_NAMES, True)}), "workflow.rst")


@pytest.mark.parametrize("stage", sorted(STAGE_NAMES))
def test_front_page_lists_exactly_the_stage_not_built(stage):
    stages = dict.fromkeys(STAGE_NAMES, True) | {stage: False}
    text = front_page(stages)
    assert f"Not built in this run (``stages`` in the config): {STAGE_NAMES[stage]}." in text
    config = {**load_config(CONFIGS["paper"]), "stages": stages}
    assert_renders_clean(render((REPORT / "workflow.rst").read_text(), config), "workflow.rst")


def test_front_page_with_nothing_built_renders_clean():
    config = {**load_config(CONFIGS["paper"]), "stages": dict.fromkeys(STAGE_NAMES, False)}
    text = render((REPORT / "workflow.rst").read_text(), config)
    assert_renders_clean(text, "workflow.rst")
    assert ", ".join(STAGE_NAMES.values()) in " ".join(text.split())


def test_the_check_catches_the_errors_it_is_for():
    """The two faults the report had: an undefined substitution (``|change|``) and a bullet
    list followed by a paragraph without a blank line."""
    assert docutils_messages("A |change| of 0.", 2)
    assert docutils_messages("* one\n* two\nNot built.", 2)
    assert docutils_messages("A plain sentence.", 1) == []
