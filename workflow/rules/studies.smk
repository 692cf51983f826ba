# Studies on any network (config `studies:`, see config/README.md and docs/studies.md): per
# study a full fit, cross-validation (one job per fold x seed), the scrambled control (one job
# per fold, with the first seed, TF rows permuted by a seeded derangement), knock-outs with every fold model
# that trained on the knock-out condition, a summary, tables and figures under
# results/studies/<name>/ (study_path in common.smk); results/studies/<name>/all.done builds
# all of it. The macrophage study of Fig. 6 is the entry `studies: macrophage:`.
#
# The folds depend on the data (loo and kfold use the conditions that can be left out).
# Checkpoint prepare_study checks the tables against the network and writes them with the
# folds before any training. When the tables are the user's own files the folds are also
# computed at planning (get_study_fold_table), so `snakemake -n` lists every training job;
# tables the workflow makes (the macrophage study) have their fold jobs expanded from the
# checkpoint's output. A training job takes the fold's conditions as a parameter and the
# folds file as ancient input: adding seeds or changing knock-outs keeps finished models.


localrules:
    prepare_study,
    evaluate_study,
    plot_study_predictions,
    plot_study_knockouts,
    build_study,


wildcard_constraints:
    study="|".join(config["studies"]) or "__none__",
    study_control="full|cv|scrambled",
    study_fold="[A-Za-z0-9][A-Za-z0-9_.+=-]*",
    study_seed="[0-9]+",


checkpoint prepare_study:
    input:
        unpack(get_study_inputs),
        recipe=get_study_recipe_file,
    output:
        ligands=study_path("{study}", "data", "ligands.tsv"),
        tfs=study_path("{study}", "data", "tfs.tsv"),
        folds=study_path("{study}", "data", "folds.tsv"),
    log:
        log_path("studies/{study}/prepare_study.log"),
    params:
        settings=get_study_checks,
        key=lambda wildcards: f"studies.{wildcards.study}",
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/prepare_study.py"


rule train_study_model:
    input:
        unpack(get_study_network_inputs),
        # the study's own tables (not the rewritten data/ copies: a rewritten value can parse
        # to a double one ulp away), checked again by the script as prepare_study did
        ligands=lambda wildcards: config["studies"][wildcards.study]["ligands"],
        tfs=lambda wildcards: config["studies"][wildcards.study]["tfs"],
        folds=ancient(study_path("{study}", "data", "folds.tsv")),
        recipe=get_study_recipe_file,
    output:
        parameters=study_path(
            "{study}", "models", "{study_control}", "{study_fold}", "seed~{study_seed}",
            "parameters.tsv"
        ),
        predictions=study_path(
            "{study}", "models", "{study_control}", "{study_fold}", "seed~{study_seed}",
            "predictions.tsv"
        ),
        training_log=study_path(
            "{study}", "models", "{study_control}", "{study_fold}", "seed~{study_seed}",
            "training-log.tsv"
        ),
        checkpoint=study_path(
            "{study}", "models", "{study_control}", "{study_fold}", "seed~{study_seed}",
            "model.pt"
        ),
    log:
        log_path("studies/{study}/train_study_model/{study_control}/{study_fold}/seed~{study_seed}.log"),
    benchmark:
        benchmark_path("studies/{study}/train_study_model/{study_control}/{study_fold}/seed~{study_seed}.tsv")
    params:
        left_out=get_study_left_out,
        recipe=lambda wildcards: config["studies"][wildcards.study]["recipe"],
        epochs=lambda wildcards: config["studies"][wildcards.study].get("epochs"),
        scrambled_seed=lambda wildcards: (
            config["studies"][wildcards.study]["scrambled_seed"]
            if wildcards.study_control == "scrambled"
            else None
        ),
    threads: lambda wildcards: config["studies"][wildcards.study]["threads"]
    resources:
        mem_mb=4000,
        runtime=lambda wildcards: config["studies"][wildcards.study]["runtime_minutes"],
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/train_study_model.py"


rule evaluate_study:
    input:
        tfs=study_path("{study}", "data", "tfs.tsv"),
        folds=study_path("{study}", "data", "folds.tsv"),
        full=lambda wildcards: get_study_model_files(wildcards.study, "full"),
        cv=lambda wildcards: get_study_model_files(wildcards.study, "cv"),
        scrambled=lambda wildcards: get_study_model_files(wildcards.study, "scrambled"),
    output:
        summary=report(
            study_path("{study}", "summary.tsv"),
            caption="../report/study-summary.rst",
            category="Studies",
            subcategory="{study}",
            labels=study_report_labels("summary"),
        ),
        cv_predictions=study_path("{study}", "cv-predictions.tsv"),
        fit_predictions=study_path("{study}", "fit-predictions.tsv"),
        per_condition=study_path("{study}", "per-condition.tsv"),
        per_tf=study_path("{study}", "per-tf.tsv"),
    log:
        log_path("studies/{study}/evaluate_study.log"),
    params:
        seeds=lambda wildcards: config["studies"][wildcards.study]["seeds"],
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/evaluate_study.py"


rule knockout_study:
    input:
        unpack(get_study_network_inputs),
        ligands=study_path("{study}", "data", "ligands.tsv"),
        folds=study_path("{study}", "data", "folds.tsv"),
        recipe=get_study_recipe_file,
        parameters=get_study_knockout_models,
    output:
        knockouts=study_path("{study}", "knockouts.tsv"),
        per_model=study_path("{study}", "knockouts-per-model.tsv.gz"),
    log:
        log_path("studies/{study}/knockout_study.log"),
    benchmark:
        benchmark_path("studies/{study}/knockout_study.tsv")
    params:
        settings=get_study_knockouts,
        recipe=lambda wildcards: config["studies"][wildcards.study]["recipe"],
        key=lambda wildcards: f"studies.{wildcards.study}.knockouts",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/knockout_study.py"


rule plot_study_predictions:
    input:
        cv_predictions=study_path("{study}", "cv-predictions.tsv"),
        per_condition=study_path("{study}", "per-condition.tsv"),
        summary=study_path("{study}", "summary.tsv"),
    output:
        cv=report(
            study_path("{study}", "cv-predictions.png"),
            caption="../report/study-cv-predictions.rst",
            category="Studies",
            subcategory="{study}",
            labels=study_report_labels("predictions per left-out condition"),
        ),
        per_condition=report(
            study_path("{study}", "per-condition-r.png"),
            caption="../report/study-per-condition-r.rst",
            category="Studies",
            subcategory="{study}",
            labels=study_report_labels("r per left-out condition"),
        ),
    log:
        log_path("studies/{study}/plot_study_predictions.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_study_predictions.py"


rule plot_study_knockouts:
    input:
        knockouts=study_path("{study}", "knockouts.tsv"),
    output:
        figure=report(
            study_path("{study}", "knockouts.png"),
            caption="../report/study-knockouts.rst",
            category="Studies",
            subcategory="{study}",
            labels=study_report_labels("knock-outs"),
        ),
    log:
        log_path("studies/{study}/plot_study_knockouts.log"),
    params:
        top=lambda wildcards: get_study_knockouts(wildcards)["top"],
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_study_knockouts.py"


rule build_study:
    input:
        get_study_outputs,
    output:
        touch(study_path("{study}", "all.done")),
