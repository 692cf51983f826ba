"""Independent references for the numerical tests (dense, unrolled, no signet solver)."""

from __future__ import annotations

import torch


def dense_matrix(network, weights):
    n = network.n_nodes
    A = torch.zeros(n, n, dtype=weights.dtype)
    return A.index_put((torch.as_tensor(network.targets), torch.as_tensor(network.sources)),
                       weights)


def unrolled_steady_state(network, weights, bias, activation, steps):
    """x_{k+1} = f(x_k A^T + bias), plain dense torch ops, differentiable by autograd."""
    A = dense_matrix(network, weights)
    x = torch.zeros_like(bias)
    for _ in range(steps):
        x = activation.value(x @ A.T + bias)
    return x
