"""The figures of a cross-validation study, drawn from its tables (``docs/studies.md``).

The workflow's plot rules and ``signet crossval`` draw the same three figures with these
functions: :func:`plot_cv_predictions` (predicted against observed TF activities, one panel
per left-out condition), :func:`plot_per_condition_r` (r per left-out condition beside the
scrambled control and the mean predictor) and :func:`plot_knockouts` (the top knock-outs
with their spread over the models). :func:`write_study_figures` draws the first two, and the
third when the study has knock-outs, into a study's folder.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["plot_cv_predictions", "plot_per_condition_r", "plot_knockouts", "read_summary",
           "write_study_figures", "SIGN_AGREEMENT"]

#: share of models whose change has the sign of the mean for a knock-out bar to be drawn solid
SIGN_AGREEMENT = 0.9


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path) -> None:
    from signet.io import atomic_write

    fig.tight_layout()
    with atomic_write(path, mode="wb") as handle:
        fig.savefig(handle, dpi=130, format="png")
    _pyplot().close(fig)


def _control_title(summary: pd.Series) -> str:
    """The figure title's verdict when the study does not beat its scrambled control."""
    if summary.get("cv_above_scrambled") == 0:
        return (f"\nNOT ABOVE THE SCRAMBLED CONTROL (r = "
                f"{summary['scrambled_pooled_r']:.2f})")
    return ""


def plot_cv_predictions(cv: pd.DataFrame, per_condition: pd.DataFrame, summary: pd.Series,
                        path) -> None:
    """Observed against predicted TF activity, one panel per left-out condition.

    ``cv``: the study's ``cv-predictions.tsv``; ``per_condition``: ``per-condition.tsv``
    indexed by condition; ``summary``: ``summary.tsv``'s values indexed by metric. Points are
    TFs, bars the SD over the fold's seeds, dashed predicted = observed.
    """
    plt = _pyplot()
    conditions = list(dict.fromkeys(cv["condition"]))
    columns = math.ceil(math.sqrt(len(conditions)))
    rows = math.ceil(len(conditions) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.2 * columns, 2.2 * rows + 0.4),
                             squeeze=False, sharex=True, sharey=True)
    for ax in axes.ravel()[len(conditions):]:
        ax.axis("off")
    for ax, condition in zip(axes.ravel(), conditions):
        part = cv[cv["condition"] == condition]
        sd = part["predicted_sd"].to_numpy()
        ax.errorbar(part["observed"], part["predicted_mean"],
                    yerr=np.where(np.isfinite(sd), sd, 0.0), fmt="o", ms=2.5, lw=0.6,
                    alpha=0.7)
        ax.plot([0, 1], [0, 1], color="grey", lw=0.7, ls="--")
        ax.set_title(f"{condition}\nr = {per_condition.loc[condition, 'cv_r']:.2f}",
                     fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set(xlim=(0, 1), ylim=(0, 1))
    fig.supxlabel("observed TF activity", fontsize=8)
    fig.supylabel("predicted (models that left the condition out)", fontsize=8)
    verdict = _control_title(summary)
    fig.suptitle(f"cross-validation, {len(conditions)} left-out conditions "
                 f"(pooled r = {summary['cv_pooled_r']:.2f}){verdict}", fontsize=9,
                 color="C3" if verdict else "black")
    _save(fig, path)


def plot_per_condition_r(per_condition: pd.DataFrame, summary: pd.Series, path) -> None:
    """r across the TFs of each left-out condition: the trained models, the scrambled
    control and the mean predictor, with the medians; conditions sorted by the models' r."""
    plt = _pyplot()
    table = per_condition.sort_values("cv_r")
    fig, ax = plt.subplots(figsize=(max(5, 0.35 * len(table) + 2), 4))
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["cv_r"], 0.4, label="trained (CV)", color="C0")
    ax.bar(x + 0.2, table["scrambled_r"], 0.4, label="scrambled control", color="C3")
    ax.plot(x, table["mean_predictor_r"], "k_", ms=9, label="mean predictor")
    for column, color in (("cv_r", "C0"), ("scrambled_r", "C3")):
        median = np.nanmedian(table[column]) if table[column].notna().any() else np.nan
        ax.axhline(median, color=color, lw=1, ls=":", label=f"median {median:.2f}")
    ax.set_xticks(x, table.index, rotation=90, fontsize=7)
    verdict = _control_title(summary)
    ax.set(ylabel="r across TFs", ylim=(-1, 1))
    ax.set_title(f"left-out conditions{verdict}", color="C3" if verdict else "black")
    ax.legend(fontsize=7)
    _save(fig, path)


