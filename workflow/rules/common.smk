# Helpers, not work: validate the config, make the library importable by the scripts, and
# turn config into paths (the get_... input functions). Rules live in the stage files.
import os
import re
import sys
from pathlib import Path

import jsonschema
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate


# ---- config --------------------------------------------------------------------------------
# The default configuration: config/config.yaml of the working directory (the Snakefile's
# configfile:), or, when the working directory has none and --configfile names the user's
# own files, the workflow's own copy beside the Snakefile.
DEFAULT_CONFIG = "config/config.yaml"


def config_files():
    """The config files read, highest precedence first (the command line's, then the
    default); relative to the working directory when they lie in it."""

    def shown(path):
        path = Path(path).absolute()
        return str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)

    given = [shown(path) for path in workflow.overwrite_configfiles or []][::-1]
    return given + [shown(path) for path in workflow.configfiles if shown(path) not in given]


def load_default_config(config):
    """Under --configfile, from a working directory with no config/config.yaml (snakemake
    --directory, or -s path/to/Snakefile from elsewhere): take the defaults from the
    workflow's own config/config.yaml, under the command line's values; one line says so."""
    from snakemake.common.configfile import load_configfile
    from snakemake.utils import update_config

    own = Path(workflow.basedir) / DEFAULT_CONFIG
    if Path(DEFAULT_CONFIG).exists() or not workflow.overwrite_configfiles or not own.exists():
        return
    defaults = load_configfile(str(own))
    update_config(defaults, dict(config))
    config.clear()
    config.update(defaults)
    workflow.configfiles.append(str(own))
    print(f"config: no {DEFAULT_CONFIG} in the working directory {os.getcwd()}; the defaults "
          f"come from {own}, under {', '.join(config_files()[:-1])}", file=sys.stderr)


def config_source(parts):
    """The config file that sets the key ``parts`` (a list of names), highest precedence
    first; for a key no file sets, the file that sets its nearest parent; None when
    nothing matches."""
    import yaml

    best, depth = None, -1
    for name in config_files():
        try:
            node = yaml.safe_load(Path(name).read_text()) or {}
        except (OSError, yaml.YAMLError):
            continue
        found = 0
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                break
            node, found = node[part], found + 1
        if found > depth:
            best, depth = name, found
    return best


def config_error_message(error):
    """One line naming the config file, the key and what is wrong with it."""
    problem = next((a for a in error.args if isinstance(a, jsonschema.ValidationError)), None)
    if problem is None:
        problem = error.__context__
    if not isinstance(problem, jsonschema.ValidationError):
        return " ".join(str(error).split())
    parts = [str(part) for part in problem.absolute_path]
    where = ".".join(parts) or "(top level)"
    message = " ".join(problem.message.split())
    if len(message) > 200:
        message = f"{message[:200]}..."
    source = config_source(parts)
    files = ", ".join(config_files()) or "no config file"
    if not parts and problem.validator == "required":
        return (f"{where}: {message} (read from {files}; a config given with --configfile "
                f"is laid over {DEFAULT_CONFIG}, which holds every required key)")
    return f"{source or files}: {where}: {message}"


def config_error(message, key=None):
    """Stop with one line on stderr: what the user sees for a bad config. ``key`` (dotted)
    names the config key the message is about: the file that sets it starts the line."""
    source = config_source(key.split(".")) if key else None
    where = f"{source}: " if source else ""
    print(f"config error: {where}{message}", file=sys.stderr)
    sys.exit(1)


def validate_config(config):
    """Validate against the schema (filling in defaults); a bad key exits with one line."""
    try:
        validate(config, "../schemas/config.schema.yaml")
    except WorkflowError as error:
        config_error(config_error_message(error))


load_default_config(config)
validate_config(config)


def check_study_networks(config):
    """A study's network named by a string must be a network of networks.use."""
    known = list(config["networks"]["use"])
    for key, choice, extra in (("synthetic.network", config["synthetic"]["network"], ["random"]),):
        if isinstance(choice, str) and choice not in known + extra:
            config_error(f"{key}: {choice!r} is not a network of networks.use (known: "
                         f"{', '.join(known + extra)})", key=key)


