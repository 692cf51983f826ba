# The synthetic study (paper Figures 4-5): a suite of reference models (the paper's objective
# and other procedures, described in one table), one of which (synthetic.reference_member)
# feeds its linear complexity (Fig. 4), the data-requirement sweep (per point of samples x
# simultaneous ligands x seed one data job and one training job, Fig. 5b-d), the controls
# (Fig. 5e) and knock-outs of the configured point's model against the reference (Fig. 5f).
#
# The network is config["synthetic"]["network"]: a name of networks.use (KEGGnet: rebuilt
# from OmniPath, or the paper's file in config/paper-reference.yaml) or random (a generated
# network, the offline default). A point's training conditions are drawn by the paper's
# protocol from its seed, or (synthetic.training_data.source: released) are the paper's own
# released table of the point's size, X_<Index>.pt; the reference simulates their targets.
# The input functions (get_synthetic_...) and the sweep's Paramspace (SYNTHETIC_SWEEP) are in
# common.smk.


localrules:
    make_random_network,
    select_reference_model,
    check_released_points,
    plot_figure4,
    plot_figure5,
    summarise_synthetic,


rule make_random_network:
    output:
        network=results_path("networks/random-Model.tsv"),
        annotation=results_path("networks/random-Annotation.tsv"),
    log:
        log_path("networks/make_random_network.log"),
    params:
        settings=config["synthetic"]["random_network"],
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/make_random_network.py"