def plot_knockouts(knockouts: pd.DataFrame, path, top: int = 10,
                   agreement: float = SIGN_AGREEMENT) -> None:
    """The ``top`` knock-outs of each condition and read-out TF of ``knockouts.tsv``: mean
    change with its SD over the models; nodes whose change has one sign in at least
    ``agreement`` of the models are drawn solid, nodes that change the TF in no model are
    marked "no effect"."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from signet.eval.knockouts import NO_EFFECT, agreement_categories

    plt = _pyplot()
    groups = list(knockouts.groupby(["condition", "tf"], sort=False))
    fig, axes = plt.subplots(len(groups), 1, figsize=(5.5, 0.3 * top * len(groups) + 1.2),
                             squeeze=False)
    any_flat = False
    for ax, ((condition, _tf), group) in zip(axes[:, 0], groups):
        best = group.sort_values("rank").head(top)[::-1]
        y = np.arange(len(best))
        category = agreement_categories(best["sign_agreement"], agreement)
        sd = best["sd_delta"].to_numpy()
        ax.barh(y, best["mean_delta"], xerr=np.where(np.isfinite(sd), sd, 0.0),
                color=np.where(category == "agree", "C2", "white"), edgecolor="C2",
                hatch=None, error_kw={"lw": 0.8, "capsize": 2})
        none = category == NO_EFFECT
        any_flat = any_flat or bool(none.any())
        ax.plot(np.zeros(none.sum()), y[none], "o", color="grey", ms=4)
        ax.axvline(0, color="grey", lw=0.6)
        labels = [f"{name} ({NO_EFFECT})" if flat else name
                  for name, flat in zip(best["name"].astype(str), none)]
        ax.set_yticks(y, labels, fontsize=7)
        n = int(best["n_models"].max()) if len(best) else 0
        ax.set_xlabel(f"change of {best['tf_name'].iloc[0]} (mean ± SD over {n} models)",
                      fontsize=8)
        ax.set_title(f"knock-outs under {condition}, top {len(best)} by mean |change|",
                     fontsize=9)
    handles = [Patch(facecolor="C2", edgecolor="C2", label=f"sign agrees in >= {agreement:.0%}"),
               Patch(facecolor="white", edgecolor="C2", label="sign differs between models")]
    if any_flat:
        handles.append(Line2D([], [], marker="o", color="grey", ls="", ms=4,
                              label=f"{NO_EFFECT}: no model changes the TF"))
    axes[0, 0].legend(handles=handles, fontsize=7, loc="best")
    _save(fig, path)


def read_summary(path) -> pd.Series:
    """``summary.tsv``'s values indexed by metric."""
    return pd.read_csv(path, sep="\t", index_col="metric")["value"]


def write_study_figures(folder, top: int | None = None) -> list[Path]:
    """Draw ``cv-predictions.png`` and ``per-condition-r.png`` from the tables in
    ``folder`` and, when ``top`` is given, ``knockouts.png`` (the ``top`` nodes of each panel)
    from its ``knockouts.tsv``; returns the paths written."""
    folder = Path(folder)
    summary = read_summary(folder / "summary.tsv")
    cv = pd.read_csv(folder / "cv-predictions.tsv", sep="\t", dtype={"condition": str})
    per_condition = pd.read_csv(folder / "per-condition.tsv", sep="\t",
                                dtype={"condition": str}).set_index("condition")
    written = [folder / "cv-predictions.png", folder / "per-condition-r.png"]
    plot_cv_predictions(cv, per_condition, summary, written[0])
    plot_per_condition_r(per_condition, summary, written[1])
    if top is not None:
        knockouts = pd.read_csv(folder / "knockouts.tsv", sep="\t",
                                dtype={"node": str, "name": str})
        written.append(folder / "knockouts.png")
        plot_knockouts(knockouts, written[-1], top=top)
    return written
