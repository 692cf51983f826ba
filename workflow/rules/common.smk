# Helpers, not work: validate the config, make the library importable by the scripts, and
# turn config into paths (the get_... input functions). Rules live in the stage files.
import os
import sys
from pathlib import Path

import jsonschema
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate


# ---- config --------------------------------------------------------------------------------
def config_error_message(error):
    """One line naming the config key and what is wrong with it."""
    problem = next((a for a in error.args if isinstance(a, jsonschema.ValidationError)), None)
    if problem is None:
        problem = error.__context__
    if not isinstance(problem, jsonschema.ValidationError):
        return " ".join(str(error).split())
    where = ".".join(str(part) for part in problem.absolute_path) or "(top level)"
    message = " ".join(problem.message.split())
    if len(message) > 200:
        message = f"{message[:200]}..."
    return f"{where}: {message}"


def config_error(message):
    """Stop with one line on stderr: what the user sees for a bad config."""
    print(f"config error: {message}", file=sys.stderr)
    sys.exit(1)


def validate_config(config):
    """Validate against the schema (filling in defaults); a bad key exits with one line."""
    try:
        validate(config, "../schemas/config.schema.yaml")
    except WorkflowError as error:
        config_error(config_error_message(error))


validate_config(config)


def check_study_networks(config):
    """A study's network named by a string must be a network of networks.use."""
    known = list(config["networks"]["use"])
    for key, choice, extra in (("synthetic.network", config["synthetic"]["network"], ["random"]),
                               ("macrophage.network", config["macrophage"]["network"], [])):
        if isinstance(choice, str) and choice not in known + extra:
            config_error(f"{key}: {choice!r} is not a network of networks.use (known: "
                         f"{', '.join(known + extra)})")


check_study_networks(config)

# The scripts import signet from this checkout, so that a conda environment (which cannot
# pip-install the repository) runs the same code as the project's virtual environment.
LIBRARY = str(Path(workflow.basedir) / "workflow" / "lib")
if LIBRARY not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ.update(
        PYTHONPATH=os.pathsep.join(p for p in (LIBRARY, os.environ.get("PYTHONPATH")) if p)
    )


wildcard_constraints:
    mechanism="|".join(config["figure1"]["mechanisms"]),


# ---- final outputs per stage ---------------------------------------------------------------
def get_figure1_outputs():
    return [
        "results/figure1/figure1a.png",
        "results/figure1/figure1b.png",
        "results/figure1/figure1c.png",
        "results/figure1/ffnn-fits.tsv",
    ]


def get_toy_outputs():
    return ["results/toy/figure2.png", "results/toy/evaluation/summary.tsv"]


def get_spectral_outputs():
    return ["results/spectral/figure3.png"]


def get_timing_outputs():
    return ["results/timing/supplementary-figure5.png", "results/timing/trend.tsv"]


def get_final_outputs(wildcards=None):
    """Every final output of the stages that config["stages"] enables."""
    stages = config["stages"]
    outputs = []
    if stages["figure1"]:
        outputs += get_figure1_outputs()
    if stages["toy"]:
        outputs += get_toy_outputs()
    if stages["spectral"]:
        outputs += get_spectral_outputs()
    if stages["timing"]:
        outputs += get_timing_outputs()
    if stages["macrophage"]:
        outputs += get_macrophage_outputs()
    if stages["macrophage_model"]:
        outputs += get_macrophage_model_outputs()
    if stages["networks"]:
        outputs += get_networks_outputs()  # defined in workflow/rules/networks.smk
    if stages["synthetic"]:
        outputs += get_synthetic_outputs()  # defined below
    return outputs


# ---- inputs --------------------------------------------------------------------------------
def get_ffnn_fits(wildcards=None):
    """One table of FFNN fits per mechanism (Fig. 1c)."""
    return expand(
        "results/figure1/ffnn/{mechanism}.tsv", mechanism=config["figure1"]["mechanisms"]
    )


def get_toy_network(wildcards=None):
    """The toy network, its annotation and its hand-set reference parameters."""
    toy = config["toy"]
    return {
        "network": toy["network"],
        "annotation": toy["annotation"],
        "reference": toy["parameters"],
    }


