# Supplementary Figure 5: forward and backward time of one pass against network size.


localrules:
    plot_timing,


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