check_study_networks(config)


# ---- where this configuration writes ---------------------------------------------------------
# Every rule writes under results_root and logs under logs_root, so that configurations with
# their own roots (config/offline.yaml, config/paper-reference.yaml) never overwrite or
# invalidate each other's outputs.
RESULTS = config["results_root"].rstrip("/")
LOGS = config["logs_root"].rstrip("/")
BENCHMARKS = config["benchmarks_root"].rstrip("/")


def results_path(path):
    """``path`` under this configuration's results root (config results_root)."""
    return f"{RESULTS}/{path}"


def log_path(path):
    """``path`` under this configuration's log root (config logs_root)."""
    return f"{LOGS}/{path}"


def generated_caption(path):
    """A report caption that a rule writes (under results_root) from its own numbers, as an
    absolute path: captions are otherwise looked up beside the rule file."""
    return os.path.abspath(results_path(path))


def caption_template(name):
    """A caption template of workflow/report/ (filled in by the rule that draws the figure)."""
    return str(Path(workflow.basedir) / "workflow" / "report" / name)


def benchmark_path(path):
    """``path`` under this configuration's benchmark root (config benchmarks_root)."""
    return f"{BENCHMARKS}/{path}"


# ---- the paper's released files (workflow/rules/paper_release.smk) -------------------------
PAPER_RELEASE = config["paper_release"]
PAPER_PREFIX = "paper-release:"


def paper_release_manifest():
    """The checked-in manifest as {file: {release_path, commit, sha256}}; a relative path is
    looked up in the working directory, then beside the Snakefile. None when absent (an
    error only once a paper-release: value is used)."""
    import pandas as pd

    path = Path(PAPER_RELEASE["manifest"])
    if not path.exists() and not path.is_absolute():
        path = Path(workflow.basedir) / path
    if not path.exists():
        return None
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    return table.set_index("file").to_dict("index")


PAPER_FILES = paper_release_manifest()


def get_paper_file_url(name):
    """The pinned URL of a released file (config paper_release.url, manifest commit)."""
    if LIBRARY not in sys.path:
        sys.path.insert(0, LIBRARY)
    from signet.io.download import release_url

    entry = PAPER_FILES[name]
    return release_url(PAPER_RELEASE["url"], entry["commit"], entry["release_path"])


def paper_mirror():
    """The local mirror of the released files, or None when absent (then they download)."""
    mirror = PAPER_RELEASE["mirror"]
    return mirror if mirror and Path(mirror).is_dir() else None


def resolve_input(value):
    """A config path; ``paper-release:FILE`` becomes the mirror's copy of FILE when the mirror
    exists, else the download rule's output resources/paper-release/FILE."""
    if not isinstance(value, str) or not value.startswith(PAPER_PREFIX):
        return value
    name = value[len(PAPER_PREFIX):]
    if PAPER_FILES is None:
        config_error(f"{value}: the manifest {PAPER_RELEASE['manifest']} "
                     "(paper_release.manifest) does not exist")
    if name not in PAPER_FILES:
        config_error(f"{value}: {name!r} is not a file of {PAPER_RELEASE['manifest']}")
    mirror = paper_mirror()
    return f"{mirror}/{name}" if mirror else f"resources/paper-release/{name}"

# ---- executor ---------------------------------------------------------------------------------
# Commands each cluster executor needs on the submitting machine.
EXECUTOR_COMMANDS = {"slurm": ["sbatch", "squeue", "sacct", "scancel"]}


def check_executor(executor_name):
    """Stop with one line, before any job starts, when the executor's commands are missing
    (e.g. --profile profiles/slurm on a machine without Slurm)."""
    import shutil

    missing = [c for c in EXECUTOR_COMMANDS.get(executor_name, []) if shutil.which(c) is None]
    if missing:
        print(f"error: the {executor_name} executor needs {', '.join(missing)}, not found on "
              f"PATH here: run on the cluster's submit host, or without --profile "
              f"profiles/{executor_name} to run locally", file=sys.stderr)
        sys.exit(1)


