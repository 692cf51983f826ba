"""Knock-out tables of several models reduced to a ranking of the knocked-out nodes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from signet.errors import SignetInputError

__all__ = ["rank_knockouts"]


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
