"""Compiled pieces of the eigen tracker (numba): sparse block products, orthonormalisation
and the Rayleigh-Ritz projection, so that a tracker call costs a few compiled loops and one
small dense ``eig`` instead of dozens of numpy and scipy calls.

Blocks are (n x k) C-contiguous float64 arrays; a sparse matrix is given by its CSR arrays
(``indptr``, ``indices``, ``data``). Everything here runs on one thread and needs no BLAS:
on a busy 2-core machine a threaded BLAS QR of an n x 16 block cost 30-200x its one-thread
time (docs/history/performance.md, "Eigen tracker").
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["block_product", "orthonormalise", "iterate_block", "ritz_projection",
           "ritz_residual", "edge_values"]


@njit(cache=True, nogil=True)
def block_product(indptr, indices, data, block):
    """M @ block for M in CSR (rows of M in order, each row's entries in CSR order)."""
    n, k = block.shape
    out = np.zeros((indptr.shape[0] - 1, k))
    for i in range(indptr.shape[0] - 1):
        for e in range(indptr[i], indptr[i + 1]):
            a = data[e]
            j = indices[e]
            for c in range(k):
                out[i, c] += a * block[j, c]
    return out


@njit(cache=True)
def _filler(n, c, out):
    # a deterministic vector for a column that the products annihilated (T of low rank)
    state = np.uint64(88172645463325252) + np.uint64(c) * np.uint64(2654435761)
    for i in range(n):
        state ^= state << np.uint64(13)
        state ^= state >> np.uint64(7)
        state ^= state << np.uint64(17)
        out[i] = (state % np.uint64(1_000_003)) / 1_000_003.0 - 0.5


@njit(cache=True)
def _dot(a, b):
    # four partial sums: a single running sum is one long chain of dependent additions
    # (about 4 cycles each), which the compiler may not reorder without fastmath
    n = a.shape[0]
    s0 = s1 = s2 = s3 = 0.0
    i = 0
    while i + 4 <= n:
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        s2 += a[i + 2] * b[i + 2]
        s3 += a[i + 3] * b[i + 3]
        i += 4
    while i < n:
        s0 += a[i] * b[i]
        i += 1
    return (s0 + s1) + (s2 + s3)


@njit(cache=True, nogil=True)
def _dots4(q, d, column, out):
    """out[d + t] = _dot(q[d + t], column) for t = 0..3, each with _dot's four partial sums
    in _dot's order (so bitwise _dot's answers), sharing the loads of ``column``."""
    n = column.shape[0]
    a0 = q[d]
    a1 = q[d + 1]
    a2 = q[d + 2]
    a3 = q[d + 3]
    s00 = s01 = s02 = s03 = 0.0
    s10 = s11 = s12 = s13 = 0.0
    s20 = s21 = s22 = s23 = 0.0
    s30 = s31 = s32 = s33 = 0.0
    i = 0
    while i + 4 <= n:
        c0 = column[i]
        c1 = column[i + 1]
        c2 = column[i + 2]
        c3 = column[i + 3]
        s00 += a0[i] * c0
        s01 += a0[i + 1] * c1
        s02 += a0[i + 2] * c2
        s03 += a0[i + 3] * c3
        s10 += a1[i] * c0
        s11 += a1[i + 1] * c1
        s12 += a1[i + 2] * c2
        s13 += a1[i + 3] * c3
        s20 += a2[i] * c0
        s21 += a2[i + 1] * c1
        s22 += a2[i + 2] * c2
        s23 += a2[i + 3] * c3
        s30 += a3[i] * c0
        s31 += a3[i + 1] * c1
        s32 += a3[i + 2] * c2
        s33 += a3[i + 3] * c3
        i += 4
    while i < n:
        c0 = column[i]
        s00 += a0[i] * c0
        s10 += a1[i] * c0
        s20 += a2[i] * c0
        s30 += a3[i] * c0
        i += 1
    out[d] = (s00 + s01) + (s02 + s03)
    out[d + 1] = (s10 + s11) + (s12 + s13)
    out[d + 2] = (s20 + s21) + (s22 + s23)
    out[d + 3] = (s30 + s31) + (s32 + s33)


@njit(cache=True, nogil=True)
def _project_out(q, c, column, dots):
    """column -= dots[d] * q[d] for d = 0 .. c - 1, in that order for every element (four
    rows a pass over ``column``: the same subtractions in the same order as one row a pass)."""
    n = column.shape[0]
    d = 0
    while d + 4 <= c:
        f0 = dots[d]
        f1 = dots[d + 1]
        f2 = dots[d + 2]
        f3 = dots[d + 3]
        o0 = q[d]
        o1 = q[d + 1]
        o2 = q[d + 2]
        o3 = q[d + 3]
        for i in range(n):
            column[i] = (((column[i] - f0 * o0[i]) - f1 * o1[i]) - f2 * o2[i]) - f3 * o3[i]
        d += 4
    while d < c:
        f = dots[d]
        other = q[d]
        for i in range(n):
            column[i] -= f * other[i]
        d += 1


@njit(cache=True, nogil=True)
def orthonormalise(block):
    """An orthonormal basis of ``block``'s columns, column by column (classical Gram-Schmidt
    with a second pass, "twice is enough"), on the transposed block so that every dot product
    and update runs over contiguous memory; four dot products, and four updates, share a pass
    over the column. A column with nothing left after the passes (the products annihilated
    it) is replaced by a fixed pseudo-random vector, so the result always has k orthonormal
    columns, as a QR's Q does."""
    n, k = block.shape
    q = np.ascontiguousarray(block.T)
    dots = np.empty(k)
    for c in range(k):
        column = q[c]
        before = _dot(column, column)
        norm = 0.0
        for attempt in range(2):
            for _ in range(2):
                d = 0
                while d + 4 <= c:
                    _dots4(q, d, column, dots)
                    d += 4
                while d < c:
                    dots[d] = _dot(q[d], column)
                    d += 1
                _project_out(q, c, column, dots)
            norm = _dot(column, column)
            if norm > 1e-24 * max(before, 1e-300) and norm > 1e-280:
                break
            _filler(n, c + attempt * k, column)
            before = _dot(column, column)
        scale = 1.0 / math.sqrt(max(norm, 1e-300))
        for i in range(n):
            column[i] *= scale
    return np.ascontiguousarray(q.T)


@njit(cache=True, nogil=True)
def iterate_block(indptr, indices, data, basis, products, every):
    """``products`` products with M, orthonormalising every ``every`` products and after the
    last; returns (orthonormal block, M @ block, block^T M block)."""
    for step in range(1, products + 1):
        basis = block_product(indptr, indices, data, basis)
        if step % every == 0 or step == products:
            basis = orthonormalise(basis)
    image = block_product(indptr, indices, data, basis)
    n, k = basis.shape
    small = np.zeros((k, k))
    for i in range(n):
        for a in range(k):
            qa = basis[i, a]
            for b in range(k):
                small[a, b] += qa * image[i, b]
    return basis, image, small


@njit(cache=True, nogil=True)
def ritz_projection(basis, coefficients):
    """basis @ coefficients for one complex coefficient vector (a Ritz vector)."""
    n, k = basis.shape
    out = np.zeros(n, dtype=np.complex128)
    for i in range(n):
        acc = 0j
        for a in range(k):
            acc += basis[i, a] * coefficients[a]
        out[i] = acc
    return out


@njit(cache=True, nogil=True)
def ritz_residual(basis, image, coefficients, value):
    """||M v - value v|| / (|value| ||v||) for v = basis @ coefficients (M v = image @ c)."""
    n, k = basis.shape
    top = 0.0
    bottom = 0.0
    for i in range(n):
        mv = 0j
        v = 0j
        for a in range(k):
            mv += image[i, a] * coefficients[a]
            v += basis[i, a] * coefficients[a]
        r = mv - value * v
        top += r.real * r.real + r.imag * r.imag
        bottom += v.real * v.real + v.imag * v.imag
    return math.sqrt(top) / (max(abs(value), 1e-300) * max(math.sqrt(bottom), 1e-300))


@njit(cache=True, nogil=True)
def edge_values(weights, slope, targets, order):
    """The CSR values of T = diag(slope) A: weights[order] * slope[targets[order]]."""
    out = np.empty(order.shape[0])
    for e in range(order.shape[0]):
        s = order[e]
        out[e] = weights[s] * slope[targets[s]]
    return out


@njit(cache=True, nogil=True)
def shifted_null_vector(small, shift, rounds):
    """A vector y with small @ y ~= shift * y, by inverse iteration on (small - shift I):
    ``rounds`` solves with one LU factorisation (partial pivoting, complex arithmetic), from
    a fixed start. ``shift`` is an eigenvalue estimate; a pivot that rounds to zero is
    replaced by a tiny one, which only scales the (discarded) length of y."""
    k = small.shape[0]
    lu = np.empty((k, k), dtype=np.complex128)
    for a in range(k):
        for b in range(k):
            lu[a, b] = small[a, b]
        lu[a, a] -= shift
    pivot = np.arange(k)
    tiny = 1e-14 * max(abs(shift), 1e-300)
    for c in range(k):
        best = c
        for r in range(c + 1, k):
            if abs(lu[r, c]) > abs(lu[best, c]):
                best = r
        if best != c:
            for b in range(k):
                lu[c, b], lu[best, b] = lu[best, b], lu[c, b]
            pivot[c], pivot[best] = pivot[best], pivot[c]
        if abs(lu[c, c]) < tiny:
            lu[c, c] = tiny
        for r in range(c + 1, k):
            f = lu[r, c] / lu[c, c]
            lu[r, c] = f
            for b in range(c + 1, k):
                lu[r, b] -= f * lu[c, b]
    y = np.empty(k, dtype=np.complex128)
    for a in range(k):
        y[a] = 1.0 / math.sqrt(k) + 0j
    work = np.empty(k, dtype=np.complex128)
    for _ in range(rounds):
        for a in range(k):
            work[a] = y[pivot[a]]
        for a in range(k):
            acc = work[a]
            for b in range(a):
                acc -= lu[a, b] * work[b]
            work[a] = acc
        for a in range(k - 1, -1, -1):
            acc = work[a]
            for b in range(a + 1, k):
                acc -= lu[a, b] * work[b]
            work[a] = acc / lu[a, a]
        norm = 0.0
        for a in range(k):
            norm += work[a].real ** 2 + work[a].imag ** 2
        norm = math.sqrt(norm)
        for a in range(k):
            y[a] = work[a] / norm
    return y