onstart:
    check_executor(getattr(workflow.executor_plugin, "name", None))


# The scripts import signet from this checkout, so that a conda environment (which cannot
# pip-install the repository) runs the same code as the project's virtual environment.
LIBRARY = str(Path(workflow.basedir) / "workflow" / "lib")
if LIBRARY not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ.update(
        PYTHONPATH=os.pathsep.join(p for p in (LIBRARY, os.environ.get("PYTHONPATH")) if p)
    )


wildcard_constraints:
    mechanism="|".join(config["figure1"]["mechanisms"]),


# ---- paths several rules share ---------------------------------------------------------------
# the download manifest (path, url, date, size, sha256 of every downloaded input)
MANIFEST = "resources/MANIFEST.tsv"
# the macrophage condition tables: written by make_tf_table, read by the model rules
MACROPHAGE_TFS = results_path("macrophage/macrophage-TFs.tsv")
MACROPHAGE_LIGANDS = results_path("macrophage/macrophage-Ligands.tsv")


# ---- final outputs per stage ---------------------------------------------------------------
def get_figure1_outputs():
    return [
        results_path("figure1/figure1a.png"),
        results_path("figure1/figure1b.png"),
        results_path("figure1/figure1c.png"),
        results_path("figure1/ffnn-fits.tsv"),
    ]


def get_toy_outputs():
    return [results_path("toy/figure2.png"), results_path("toy/evaluation/summary.tsv")]


def get_spectral_outputs():
    return [results_path("spectral/figure3.png")]


def get_timing_outputs():
    return [results_path("timing/supplementary-figure5.png"), results_path("timing/trend.tsv")]


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
    if stages["studies"]:
        outputs += get_studies_outputs()  # defined in workflow/rules/studies.smk
    if stages["networks"]:
        outputs += get_networks_outputs()  # defined in workflow/rules/networks.smk
    if stages["synthetic"]:
        outputs += get_synthetic_outputs()  # defined below
    return outputs


