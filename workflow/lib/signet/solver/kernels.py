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

The threaded kernels run the rows of a step with ``prange`` and meet at one barrier per
step; they pay only when a step has enough work (:func:`threads_for` decides). They are
separate builds with their own disk-cache keys: numba's cache keys a function by its code
and closure, not by its ``parallel`` flag, and the single closure compiled both ways before
loaded the serial build for both, so the threaded path never started a thread.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange

from signet.core.activations import LEAK

ACTIVATION_CODES = {"MML": 0, "leakyReLU": 1, "sigmoid": 2}

# with ``threads`` > 1, threads are used from this many multiply-adds a step (edges x
# samples); below it the per-step barrier costs more than the threads save
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


def _make_iteration(backward: bool, parallel: bool):
    """Build the iteration from v_0 = 0, returning (v, steps used, last max |change|):

        forward   v_{k+1}[i] = f(base[i] + sum_e w_e v_k[col_e])        param = activation code
        backward  v_{k+1}[i] = clip(aux[i] (base[i] + sum_e w_e v_k[col_e]))   param = clip

    The row product is written out here rather than called: numba compiled an inlined row
    helper about 4x slower at batch 3. ``parallel`` selects ``prange`` over rows. Both flags
    are captured in the closure as plain booleans, so each build has its own disk-cache key
    and that key is the same in every process (a captured dispatcher pickles differently in
    each process, which made every process compile the kernels again).
    """

    def iterate(rowptr, col, weights, base, aux, param, steps, tol):
        assert parallel in (False, True)  # captures the flag: a cache key per build
        n, batch = base.shape
        v = np.zeros_like(base)
        v_next = np.empty_like(base)
        change = np.zeros(n, dtype=base.dtype)
        used = 0
        residual = 0.0
        for _ in range(steps):
            for i in prange(n):
                lo = rowptr[i]
                hi = rowptr[i + 1]
                s = 0
                if batch >= REGISTER_BATCH:
                    for s in range(batch):
                        v_next[i, s] = base[i, s]
                    for e in range(lo, hi):
                        w = weights[e]
                        j = col[e]
                        for s in range(batch):
                            v_next[i, s] += w * v[j, s]
                    s = batch
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
                    v_next[i, s] = a0
                    v_next[i, s + 1] = a1
                    v_next[i, s + 2] = a2
                    v_next[i, s + 3] = a3
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
                    v_next[i, s] = a0
                    v_next[i, s + 1] = a1
                    v_next[i, s + 2] = a2
                elif s + 2 == batch:
                    a0 = base[i, s]
                    a1 = base[i, s + 1]
                    for e in range(lo, hi):
                        w = weights[e]
                        j = col[e]
                        a0 += w * v[j, s]
                        a1 += w * v[j, s + 1]
                    v_next[i, s] = a0
                    v_next[i, s + 1] = a1
                elif s + 1 == batch:
                    a0 = base[i, s]
                    for e in range(lo, hi):
                        a0 += weights[e] * v[col[e], s]
                    v_next[i, s] = a0
                largest = 0.0
                for s in range(batch):
                    if backward:
                        y = _clip(aux[i, s] * v_next[i, s], param)
                    else:
                        y = _value(v_next[i, s], param)
                    d = abs(y - v[i, s])
                    if d > largest:
                        largest = d
                    v_next[i, s] = y
                change[i] = largest
            v, v_next = v_next, v
            used += 1
            residual = change.max()
            if residual < tol:
                break
        return v, used, residual

    return njit(parallel=parallel, cache=True)(iterate)


_forward = _make_iteration(backward=False, parallel=False)
_backward = _make_iteration(backward=True, parallel=False)
_forward_threaded = _make_iteration(backward=False, parallel=True)
_backward_threaded = _make_iteration(backward=True, parallel=True)


def solve_forward(rowptr, col, weights, bias, code, steps, tol, threaded=False):
    """x_{k+1} = f(A x_k + bias) from x_0 = 0; stop when max |x_{k+1} - x_k| < tol.

    Returns (x, steps used, last max |change|). ``bias`` is (nodes x samples); ``code``
    names the activation (:data:`ACTIVATION_CODES`).
    """
    kernel = _forward_threaded if threaded else _forward
    return kernel(rowptr, col, weights, bias, bias, code, steps, tol)


def solve_backward(t_rowptr, t_col, t_weights, slope, grad_out, steps, tol, clip,
                   threaded=False):
    """g_{k+1} = clip(D (A^T g_k + G)) from g_0 = 0 (the paper's Algorithm 1).

    ``t_rowptr, t_col, t_weights`` are A^T in CSR (the weights in transposed order);
    ``slope`` = D and ``grad_out`` = G are (nodes x samples).
    """
    kernel = _backward_threaded if threaded else _backward
    return kernel(t_rowptr, t_col, t_weights, grad_out, slope, clip, steps, tol)


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


def threads_for(n_edges: int, batch: int, threads: int | None = None) -> int:
    """Threads for one solve: 1 unless ``threads`` > 1 asks for more and a step has at least
    :data:`PARALLEL_MIN_WORK` multiply-adds.

    Threads are opt-in: on a machine whose cores are busy with other work, a per-step
    barrier waits for a descheduled thread at every step (measured with numba's OpenMP layer
    at load 17 on 2 cores: 2000x slower than one thread; docs/performance.md).
    """
    if threads is None or threads <= 1 or n_edges * batch < PARALLEL_MIN_WORK:
        return 1
    return min(int(threads), numba.get_num_threads())