def get_toy_recipe_file(wildcards=None):
    """The recipe as an input file when config names a YAML file, nothing for a preset."""
    recipe = config["toy"]["recipe"]
    return [recipe] if recipe.endswith((".yaml", ".yml")) else []


# ---- inputs: macrophage data (workflow/rules/macrophage_data.smk) ------------------------
def get_macrophage_sample_sheet(wildcards=None):
    """The sample sheet given in config, else the one parsed from the SDRF."""
    return config["macrophage"]["inputs"]["sample_sheet"] or "results/macrophage/sample-sheet.tsv"


def get_macrophage_tf_scores(wildcards=None):
    """The per-array TF score table given in config, else the VIPER output."""
    return config["macrophage"]["inputs"]["tf_scores"] or "results/macrophage/tf-scores.tsv"


def get_macrophage_uniprot(wildcards=None):
    """The reviewed human UniProt table given in config, else the downloaded one."""
    return (
        config["macrophage"]["inputs"]["uniprot"]
        or "resources/macrophage/uniprot-human-reviewed.tsv"
    )


def get_macrophage_regulon(wildcards=None):
    """The DoRothEA regulon given in config, else the one downloaded through decoupler."""
    return config["macrophage"]["inputs"]["regulon"] or "resources/macrophage/dorothea-regulon.tsv"


def get_macrophage_outputs():
    """Final outputs of the macrophage data stage (for rule all)."""
    return [
        "results/macrophage/macrophage-TFs.tsv",
        "results/macrophage/macrophage-Ligands.tsv",
        "results/macrophage/tf-consistency.tsv",
    ]


def get_macrophage_model_outputs():
    """Final outputs of the macrophage model (workflow/rules/macrophage_model.smk)."""
    return ["results/macrophage/summary.tsv"] + [
        f"results/macrophage/figure6{panel}.png" for panel in "abcdef"
    ]


# ---- inputs: macrophage model (workflow/rules/macrophage_model.smk) -----------------------
def get_study_network(choice, allow_random=False):
    """{"network", "annotation"} for a study's ``network`` config value: a name of
    networks.use (get_network), a {model, annotation} pair, or (synthetic study) random.
    Names are checked against networks.use when the config is loaded (check_study_networks)."""
    if isinstance(choice, dict):
        return {"network": choice["model"], "annotation": choice["annotation"]}
    if allow_random and choice == "random":
        return {
            "network": "results/networks/random-Model.tsv",
            "annotation": "results/networks/random-Annotation.tsv",
        }
    chosen = get_network(choice)
    return {"network": chosen["model"], "annotation": chosen["annotation"]}


def get_macrophage_network(wildcards=None):
    """The macrophage model's network (config macrophage.network)."""
    return get_study_network(config["macrophage"]["network"])


def get_macrophage_recipe_file(wildcards=None):
    """The recipe as an input file when config names a YAML file, nothing for a preset."""
    recipe = config["macrophage"]["model"]["recipe"]
    return [recipe] if recipe.endswith((".yaml", ".yml")) else []


def get_macrophage_full_files(name):
    """``name`` of the full fit, one per seed."""
    return expand(
        "results/macrophage/full/seed~{seed}/{name}",
        seed=config["macrophage"]["model"]["seeds"],
        name=name,
    )


def get_macrophage_folds():
    """The left-out conditions, from checkpoint list_macrophage_folds."""
    import pandas as pd

    path = checkpoints.list_macrophage_folds.get().output.folds
    return [str(f) for f in pd.read_csv(path, sep="\t", dtype=str)["fold"]]


def get_macrophage_fold_files(control, name, exclude=()):
    """``name`` of every fold model (x seeds) of ``control`` (loocv or scrambled)."""
    folds = [f for f in get_macrophage_folds() if f not in exclude]
    return expand(
        "results/macrophage/{control}/{fold}/seed~{seed}/{name}",
        control=control,
        fold=folds,
        seed=config["macrophage"]["model"]["seeds"],
        name=name,
    )