# ---- inputs --------------------------------------------------------------------------------
def get_ffnn_fits(wildcards=None):
    """One table of FFNN fits per mechanism (Fig. 1c)."""
    return expand(
        results_path("figure1/ffnn/{mechanism}.tsv"), mechanism=config["figure1"]["mechanisms"]
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
    return resolve_input(config["macrophage"]["inputs"]["sample_sheet"]) or results_path("macrophage/sample-sheet.tsv")


def get_macrophage_tf_scores(wildcards=None):
    """The per-array TF score table given in config, else the VIPER output."""
    return resolve_input(config["macrophage"]["inputs"]["tf_scores"]) or results_path("macrophage/tf-scores.tsv")


def get_macrophage_uniprot(wildcards=None):
    """The reviewed human UniProt table given in config, else the downloaded one."""
    return (
        resolve_input(config["macrophage"]["inputs"]["uniprot"])
        or "resources/macrophage/uniprot-human-reviewed.tsv"
    )


def get_macrophage_regulon(wildcards=None):
    """The DoRothEA regulon given in config, else the one downloaded through decoupler."""
    return resolve_input(config["macrophage"]["inputs"]["regulon"]) or "resources/macrophage/dorothea-regulon.tsv"


def get_macrophage_outputs():
    """Final outputs of the macrophage data stage (for rule all)."""
    return [
        MACROPHAGE_TFS,
        MACROPHAGE_LIGANDS,
        results_path("macrophage/tf-consistency.tsv"),
    ]


# ---- studies (workflow/rules/studies.smk) --------------------------------------------------
STUDIES_ROOT = results_path("studies")


def study_path(*parts):
    """A path under the studies' results root: study_path("{study}", "summary.tsv")."""
    return "/".join([STUDIES_ROOT, *parts])


def check_studies(studies):
    """A study's network.use must name a network of networks.use (the recipe and the data
    are checked by checkpoint prepare_study, before any training)."""
    for name, study in studies.items():
        network = study["network"]
        if "use" in network and network["use"] not in config["networks"]["use"]:
            config_error(
                f"studies.{name}.network.use: {network['use']!r} is not a network of "
                f"networks.use (known: {', '.join(config['networks']['use'])})",
                key=f"studies.{name}.network.use",
            )


check_studies(config["studies"])


def get_study_network_inputs(wildcards):
    """{"network", "annotation"} of a study: a name of networks.use or a file pair."""
    network = config["studies"][wildcards.study]["network"]
    if "use" in network:
        chosen = get_network(network["use"])
        return {"network": chosen["model"], "annotation": chosen["annotation"]}
    return {"network": network["model"], "annotation": network["annotation"]}


def get_study_inputs(wildcards):
    """Network, ligand and TF tables, and the fold file when the folds come from one."""
    study = config["studies"][wildcards.study]
    inputs = dict(get_study_network_inputs(wildcards), ligands=study["ligands"], tfs=study["tfs"])
    if study["folds"]["method"] == "file":
        inputs["fold_file"] = study["folds"]["path"]
    return inputs


def get_study_recipe_file(wildcards):
    """The recipe as an input file when the study names a YAML file, nothing for a preset."""
    recipe = config["studies"][wildcards.study]["recipe"]
    return [recipe] if recipe.endswith((".yaml", ".yml")) else []


def study_folds_at_planning(study):
    """Whether a study's folds are computed when the workflow is planned: its ligand table
    (and fold file) are the user's own files, present now. Tables under results_root are
    made by the workflow: their folds come from checkpoint prepare_study once they exist."""
    settings = config["studies"][study]
    paths = [settings["ligands"]]
    if settings["folds"]["method"] == "file":
        paths.append(settings["folds"]["path"])
    return all(Path(p).is_file() and not str(p).startswith(f"{RESULTS}/") for p in paths)


STUDY_FOLDS = {}


def get_study_fold_table(study):
    """``condition, fold`` of a study: from its own tables when they are given (so that
    snakemake -n lists every training job), else from checkpoint prepare_study. A table that
    cannot be read or folded is one config error line."""
    import pandas as pd

    if study in STUDY_FOLDS:
        return STUDY_FOLDS[study]
    if not study_folds_at_planning(study):
        path = checkpoints.prepare_study.get(study=study).output.folds
        return pd.read_csv(path, sep="\t", dtype=str)
    if LIBRARY not in sys.path:
        sys.path.insert(0, LIBRARY)
    from signet.errors import SignetInputError
    from signet.eval.crossval import make_folds
    from signet.io import read_conditions

    settings = config["studies"][study]
    folds = settings["folds"]
    try:
        STUDY_FOLDS[study] = make_folds(read_conditions(settings["ligands"], "ligand"),
                                        folds["method"], k=folds.get("k"),
                                        seed=folds.get("seed", 0), path=folds.get("path"))
    except SignetInputError as err:
        config_error(f"studies.{study}.folds: {err if err.path else err.message}",
                     key=f"studies.{study}.folds")
    return STUDY_FOLDS[study]


def get_study_folds(study):
    """The fold names of a study (get_study_fold_table)."""
    return list(dict.fromkeys(get_study_fold_table(study)["fold"]))


def get_study_left_out(wildcards):
    """The conditions a model's fold leaves out (none for the full fit): a parameter of the
    training job, so that a model is retrained when its fold changes, and only then."""
    if wildcards.study_control == "full":
        return []
    folds = get_study_fold_table(wildcards.study)
    left_out = list(folds.loc[folds["fold"] == wildcards.study_fold, "condition"])
    if not left_out:
        raise WorkflowError(f"studies.{wildcards.study}: {wildcards.study_fold!r} is not a "
                            f"fold of the study (folds: {', '.join(get_study_folds(wildcards.study))})")
    return left_out


def get_study_checks(wildcards):
    """What checkpoint prepare_study checks (folds, recipe, knock-outs, value ranges): its
    parameters, so that adding seeds or changing threads does not remake the data and the
    models."""
    settings = config["studies"][wildcards.study]
    return {key: settings.get(key)
            for key in ("folds", "recipe", "knockouts", "allow_out_of_range")}


STUDY_COST_SAID = set()


def say_study_cost(study, folds=None):
    """One line, once per study, with the number of models the run trains."""
    if study in STUDY_COST_SAID:
        return
    STUDY_COST_SAID.add(study)
    settings = config["studies"][study]
    seeds, scrambled = len(settings["seeds"]), bool(settings["scrambled"])
    full = f"{seeds} full fit{'s' if seeds > 1 else ''}"
    per_fold = f"{seeds} seed{'s' if seeds > 1 else ''}{' + 1 scrambled' if scrambled else ''}"
    if folds is None:
        print(f"study {study}: {full} and {seeds + scrambled} models per fold ({per_fold}); "
              f"the folds are known once {settings['ligands']} is made (checkpoint "
              "prepare_study)", file=sys.stderr)
        return
    total = seeds + len(folds) * (seeds + scrambled)
    print(f"study {study}: {total} models ({full}, {len(folds)} folds x ({per_fold}))",
          file=sys.stderr)


def get_study_model_files(study, control, name="predictions.tsv"):
    """``name`` of every model of ``control`` (full: one per seed; cv: one per fold x seed;
    scrambled: one per fold, with the first seed, or none when the study has no scrambled
    control)."""
    from snakemake.exceptions import IncompleteCheckpointException

    settings = config["studies"][study]
    try:
        folds = get_study_folds(study)
    except IncompleteCheckpointException:
        say_study_cost(study)
        raise
    say_study_cost(study, folds)
    if control == "scrambled" and not settings["scrambled"]:
        return []
    folds = ["all"] if control == "full" else folds
    seeds = settings["seeds"][:1] if control == "scrambled" else settings["seeds"]
    return expand(
        study_path(study, "models", control, "{fold}", "seed~{seed}", name),
        fold=folds,
        seed=seeds,
    )


def study_report_labels(result):
    """Report labels of a study's table or figure: what it is, and whether the study's
    cross-validation r is above its scrambled control's (read from the summary when the
    report is made)."""

    def labels(wildcards):
        import pandas as pd

        if LIBRARY not in sys.path:
            sys.path.insert(0, LIBRARY)
        from signet.eval.crossval import control_label

        path = study_path(wildcards.study, "summary.tsv")
        verdict = "not evaluated yet (no summary.tsv)"
        if Path(path).exists():
            verdict = control_label(pd.read_csv(path, sep="\t", index_col="metric")["value"])
        return {"result": result, "CV r against the scrambled control": verdict}

    return labels


def get_study_knockouts(wildcards):
    """A study's knock-out settings; asking for the knock-outs of a study without them is
    one config error line."""
    settings = config["studies"][wildcards.study].get("knockouts")
    if not settings:
        config_error(f"studies.{wildcards.study}.knockouts is not set, so the study has no "
                     "knockouts.tsv or knockouts.png: add knockouts: {conditions: [...], "
                     "tfs: [...]} to the study (config/README.md), or ask for "
                     f"{study_path(wildcards.study, 'all.done')}", key=f"studies.{wildcards.study}")
    return settings


def get_study_knockout_models(wildcards):
    get_study_knockouts(wildcards)
    return get_study_model_files(wildcards.study, "cv", "parameters.tsv")


def get_study_outputs(wildcards):
    """Everything of one study: the summary and the tables, the figures, and the knock-outs
    when the study has them."""
    study = wildcards.study
    outputs = [study_path(study, name) for name in (
        "summary.tsv", "cv-predictions.tsv", "fit-predictions.tsv", "per-condition.tsv",
        "per-tf.tsv", "cv-predictions.png", "per-condition-r.png")]
    if config["studies"][study].get("knockouts"):
        outputs += [study_path(study, name) for name in (
            "knockouts.tsv", "knockouts-per-model.tsv.gz", "knockouts.png")]
    return outputs


def get_studies_outputs():
    """Every study of config, each by its all.done target (for rule all)."""
    return [study_path(name, "all.done") for name in config["studies"]]


def get_study_network(choice, allow_random=False):
    """{"network", "annotation"} for a study's ``network`` config value: a name of
    networks.use (get_network), a {model, annotation} pair, or (synthetic study) random.
    Names are checked against networks.use when the config is loaded (check_study_networks)."""
    if isinstance(choice, dict):
        return {"network": resolve_input(choice["model"]),
                "annotation": resolve_input(choice["annotation"])}
    if allow_random and choice == "random":
        return {
            "network": results_path("networks/random-Model.tsv"),
            "annotation": results_path("networks/random-Annotation.tsv"),
        }
    chosen = get_network(choice)
    return {"network": chosen["model"], "annotation": chosen["annotation"]}


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
        results_path("synthetic/sweep/{point}/{name}"),
        point=SYNTHETIC_SWEEP.instance_patterns,
        name=name,
    )


