"""The training objective's regularization terms: one pure function per term.

Every function returns an unweighted 0-d tensor; the recipe's coefficients weight them.

* sign:            sum |w| over weights whose sign contradicts the prior mode of action
* ligand bias:     sum b_ligand^2
* L2:              sum b^2 + sum w^2
* non-zero:        sum 1 / (w^2 + 0.5)          (keeps weights away from 0)
* projection:      sum (p - 1.2)^2               (only when the projection is trainable)
* state uniformity U over the states of all training conditions, per node:
      (mean - (a+b)/2)^2 + (var - (b-a)^2/12)^2 + (min - a)^2 + (max - b)^2,
  summed over nodes, plus ``max_constraint`` * sum of the non-positive maxima (a node that is
  never on is pushed up); [a, b] = [0.01, 0.99]. The batch's states are live, the other
  conditions' states come from :class:`StateCache` (detached).
"""

from __future__ import annotations

import numpy as np
import torch

from signet.core import cache_kernels as _cache_kernels

__all__ = [
    "sign_violation", "sign_violation_count", "ligand_bias", "l2", "nonzero_weights",
    "projection_penalty", "state_uniformity", "StateCache",
]


def sign_violation(weights: torch.Tensor, signs: torch.Tensor) -> torch.Tensor:
    """sum |w| where sign(w) contradicts the prior sign (prior 0 = unknown: no penalty)."""
    return torch.relu(-signs * weights).sum()


def sign_violation_count(weights: torch.Tensor, signs: torch.Tensor) -> int:
    return int(((signs * weights) < 0).sum())


def ligand_bias(bias: torch.Tensor, ligand_index: torch.Tensor) -> torch.Tensor:
    return bias[ligand_index].square().sum()


