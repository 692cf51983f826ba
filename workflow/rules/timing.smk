# Supplementary Figure 5: forward and backward time of one pass against network size.


localrules:
    plot_timing,
    plot_epoch_timing,


rule time_passes:
    output:
        results_path("timing/pass-times.tsv"),
    log:
        log_path("timing/time_passes.log"),
    benchmark:
        benchmark_path("timing/time_passes.tsv")
    params:
        timing=config["timing"],
    threads: config["timing"]["threads"]
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/time_passes.py"


rule plot_timing:
    input:
        results_path("timing/pass-times.tsv"),
    output:
        trend=results_path("timing/trend.tsv"),
        figure=report(
            results_path("timing/supplementary-figure5.png"),
            caption="../report/timing.rst",
            category="Supplementary Figure 5",
            labels={"figure": "S5", "content": "time per pass"},
        ),
    log:
        log_path("timing/plot_timing.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_timing.py"


# Seconds per training epoch and per pass against network size on genome-shaped networks
# (1 000 to 19 000 nodes). Not part of the default targets (about an hour of CPU at 19 000
# nodes): ask for results/timing/epoch-figure.png.
rule time_epochs:
    output:
        results_path("timing/epoch-times.tsv"),
    log:
        log_path("timing/time_epochs.log"),
    benchmark:
        benchmark_path("timing/time_epochs.tsv")
    params:
        epochs=config["timing"]["epochs"],
    threads: config["timing"]["threads"]
    resources:
        mem_mb=4000,
        runtime=240,
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/time_epochs.py"


rule plot_epoch_timing:
    input:
        results_path("timing/epoch-times.tsv"),
    output:
        trend=results_path("timing/epoch-trend.tsv"),
        figure=report(
            results_path("timing/epoch-figure.png"),
            caption="../report/epoch-timing.rst",
            category="Supplementary Figure 5",
            labels={"figure": "S5 (epochs)", "content": "time per epoch and pass"},
        ),
    log:
        log_path("timing/plot_epoch_timing.log"),
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/plot_epoch_timing.py"