def get_synthetic_control_point():
    """The sweep point (samples, ligands, seed) the trained controls use."""
    controls = config["synthetic"]["controls"]
    return {key: controls[key] for key in ("samples", "ligands", "seed")}


def get_synthetic_control_files(name):
    return expand(
        results_path("synthetic/controls/{control}/{name}"),
        control=config["synthetic"]["controls"]["names"],
        name=name,
    )


def get_synthetic_control_inputs(wildcards):
    """Network, recipe, and what a control predicts from: its trained parameters, or (the
    mean predictor) the unscrambled training data."""
    inputs = dict(get_synthetic_network(), recipe=get_synthetic_recipe_file())
    if wildcards.control == "mean":
        inputs["train_tfs"] = results_path("synthetic/controls/data/train-tfs.tsv")
    else:
        inputs["parameters"] = f"{RESULTS}/synthetic/controls/{wildcards.control}/parameters.tsv"
        inputs["train_tfs"] = f"{RESULTS}/synthetic/controls/{wildcards.control}/train-tfs.tsv"
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
        config_error(f"synthetic.reference_member: {member!r} is not a member of "
                     f"synthetic.references (known: {', '.join(suite)})")
    return member


def get_reference_inputs(wildcards):
    """What a member starts from: the base member's parameters (``base``), or the table a
    released member is (``procedure: released``, ``parameters``: a path or
    paper-release:FILE)."""
    spec = synthetic_references()[wildcards.reference]
    if spec.get("procedure") == "released":
        return {"released": resolve_input(spec["parameters"])}
    base = spec.get("base")
    return {"base": f"{RESULTS}/synthetic/references/{base}/parameters.tsv"} if base else {}