def l2(weights: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    return weights.square().sum() + bias.square().sum()


def nonzero_weights(weights: torch.Tensor) -> torch.Tensor:
    return (1.0 / (weights.square() + 0.5)).sum()


def projection_penalty(projection: torch.Tensor, center: float = 1.2) -> torch.Tensor:
    return (projection - center).square().sum()


def _uniformity(mean, var, smallest, largest, low, high, max_constraint):
    """U from per-node statistics (see the module docstring)."""
    loss = ((mean - (low + high) / 2).square().sum()
            + (var - (high - low) ** 2 / 12).square().sum()
            + (smallest - low).square().sum()
            + (largest - high).square().sum())
    dead = largest.detach() <= 0
    if bool(dead.any()):
        loss = loss - max_constraint * largest[dead].sum()
    return loss


def state_uniformity(states: torch.Tensor, low: float = 0.01, high: float = 0.99,
                     max_constraint: float = 50.0) -> torch.Tensor:
    """U for a (conditions x nodes) state matrix (see the module docstring)."""
    mean = states.mean(dim=0)
    var = (states - mean).square().mean(dim=0)
    largest = states.max(dim=0).values
    smallest = states.min(dim=0).values
    return _uniformity(mean, var, smallest, largest, low, high, max_constraint)


class StateCache:
    """The last computed (detached) steady state of every training condition, with per-node
    running statistics so that a batch costs O(batch x nodes), not O(conditions x nodes).

    Kept up to date on every :meth:`update`: the sum and the sum of squares of each node's
    states, and each node's largest and smallest state with the row that holds it. A column
    whose extreme row is replaced by a smaller (larger) value is rescanned, so the extremes
    are exact; the sums carry rounding from the updates and are recomputed from the states by
    :meth:`refresh` (the training loop calls it at the start of every epoch, and a restored
    checkpoint starts from it, so resumed runs stay bitwise equal to uninterrupted ones).
    """

    def __init__(self, states: torch.Tensor):
        self.load(states)

    def load(self, states: torch.Tensor) -> None:
        """Replace every state and recompute the statistics."""
        self.states = states.detach().clone()
        self.refresh()

    def refresh(self) -> None:
        """Recompute the statistics from the states."""
        states = self.states
        self.total = states.sum(dim=0)
        self.total_sq = states.square().sum(dim=0)
        self.largest, self.largest_row = states.max(dim=0)
        self.smallest, self.smallest_row = states.min(dim=0)

    def _others_extreme(self, index, value, row, largest: bool):
        """Per node the largest (smallest) state outside rows ``index``."""
        hit = torch.isin(row, index)
        if not bool(hit.any()):
            return value
        columns = torch.nonzero(hit).squeeze(1)
        block = self.states[:, columns].clone()
        block[index] = float("-inf") if largest else float("inf")
        rescan = block.max(dim=0).values if largest else block.min(dim=0).values
        return value.index_put((columns,), rescan)

    def uniformity(self, index: torch.Tensor, live: torch.Tensor, low: float = 0.01,
                   high: float = 0.99, max_constraint: float = 50.0) -> torch.Tensor:
        """``state_uniformity(self.with_live(index, live))`` without autograd over the cache.

        The other conditions enter through detached sums, sums of squares, minima and
        maxima, so the graph holds only the batch's rows: same value (up to the rounding of
        the running sums), same gradient.
        """
        stale = self.states[index]
        n = self.states.shape[0]
        mean = (self.total - stale.sum(dim=0) + live.sum(dim=0)) / n
        second = (self.total_sq - stale.square().sum(dim=0) + live.square().sum(dim=0)) / n
        var = second - mean.square()
        largest = torch.maximum(
            self._others_extreme(index, self.largest, self.largest_row, True),
            live.max(dim=0).values)
        smallest = torch.minimum(
            self._others_extreme(index, self.smallest, self.smallest_row, False),
            live.min(dim=0).values)
        return _uniformity(mean, var, smallest, largest, low, high, max_constraint)

    def with_live(self, index: torch.Tensor, live: torch.Tensor) -> torch.Tensor:
        """All states, with rows ``index`` replaced by the live (differentiable) ``live``."""
        return self.states.index_put((index,), live)

    def _arrays(self):
        return (self.states.numpy(), self.total.numpy(), self.total_sq.numpy(),
                self.largest.numpy(), self.largest_row.numpy(), self.smallest.numpy(),
                self.smallest_row.numpy())

    def uniformity_and_gradient(self, index: np.ndarray, live: np.ndarray, low: float = 0.01,
                                high: float = 0.99, max_constraint: float = 50.0):
        """(U, dU/dlive) as numpy (CPU): the value of :meth:`uniformity` and the gradient
        autograd gives it, from one compiled pass (:mod:`signet.core.cache_kernels`)."""
        return _cache_kernels.uniformity_and_gradient(
            *self._arrays(), np.ascontiguousarray(index, dtype=np.int64),
            np.ascontiguousarray(live), float(low), float(high), float(max_constraint))

    def update(self, index: torch.Tensor, live: torch.Tensor) -> None:
        """Store the batch's states (rows ``index``) and update the statistics (compiled
        on the CPU, torch operations on other devices: the same rules either way)."""
        new = live.detach()
        if self.states.device.type == "cpu":
            _cache_kernels.update_statistics(
                *self._arrays(), np.ascontiguousarray(torch.as_tensor(index).numpy(),
                                                      dtype=np.int64),
                np.ascontiguousarray(new.numpy()))
            return
        self._update_torch(index, new)

    def _update_torch(self, index: torch.Tensor, new: torch.Tensor) -> None:
        old = self.states[index]
        self.total += new.sum(dim=0) - old.sum(dim=0)
        self.total_sq += new.square().sum(dim=0) - old.square().sum(dim=0)
        self.states[index] = new
        for largest in (True, False):
            value = self.largest if largest else self.smallest
            row = self.largest_row if largest else self.smallest_row
            candidate, at = new.max(dim=0) if largest else new.min(dim=0)
            at = index[at]
            replaced = torch.isin(row, index)
            take = candidate >= value if largest else candidate <= value
            value.copy_(torch.where(take, candidate, value))
            row.copy_(torch.where(take, at, row))
            lost = replaced & ~take  # the extreme row got a worse value: rescan the column
            if bool(lost.any()):
                columns = torch.nonzero(lost).squeeze(1)
                block = self.states[:, columns]
                rescan, rescan_row = block.max(dim=0) if largest else block.min(dim=0)
                value.index_put_((columns,), rescan)
                row.index_put_((columns,), rescan_row)
