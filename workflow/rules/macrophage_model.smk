# The macrophage model (paper Fig. 6): a full fit on all 23 conditions, leave-one-
# condition-out cross-validation (one job per left-out condition), the scrambled control
# (same folds, TF rows permuted by a seeded derangement), knock-outs under TNFa with the fold
# models, figures 6a-f and a summary beside the paper's numbers. See docs/results-macrophage.md.
#
# The folds depend on the ligand table, so checkpoint list_macrophage_folds writes them and
# get_macrophage_fold_files expands the fold jobs from its output. The input functions
# (get_macrophage_...) are in common.smk.


localrules:
    list_macrophage_folds,
    summarise_macrophage,
    plot_macrophage_figures,


wildcard_constraints:
    fold="[^/]+",
    control="loocv|scrambled",
    seed="[0-9]+",


checkpoint list_macrophage_folds:
    input:
        ligands=MACROPHAGE_LIGANDS,
    output:
        folds=results_path("macrophage/loocv/folds.tsv"),
    log:
        log_path("macrophage/list_macrophage_folds.log"),
    params:
        only=config["macrophage"]["loocv"]["folds"],
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/list_macrophage_folds.py"


rule train_macrophage_full:
    input:
        unpack(get_macrophage_network),
        ligands=MACROPHAGE_LIGANDS,
        tfs=MACROPHAGE_TFS,
        recipe=get_macrophage_recipe_file,
    output:
        parameters=results_path("macrophage/full/seed~{seed}/parameters.tsv"),
        predictions=results_path("macrophage/full/seed~{seed}/predictions.tsv"),
        training_log=results_path("macrophage/full/seed~{seed}/training-log.tsv"),
        checkpoint=results_path("macrophage/full/seed~{seed}/model.pt"),
    log:
        log_path("macrophage/train_macrophage_full/seed~{seed}.log"),
    benchmark:
        benchmark_path("macrophage/train_macrophage_full/seed~{seed}.tsv")
    params:
        recipe=config["macrophage"]["model"]["recipe"],
        epochs=config["macrophage"]["model"]["epochs"],
        left_out=None,
        scrambled_seed=None,
    threads: config["macrophage"]["model"]["threads"]
    resources:
        mem_mb=4000,
        runtime=config["macrophage"]["model"]["runtime_minutes"],
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/train_macrophage.py"


rule train_macrophage_fold:
    input:
        unpack(get_macrophage_network),
        ligands=MACROPHAGE_LIGANDS,
        tfs=MACROPHAGE_TFS,
        recipe=get_macrophage_recipe_file,
    output:
        parameters=results_path("macrophage/{control}/{fold}/seed~{seed}/parameters.tsv"),
        predictions=results_path("macrophage/{control}/{fold}/seed~{seed}/predictions.tsv"),
        training_log=results_path("macrophage/{control}/{fold}/seed~{seed}/training-log.tsv"),
        checkpoint=results_path("macrophage/{control}/{fold}/seed~{seed}/model.pt"),
    log:
        log_path("macrophage/train_macrophage_fold/{control}/{fold}/seed~{seed}.log"),
    benchmark:
        benchmark_path("macrophage/train_macrophage_fold/{control}/{fold}/seed~{seed}.tsv")
    params:
        recipe=config["macrophage"]["model"]["recipe"],
        epochs=config["macrophage"]["model"]["epochs"],
        left_out=lambda wildcards: wildcards.fold,
        scrambled_seed=lambda wildcards: (
            config["macrophage"]["loocv"]["scrambled_seed"]
            if wildcards.control == "scrambled"
            else None
        ),
    threads: config["macrophage"]["model"]["threads"]
    resources:
        mem_mb=4000,
        runtime=config["macrophage"]["model"]["runtime_minutes"],
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/train_macrophage.py"


rule evaluate_macrophage:
    input:
        tfs=MACROPHAGE_TFS,
        folds=results_path("macrophage/loocv/folds.tsv"),
        full=get_macrophage_full_files("predictions.tsv"),
        loocv=lambda wildcards: get_macrophage_fold_files("loocv", "predictions.tsv"),
        scrambled=lambda wildcards: get_macrophage_fold_files("scrambled", "predictions.tsv"),
    output:
        fit=results_path("macrophage/evaluation/fit.tsv"),
        loocv=results_path("macrophage/evaluation/loocv.tsv"),
        per_condition=results_path("macrophage/evaluation/per-condition.tsv"),
        per_tf=results_path("macrophage/evaluation/per-tf.tsv"),
        metrics=results_path("macrophage/evaluation/metrics.tsv"),
    log:
        log_path("macrophage/evaluate_macrophage.log"),
    params:
        seeds=config["macrophage"]["model"]["seeds"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/evaluate_macrophage.py"


rule knockout_macrophage:
    input:
        unpack(get_macrophage_network),
        ligands=MACROPHAGE_LIGANDS,
        folds=results_path("macrophage/loocv/folds.tsv"),
        parameters=get_macrophage_knockout_models,
    output:
        knockouts=results_path("macrophage/knockout/knockouts.tsv.gz"),
        ranking=results_path("macrophage/knockout/ranking.tsv"),
    log:
        log_path("macrophage/knockout_macrophage.log"),
    benchmark:
        benchmark_path("macrophage/knockout_macrophage.tsv")
    params:
        settings=config["macrophage"]["knockout"],
        recipe=config["macrophage"]["model"]["recipe"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/knockout_macrophage.py"


rule summarise_macrophage:
    input:
        metrics=results_path("macrophage/evaluation/metrics.tsv"),
        ranking=results_path("macrophage/knockout/ranking.tsv"),
    output:
        summary=report(
            results_path("macrophage/summary.tsv"),
            caption="../report/macrophage-summary.rst",
            category="Fig. 6: macrophage",
        ),
    log:
        log_path("macrophage/summarise_macrophage.log"),
    params:
        paper=config["macrophage"]["paper"],
        top=config["macrophage"]["knockout"]["top"],
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/summarise_macrophage.py"


rule plot_macrophage_figures:
    input:
        unpack(get_macrophage_network),
        tfs=MACROPHAGE_TFS,
        fit=results_path("macrophage/evaluation/fit.tsv"),
        loocv=results_path("macrophage/evaluation/loocv.tsv"),
        per_condition=results_path("macrophage/evaluation/per-condition.tsv"),
        per_tf=results_path("macrophage/evaluation/per-tf.tsv"),
        metrics=results_path("macrophage/evaluation/metrics.tsv"),
        ranking=results_path("macrophage/knockout/ranking.tsv"),
    output:
        a=report(results_path("macrophage/figure6a.png"), caption="../report/figure6a.rst",
                 category="Fig. 6: macrophage"),
        b=report(results_path("macrophage/figure6b.png"), caption="../report/figure6b.rst",
                 category="Fig. 6: macrophage"),
        c=report(results_path("macrophage/figure6c.png"), caption="../report/figure6c.rst",
                 category="Fig. 6: macrophage"),
        d=report(results_path("macrophage/figure6d.png"), caption="../report/figure6d.rst",
                 category="Fig. 6: macrophage"),
        e=report(results_path("macrophage/figure6e.png"), caption="../report/figure6e.rst",
                 category="Fig. 6: macrophage"),
        f=report(results_path("macrophage/figure6f.png"), caption="../report/figure6f.rst",
                 category="Fig. 6: macrophage"),
    log:
        log_path("macrophage/plot_macrophage_figures.log"),
    params:
        top=config["macrophage"]["knockout"]["top"],
        paper=config["macrophage"]["paper"],
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/plot_macrophage_figures.py"
