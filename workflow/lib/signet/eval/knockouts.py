"""Knock-out tables of several models reduced to a ranking of the knocked-out nodes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from signet.errors import SignetInputError

__all__ = ["rank_knockouts"]


def rank_knockouts(table: pd.DataFrame, tf: str, names: dict | None = None,
                   exclude=(), top: int | None = None) -> pd.DataFrame:
    """Rank knocked-out nodes by mean |delta ``tf``| over models and conditions.

    ``table`` has columns ``node, tf, delta`` (and usually ``model, condition``); rows of
    other TFs are ignored. ``exclude`` drops nodes from the ranking (e.g. the read-out TF
    itself). Returns ``rank, node, name, mean_abs_delta, sd_abs_delta, mean_delta, n``
    sorted by decreasing ``mean_abs_delta`` (ties by node id).
    """
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
        "n": grouped["delta"].size(),
    }).reset_index()
    ranking = ranking.sort_values(["mean_abs_delta", "node"], ascending=[False, True],
                                  kind="mergesort").reset_index(drop=True)
    names = names or {}
    ranking.insert(1, "name", [names.get(n, n) for n in ranking["node"]])
    ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    return ranking.head(top) if top else ranking