# ---- the training sets: drawn by the paper's protocol, or the paper's released ones --------
RELEASED_POINTS = {}


def synthetic_training_data():
    """synthetic.training_data: {source: drawn} (each point's conditions drawn by the paper's
    protocol from the point's seed) or {source: released, conditions, ligands} (each point
    trains on the paper's own released table of its size)."""
    return config["synthetic"]["training_data"]


def get_released_points_file(wildcards=None):
    """The released sweep's table of points (synthetic.training_data.conditions)."""
    return resolve_input(synthetic_training_data()["conditions"])


def synthetic_trained_points():
    """{config key: [(samples, ligands), ...]}: the points the study trains on."""
    sweep = config["synthetic"]["sweep"]
    points = {"synthetic.sweep": [(s, lig) for s in sweep["samples"] for lig in sweep["ligands"]]}
    if config["synthetic"]["controls"]["names"]:
        control = get_synthetic_control_point()
        points["synthetic.controls"] = [(control["samples"], control["ligands"])]
    return points


def released_point_indices():
    """{(samples, ligands): Index} of the released sweep. The table is read when the workflow
    is planned if it is here (the local mirror, or an earlier download), so that snakemake -n
    lists every job; else once checkpoint check_released_points has it. A point the study
    trains on that the table lacks is a config error naming its key."""
    if RELEASED_POINTS:
        return RELEASED_POINTS
    if LIBRARY not in sys.path:
        sys.path.insert(0, LIBRARY)
    from signet.errors import SignetInputError
    from signet.studies.synthetic.released import read_sweep_points, sweep_point_index

    given = get_released_points_file()
    path = given if Path(given).is_file() else checkpoints.check_released_points.get().output[0]
    try:
        table = read_sweep_points(path)
    except SignetInputError as err:
        config_error(f"synthetic.training_data.conditions: {err}")
    indices = {}
    for key, points in synthetic_trained_points().items():
        for samples, ligands in points:
            try:
                indices[samples, ligands] = sweep_point_index(table, samples, ligands, given)
            except SignetInputError as err:
                config_error(f"{key}: {err}; every trained point needs its released table "
                             "(synthetic.training_data: released)")
    RELEASED_POINTS.update(indices)
    return RELEASED_POINTS


