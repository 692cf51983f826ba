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
def _clip(v, c):
    if v > c:
        return math.tanh(v - c) + c
    if v < -c:
        return math.tanh(v + c) - c
    return v


@njit(cache=True, nogil=True)
def _activation_pass(z, v, code, lo, hi):
    """z[k] <- f(z[k]) for k in [lo, hi) of the flat state arrays; returns max |f(z) - v|.

    The activation runs over contiguous memory without a reduction in the same loop, so the
    compiler vectorises it (selects instead of branches; the division of the saturating
    branch is computed everywhere, on max(z, 0.5), and kept only where z > 0.5)."""
    if code == 0:
        for k in range(lo, hi):
            x = z[k]
            saturated = 1.0 - 0.25 / max(x, 0.5)
            z[k] = LEAK * x if x < 0.0 else (x if x <= 0.5 else saturated)
    elif code == 1:
        for k in range(lo, hi):
            x = z[k]
            z[k] = LEAK * x if x < 0.0 else x
    else:
        for k in range(lo, hi):
            z[k] = 1.0 / (1.0 + math.exp(-z[k]))
    return _largest_change(z, v, lo, hi)


@njit(cache=True, nogil=True)
def _clip_pass(z, v, aux, c, lo, hi):
    """z[k] <- clip(aux[k] z[k]) for k in [lo, hi); returns max |new - v|."""
    for k in range(lo, hi):
        z[k] = _clip(aux[k] * z[k], c)
    return _largest_change(z, v, lo, hi)


@njit(cache=True, nogil=True)
def _largest_change(z, v, lo, hi):
    # four running maxima: one is a chain of dependent compares the compiler will not split
    m0 = m1 = m2 = m3 = 0.0
    k = lo
    while k + 4 <= hi:
        d0 = abs(z[k] - v[k])
        d1 = abs(z[k + 1] - v[k + 1])
        d2 = abs(z[k + 2] - v[k + 2])
        d3 = abs(z[k + 3] - v[k + 3])
        m0 = d0 if d0 > m0 else m0
        m1 = d1 if d1 > m1 else m1
        m2 = d2 if d2 > m2 else m2
        m3 = d3 if d3 > m3 else m3
        k += 4
    while k < hi:
        d0 = abs(z[k] - v[k])
        m0 = d0 if d0 > m0 else m0
        k += 1
    m0 = m1 if m1 > m0 else m0
    m2 = m3 if m3 > m2 else m2
    return m2 if m2 > m0 else m0


CHUNK = 16384  # flat state values per chunk of the threaded activation pass



def _cached_build(iterate, name: str, parallel: bool = False):
    """Compile one closure build under a qualname of its own, with a disk cache.

    Every build of a factory shares the qualname ``_make_....<locals>.iterate``. numba names
    a compiled function, and the environment that holds its constants, by qualname and a
    per-process counter; two builds written to the cache by different processes could then
    carry the same name, and a third process loading both got the first one's environment
    for the second: returning the state failed with "NRT_adapt_ndarray_to_python: descr is
    NULL" (CI, a full test run from an empty cache). A qualname per build keeps the names,
    and the cache index files, apart.
    """
    iterate.__name__ = name
    iterate.__qualname__ = name
    return njit(parallel=parallel, cache=True, nogil=True)(iterate)

