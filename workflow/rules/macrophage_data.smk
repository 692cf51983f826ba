# The macrophage data (paper Fig. 6): ArrayExpress E-GEOD-46903 through BioStudies,
# sample selection, expression matrix, DoRothEA/VIPER TF scores per array, and the TF and
# ligand tables of the 23 conditions. Steps are described in docs/macrophage-data.md.
#
# config["macrophage"]["inputs"] shortens the chain: with tf_scores and sample_sheet set
# (config/paper-reference.yaml) only make_tf_table runs and nothing is downloaded. The input
# functions (get_macrophage_...) are in common.smk.


localrules:
    download_macrophage_metadata,
    download_macrophage_arrays,
    download_macrophage_uniprot,
    download_macrophage_regulon,


MACROPHAGE_ACCESSION = config["macrophage"]["accession"]
MACROPHAGE_ARRAY = config["macrophage"]["array_design"]


# ---- downloads (need network; each input can be replaced through config) -------------------
rule download_macrophage_metadata:
    output:
        sdrf=f"resources/macrophage/{MACROPHAGE_ACCESSION}.sdrf.txt",
        idf=f"resources/macrophage/{MACROPHAGE_ACCESSION}.idf.txt",
        adf=f"resources/macrophage/{MACROPHAGE_ARRAY}.adf.txt",
    log:
        log_path("macrophage/download_macrophage_metadata.log"),
    params:
        kind="metadata",
        accession=MACROPHAGE_ACCESSION,
        array=MACROPHAGE_ARRAY,
        base_url=config["macrophage"]["biostudies_url"],
        timeout=config["macrophage"]["download_timeout"],
        sha256=config["macrophage"]["sha256"],
        manifest=MANIFEST,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/download_macrophage.py"


rule download_macrophage_arrays:
    output:
        table="resources/macrophage/processed-files.tsv",
        folder=directory("resources/macrophage/processed"),
    log:
        log_path("macrophage/download_macrophage_arrays.log"),
    params:
        kind="arrays",
        accession=MACROPHAGE_ACCESSION,
        array=MACROPHAGE_ARRAY,
        base_url=config["macrophage"]["biostudies_url"],
        timeout=config["macrophage"]["download_timeout"],
        sha256=config["macrophage"]["sha256"],
        manifest=MANIFEST,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/download_macrophage.py"


rule download_macrophage_uniprot:
    output:
        table="resources/macrophage/uniprot-human-reviewed.tsv",
    log:
        log_path("macrophage/download_macrophage_uniprot.log"),
    params:
        kind="uniprot",
        url=config["macrophage"]["uniprot_url"],
        timeout=config["macrophage"]["download_timeout"],
        manifest=MANIFEST,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/download_macrophage.py"


rule download_macrophage_regulon:
    output:
        regulon="resources/macrophage/dorothea-regulon.tsv",
    log:
        log_path("macrophage/download_macrophage_regulon.log"),
    params:
        confidence=config["macrophage"]["tf_activity"]["confidence"],
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/download_macrophage_regulon.py"


# ---- processing ----------------------------------------------------------------------------
rule parse_sdrf:
    input:
        sdrf=f"resources/macrophage/{MACROPHAGE_ACCESSION}.sdrf.txt",
    output:
        sheet=results_path("macrophage/sample-sheet.tsv"),
    log:
        log_path("macrophage/parse_sdrf.log"),
    params:
        cell_type=config["macrophage"]["samples"]["cell_type"],
        time=config["macrophage"]["samples"]["time"],
        differentiation=config["macrophage"]["samples"]["differentiation"],
        columns=config["macrophage"]["samples"]["sdrf_columns"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/parse_sdrf.py"


rule build_expression:
    input:
        arrays="resources/macrophage/processed-files.tsv",
        adf=f"resources/macrophage/{MACROPHAGE_ARRAY}.adf.txt",
    output:
        expression=results_path("macrophage/expression.tsv"),
    log:
        log_path("macrophage/build_expression.log"),
    benchmark:
        benchmark_path("macrophage/build_expression.tsv")
    params:
        gene_column=config["macrophage"]["expression"]["gene_column"],
        max_detection_p=config["macrophage"]["expression"]["max_detection_p"],
        min_relative_sd=config["macrophage"]["expression"]["min_relative_sd"],
        log_floor=config["macrophage"]["expression"]["log_floor"],
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/build_expression.py"


rule run_viper:
    input:
        expression=results_path("macrophage/expression.tsv"),
        regulon=get_macrophage_regulon,
        uniprot=get_macrophage_uniprot,
    output:
        scores=results_path("macrophage/tf-scores.tsv"),
    log:
        log_path("macrophage/run_viper.log"),
    benchmark:
        benchmark_path("macrophage/run_viper.tsv")
    params:
        confidence=config["macrophage"]["tf_activity"]["confidence"],
        min_targets=config["macrophage"]["tf_activity"]["min_targets"],
        pleiotropy=config["macrophage"]["tf_activity"]["pleiotropy"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/run_viper.py"


rule make_tf_table:
    input:
        scores=get_macrophage_tf_scores,
        sheet=get_macrophage_sample_sheet,
        uniprot=get_macrophage_uniprot,
    output:
        tfs=MACROPHAGE_TFS,
        ligands=MACROPHAGE_LIGANDS,
        quality=results_path("macrophage/tf-consistency.tsv"),
    log:
        log_path("macrophage/make_tf_table.log"),
    params:
        percentile=config["macrophage"]["tf_table"]["sd_percentile"],
        max_replicate_sd=config["macrophage"]["tf_table"]["max_replicate_sd"],
        control=config["macrophage"]["tf_table"]["control"],
        unmapped=config["macrophage"]["tf_table"]["unmapped"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/macrophage.yaml"
    script:
        "../../scripts/make_tf_table.py"