def get_synthetic_training_set(point=None):
    """An input function: a point's released ligand table and the table of points when the
    training data are released (synthetic.training_data.source), nothing when they are
    drawn. ``point``: a fixed point (the controls'), else the job's wildcards."""

    def inputs(wildcards):
        data = synthetic_training_data()
        if data["source"] != "released":
            return {}
        chosen = point or {"samples": wildcards.samples, "ligands": wildcards.ligands}
        index = released_point_indices()[int(chosen["samples"]), int(chosen["ligands"])]
        return {"released_points": get_released_points_file(),
                "released_ligands": resolve_input(data["ligands"].replace("{index}", str(index)))}

    return inputs


def synthetic_on_released_reference():
    """Whether the study's reference is a released member (procedure: released): only then
    are the paper's released models' test r a bar for ours in the summary."""
    return synthetic_references()[synthetic_reference_member()].get("procedure") == "released"


def get_synthetic_knockout_point():
    """The sweep point whose model is knocked out (synthetic.knockout.point, default the
    controls' point): a config choice, not the point with the best test r."""
    point = config["synthetic"]["knockout"].get("point") or get_synthetic_control_point()
    point = {key: int(point[key]) for key in ("samples", "ligands", "seed")}
    sweep = config["synthetic"]["sweep"]
    if not (point["samples"] in sweep["samples"] and point["ligands"] in sweep["ligands"]
            and point["seed"] in sweep["seeds"]):
        config_error(f"synthetic.knockout.point {point} is not a point of synthetic.sweep")
    return point


def get_synthetic_knockout_files(name):
    point = get_synthetic_knockout_point()
    return (f"{RESULTS}/synthetic/sweep/samples~{point['samples']}_ligands~{point['ligands']}"
            f"_seed~{point['seed']}/{name}")


def get_synthetic_outputs():
    """Final outputs of the synthetic study (for rule all)."""
    return [
        results_path("synthetic/reference/parameters.tsv"),
        results_path("synthetic/references/summary.tsv"),
        results_path("synthetic/summary.tsv"),
        results_path("synthetic/figure4b.png"),
        results_path("synthetic/figure4c.png"),
        results_path("synthetic/figure4d.png"),
        results_path("synthetic/figure5b.png"),
        results_path("synthetic/figure5c.png"),
        results_path("synthetic/figure5d.png"),
        results_path("synthetic/figure5e.png"),
        results_path("synthetic/figure5f.png"),
    ]


# ---- networks stage: which network each stage uses ---------------------------------------
NETWORKS = config["networks"]
NETWORK_BUILDS = NETWORKS["build"]
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
            "model": f"{RESULTS}/networks/{name}-Model.tsv",
            "annotation": f"{RESULTS}/networks/{name}-Annotation.tsv",
        }
    return {"model": resolve_input(choice["model"]),
            "annotation": resolve_input(choice["annotation"])}


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
        [results_path("networks/{name}-summary.tsv"), results_path("networks/{name}-network.png")],
        name=list(NETWORKS["use"]),
    )


def _download_params(kind):
    entry = NETWORKS["downloads"][kind]
    return {
        "url": entry["url"],
        "sha256": entry.get("sha256") or None,
        "timeout": NETWORKS["downloads"]["timeout"],
        "manifest": MANIFEST,
        "config_key": f"networks.downloads.{kind}.local",
    }


BUILD_NAMES = "|".join(NETWORK_BUILDS) or "__none__"
USE_NAMES = "|".join(NETWORKS["use"]) or "__none__"