def _make_iteration(backward: bool, parallel: bool):
    """Build the iteration from v_0 = 0, returning (v, steps used, last max |change|):

        forward   v_{k+1}[i] = f(base[i] + sum_e w_e v_k[col_e])        param = activation code
        backward  v_{k+1}[i] = clip(aux[i] (base[i] + sum_e w_e v_k[col_e]))   param = clip

    A step is two passes: the sparse product into a second state array (row by row), then
    the activation (or clip) and the largest change over the flat array, which vectorises.
    Fusing the activation into the row loop, as before, kept it scalar and branchy: the
    split is 1.5x faster a step at batch 5 and 2.5x at batch 20 on the KEGG network
    (docs/history/performance.md). The row product is written out here rather than called: numba
    compiled an inlined row helper about 4x slower at batch 3. ``parallel`` selects
    ``prange`` over rows and over chunks of the flat array. Both flags are captured in the
    closure as plain booleans, so each build has its own disk-cache key and that key is the
    same in every process (a captured dispatcher pickles differently in each process, which
    made every process compile the kernels again).
    """

    def iterate(rowptr, col, weights, base, aux, param, steps, tol):
        assert parallel in (False, True)  # captures the flag: a cache key per build
        n, batch = base.shape
        flat = n * batch
        v = np.zeros_like(base)
        z = np.empty_like(base)
        chunks = max(1, flat // CHUNK) if parallel else 1
        part = np.zeros(chunks, dtype=base.dtype)
        aux_flat = aux.reshape(flat)
        used = 0
        residual = 0.0
        for _ in range(steps):
            for i in prange(n):
                lo = rowptr[i]
                hi = rowptr[i + 1]
                s = 0
                if batch >= REGISTER_BATCH:
                    for s in range(batch):
                        z[i, s] = base[i, s]
                    for e in range(lo, hi):
                        w = weights[e]
                        j = col[e]
                        for s in range(batch):
                            z[i, s] += w * v[j, s]
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
                    z[i, s] = a0
                    z[i, s + 1] = a1
                    z[i, s + 2] = a2
                    z[i, s + 3] = a3
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
                    z[i, s] = a0
                    z[i, s + 1] = a1
                    z[i, s + 2] = a2
                elif s + 2 == batch:
                    a0 = base[i, s]
                    a1 = base[i, s + 1]
                    for e in range(lo, hi):
                        w = weights[e]
                        j = col[e]
                        a0 += w * v[j, s]
                        a1 += w * v[j, s + 1]
                    z[i, s] = a0
                    z[i, s + 1] = a1
                elif s + 1 == batch:
                    a0 = base[i, s]
                    for e in range(lo, hi):
                        a0 += weights[e] * v[col[e], s]
                    z[i, s] = a0
            z_flat = z.reshape(flat)
            v_flat = v.reshape(flat)
            for q in prange(chunks):
                lo = q * flat // chunks
                hi = (q + 1) * flat // chunks
                if backward:
                    part[q] = _clip_pass(z_flat, v_flat, aux_flat, param, lo, hi)
                else:
                    part[q] = _activation_pass(z_flat, v_flat, param, lo, hi)
            residual = part[0]
            for q in range(1, chunks):
                residual = part[q] if part[q] > residual else residual
            v, z = z, v
            used += 1
            if residual < tol:
                break
        return v, used, residual

    return _cached_build(iterate, f"iterate_{'backward' if backward else 'forward'}"
                         f"{'_threaded' if parallel else ''}", parallel=parallel)


def _make_fixed_batch(backward: bool, batch: int):
    """The serial iteration for exactly ``batch`` samples (a closure constant, so every
    sample loop has a known trip count: the compiler unrolls it and keeps the row's sums in
    registers). Same sums in the same order as :func:`_make_iteration`, so bitwise the same
    results; faster a step at batches 3-8 (KEGG and 19 000-node networks; see
    :data:`FIXED_BATCH_MAX` and docs/history/performance.md). One build (and disk-cache entry) per
    batch size in use."""

    def iterate(rowptr, col, weights, base, aux, param, steps, tol):
        assert backward in (False, True) and batch > 0  # captured: a cache key per build
        n = base.shape[0]
        flat = n * batch
        v = np.zeros_like(base)
        z = np.empty_like(base)
        acc = np.empty_like(base[0])
        aux_flat = aux.reshape(flat)
        used = 0
        residual = 0.0
        for _ in range(steps):
            for i in range(n):
                for s in range(batch):
                    acc[s] = base[i, s]
                for e in range(rowptr[i], rowptr[i + 1]):
                    w = weights[e]
                    j = col[e]
                    for s in range(batch):
                        acc[s] += w * v[j, s]
                for s in range(batch):
                    z[i, s] = acc[s]
            if backward:
                residual = _clip_pass(z.reshape(flat), v.reshape(flat), aux_flat, param, 0,
                                      flat)
            else:
                residual = _activation_pass(z.reshape(flat), v.reshape(flat), param, 0, flat)
            v, z = z, v
            used += 1
            if residual < tol:
                break
        return v, used, residual

    return _cached_build(iterate, f"iterate_{'backward' if backward else 'forward'}_batch{batch}")


# serial solves of up to this many samples get a fixed-batch build. Measured against the
# generic build (same process, interleaved, Intel Xeon, 2026-12-02): 1.1-1.4x faster at
# batches 3-8 on 1 000-19 000 nodes, 0.74-1.0x at 16-32 (the generic build's vectorised
# in-row sums win there; the `fast` recipe trains at batch 20)
FIXED_BATCH_MAX = 8
_fixed: dict = {}

_forward = _make_iteration(backward=False, parallel=False)
_backward = _make_iteration(backward=True, parallel=False)
_forward_threaded = _make_iteration(backward=False, parallel=True)
_backward_threaded = _make_iteration(backward=True, parallel=True)


def _kernel(backward: bool, threaded: bool, batch: int):
    if threaded:
        return _backward_threaded if backward else _forward_threaded
    if 0 < batch <= FIXED_BATCH_MAX:
        key = (backward, batch)
        if key not in _fixed:
            _fixed[key] = _make_fixed_batch(backward, batch)
        return _fixed[key]
    return _backward if backward else _forward


def solve_forward(rowptr, col, weights, bias, code, steps, tol, threaded=False):
    """x_{k+1} = f(A x_k + bias) from x_0 = 0; stop when max |x_{k+1} - x_k| < tol.

    Returns (x, steps used, last max |change|). ``bias`` is (nodes x samples); ``code``
    names the activation (:data:`ACTIVATION_CODES`).
    """
    kernel = _kernel(False, threaded, bias.shape[1])
    return kernel(rowptr, col, weights, bias, bias, code, steps, tol)


def solve_backward(t_rowptr, t_col, t_weights, slope, grad_out, steps, tol, clip,
                   threaded=False):
    """g_{k+1} = clip(D (A^T g_k + G)) from g_0 = 0 (the paper's Algorithm 1).

    ``t_rowptr, t_col, t_weights`` are A^T in CSR (the weights in transposed order);
    ``slope`` = D and ``grad_out`` = G are (nodes x samples).
    """
    kernel = _kernel(True, threaded, grad_out.shape[1])
    return kernel(t_rowptr, t_col, t_weights, grad_out, slope, clip, steps, tol)


@njit(cache=True, nogil=True)
def output_slope(y, code):
    """f'(z) from y = f(z) elementwise (``slope_from_output`` of :mod:`signet.core.activations`
    for activation ``code``), for an array of any shape."""
    flat = y.ravel()
    out = np.empty_like(flat)
    if code == 0:
        for k in range(flat.shape[0]):
            v = flat[k]
            out[k] = LEAK if v <= 0.0 else (1.0 if v <= 0.5 else 4.0 * (1.0 - v) ** 2)
    elif code == 1:
        for k in range(flat.shape[0]):
            out[k] = LEAK if flat[k] <= 0.0 else 1.0
    else:
        for k in range(flat.shape[0]):
            out[k] = flat[k] * (1.0 - flat[k])
    return out.reshape(y.shape)


@njit(cache=True, nogil=True)
def largest_product(a, b):
    """max |a * b| elementwise over two arrays of the same shape (0 for empty ones)."""
    fa = a.ravel()
    fb = b.ravel()
    best = 0.0
    for k in range(fa.shape[0]):
        v = abs(fa[k] * fb[k])
        best = v if v > best else best
    return best


@njit(cache=True, nogil=True)
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
    at load 17 on 2 cores: 2000x slower than one thread; docs/history/performance.md).
    """
    if threads is None or threads <= 1 or n_edges * batch < PARALLEL_MIN_WORK:
        return 1
    return min(int(threads), numba.get_num_threads())
