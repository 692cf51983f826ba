"""Rule summarise_macrophage: our numbers of the macrophage study beside the paper's
(full fit r, LOOCV pooled and median per-condition r, scrambled median r, KO top 10)."""

import logging

import pandas as pd
from signet.io import atomic_write
from signet.rule_script import run

log = logging.getLogger("summarise_macrophage")

ROWS = [  # metric, paper key, what it is
    ("fit_r", "fit_r", "full fit on all conditions, pooled r"),
    ("loocv_pooled_r", "loocv_pooled_r", "LOOCV, left-out conditions pooled"),
    ("loocv_median_r", "loocv_median_r", "LOOCV, median of per-condition r"),
    ("scrambled_median_r", "scrambled_median_r",
     "scrambled TF rows, median of per-condition r"),
    ("scrambled_pooled_r", None, "scrambled TF rows, left-out conditions pooled"),
]


def main(smk):
    metrics = pd.read_csv(smk.input.metrics, sep="\t").iloc[0]
    ranking = pd.read_csv(smk.input.ranking, sep="\t")
    paper = smk.params.paper
    note = (f"{int(metrics['loocv_folds_run'])}/{int(metrics['folds'])} LOOCV folds, "
            f"{int(metrics['scrambled_folds_run'])}/{int(metrics['folds'])} scrambled folds, "
            f"{int(metrics['seeds'])} seed(s)")
    rows = [{"metric": m, "ours": f"{metrics[m]:.3f}",
             "paper": "" if key is None else f"{paper[key]:.2f}", "what": what}
            for m, key, what in ROWS]
    top = ranking.head(smk.params.top)
    rows.append({"metric": f"knockout_top{smk.params.top}",
                 "ours": ", ".join(top["name"].astype(str)),
                 "paper": paper["knockout_top"],
                 "what": "nodes ranked by mean |delta RELA| under TNFa over the fold models"})
    rows.append({"metric": "run", "ours": note, "paper": "", "what": "what was trained"})
    summary = pd.DataFrame(rows)
    with atomic_write(smk.output.summary) as handle:
        summary.to_csv(handle, sep="\t", index=False)
    log.info("summary:\n%s", summary.to_string())


run(main, snakemake)  # noqa: F821
