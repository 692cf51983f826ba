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

import torch

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
    """The last computed (detached) steady state of every training condition."""

    def __init__(self, states: torch.Tensor):
        self.states = states.detach().clone()

    def uniformity(self, index: torch.Tensor, live: torch.Tensor, low: float = 0.01,
                   high: float = 0.99, max_constraint: float = 50.0) -> torch.Tensor:
        """``state_uniformity(self.with_live(index, live))`` without autograd over the cache.

        The other conditions enter through detached sums, sums of squares, minima and
        maxima, so the graph holds only the batch's rows: same value, same gradient.
        """
        others = self.states.clone()
        others[index] = 0.0
        n = self.states.shape[0]
        mean = (others.sum(dim=0) + live.sum(dim=0)) / n
        second = (others.square().sum(dim=0) + live.square().sum(dim=0)) / n
        var = second - mean.square()
        others[index] = float("-inf")
        largest = torch.maximum(others.max(dim=0).values, live.max(dim=0).values)
        others[index] = float("inf")
        smallest = torch.minimum(others.min(dim=0).values, live.min(dim=0).values)
        return _uniformity(mean, var, smallest, largest, low, high, max_constraint)

    def with_live(self, index: torch.Tensor, live: torch.Tensor) -> torch.Tensor:
        """All states, with rows ``index`` replaced by the live (differentiable) ``live``."""
        return self.states.index_put((index,), live)

    def update(self, index: torch.Tensor, live: torch.Tensor) -> None:
        self.states[index] = live.detach()