rule build_reference_model:
    input:
        unpack(get_synthetic_network),
        unpack(get_reference_inputs),
    output:
        parameters=results_path("synthetic/references/{reference}/parameters.tsv"),
        build_log=results_path("synthetic/references/{reference}/build-log.tsv"),
    log:
        log_path("synthetic/references/{reference}/build_reference_model.log"),
    benchmark:
        benchmark_path("synthetic/references/{reference}.tsv")
    params:
        spec=lambda wildcards: synthetic_references()[wildcards.reference],
        settings=config["synthetic"]["reference"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=240,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/build_reference_model.py"


rule select_reference_model:
    input:
        lambda wildcards: f"{RESULTS}/synthetic/references/{synthetic_reference_member()}/parameters.tsv",
    output:
        results_path("synthetic/reference/parameters.tsv"),
    log:
        log_path("synthetic/select_reference_model.log"),
    params:
        member=synthetic_reference_member(),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/select_reference_model.py"


rule describe_reference_models:
    input:
        unpack(get_synthetic_network),
        parameters=expand(
            results_path("synthetic/references/{reference}/parameters.tsv"),
            reference=list(synthetic_references()),
        ),
    output:
        summary=results_path("synthetic/references/summary.tsv"),
        per_tf=results_path("synthetic/references/per-tf.tsv"),
        markdown=results_path("synthetic/references/suite.md"),
    log:
        log_path("synthetic/describe_reference_models.log"),
    params:
        specs=list(synthetic_references().values()),
        test=config["synthetic"]["test"],
        steps=config["synthetic"]["reference"]["steps"],
    threads: 1
    resources:
        mem_mb=3000,
        runtime=60,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/describe_reference_models.py"


rule simulate_synthetic_test:
    input:
        unpack(get_synthetic_network),
        reference=results_path("synthetic/reference/parameters.tsv"),
    output:
        ligands=results_path("synthetic/test/ligands.tsv"),
        tfs=results_path("synthetic/test/tfs.tsv"),
        states=results_path("synthetic/test/states.tsv"),
        heatmap_ligands=results_path("synthetic/heatmap/ligands.tsv"),
        heatmap_tfs=results_path("synthetic/heatmap/tfs.tsv"),
    log:
        log_path("synthetic/simulate_synthetic_test.log"),
    params:
        test=config["synthetic"]["test"],
        heatmap=config["synthetic"]["heatmap"],
        steps=config["synthetic"]["reference"]["steps"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/simulate_synthetic_test.py"


rule analyse_complexity:
    input:
        unpack(get_synthetic_network),
        reference=results_path("synthetic/reference/parameters.tsv"),
    output:
        scores=results_path("synthetic/complexity/pca-scores.tsv"),
        summary=results_path("synthetic/complexity/summary.tsv"),
    log:
        log_path("synthetic/analyse_complexity.log"),
    params:
        settings=config["synthetic"]["complexity"],
        steps=config["synthetic"]["reference"]["steps"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/analyse_complexity.py"


checkpoint check_released_points:
    input:
        get_released_points_file,
    output:
        results_path("synthetic/released-points.tsv"),
    log:
        log_path("synthetic/check_released_points.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/check_released_points.py"


rule simulate_sweep_data:
    input:
        unpack(get_synthetic_network),
        unpack(get_synthetic_training_set()),
        reference=results_path("synthetic/reference/parameters.tsv"),
    output:
        ligands=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/train-ligands.tsv",
        tfs=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/train-tfs.tsv",
        validation_ligands=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/validation-ligands.tsv",
        validation_tfs=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/validation-tfs.tsv",
    log:
        f"{LOGS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/simulate_sweep_data.log",
    params:
        point=SYNTHETIC_SWEEP.instance,
        training_data=config["synthetic"]["training_data"],
        recipe=config["synthetic"]["recipe"],
        validation=config["synthetic"].get("validation", {"min_conditions": 2, "seed": 5}),
        steps=config["synthetic"]["reference"]["steps"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/simulate_sweep_data.py"


rule train_sweep_point:
    input:
        unpack(get_synthetic_network),
        recipe=get_synthetic_recipe_file,
        data_ligands=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/train-ligands.tsv",
        data_tfs=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/train-tfs.tsv",
        validation_ligands=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/validation-ligands.tsv",
        validation_tfs=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/validation-tfs.tsv",
    output:
        parameters=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/parameters.tsv",
        training_log=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/training-log.tsv",
    log:
        f"{LOGS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/train_sweep_point.log",
    benchmark:
        f"{BENCHMARKS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}.tsv"
    params:
        point=SYNTHETIC_SWEEP.instance,
        recipe=config["synthetic"]["recipe"],
        epochs=config["synthetic"]["epochs"],
        steps=config["synthetic"]["reference"]["steps"],
        control=None,
    threads: config["synthetic"]["threads"]
    resources:
        mem_mb=3000,
        runtime=config["synthetic"]["runtime_minutes"],
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/train_sweep_point.py"


rule evaluate_sweep_point:
    input:
        unpack(get_synthetic_network),
        recipe=get_synthetic_recipe_file,
        parameters=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/parameters.tsv",
        train_tfs=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/train-tfs.tsv",
        test_ligands=results_path("synthetic/test/ligands.tsv"),
        test_tfs=results_path("synthetic/test/tfs.tsv"),
        test_states=results_path("synthetic/test/states.tsv"),
    output:
        metrics=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/metrics.tsv",
        predictions=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/test-predictions.tsv",
        per_tf=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/per-tf-r.tsv",
        per_condition=f"{RESULTS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/per-condition-r.tsv",
    log:
        f"{LOGS}/synthetic/sweep/{SYNTHETIC_SWEEP.wildcard_pattern}/evaluate_sweep_point.log",
    params:
        point=SYNTHETIC_SWEEP.instance,
        recipe=config["synthetic"]["recipe"],
        steps=config["synthetic"]["reference"]["steps"],
        control=None,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/evaluate_sweep_point.py"


rule simulate_control_data:
    input:
        unpack(get_synthetic_network),
        unpack(get_synthetic_training_set(get_synthetic_control_point())),
        reference=results_path("synthetic/reference/parameters.tsv"),
    output:
        ligands=results_path("synthetic/controls/data/train-ligands.tsv"),
        tfs=results_path("synthetic/controls/data/train-tfs.tsv"),
        validation_ligands=results_path("synthetic/controls/data/validation-ligands.tsv"),
        validation_tfs=results_path("synthetic/controls/data/validation-tfs.tsv"),
    log:
        log_path("synthetic/controls/simulate_control_data.log"),
    params:
        point=get_synthetic_control_point(),
        training_data=config["synthetic"]["training_data"],
        recipe=config["synthetic"]["recipe"],
        validation=config["synthetic"].get("validation", {"min_conditions": 2, "seed": 5}),
        steps=config["synthetic"]["reference"]["steps"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/simulate_sweep_data.py"


rule train_control:
    input:
        unpack(get_synthetic_network),
        recipe=get_synthetic_recipe_file,
        data_ligands=results_path("synthetic/controls/data/train-ligands.tsv"),
        data_tfs=results_path("synthetic/controls/data/train-tfs.tsv"),
        validation_ligands=results_path("synthetic/controls/data/validation-ligands.tsv"),
        validation_tfs=results_path("synthetic/controls/data/validation-tfs.tsv"),
    output:
        ligands=results_path("synthetic/controls/{control}/train-ligands.tsv"),
        tfs=results_path("synthetic/controls/{control}/train-tfs.tsv"),
        parameters=results_path("synthetic/controls/{control}/parameters.tsv"),
        training_log=results_path("synthetic/controls/{control}/training-log.tsv"),
    log:
        log_path("synthetic/controls/{control}/train_control.log"),
    benchmark:
        benchmark_path("synthetic/controls/{control}.tsv")
    wildcard_constraints:
        control="scrambled|regularisation_only|no_spectral",
    params:
        point=get_synthetic_control_point(),
        recipe=config["synthetic"]["recipe"],
        epochs=config["synthetic"]["epochs"],
        steps=config["synthetic"]["reference"]["steps"],
        control=lambda wildcards: wildcards.control,
    threads: config["synthetic"]["threads"]
    resources:
        mem_mb=3000,
        runtime=config["synthetic"]["runtime_minutes"],
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/train_sweep_point.py"


rule evaluate_control:
    input:
        unpack(get_synthetic_control_inputs),
        test_ligands=results_path("synthetic/test/ligands.tsv"),
        test_tfs=results_path("synthetic/test/tfs.tsv"),
        test_states=results_path("synthetic/test/states.tsv"),
    output:
        metrics=results_path("synthetic/controls/{control}/metrics.tsv"),
        predictions=results_path("synthetic/controls/{control}/test-predictions.tsv"),
        per_tf=results_path("synthetic/controls/{control}/per-tf-r.tsv"),
        per_condition=results_path("synthetic/controls/{control}/per-condition-r.tsv"),
    log:
        log_path("synthetic/controls/{control}/evaluate_control.log"),
    wildcard_constraints:
        control="mean|scrambled|regularisation_only|no_spectral",
    params:
        point=get_synthetic_control_point(),
        recipe=config["synthetic"]["recipe"],
        steps=config["synthetic"]["reference"]["steps"],
        control=lambda wildcards: wildcards.control,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/evaluate_sweep_point.py"


rule knockout_synthetic:
    input:
        unpack(get_synthetic_network),
        reference=results_path("synthetic/reference/parameters.tsv"),
        metrics=get_synthetic_knockout_files("metrics.tsv"),
        parameters=get_synthetic_knockout_files("parameters.tsv"),
        ligands=get_synthetic_knockout_files("train-ligands.tsv"),
    output:
        reference=results_path("synthetic/knockout/reference-deltas.tsv"),
        model=results_path("synthetic/knockout/model-deltas.tsv"),
        agreement=results_path("synthetic/knockout/agreement.tsv"),
    log:
        log_path("synthetic/knockout_synthetic.log"),
    params:
        settings=config["synthetic"]["knockout"],
        point=get_synthetic_knockout_point(),
        steps=config["synthetic"]["reference"]["steps"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/knockout_synthetic.py"


rule summarise_synthetic:
    input:
        sweep=get_synthetic_sweep_files("metrics.tsv"),
        predictions=get_synthetic_sweep_files("test-predictions.tsv"),
        test_tfs=results_path("synthetic/test/tfs.tsv"),
        controls=get_synthetic_control_files("metrics.tsv"),
        knockout=results_path("synthetic/knockout/agreement.tsv"),
        complexity=results_path("synthetic/complexity/summary.tsv"),
    output:
        results_path("synthetic/summary.tsv"),
    log:
        log_path("synthetic/summarise_synthetic.log"),
    params:
        sweep=SYNTHETIC_SWEEP.dataframe.to_dict("list"),
        controls=config["synthetic"]["controls"]["names"],
        released_models=synthetic_on_released_reference(),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/summarise_synthetic.py"


rule plot_figure4:
    input:
        heatmap_tfs=results_path("synthetic/heatmap/tfs.tsv"),
        heatmap_ligands=results_path("synthetic/heatmap/ligands.tsv"),
        scores=results_path("synthetic/complexity/pca-scores.tsv"),
        summary=results_path("synthetic/complexity/summary.tsv"),
        caption_c=caption_template("figure4c.rst"),
        caption_d=caption_template("figure4d.rst"),
    output:
        b=report(
            results_path("synthetic/figure4b.png"),
            caption="../report/figure4b.rst",
            category="Figure 4",
            labels={"figure": "4b", "content": "synthetic TF data"},
        ),
        c=report(
            results_path("synthetic/figure4c.png"),
            caption=generated_caption("synthetic/figure4c.rst"),
            category="Figure 4",
            labels={"figure": "4c", "content": "PCA by ligand count"},
        ),
        d=report(
            results_path("synthetic/figure4d.png"),
            caption=generated_caption("synthetic/figure4d.rst"),
            category="Figure 4",
            labels={"figure": "4d", "content": "linear models"},
        ),
        caption_c=results_path("synthetic/figure4c.rst"),
        caption_d=results_path("synthetic/figure4d.rst"),
    log:
        log_path("synthetic/plot_figure4.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_figure4.py"


rule plot_figure5:
    input:
        summary=results_path("synthetic/summary.tsv"),
        sweep=get_synthetic_sweep_files("metrics.tsv"),
        predictions=get_synthetic_sweep_files("test-predictions.tsv"),
        per_tf=get_synthetic_sweep_files("per-tf-r.tsv"),
        per_condition=get_synthetic_sweep_files("per-condition-r.tsv"),
        test_tfs=results_path("synthetic/test/tfs.tsv"),
        knockout_reference=results_path("synthetic/knockout/reference-deltas.tsv"),
        knockout_model=results_path("synthetic/knockout/model-deltas.tsv"),
        caption_b=caption_template("figure5b.rst"),
        caption_c=caption_template("figure5c.rst"),
        caption_d=caption_template("figure5d.rst"),
        caption_e=caption_template("figure5e.rst"),
        caption_f=caption_template("figure5f.rst"),
    output:
        b=report(
            results_path("synthetic/figure5b.png"),
            caption=generated_caption("synthetic/figure5b.rst"),
            category="Figure 5",
            labels={"figure": "5b", "content": "test r against training samples"},
        ),
        c=report(
            results_path("synthetic/figure5c.png"),
            caption=generated_caption("synthetic/figure5c.rst"),
            category="Figure 5",
            labels={"figure": "5c", "content": "predicted against reference"},
        ),
        d=report(
            results_path("synthetic/figure5d.png"),
            caption=generated_caption("synthetic/figure5d.rst"),
            category="Figure 5",
            labels={"figure": "5d", "content": "per-TF and per-condition r"},
        ),
        e=report(
            results_path("synthetic/figure5e.png"),
            caption=generated_caption("synthetic/figure5e.rst"),
            category="Figure 5",
            labels={"figure": "5e", "content": "controls"},
        ),
        f=report(
            results_path("synthetic/figure5f.png"),
            caption=generated_caption("synthetic/figure5f.rst"),
            category="Figure 5",
            labels={"figure": "5f", "content": "knock-outs"},
        ),
        caption_b=results_path("synthetic/figure5b.rst"),
        caption_c=results_path("synthetic/figure5c.rst"),
        caption_d=results_path("synthetic/figure5d.rst"),
        caption_e=results_path("synthetic/figure5e.rst"),
        caption_f=results_path("synthetic/figure5f.rst"),
    log:
        log_path("synthetic/plot_figure5.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_figure5.py"
