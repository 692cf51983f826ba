# Figure 3: the spectral-radius regularizer pulls a random matrix with rho 1.2 below the
# target while barely moving its weights.


localrules:
    plot_spectral,


rule shrink_spectral_radius:
    output:
        eigenvalues=results_path("spectral/eigenvalues.tsv"),
        weights=results_path("spectral/weights.tsv"),
        trajectories=results_path("spectral/trajectories.tsv"),
        history=results_path("spectral/history.tsv"),
    log:
        log_path("spectral/shrink_spectral_radius.log"),
    benchmark:
        benchmark_path("spectral/shrink_spectral_radius.tsv")
    params:
        spectral=config["spectral"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/shrink_spectral_radius.py"


rule plot_spectral:
    input:
        eigenvalues=results_path("spectral/eigenvalues.tsv"),
        weights=results_path("spectral/weights.tsv"),
        trajectories=results_path("spectral/trajectories.tsv"),
        history=results_path("spectral/history.tsv"),
    output:
        report(
            results_path("spectral/figure3.png"),
            caption="../report/figure3.rst",
            category="Figure 3",
            labels={"figure": "3b-d", "content": "spectral radius"},
        ),
    log:
        log_path("spectral/plot_spectral.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_spectral.py"
