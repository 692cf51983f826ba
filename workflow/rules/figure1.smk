# Figure 1: ODE models of two-signal motifs (a), the MML activation (b) and how well small
# feed-forward networks with each activation learn the motifs (c).


localrules:
    plot_mechanisms,
    plot_activations,
    plot_ffnn_fits,


rule simulate_mechanisms:
    output:
        results_path("figure1/mechanism-steady-states.tsv"),
    log:
        log_path("figure1/simulate_mechanisms.log"),
    benchmark:
        benchmark_path("figure1/simulate_mechanisms.tsv")
    params:
        mechanisms=config["figure1"]["mechanisms"],
        ode=config["figure1"]["ode"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/simulate_mechanisms.py"


rule plot_mechanisms:
    input:
        results_path("figure1/mechanism-steady-states.tsv"),
    output:
        report(
            results_path("figure1/figure1a.png"),
            caption="../report/figure1a.rst",
            category="Figure 1",
            labels={"figure": "1a", "content": "ODE steady states"},
        ),
    log:
        log_path("figure1/plot_mechanisms.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_mechanisms.py"


rule plot_activations:
    output:
        table=results_path("figure1/activations.tsv"),
        figure=report(
            results_path("figure1/figure1b.png"),
            caption="../report/figure1b.rst",
            category="Figure 1",
            labels={"figure": "1b", "content": "activation functions"},
        ),
    log:
        log_path("figure1/plot_activations.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_activations.py"


rule fit_ffnn:
    input:
        results_path("figure1/mechanism-steady-states.tsv"),
    output:
        results_path("figure1/ffnn/{mechanism}.tsv"),
    log:
        log_path("figure1/fit_ffnn/{mechanism}.log"),
    benchmark:
        benchmark_path("figure1/fit_ffnn/{mechanism}.tsv")
    params:
        ffnn=config["figure1"]["ffnn"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/fit_ffnn.py"


rule plot_ffnn_fits:
    input:
        get_ffnn_fits,
    output:
        table=results_path("figure1/ffnn-fits.tsv"),
        figure=report(
            results_path("figure1/figure1c.png"),
            caption="../report/figure1c.rst",
            category="Figure 1",
            labels={"figure": "1c", "content": "FFNN fits"},
        ),
    log:
        log_path("figure1/plot_ffnn_fits.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_ffnn_fits.py"
