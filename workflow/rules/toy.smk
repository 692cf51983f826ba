# Figure 2: the toy network. Reference data from hand-set parameters (d), training (e),
# train and test fit (f), fitted against reference parameters (g).


localrules:
    plot_toy,


rule simulate_toy_data:
    input:
        unpack(get_toy_network),
        recipe=get_toy_recipe_file,
    output:
        train_ligands="results/toy/data/train-ligands.tsv",
        train_tfs="results/toy/data/train-tfs.tsv",
        test_ligands="results/toy/data/test-ligands.tsv",
        test_tfs="results/toy/data/test-tfs.tsv",
    log:
        "logs/toy/simulate_toy_data.log",
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
        ligands="results/toy/data/train-ligands.tsv",
        tfs="results/toy/data/train-tfs.tsv",
    output:
        parameters="results/toy/model/parameters.tsv",
        training_log="results/toy/model/training-log.tsv",
        checkpoint="results/toy/model/model.pt",
    log:
        "logs/toy/train_toy.log",
    benchmark:
        "benchmarks/toy/train_toy.tsv"
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
        fitted="results/toy/model/parameters.tsv",
        train_ligands="results/toy/data/train-ligands.tsv",
        train_tfs="results/toy/data/train-tfs.tsv",
        test_ligands="results/toy/data/test-ligands.tsv",
        test_tfs="results/toy/data/test-tfs.tsv",
        training_log="results/toy/model/training-log.tsv",
    output:
        predictions="results/toy/evaluation/predictions.tsv",
        parameters="results/toy/evaluation/parameters.tsv",
        summary="results/toy/evaluation/summary.tsv",
    log:
        "logs/toy/evaluate_toy.log",
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
        train_ligands="results/toy/data/train-ligands.tsv",
        train_tfs="results/toy/data/train-tfs.tsv",
        test_ligands="results/toy/data/test-ligands.tsv",
        test_tfs="results/toy/data/test-tfs.tsv",
        training_log="results/toy/model/training-log.tsv",
        predictions="results/toy/evaluation/predictions.tsv",
        parameters="results/toy/evaluation/parameters.tsv",
        summary="results/toy/evaluation/summary.tsv",
    output:
        report(
            "results/toy/figure2.png",
            caption="../report/figure2.rst",
            category="Figure 2",
            labels={"figure": "2d-g", "content": "toy network"},
        ),
    log:
        "logs/toy/plot_toy.log",
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_toy.py"
