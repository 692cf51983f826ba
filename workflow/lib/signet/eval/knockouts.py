"""Knock-out tables of several models reduced to a ranking of the knocked-out nodes, and to
the per-node summary of a study (mean change, spread, sign agreement)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from signet.errors import SignetInputError

__all__ = ["rank_knockouts", "knockout_summary", "agreement_categories", "NO_EFFECT"]


RANK_BY = ("mean_abs_delta", "abs_mean_delta")


def rank_knockouts(table: pd.DataFrame, tf: str, names: dict | None = None,
                   exclude=(), top: int | None = None,
                   by: str = "mean_abs_delta") -> pd.DataFrame:
    """Rank knocked-out nodes by mean |delta ``tf``| over models and conditions
    (``by="mean_abs_delta"``) or by the paper's statistic, |mean delta| over the models
    (``by="abs_mean_delta"``: a node whose knock-out moves the TF up in one fold model and
    down in another scores low). Both columns are in the result either way.

    ``table`` has columns ``node, tf, delta`` (and usually ``model, condition``); rows of
    other TFs are ignored. ``exclude`` drops nodes from the ranking (e.g. the read-out TF
    itself). Returns ``rank, node, name, mean_abs_delta, sd_abs_delta, mean_delta,
    abs_mean_delta, n`` sorted by decreasing ``by`` (ties by node id).
    """
    if by not in RANK_BY:
        raise ValueError(f"by must be one of {', '.join(RANK_BY)}, not {by!r}")
    missing = {"node", "tf", "delta"} - set(table.columns)
    if missing:
        raise SignetInputError(table.attrs.get("path"),
                               f"knock-out table lacks column(s) {', '.join(sorted(missing))}")
    rows = table[(table["tf"] == tf) & ~table["node"].isin(list(exclude))]
    if rows.empty:
        raise SignetInputError(table.attrs.get("path"), f"no knock-out rows for TF {tf!r}")
    magnitude = rows.assign(abs_delta=rows["delta"].abs())
    grouped = magnitude.groupby("node", sort=True)
    ranking = pd.DataFrame({
        "mean_abs_delta": grouped["abs_delta"].mean(),
        "sd_abs_delta": grouped["abs_delta"].std(ddof=0),
        "mean_delta": grouped["delta"].mean(),
        "abs_mean_delta": grouped["delta"].mean().abs(),
        "n": grouped["delta"].size(),
    }).reset_index()
    ranking = ranking.sort_values([by, "node"], ascending=[False, True],
                                  kind="mergesort").reset_index(drop=True)
    names = names or {}
    ranking.insert(1, "name", [names.get(n, n) for n in ranking["node"]])
    ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    return ranking.head(top) if top else ranking


def knockout_summary(per_model: pd.DataFrame, names: dict | None = None,
                     exclude_readout: bool = True) -> pd.DataFrame:
    """Knock-outs by several models reduced per ``condition, tf, node``.

    ``per_model`` has ``model, condition, node, tf, delta``. Returns ``condition, tf,
    tf_name, rank, node, name, mean_delta, sd_delta, mean_abs_delta, n_models,
    sign_agreement``: sd is the sample SD over the models (NaN for one model);
    ``sign_agreement`` the share of models whose delta has the sign of ``mean_delta`` (a
    zero delta does not agree), and NaN where every model's delta is exactly zero: the node
    has no effect on the TF, which is not a disagreement. Ranked within each condition and
    TF by ``mean_abs_delta`` (ties by node id); ``exclude_readout`` drops the read-out TF's
    own knock-out.
    """
    table = per_model
    if exclude_readout:
        table = table[table["node"] != table["tf"]]
    keys = ["condition", "tf", "node"]
    table = table.assign(abs_delta=table["delta"].abs())
    grouped = table.groupby(keys, sort=True)
    summary = grouped.agg(mean_delta=("delta", "mean"), sd_delta=("delta", "std"),
                          mean_abs_delta=("abs_delta", "mean"), n_models=("delta", "size"))
    signs = table.join(summary["mean_delta"], on=keys)
    agree = (np.sign(signs["delta"]) == np.sign(signs["mean_delta"])) & (signs["delta"] != 0)
    summary["sign_agreement"] = agree.groupby([signs[k] for k in keys]).mean()
    summary.loc[summary["mean_abs_delta"] == 0, "sign_agreement"] = np.nan
    summary = summary.reset_index()
    summary = summary.sort_values(["condition", "tf", "mean_abs_delta", "node"],
                                  ascending=[True, True, False, True], kind="mergesort")
    summary.insert(2, "rank", summary.groupby(["condition", "tf"]).cumcount() + 1)
    names = names or {}
    summary.insert(2, "tf_name", [names.get(t, t) for t in summary["tf"]])
    summary.insert(5, "name", [names.get(n, n) for n in summary["node"]])
    return summary.reset_index(drop=True)


#: the category of a node whose knock-out changes the TF in no model
NO_EFFECT = "no effect"


def agreement_categories(sign_agreement, threshold: float) -> np.ndarray:
    """``"agree"`` (the sign agrees in at least ``threshold`` of the models),
    ``"disagree"``, or :data:`NO_EFFECT` (NaN: no model changes the TF) for each value of a
    knock-out summary's ``sign_agreement``."""
    values = np.asarray(sign_agreement, dtype=np.float64)
    return np.where(np.isnan(values), NO_EFFECT,
                    np.where(values >= threshold, "agree", "disagree")).astype(object)