def get_macrophage_knockout_models(wildcards=None):
    """Fold models of the knock-outs: every LOOCV model except the one that left the
    knock-out condition (TNFa) out."""
    condition = config["macrophage"]["knockout"]["condition"]
    return get_macrophage_fold_files("loocv", "parameters.tsv", exclude=[condition])


# ---- the synthetic study (workflow/rules/synthetic.smk) -------------------------------------
def synthetic_sweep():
    """The data-requirement sweep as a Paramspace: samples x ligands x seed, one row a point
    (paths like samples~400_ligands~5_seed~1)."""
    import itertools

    import pandas as pd
    from snakemake.utils import Paramspace

    sweep = config["synthetic"]["sweep"]
    points = pd.DataFrame(
        list(itertools.product(sweep["samples"], sweep["ligands"], sweep["seeds"])),
        columns=["samples", "ligands", "seed"],
    )
    return Paramspace(points, filename_params="*")


SYNTHETIC_SWEEP = synthetic_sweep()


def get_synthetic_network(wildcards=None):
    """The synthetic study's network (config synthetic.network; random: the generated one)."""
    return get_study_network(config["synthetic"]["network"], allow_random=True)


def get_synthetic_recipe_file(wildcards=None):
    """The recipe as an input file when config names a YAML file, nothing for a preset."""
    recipe = config["synthetic"]["recipe"]
    return [recipe] if recipe.endswith((".yaml", ".yml")) else []


def get_synthetic_sweep_files(name):
    """One file ``name`` per sweep point."""
    return expand(
        "results/synthetic/sweep/{point}/{name}",
        point=SYNTHETIC_SWEEP.instance_patterns,
        name=name,
    )


def get_synthetic_control_point():
    """The sweep point (samples, ligands, seed) the trained controls use."""
    controls = config["synthetic"]["controls"]
    return {key: controls[key] for key in ("samples", "ligands", "seed")}


def get_synthetic_control_files(name):
    return expand(
        "results/synthetic/controls/{control}/{name}",
        control=config["synthetic"]["controls"]["names"],
        name=name,
    )


def get_synthetic_control_inputs(wildcards):
    """Network, recipe, and what a control predicts from: its trained parameters, or (the
    mean predictor) the unscrambled training data."""
    inputs = dict(get_synthetic_network(), recipe=get_synthetic_recipe_file())
    if wildcards.control == "mean":
        inputs["train_tfs"] = "results/synthetic/controls/data/train-tfs.tsv"
    else:
        inputs["parameters"] = f"results/synthetic/controls/{wildcards.control}/parameters.tsv"
        inputs["train_tfs"] = f"results/synthetic/controls/{wildcards.control}/train-tfs.tsv"
    return inputs


def synthetic_references():
    """The reference-model suite as {name: spec dict}: config synthetic.references, or one
    member "paper" (the paper's objective with synthetic.reference.seed) when it is absent."""
    entries = config["synthetic"].get("references") or [
        {"name": "paper", "procedure": "objective", "seed": config["synthetic"]["reference"]["seed"]}
    ]
    return {entry["name"]: dict(entry) for entry in entries}


def synthetic_reference_member():
    """The member the sweep runs on (synthetic.reference_member, default the first)."""
    suite = synthetic_references()
    member = config["synthetic"].get("reference_member") or next(iter(suite))
    if member not in suite:
        raise ValueError(f"config error: synthetic.reference_member: {member!r} is not a member "
                         f"of synthetic.references (known: {', '.join(suite)})")
    return member


def get_reference_base(wildcards):
    """The base member's parameters when the member starts from another one."""
    spec = synthetic_references()[wildcards.reference]
    base = spec.get("base")
    return {"base": f"results/synthetic/references/{base}/parameters.tsv"} if base else {}


def get_synthetic_knockout_point():
    """The sweep point whose model is knocked out (synthetic.knockout.point, default the
    controls' point): a config choice, not the point with the best test r."""
    point = config["synthetic"]["knockout"].get("point") or get_synthetic_control_point()
    point = {key: int(point[key]) for key in ("samples", "ligands", "seed")}
    sweep = config["synthetic"]["sweep"]
    if not (point["samples"] in sweep["samples"] and point["ligands"] in sweep["ligands"]
            and point["seed"] in sweep["seeds"]):
        raise ValueError(f"config error: synthetic.knockout.point {point} is not a point of "
                         f"synthetic.sweep")
    return point


