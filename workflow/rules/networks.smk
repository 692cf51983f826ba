# Network reconstruction from OmniPath: the KEGG signaling network of the synthetic
# study and the macrophage network. Downloads -> select -> curate -> normalise -> classify ->
# trim, one script per step, each writing a readable TSV under results/networks/{name}/.
# The procedure and its choices are in docs/networks.md; the keys in config["networks"] are
# documented in config/README.md.
#
# config["networks"]["use"][name] says which network downstream rules get for `name`:
#   omnipath                      -> reconstructed here (results/networks/{name}-Model.tsv ...)
#   {model: ..., annotation: ...} -> those files; the reconstruction is not in the DAG.
# Downstream rules ask for it through get_network(name) (in common.smk).


localrules:
    download_omnipath,
    download_ligand_receptor,
    download_dorothea,
    download_uniprot,
    summarise_network,
    draw_network,


# ---- downloads (need network; each can be replaced by a local file in config) -------------
rule download_omnipath:
    output:
        NETWORK_DOWNLOADS["omnipath"],
    log:
        log_path("networks/download_omnipath.log"),
    params:
        **_download_params("omnipath"),
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/download_network_input.py"


rule download_ligand_receptor:
    output:
        NETWORK_DOWNLOADS["ligand_receptor"],
    log:
        log_path("networks/download_ligand_receptor.log"),
    params:
        **_download_params("ligand_receptor"),
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/download_network_input.py"


rule download_dorothea:
    output:
        NETWORK_DOWNLOADS["dorothea"],
    log:
        log_path("networks/download_dorothea.log"),
    params:
        **_download_params("dorothea"),
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/download_network_input.py"


rule download_uniprot:
    output:
        NETWORK_DOWNLOADS["uniprot"],
    log:
        log_path("networks/download_uniprot.log"),
    params:
        **_download_params("uniprot"),
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/download_network_input.py"


# ---- reconstruction ---------------------------------------------------------------------------
rule select_interactions:
    input:
        omnipath=get_network_download("omnipath"),
        ligand_receptor=get_network_download("ligand_receptor"),
        regulons=get_network_download("dorothea"),
    output:
        signaling=results_path("networks/{name}/selected-signaling.tsv"),
        ligand_receptor=results_path("networks/{name}/selected-ligand-receptor.tsv"),
        regulatory=results_path("networks/{name}/selected-regulatory.tsv"),
    log:
        log_path("networks/{name}/select_interactions.log"),
    wildcard_constraints:
        name=BUILD_NAMES,
    params:
        resources=lambda wildcards: NETWORK_BUILDS[wildcards.name]["resources"],
        taxon=NETWORKS["taxon"],
        dorothea_levels=NETWORKS["dorothea_levels"],
    threads: 1
    resources:
        mem_mb=6000,
        runtime=20,
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/select_interactions.py"


rule curate_network:
    input:
        signaling=results_path("networks/{name}/selected-signaling.tsv"),
        ligand_receptor=results_path("networks/{name}/selected-ligand-receptor.tsv"),
        signaling_curation=NETWORKS["curation"]["signaling"],
        ligand_receptor_curation=NETWORKS["curation"]["ligand_receptor"],
    output:
        signaling=results_path("networks/{name}/curated-signaling.tsv"),
        ligand_receptor=results_path("networks/{name}/curated-ligand-receptor.tsv"),
        report=results_path("networks/{name}/curation-report.tsv"),
    log:
        log_path("networks/{name}/curate_network.log"),
    wildcard_constraints:
        name=BUILD_NAMES,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/curate_network.py"


rule normalise_edges:
    input:
        signaling=results_path("networks/{name}/curated-signaling.tsv"),
        ligand_receptor=results_path("networks/{name}/curated-ligand-receptor.tsv"),
        uniprot=get_network_download("uniprot"),
    output:
        signaling=results_path("networks/{name}/normalised-signaling.tsv"),
        ligand_receptor=results_path("networks/{name}/normalised-ligand-receptor.tsv"),
        report=results_path("networks/{name}/normalisation-report.tsv"),
    log:
        log_path("networks/{name}/normalise_edges.log"),
    wildcard_constraints:
        name=BUILD_NAMES,
    params:
        drop_unknown_sign=lambda wildcards: NETWORK_BUILDS[wildcards.name]["drop_unknown_sign"],
        ligand_receptor_sign=lambda wildcards: NETWORK_BUILDS[wildcards.name][
            "ligand_receptor_sign"
        ],
        exempt_prefixes=NETWORKS["exempt_prefixes"],
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/normalise_edges.py"


rule classify_nodes:
    input:
        unpack(get_network_build_extras),
        signaling=results_path("networks/{name}/normalised-signaling.tsv"),
        ligand_receptor=results_path("networks/{name}/normalised-ligand-receptor.tsv"),
        regulatory=results_path("networks/{name}/selected-regulatory.tsv"),
        uniprot=get_network_download("uniprot"),
    output:
        model=results_path("networks/{name}/classified-Model.tsv"),
        nodes=results_path("networks/{name}/classified-nodes.tsv"),
    log:
        log_path("networks/{name}/classify_nodes.log"),
    wildcard_constraints:
        name=BUILD_NAMES,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/classify_nodes.py"


rule trim_network:
    input:
        model=results_path("networks/{name}/classified-Model.tsv"),
        nodes=results_path("networks/{name}/classified-nodes.tsv"),
    output:
        model=results_path("networks/{name}-Model.tsv"),
        annotation=results_path("networks/{name}-Annotation.tsv"),
        removed=results_path("networks/{name}/trimmed-nodes.tsv"),
    log:
        log_path("networks/{name}/trim_network.log"),
    wildcard_constraints:
        name=BUILD_NAMES,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/trim_network.py"


# ---- summaries of the network in use (reconstructed or given) ---------------------------
rule summarise_network:
    input:
        unpack(get_network_files),
    output:
        summary=results_path("networks/{name}-summary.tsv"),
    log:
        log_path("networks/{name}/summarise_network.log"),
    wildcard_constraints:
        name=USE_NAMES,
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/summarise_network.py"


rule draw_network:
    input:
        unpack(get_network_files),
    output:
        png=report(
            results_path("networks/{name}-network.png"),
            caption="../report/network.rst",
            category="Networks",
            labels={"network": "{name}"},
        ),
        svg=results_path("networks/{name}-network.svg"),
    log:
        log_path("networks/{name}/draw_network.log"),
    wildcard_constraints:
        name=USE_NAMES,
    conda:
        "../../envs/networks.yaml"
    script:
        "../../scripts/draw_network.py"
