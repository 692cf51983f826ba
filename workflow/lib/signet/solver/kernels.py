"""Fused CSR loops compiled with numba for the CPU path of the steady-state solve.

Layouts: states are (nodes x samples), C-contiguous, so the samples of one node are
contiguous; the weight matrix is CSR with rows = targets. Row pointers and column indices
are *unsigned* integers: numba then skips the negative-index wrap-around test on every
gathered state, which was the largest single cost of the loop (about 1.5x at batch 3).
Activations are chosen by code: 0 = MML, 1 = leaky ReLU, 2 = sigmoid.

One row's product ``base[i] + sum_e w_e v[col_e]`` is summed edge by edge in CSR order for
every sample, whatever the batch size and whatever the number of threads, so results are
bitwise identical between the serial and the threaded kernels and from run to run. Below 8
samples the sums stay in registers (blocks of 4, then 3, 2 or 1 samples, one pass over the
row's edges per block); from 8 samples on they accumulate in the output row, an inner loop
over contiguous samples that the compiler vectorises.

The threaded kernels split the rows into one contiguous chunk per thread with equal edge
counts and meet at one barrier per step; they pay only when a step has enough work
(:func:`kernels` decides). They are separate functions from the serial ones (numba's disk
cache keys a function by its code, not by its ``parallel`` flag, so compiling one function
both ways would load the serial build for both).
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange

from signet.core.activations import LEAK

ACTIVATION_CODES = {"MML": 0, "leakyReLU": 1, "sigmoid": 2}

# threads pay for their per-step barrier from about this many multiply-adds a step
# (edges x samples); below it the serial loop is faster, and badly so on a busy machine
PARALLEL_MIN_WORK = 4_000_000
REGISTER_BATCH = 8  # below this many samples the row sums are kept in registers


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


@njit(inline="always", cache=True)
def _row_product(rowptr, col, weights, v, base, out, i):
    """out[i, :] = base[i, :] + sum_e weights[e] * v[col[e], :] over row i in CSR order."""
    lo = rowptr[i]
    hi = rowptr[i + 1]
    batch = base.shape[1]
    if batch >= REGISTER_BATCH:
        for s in range(batch):
            out[i, s] = base[i, s]
        for e in range(lo, hi):
            w = weights[e]
            j = col[e]
            for s in range(batch):
                out[i, s] += w * v[j, s]
        return
    s = 0
    while s + 4 <= batch:
        a0 = base[i, s]
        a1 = base[i, s + 1]
        a2 = base[i, s + 2]
        a3 = base[i, s + 3]
        for e in range(lo, hi):
            w = weights[e]
            j = col[e]
            a0 += w * v[j, s]
            a1 += w * v[j, s + 1]
            a2 += w * v[j, s + 2]
            a3 += w * v[j, s + 3]
        out[i, s] = a0
        out[i, s + 1] = a1
        out[i, s + 2] = a2
        out[i, s + 3] = a3
        s += 4
    if s + 3 == batch:
        a0 = base[i, s]
        a1 = base[i, s + 1]
        a2 = base[i, s + 2]
        for e in range(lo, hi):
            w = weights[e]
            j = col[e]
            a0 += w * v[j, s]
            a1 += w * v[j, s + 1]
            a2 += w * v[j, s + 2]
        out[i, s] = a0
        out[i, s + 1] = a1
        out[i, s + 2] = a2
    elif s + 2 == batch:
        a0 = base[i, s]
        a1 = base[i, s + 1]
        for e in range(lo, hi):
            w = weights[e]
            j = col[e]
            a0 += w * v[j, s]
            a1 += w * v[j, s + 1]
        out[i, s] = a0
        out[i, s + 1] = a1
    elif s < batch:
        a0 = base[i, s]
        for e in range(lo, hi):
            a0 += weights[e] * v[col[e], s]
        out[i, s] = a0


@njit(inline="always", cache=True)
def _forward_rows(rowptr, col, weights, v, bias, out, code, first, last):
    """Rows first..last-1 of x_{k+1} = f(A x_k + bias); returns their max |change|."""
    largest = 0.0
    for i in range(first, last):
        _row_product(rowptr, col, weights, v, bias, out, i)
        for s in range(bias.shape[1]):
            y = _value(out[i, s], code)
            d = abs(y - v[i, s])
            if d > largest:
                largest = d
            out[i, s] = y
    return largest


@njit(inline="always", cache=True)
def _backward_rows(rowptr, col, weights, g, grad_out, slope, out, clip, first, last):
    """Rows first..last-1 of g_{k+1} = clip(D (A^T g_k + G)); returns their max |change|."""
    largest = 0.0
    for i in range(first, last):
        _row_product(rowptr, col, weights, g, grad_out, out, i)
        for s in range(grad_out.shape[1]):
            y = _clip(slope[i, s] * out[i, s], clip)
            d = abs(y - g[i, s])
            if d > largest:
                largest = d
            out[i, s] = y
    return largest


@njit(cache=True)
def solve_forward(rowptr, col, weights, bias, code, steps, tol):
    """x_{k+1} = f(A x_k + bias) from x_0 = 0; stop when max |x_{k+1} - x_k| < tol.

    Returns (x, steps used, last max |change|). ``bias`` is (nodes x samples).
    """
    n = bias.shape[0]
    v = np.zeros_like(bias)
    v_next = np.empty_like(bias)
    used = 0
    residual = 0.0
    for _ in range(steps):
        residual = _forward_rows(rowptr, col, weights, v, bias, v_next, code, 0, n)
        v, v_next = v_next, v
        used += 1
        if residual < tol:
            break
    return v, used, residual


@njit(cache=True)
def solve_backward(t_rowptr, t_col, t_weights, slope, grad_out, steps, tol, clip):
    """g_{k+1} = clip(D (A^T g_k + G)) from g_0 = 0 (the paper's Algorithm 1).

    ``t_rowptr, t_col, t_weights`` are A^T in CSR (the weights in transposed order);
    ``slope`` = D and ``grad_out`` = G are (nodes x samples).
    """
    n = grad_out.shape[0]
    g = np.zeros_like(grad_out)
    g_next = np.empty_like(grad_out)
    used = 0
    residual = 0.0
    for _ in range(steps):
        residual = _backward_rows(t_rowptr, t_col, t_weights, g, grad_out, slope, g_next,
                                  clip, 0, n)
        g, g_next = g_next, g
        used += 1
        if residual < tol:
            break
    return g, used, residual


@njit(parallel=True, cache=True)
def solve_forward_threaded(rowptr, col, weights, bias, code, steps, tol, chunks):
    """:func:`solve_forward` with rows split at ``chunks`` (one chunk per thread)."""
    parts = chunks.shape[0] - 1
    v = np.zeros_like(bias)
    v_next = np.empty_like(bias)
    change = np.zeros(parts, dtype=bias.dtype)
    used = 0
    residual = 0.0
    for _ in range(steps):
        for t in prange(parts):
            change[t] = _forward_rows(rowptr, col, weights, v, bias, v_next, code,
                                      chunks[t], chunks[t + 1])
        v, v_next = v_next, v
        used += 1
        residual = change.max()
        if residual < tol:
            break
    return v, used, residual


@njit(parallel=True, cache=True)
def solve_backward_threaded(t_rowptr, t_col, t_weights, slope, grad_out, steps, tol, clip,
                            chunks):
    """:func:`solve_backward` with rows split at ``chunks`` (one chunk per thread)."""
    parts = chunks.shape[0] - 1
    g = np.zeros_like(grad_out)
    g_next = np.empty_like(grad_out)
    change = np.zeros(parts, dtype=grad_out.dtype)
    used = 0
    residual = 0.0
    for _ in range(steps):
        for t in prange(parts):
            change[t] = _backward_rows(t_rowptr, t_col, t_weights, g, grad_out, slope, g_next,
                                       clip, chunks[t], chunks[t + 1])
        g, g_next = g_next, g
        used += 1
        residual = change.max()
        if residual < tol:
            break
    return g, used, residual


@njit(cache=True)
def edge_gradient(sources, targets, g, x):
    """dL/dw_e = sum_s g[target_e, s] * x[source_e, s] (states nodes x samples)."""
    m = sources.shape[0]
    batch = g.shape[1]
    out = np.empty(m, dtype=g.dtype)
    for e in range(m):
        acc = 0.0
        i = targets[e]
        j = sources[e]
        for s in range(batch):
            acc += g[i, s] * x[j, s]
        out[e] = acc
    return out


def row_chunks(rowptr: np.ndarray, parts: int) -> np.ndarray:
    """Split rows into ``parts`` contiguous chunks with about equal edge counts."""
    n = len(rowptr) - 1
    goals = np.linspace(0, rowptr[-1], parts + 1)
    cuts = np.searchsorted(rowptr.astype(np.int64), goals[1:-1]).clip(0, n)
    return np.concatenate([[0], cuts, [n]]).astype(np.int64)


def threads_for(n_edges: int, batch: int, threads: int | None = None) -> int:
    """Threads for one solve: 1 below :data:`PARALLEL_MIN_WORK` multiply-adds per step, else
    numba's thread count (``threads`` overrides both)."""
    if threads is not None:
        return max(1, int(threads))
    if n_edges * batch < PARALLEL_MIN_WORK:
        return 1
    return max(1, numba.get_num_threads())
