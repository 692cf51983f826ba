"""Fused CSR loops compiled with numba for the CPU path of the steady-state solve.

Layouts: states are (nodes x samples), C-contiguous; the weight matrix is CSR with rows =
targets. Activations are chosen by code: 0 = MML, 1 = leaky ReLU, 2 = sigmoid. Each kernel
is compiled twice: serial (small networks, where a thread barrier per step costs more than
it saves, and badly so on a busy machine) and parallel over rows (``prange``) for large
networks. Each row's sums run in a fixed order, so results are bitwise identical either way.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

ACTIVATION_CODES = {"MML": 0, "leakyReLU": 1, "sigmoid": 2}
LEAK = 0.01


@njit(inline="always", cache=True)
def _value(z, code):
    if code == 0:
        if z < 0.0:
            return LEAK * z
        if z <= 0.5:
            return z
        return 1.0 - 0.25 / z
    if code == 1:
        return LEAK * z if z < 0.0 else z
    return 1.0 / (1.0 + math.exp(-z))


@njit(inline="always", cache=True)
def _clip(v, c):
    if v > c:
        return math.tanh(v - c) + c
    if v < -c:
        return math.tanh(v + c) - c
    return v


def _solve_forward(rowptr, col, weights, bias, code, steps, tol):
    """x_{k+1} = f(A x_k + bias) from x_0 = 0; stop when max |x_{k+1} - x_k| < tol."""
    n, batch = bias.shape
    x = np.zeros_like(bias)
    x_next = np.empty_like(bias)
    change = np.zeros(n, dtype=bias.dtype)
    used = 0
    residual = 0.0
    for _ in range(steps):
        for i in prange(n):
            largest = 0.0
            for s in range(batch):
                acc = bias[i, s]
                for e in range(rowptr[i], rowptr[i + 1]):
                    acc += weights[e] * x[col[e], s]
                y = _value(acc, code)
                d = abs(y - x[i, s])
                if d > largest:
                    largest = d
                x_next[i, s] = y
            change[i] = largest
        x, x_next = x_next, x
        used += 1
        residual = change.max()
        if residual < tol:
            break
    return x, used, residual


def _solve_backward(t_rowptr, t_col, t_slot, weights, slope, grad_out, steps, tol, clip):
    """g_{k+1} = clip(D (A^T g_k + G)) from g_0 = 0 (the paper's Algorithm 1)."""
    n, batch = grad_out.shape
    g = np.zeros_like(grad_out)
    g_next = np.empty_like(grad_out)
    change = np.zeros(n, dtype=grad_out.dtype)
    used = 0
    residual = 0.0
    for _ in range(steps):
        for j in prange(n):
            largest = 0.0
            for s in range(batch):
                acc = grad_out[j, s]
                for e in range(t_rowptr[j], t_rowptr[j + 1]):
                    acc += weights[t_slot[e]] * g[t_col[e], s]
                v = _clip(slope[j, s] * acc, clip)
                d = abs(v - g[j, s])
                if d > largest:
                    largest = d
                g_next[j, s] = v
            change[j] = largest
        g, g_next = g_next, g
        used += 1
        residual = change.max()
        if residual < tol:
            break
    return g, used, residual


def _edge_gradient(sources, targets, g, x):
    """dL/dw_e = sum_s g[target_e, s] * x[source_e, s]."""
    m = sources.shape[0]
    batch = g.shape[1]
    out = np.empty(m, dtype=g.dtype)
    for e in prange(m):
        acc = 0.0
        i = targets[e]
        j = sources[e]
        for s in range(batch):
            acc += g[i, s] * x[j, s]
        out[e] = acc
    return out


solve_forward = njit(cache=True)(_solve_forward)
solve_backward = njit(cache=True)(_solve_backward)
edge_gradient = njit(cache=True)(_edge_gradient)
solve_forward_parallel = njit(parallel=True, cache=True)(_solve_forward)
solve_backward_parallel = njit(parallel=True, cache=True)(_solve_backward)
edge_gradient_parallel = njit(parallel=True, cache=True)(_edge_gradient)

PARALLEL_MIN_NODES = 4000


def kernels(n_nodes: int):
    """(forward, backward, edge_gradient) kernels suited to a network of this size."""
    if n_nodes >= PARALLEL_MIN_NODES:
        return solve_forward_parallel, solve_backward_parallel, edge_gradient_parallel
    return solve_forward, solve_backward, edge_gradient


def warm_up():
    """Compile the kernels for float64 and float32 (numba caches them on disk)."""
    rowptr = np.array([0, 0, 1], dtype=np.int64)
    col = np.array([0], dtype=np.int64)
    for dtype in (np.float64, np.float32):
        w = np.ones(1, dtype)
        b = np.ones((2, 1), dtype)
        x, _, _ = solve_forward(rowptr, col, w, b, 0, 2, dtype(0.0))
        solve_backward(rowptr, col, np.zeros(1, np.int64), w, b, b, 2, dtype(0.0), dtype(1.0))
        edge_gradient(col, np.array([1]), x, x)