def get_synthetic_knockout_files(name):
    point = get_synthetic_knockout_point()
    return (f"results/synthetic/sweep/samples~{point['samples']}_ligands~{point['ligands']}"
            f"_seed~{point['seed']}/{name}")


def get_synthetic_outputs():
    """Final outputs of the synthetic study (for rule all)."""
    return [
        "results/synthetic/reference/parameters.tsv",
        "results/synthetic/references/summary.tsv",
        "results/synthetic/summary.tsv",
        "results/synthetic/figure4b.png",
        "results/synthetic/figure4c.png",
        "results/synthetic/figure4d.png",
        "results/synthetic/figure5b.png",
        "results/synthetic/figure5c.png",
        "results/synthetic/figure5d.png",
        "results/synthetic/figure5e.png",
        "results/synthetic/figure5f.png",
    ]


# ---- networks stage (issue 4): which network each stage uses ---------------------------
NETWORKS = config["networks"]
NETWORK_BUILDS = NETWORKS["build"]
NETWORK_MANIFEST = "resources/MANIFEST.tsv"
NETWORK_DOWNLOADS = {
    "omnipath": "resources/networks/omnipath-interactions.tsv.gz",
    "ligand_receptor": "resources/networks/ligand-receptor.tsv",
    "dorothea": "resources/networks/dorothea-regulon.tsv",
    "uniprot": "resources/networks/uniprot-human-reviewed.tsv",
}


def get_network(name):
    """The network downstream rules use for `name`: {"model": path, "annotation": path}.

    config["networks"]["use"][name] is either "omnipath" (the reconstruction below) or a
    mapping with the paths of an existing Model/Annotation pair.
    """
    choice = NETWORKS["use"].get(name)
    if choice is None:
        raise WorkflowError(
            f"config error: networks.use: no network named {name!r} "
            f"(known: {', '.join(NETWORKS['use'])})"
        )
    if choice == "omnipath":
        if name not in NETWORK_BUILDS:
            raise WorkflowError(
                f"config error: networks.use.{name} is 'omnipath' but networks.build "
                f"has no entry {name!r} saying how to reconstruct it"
            )
        return {
            "model": f"results/networks/{name}-Model.tsv",
            "annotation": f"results/networks/{name}-Annotation.tsv",
        }
    return {"model": choice["model"], "annotation": choice["annotation"]}


def get_network_files(wildcards):
    """get_network for the {name} wildcard of a rule."""
    return get_network(wildcards.name)


def get_network_download(kind):
    """A downloaded input: the local copy named in config, else the download rule's output."""
    return NETWORKS["downloads"][kind].get("local") or NETWORK_DOWNLOADS[kind]


def get_network_build_extras(wildcards):
    """The optional inputs of classify_nodes: pseudo-ligand map and TFs with data."""
    build = NETWORK_BUILDS[wildcards.name]
    extras = {}
    if build.get("ligand_map"):
        extras["ligand_map"] = build.get("ligand_map")
    if build.get("tf_data"):
        extras["tf_data"] = build.get("tf_data")
    return extras


def get_networks_outputs():
    """Final outputs of the networks stage (for the all rule), a summary and a drawing each."""
    return expand(
        ["results/networks/{name}-summary.tsv", "results/networks/{name}-network.png"],
        name=list(NETWORKS["use"]),
    )


def _download_params(kind):
    entry = NETWORKS["downloads"][kind]
    return {
        "url": entry["url"],
        "sha256": entry.get("sha256") or None,
        "timeout": NETWORKS["downloads"]["timeout"],
        "manifest": NETWORK_MANIFEST,
        "config_key": f"networks.downloads.{kind}.local",
    }


BUILD_NAMES = "|".join(NETWORK_BUILDS) or "__none__"
USE_NAMES = "|".join(NETWORKS["use"]) or "__none__"
