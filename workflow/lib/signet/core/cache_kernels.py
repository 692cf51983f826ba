"""Compiled loops of the state cache (numba, CPU): the batch's state uniformity with its
gradient, and the update of the running statistics.

They do what :class:`signet.core.regularizers.StateCache` does with torch operations
(``uniformity`` with autograd, ``update``), in one pass over the batch's rows and the
node columns, with the same tie rules as torch's autograd: ``max(dim=0)`` sends the
gradient to the first row holding the largest value, and ``maximum(a, b)`` splits it
equally when a == b (the same for the minima).

Arrays: ``states`` (conditions x nodes), ``live`` (batch x nodes), ``index`` (batch,
int64, the rows of the batch), the per-node statistics ``total``, ``total_sq``,
``largest``, ``largest_row``, ``smallest``, ``smallest_row``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["uniformity_and_gradient", "update_statistics"]


@njit(cache=True, nogil=True)
def _others_extreme(states, in_batch, j, largest):
    # the largest (smallest) state of column j outside the batch's rows; -inf (inf) if none
    best = -np.inf if largest else np.inf
    for r in range(states.shape[0]):
        if not in_batch[r]:
            value = states[r, j]
            if (largest and value > best) or (not largest and value < best):
                best = value
    return best


@njit(cache=True, nogil=True)
def uniformity_and_gradient(states, total, total_sq, largest, largest_row, smallest,
                            smallest_row, index, live, low, high, max_constraint):
    """(U, dU/dlive) for the batch's live states; the other conditions enter through the
    statistics (see :meth:`signet.core.regularizers.StateCache.uniformity`)."""
    conditions, n = states.shape
    batch = live.shape[0]
    in_batch = np.zeros(conditions, dtype=np.bool_)
    for b in range(batch):
        in_batch[index[b]] = True
    stale_sum = np.zeros(n)
    stale_sq = np.zeros(n)
    live_sum = np.zeros(n)
    live_sq = np.zeros(n)
    live_max = np.full(n, -np.inf)
    live_min = np.full(n, np.inf)
    arg_max = np.zeros(n, dtype=np.int64)
    arg_min = np.zeros(n, dtype=np.int64)
    for b in range(batch):
        row = states[index[b]]
        for j in range(n):
            s = row[j]
            stale_sum[j] += s
            stale_sq[j] += s * s
            x = live[b, j]
            live_sum[j] += x
            live_sq[j] += x * x
            if x > live_max[j]:
                live_max[j] = x
                arg_max[j] = b
            if x < live_min[j]:
                live_min[j] = x
                arg_min[j] = b
    centre = (low + high) / 2
    spread = (high - low) ** 2 / 12
    loss_mean = loss_var = loss_min = loss_max = dead = 0.0
    grad = np.empty((batch, n))
    d_mean = np.empty(n)
    d_var = np.empty(n)
    means = np.empty(n)
    for j in range(n):
        mean = (total[j] - stale_sum[j] + live_sum[j]) / conditions
        second = (total_sq[j] - stale_sq[j] + live_sq[j]) / conditions
        var = second - mean * mean
        means[j] = mean
        loss_mean += (mean - centre) ** 2
        loss_var += (var - spread) ** 2
        d_mean[j] = 2.0 * (mean - centre) / conditions
        d_var[j] = 2.0 * (var - spread)
    for b in range(batch):
        for j in range(n):
            grad[b, j] = d_mean[j] + d_var[j] * (2.0 * live[b, j] - 2.0 * means[j]) / conditions
    for j in range(n):
        others = largest[j]
        if in_batch[largest_row[j]]:
            others = _others_extreme(states, in_batch, j, True)
        top = live_max[j]
        share = 1.0 if top > others else (0.5 if top == others else 0.0)
        top = top if top > others else others
        loss_max += (top - high) ** 2
        slope = 2.0 * (top - high)
        if top <= 0:
            dead += top
            slope -= max_constraint
        grad[arg_max[j], j] += share * slope
        others = smallest[j]
        if in_batch[smallest_row[j]]:
            others = _others_extreme(states, in_batch, j, False)
        bottom = live_min[j]
        share = 1.0 if bottom < others else (0.5 if bottom == others else 0.0)
        bottom = bottom if bottom < others else others
        loss_min += (bottom - low) ** 2
        grad[arg_min[j], j] += share * 2.0 * (bottom - low)
    loss = loss_mean + loss_var + loss_min + loss_max - max_constraint * dead
    return loss, grad


@njit(cache=True, nogil=True)
def update_statistics(states, total, total_sq, largest, largest_row, smallest, smallest_row,
                      index, new):
    """Store the batch's states (rows ``index``) and update the statistics in place; a
    column whose extreme row got a worse value is rescanned (first row on ties, as
    torch's ``max(dim=0)``)."""
    conditions, n = states.shape
    batch = new.shape[0]
    in_batch = np.zeros(conditions, dtype=np.bool_)
    for b in range(batch):
        in_batch[index[b]] = True
    old_sum = np.zeros(n)
    old_sq = np.zeros(n)
    new_sum = np.zeros(n)
    new_sq = np.zeros(n)
    top = np.full(n, -np.inf)
    bottom = np.full(n, np.inf)
    top_at = np.zeros(n, dtype=np.int64)
    bottom_at = np.zeros(n, dtype=np.int64)
    for b in range(batch):
        row = states[index[b]]
        for j in range(n):
            s = row[j]
            old_sum[j] += s
            old_sq[j] += s * s
            x = new[b, j]
            new_sum[j] += x
            new_sq[j] += x * x
            if x > top[j]:
                top[j] = x
                top_at[j] = index[b]
            if x < bottom[j]:
                bottom[j] = x
                bottom_at[j] = index[b]
    for j in range(n):
        total[j] += new_sum[j] - old_sum[j]
        total_sq[j] += new_sq[j] - old_sq[j]
    for b in range(batch):
        row = states[index[b]]
        for j in range(n):
            row[j] = new[b, j]
    for j in range(n):
        replaced = in_batch[largest_row[j]]
        if top[j] >= largest[j]:
            largest[j] = top[j]
            largest_row[j] = top_at[j]
        elif replaced:
            best = states[0, j]
            at = 0
            for r in range(1, conditions):
                if states[r, j] > best:
                    best = states[r, j]
                    at = r
            largest[j] = best
            largest_row[j] = at
        replaced = in_batch[smallest_row[j]]
        if bottom[j] <= smallest[j]:
            smallest[j] = bottom[j]
            smallest_row[j] = bottom_at[j]
        elif replaced:
            best = states[0, j]
            at = 0
            for r in range(1, conditions):
                if states[r, j] < best:
                    best = states[r, j]
                    at = r
            smallest[j] = best
            smallest_row[j] = at

