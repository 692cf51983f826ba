# Figure 2: the toy network. Reference data from hand-set parameters (d), training (e),
# train and test fit (f), fitted against reference parameters (g).


localrules:
    plot_toy,


rule simulate_toy_data:
    input:
        unpack(get_toy_network),
        recipe=get_toy_recipe_file,
    output:
        train_ligands=results_path("toy/data/train-ligands.tsv"),
        train_tfs=results_path("toy/data/train-tfs.tsv"),
        test_ligands=results_path("toy/data/test-ligands.tsv"),
        test_tfs=results_path("toy/data/test-tfs.tsv"),
    log:
        log_path("toy/simulate_toy_data.log"),
    params:
        recipe=config["toy"]["recipe"],
        grid_points=config["toy"]["grid_points"],
        test_fraction=config["toy"]["test_fraction"],
        split_seed=config["toy"]["split_seed"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/simulate_toy_data.py"


rule train_toy:
    input:
        unpack(get_toy_network),
        recipe=get_toy_recipe_file,
        ligands=results_path("toy/data/train-ligands.tsv"),
        tfs=results_path("toy/data/train-tfs.tsv"),
    output:
        parameters=results_path("toy/model/parameters.tsv"),
        training_log=results_path("toy/model/training-log.tsv"),
        checkpoint=results_path("toy/model/model.pt"),
    log:
        log_path("toy/train_toy.log"),
    benchmark:
        benchmark_path("toy/train_toy.tsv")
    params:
        recipe=config["toy"]["recipe"],
        epochs=config["toy"]["epochs"],
        warmup_epochs=config["toy"]["warmup_epochs"],
        batch_size=config["toy"]["batch_size"],
        seed=config["toy"]["seed"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=240,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/train_toy.py"


rule evaluate_toy:
    input:
        unpack(get_toy_network),
        recipe=get_toy_recipe_file,
        fitted=results_path("toy/model/parameters.tsv"),
        train_ligands=results_path("toy/data/train-ligands.tsv"),
        train_tfs=results_path("toy/data/train-tfs.tsv"),
        test_ligands=results_path("toy/data/test-ligands.tsv"),
        test_tfs=results_path("toy/data/test-tfs.tsv"),
        training_log=results_path("toy/model/training-log.tsv"),
    output:
        predictions=results_path("toy/evaluation/predictions.tsv"),
        parameters=results_path("toy/evaluation/parameters.tsv"),
        summary=results_path("toy/evaluation/summary.tsv"),
    log:
        log_path("toy/evaluate_toy.log"),
    params:
        recipe=config["toy"]["recipe"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/evaluate_toy.py"


rule plot_toy:
    input:
        train_ligands=results_path("toy/data/train-ligands.tsv"),
        train_tfs=results_path("toy/data/train-tfs.tsv"),
        test_ligands=results_path("toy/data/test-ligands.tsv"),
        test_tfs=results_path("toy/data/test-tfs.tsv"),
        training_log=results_path("toy/model/training-log.tsv"),
        predictions=results_path("toy/evaluation/predictions.tsv"),
        parameters=results_path("toy/evaluation/parameters.tsv"),
        summary=results_path("toy/evaluation/summary.tsv"),
    output:
        report(
            results_path("toy/figure2.png"),
            caption="../report/figure2.rst",
            category="Figure 2",
            labels={"figure": "2d-g", "content": "toy network"},
        ),
    log:
        log_path("toy/plot_toy.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_toy.py"
