# The paper's released data files (networks, macrophage TF scores and sample sheet, regulon,
# UniProt list). Config keys name them as paper-release:FILE (config/paper-reference.yaml);
# common.smk's resolve_input reads them from the local mirror (paper_release.mirror) when it
# exists, else from resources/paper-release/FILE, which this rule downloads from the paper's
# public code release at the commit pinned in the checked-in manifest (config/paper-release.tsv)
# and checks against the manifest's sha256.


localrules:
    download_paper_file,


wildcard_constraints:
    paper_file="|".join(re.escape(name) for name in PAPER_FILES or {}) or "__none__",


rule download_paper_file:
    output:
        "resources/paper-release/{paper_file}",
    log:
        log_path("paper-release/{paper_file}.log"),
    params:
        url=lambda wildcards: get_paper_file_url(wildcards.paper_file),
        sha256=lambda wildcards: PAPER_FILES[wildcards.paper_file]["sha256"],
        timeout=PAPER_RELEASE["timeout"],
        manifest="resources/paper-release/MANIFEST.tsv",
    conda:
        "../../envs/signet.yaml"
    script:
        "../../scripts/download_paper_file.py"
