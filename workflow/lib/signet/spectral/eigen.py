"""Leading eigen-triples of the transition matrix T = diag(f') A.

``leading_eigen_exact`` (dense LAPACK for small matrices, ARPACK otherwise),
``leading_eigen_arpack`` (with a sparse block-iteration fallback, ``leading_eigen_subspace``,
where ARPACK does not converge on a large T: nothing dense above 600 nodes) and
:class:`LeadingEigenTracker`, a warm-started block (subspace)
iteration with Rayleigh-Ritz extraction that needs only a few sparse products per call once
warm, and falls back to ARPACK when it does not converge.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
from scipy.linalg.lapack import dgeev as _dgeev

from signet.spectral import kernels as _kernels

__all__ = ["Eigen", "leading_eigen_exact", "leading_eigen_arpack", "leading_eigen_subspace",
           "LeadingEigenTracker"]

DENSE_LIMIT = 600
# largest n for the sparse-LU left solve (inverse iteration); above it the left vector must
# come from ARPACK pairs (see ``leading_eigen_arpack``)
LU_LIMIT = 5000

log = logging.getLogger("signet.spectral")

_blas = None


def _one_blas_thread():
    """A context that runs BLAS/LAPACK on one thread. The tracker's dense algebra is on n x 16
    blocks, far too small for threads: with two OpenBLAS threads on a busy 2-core machine a
    tracker call took 0.2-1.7 CPU s instead of 7 ms (1000 nodes), the threads spinning."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController
        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


@dataclass
class Eigen:
    """Leading eigen-triple of T: value, right vector v, left vector w (T^T w = value w)."""

    value: complex
    right: np.ndarray
    left: np.ndarray
    iterations: int = 0
    method: str = ""

    @property
    def rho(self) -> float:
        return abs(self.value)


def _as_sparse(T) -> scipy.sparse.csr_matrix:
    return T if scipy.sparse.issparse(T) else scipy.sparse.csr_matrix(np.asarray(T))


def _match_left(value, left_values, left_vectors):
    """Pick the left eigenvector of ``value`` (conjugating if it belongs to conj(value))."""
    j, conjugate = _match_index(value, left_values)
    return np.conj(left_vectors[:, j]) if conjugate else left_vectors[:, j]


def _match_index(value, left_values):
    """Index of the left Ritz value belonging to ``value``, and whether its vector must be
    conjugated (it belongs to conj(value))."""
    diffs = np.abs(left_values - value)
    diffs_conj = np.abs(np.conj(left_values) - value)
    i, j = int(np.argmin(diffs)), int(np.argmin(diffs_conj))
    return (i, False) if diffs[i] <= diffs_conj[j] else (j, True)


def _leading_small_pair(small):
    """The eigenvalue of largest modulus of a small real matrix (the first of a tie, in
    LAPACK's order) and its right eigenvector, from LAPACK's dgeev called directly (numpy's
    wrapper added a third to the cost of a 16 x 16 solve). Only this one vector is assembled
    from dgeev's real and imaginary columns: building all k complex vectors in Python cost
    more than the solve."""
    wr, wi, _, vr, info = _dgeev(small, compute_vl=0, compute_vr=1)
    if info != 0:
        values, vectors = np.linalg.eig(small)
        i = int(np.argmax(np.abs(values)))
        return complex(values[i]), np.ascontiguousarray(vectors[:, i], np.complex128)
    i = int(np.argmax(np.abs(wr + 1j * wi)))
    value = complex(wr[i], wi[i])
    # dgeev stores a complex pair in consecutive columns j (real part) and j + 1 (imaginary
    # part), the member with positive imaginary part first; the other member's vector is
    # the conjugate
    if wi[i] > 0:
        return value, vr[:, i] + 1j * vr[:, i + 1]
    if wi[i] < 0:
        return value, np.conj(vr[:, i - 1] + 1j * vr[:, i])
    return value, vr[:, i].astype(np.complex128)


def _csr_arrays(T):
    """``(indptr, indices, data)`` of T as CSR (float64 data), from scipy, dense or arrays."""
    if isinstance(T, tuple):
        return T
    sparse = _as_sparse(T)
    if sparse.format != "csr":
        sparse = sparse.tocsr()
    return sparse.indptr, sparse.indices, np.asarray(sparse.data, dtype=np.float64)


def _to_scipy(T, n) -> scipy.sparse.csr_matrix:
    indptr, indices, data = T
    return scipy.sparse.csr_matrix((data, indices, indptr), shape=(n, n))


def _transpose(T, n):
    return _csr_arrays(_to_scipy(T, n).T.tocsr())


# the first ARPACK try's Krylov space and restart cap (None: scipy's defaults, 20 and 10 n;
# bench/tracker_late.py sets them so to measure the difference)
ARPACK_NCV = 40
ARPACK_MAXITER = 300
# the tracker's extra rounds before an ARPACK restart (LeadingEigenTracker(extra_rounds=))
EXTRA_ROUNDS = 12
# products between two orthonormalisations of the tracker's block
# (LeadingEigenTracker(orthonormalise_every=)): one Gram-Schmidt of an n x 16 block costs a
# dozen of the block's sparse products on the KEGG network, and every 8 instead of 4 left
# the Ritz residuals of 1 600 training calls the same (median 3.72e-3, p90 0.016;
# docs/performance.md, session 9)
ORTHONORMALISE_EVERY = 8
# the settings before session 8 (2 extra rounds, scipy's ARPACK defaults): the synthetic
# reference models are built with these (signet.studies.synthetic.reference_suite), so that
# a change of the training solver does not change the data the studies are measured on
REFERENCE_SETTINGS = {"extra_rounds": 2, "arpack_ncv": None, "arpack_maxiter": None,
                      "orthonormalise_every": 4}


@contextlib.contextmanager
def eigen_settings(extra_rounds: int, arpack_ncv: int | None, arpack_maxiter: int | None,
                   orthonormalise_every: int = ORTHONORMALISE_EVERY):
    """Within the block, trackers made there take ``extra_rounds`` and
    ``orthonormalise_every``, and ARPACK's first try uses ``arpack_ncv`` / ``arpack_maxiter``
    (None: scipy's defaults); restored after."""
    global EXTRA_ROUNDS, ARPACK_NCV, ARPACK_MAXITER, ORTHONORMALISE_EVERY
    saved = EXTRA_ROUNDS, ARPACK_NCV, ARPACK_MAXITER, ORTHONORMALISE_EVERY
    EXTRA_ROUNDS, ARPACK_NCV, ARPACK_MAXITER = extra_rounds, arpack_ncv, arpack_maxiter
    ORTHONORMALISE_EVERY = orthonormalise_every
    try:
        yield
    finally:
        EXTRA_ROUNDS, ARPACK_NCV, ARPACK_MAXITER, ORTHONORMALISE_EVERY = saved


# ARPACK asks its caller for a fresh random vector whenever the Krylov space closes (an
# invariant subspace: the start vector lies in one, or several eigenvalues share the leading
# modulus). scipy >= 1.15 draws it from ``eigs(rng=)``, and from the operating system's
# entropy when rng is None: the same call then gave a different left vector in every
# process, and training runs parted bitwise at their first such ARPACK restart (two runs of
# `fast` on the KEGG network at epoch 108). Each call gets a new generator from this seed,
# so an ARPACK answer is a function of its arguments alone, also across a resume.
ARPACK_SEED = 20_211_207
_EIGS_TAKES_RNG = "rng" in inspect.signature(scipy.sparse.linalg.eigs).parameters


def _eigs(matrix, **kwargs):
    """``scipy.sparse.linalg.eigs`` with ARPACK's restart vectors drawn from a fixed seed."""
    if _EIGS_TAKES_RNG:
        kwargs["rng"] = np.random.default_rng(ARPACK_SEED)
    return scipy.sparse.linalg.eigs(matrix, **kwargs)


def leading_eigen_arpack(T, right0=None, left0=None) -> Eigen:
    """Leading eigen-triple by ARPACK ``eigs``, optionally warm-started."""
    sparse = _as_sparse(T).astype(np.float64)
    n = sparse.shape[0]
    k = 1 if n > 3 else 0
    if k == 0:
        return leading_eigen_exact(T)
    # a fixed start vector keeps ARPACK (and so training) deterministic
    start = np.random.default_rng(n).uniform(0.5, 1.5, n)
    v0 = start if right0 is None else np.real(right0) + np.imag(right0)
    u0 = start if left0 is None else np.real(left0) + np.imag(left0)
    # A Krylov space of 40 (scipy's default is 20) and at most 300 restarts: when several
    # eigenvalues share nearly the leading modulus (complex pairs, near ties: the top of T's
    # spectrum late in macrophage training), the default space converged slowly or not at all
    # within its 10 n restarts, 1-5 CPU s a call on 1128 nodes, against 10-50 ms with 40
    # (docs/history/performance.md, "Eigen tracker restarts"); the bounded first try leaves the
    # larger retry below for the cases it cannot settle
    def first_ncv(k):  # ARPACK needs k + 1 < ncv <= n
        return None if ARPACK_NCV is None else min(n, max(ARPACK_NCV, 2 * k + 1))

    try:
        values, right = _eigs(sparse, k=1, which="LM", v0=v0, ncv=first_ncv(1),
                              maxiter=ARPACK_MAXITER)
        lvalues, lvectors = _eigs(sparse.T.tocsr(), k=min(3, n - 2), which="LM", v0=u0,
                                  ncv=first_ncv(min(3, n - 2)), maxiter=ARPACK_MAXITER)
    except scipy.sparse.linalg.ArpackError:
        # (no convergence, or no Arnoldi factorisation: a T that maps the start to 0)
        # leading eigenvalues of (nearly) equal modulus can stall ARPACK with k = 1: retry
        # with a larger Krylov space, and solve densely as the last resort
        try:
            ncv = min(n - 1, 80)
            values, right = _eigs(sparse, k=1, which="LM", v0=v0, ncv=ncv, maxiter=50 * n)
            lvalues, lvectors = _eigs(sparse.T.tocsr(), k=min(3, n - 2), which="LM", v0=u0,
                                      ncv=ncv, maxiter=50 * n)
        except scipy.sparse.linalg.ArpackError:
            if n <= DENSE_LIMIT:
                dense = sparse.toarray()
                values, left, right = scipy.linalg.eig(dense, left=True, right=True)
                i = int(np.argmax(np.abs(values)))
                return Eigen(complex(values[i]), right[:, i], np.conj(left[:, i]),
                             method="dense")
            # never densify a large T (19 000 nodes: a 2.9 GB matrix and minutes of LAPACK)
            return leading_eigen_subspace(sparse)
    value = complex(values[0])
    left = _matched_left(value, lvalues, lvectors)
    if left is None and n > 40:
        # several eigenvalues share the leading modulus (a long cycle, a crowded spectrum at
        # 19 000 nodes) and the left solve returned others: the nearest of them is another
        # eigenvalue, whose left vector is orthogonal to this right one (w^T v ~ 1e-16, so
        # the gradient's 1 / (w^T v) exploded). First a left solve for more eigenvalues
        # (cheap), then inverse iteration at this value (a sparse LU: exact, but its
        # fill-in is large on big random graphs)
        k_more = min(16, n - 2)
        try:
            lvalues, lvectors = _eigs(sparse.T.tocsr(), k=k_more, which="LM", v0=u0,
                                      ncv=min(n - 1, 3 * k_more))
            left = _matched_left(value, lvalues, lvectors)
        except scipy.sparse.linalg.ArpackNoConvergence:
            left = None
    if left is None and n > LU_LIMIT:
        # no LU at this size (at 19 000 nodes its fill-in made one epoch take 46 min):
        # solve the right side for as many eigenvalues and take the largest value that both
        # lists share; when none is shared the triple carries no left vector and the
        # spectral gradient of this call is zero (counted, logged)
        value, right_vector, left = _shared_pair(sparse, k_more, v0, lvalues, lvectors)
        if left is None:
            log.warning("leading eigen-pair at %d nodes: no left vector found for the "
                        "leading value |lambda| %.6g among %d left pairs; this call's "
                        "spectral gradient is zero", n, abs(value), len(lvalues))
            return Eigen(value, right_vector, np.zeros(n, np.complex128),
                         method="unmatched")
        return Eigen(value, right_vector, left, method="arpack")
    if left is None:
        left = _left_by_inverse_iteration(sparse, value, u0)
    return Eigen(value, right[:, 0], left, method="arpack")


def _shared_pair(sparse, k, v0, left_values, left_vectors):
    """Right pairs for k eigenvalues; the largest-modulus one whose value is also among the
    left pairs, as (value, right, left). When none is shared: (leading right value, its
    vector, None)."""
    n = sparse.shape[0]
    try:
        values, vectors = _eigs(sparse, k=k, which="LM", v0=v0, ncv=min(n - 1, 3 * k))
    except scipy.sparse.linalg.ArpackNoConvergence as stalled:
        values, vectors = stalled.eigenvalues, stalled.eigenvectors
    if len(values) == 0:
        values, vectors = _eigs(sparse, k=1, which="LM", v0=v0)
    order = np.argsort(-np.abs(values))
    for i in order:
        left = _matched_left(complex(values[i]), left_values, left_vectors)
        if left is not None:
            return complex(values[i]), vectors[:, i], left
    return complex(values[order[0]]), vectors[:, order[0]], None


def _matched_left(value, left_values, left_vectors):
    """The left vector of ``value`` among ARPACK's left pairs, or None when none of their
    values is ``value`` (to 1e-8 relative)."""
    j, conjugate = _match_index(value, left_values)
    matched = np.conj(left_values[j]) if conjugate else left_values[j]
    if abs(matched - value) > 1e-8 * max(abs(value), 1e-300):
        return None
    return np.conj(left_vectors[:, j]) if conjugate else left_vectors[:, j]


def _left_by_inverse_iteration(sparse, value, start, steps: int = 30, tol: float = 1e-12):
    """The left eigenvector w (w^T T = value w^T) by inverse iteration on T^T - s I with a
    sparse LU, s a hair off ``value`` so that the factor is not singular."""
    n = sparse.shape[0]
    shift = value * (1 + 1e-10) + 1e-14
    lu = scipy.sparse.linalg.splu(
        (sparse.T - shift * scipy.sparse.identity(n)).tocsc().astype(np.complex128))
    w = np.asarray(start, dtype=np.complex128)
    w = w / np.linalg.norm(w)
    transposed = sparse.T.tocsr()
    for _ in range(steps):
        w = lu.solve(w)
        w = w / np.linalg.norm(w)
        if np.linalg.norm(transposed @ w - value * w) <= tol * max(abs(value), 1e-300):
            break
    return w


def _rayleigh_ritz(M, basis):
    """Ritz values and vectors of M on the orthonormal ``basis``, and the relative residual
    ||M v - lambda v|| / (|lambda| ||v||) of the leading pair."""
    image = M @ basis
    values, vectors = np.linalg.eig(basis.T @ image)
    i = int(np.argmax(np.abs(values)))
    vector = basis @ vectors[:, i]
    residual = np.linalg.norm(image @ vectors[:, i] - values[i] * vector)
    residual /= max(abs(values[i]), 1e-300) * max(np.linalg.norm(vector), 1e-300)
    return values, basis @ vectors, float(residual)


def _subspace_ritz(M, n, block, tol, max_rounds, products):
    """Block power iteration on M from a fixed start: the leading Ritz pair with the smallest
    relative residual seen, as (values, vectors, residual)."""
    basis = np.linalg.qr(np.random.default_rng(n).standard_normal((n, block)))[0]
    best = None
    for _ in range(max_rounds):
        for _ in range(products):
            basis = M @ basis
        basis = np.linalg.qr(basis)[0]
        values, vectors, residual = _rayleigh_ritz(M, basis)
        if best is None or residual < best[2]:
            best = (values, vectors, residual)
        if residual <= tol:
            break
    return best


def leading_eigen_subspace(T, block: int = 32, tol: float = 1e-10, max_rounds: int = 400,
                           products: int = 4) -> Eigen:
    """Leading eigen-triple by sparse block power iteration with Rayleigh-Ritz (right and
    left), for when ARPACK does not converge on a large T: only sparse products and n x block
    dense algebra, so memory stays O(edges + n x block). Stops at a relative Ritz residual
    <= ``tol`` or after ``max_rounds`` rounds of ``products`` products (then the best pair
    seen is returned and a warning logged)."""
    sparse = _as_sparse(T).astype(np.float64)
    n = sparse.shape[0]
    k = max(1, min(block, n - 2))
    values, vectors, res_r = _subspace_ritz(sparse, n, k, tol, max_rounds, products)
    i = int(np.argmax(np.abs(values)))
    value, right = complex(values[i]), vectors[:, i]
    lvalues, lvectors, res_l = _subspace_ritz(sparse.T.tocsr(), n, k, tol, max_rounds,
                                              products)
    residual = max(res_r, res_l)
    if residual > tol:
        log.warning("leading eigenpair by subspace iteration: relative residual %.3g after "
                    "%d products (tolerance %.3g); rho %.6g", residual,
                    max_rounds * (products + 1), tol, abs(value))
    return Eigen(value, right, _match_left(value, lvalues, lvectors), method="subspace")


def leading_eigen_exact(T) -> Eigen:
    """Leading eigen-triple by dense ``eig`` (n <= 600) or ARPACK ``eigs`` (reference)."""
    n = T.shape[0]
    if n <= DENSE_LIMIT or n < 8:
        dense = T.toarray() if scipy.sparse.issparse(T) else np.asarray(T, dtype=np.float64)
        values, left, right = scipy.linalg.eig(dense, left=True, right=True)
        i = int(np.argmax(np.abs(values)))
        # scipy's left vectors satisfy vl^H T = lambda vl^H; we want w^T T = lambda w^T
        return Eigen(complex(values[i]), right[:, i], np.conj(left[:, i]), method="dense")
    return leading_eigen_arpack(T)


class LeadingEigenTracker:
    """Warm-started block iteration for the leading eigen-triple of a slowly changing T.

    Keeps an orthonormal basis of the dominant invariant subspace of T (right) and of T^T
    (left) between calls. Each call applies ``iterations`` steps of ``Q <- orth(T Q)`` and
    extracts the leading Ritz pair (Rayleigh-Ritz on the block). Over a training run the warm
    start accumulates iterations, so the estimate follows T closely at a fraction of the cost
    of a cold ARPACK solve. If the relative residual ||T v - lambda v|| / |lambda| is still
    above ``fallback_residual`` (T changed abruptly), it falls back to ARPACK and restarts
    from its answer. ``last_residual`` holds the residual of the last call.

    ``key`` (e.g. the training condition whose steady state gave T) keeps one warm start per
    key: training evaluates rho at a different condition every batch, and the T of two
    conditions differ far more than the T of one condition between two epochs. Without keys
    the warm start comes from the previous call, whatever its condition; on the macrophage
    network that missed the residual check in 60 % of the calls, each then paying for an
    ARPACK solve. Keyed bases are kept up to ``memory_mb`` (least recently used dropped
    first); a new key starts from the most recent basis.

    A call whose residual misses the check first runs up to ``extra_rounds`` more rounds of
    ``iterations`` steps (``orthonormalise_every`` products between QRs) before falling back (a
    round costs a small fraction of an ARPACK solve: 0.6 ms against 10-33 ms on the 1128-node
    macrophage network). With many training conditions a condition's basis is seldom used
    (102 conditions, one spectral sample a batch: about every 100 batches), the weights move
    between two uses, and 2 extra rounds were too few: late in training most calls fell back
    to ARPACK and the epoch slowed several-fold (docs/history/performance.md, "Eigen tracker
    restarts"). ``EXTRA_ROUNDS`` = 12 extra rounds still cost less than one ARPACK solve.
    """

    def __init__(self, block: int = 16, iterations: int = 8, fallback_residual: float = 0.1,
                 memory_mb: float = 256.0, extra_rounds: int | None = None,
                 orthonormalise_every: int | None = None):
        self.block = block
        self.iterations = iterations
        self.orthonormalise_every = max(1, int(ORTHONORMALISE_EVERY if orthonormalise_every
                                               is None else orthonormalise_every))
        self.extra_rounds = EXTRA_ROUNDS if extra_rounds is None else extra_rounds
        self.fallback_residual = fallback_residual
        self.memory_mb = memory_mb
        self.right_basis = None
        self.left_basis = None
        self.keyed: OrderedDict = OrderedDict()  # key -> (right basis, left basis)
        self.last_residual = float("nan")
        self.fallbacks = 0
        self.unmatched = 0  # restarts that found no left vector (see leading_eigen_arpack)

    def _remember(self, key):
        if key is None or self.right_basis is None:
            return
        self.keyed[key] = (self.right_basis, self.left_basis)
        self.keyed.move_to_end(key)
        per_key = 2 * self.right_basis.nbytes
        while len(self.keyed) > 1 and len(self.keyed) * per_key > self.memory_mb * 2**20:
            self.keyed.popitem(last=False)

    def _ritz(self, T, basis):
        """Iterate, then return (leading Ritz value, its coefficient vector, the pair's
        relative residual, new basis); the Ritz vector is ``basis @ coefficients``.

        The block is orthonormalised every ``orthonormalise_every`` products and after the
        last: in exact arithmetic span(T^s Q) does not depend on where the orthonormalisations
        fall. In floating point, columns along eigenvalues much smaller than the leading one
        shrink relative to it over the products between two of them and lose digits; the
        leading directions, which carry the Ritz pair, do not (tests/test_spectral.py checks
        the pair against dense eig). The products, the Gram-Schmidt passes and the projection
        are compiled (:mod:`signet.spectral.kernels`); only the k x k ``eig`` is LAPACK's."""
        indptr, indices, data = T
        basis, image, small = _kernels.iterate_block(indptr, indices, data, basis,
                                                     self.iterations, self.orthonormalise_every)
        value, vector = _leading_small_pair(small)
        residual = _kernels.ritz_residual(basis, image, vector, value)
        return value, vector, float(residual), basis

    def _converge(self, T, basis):
        """``_ritz`` rounds (at most 1 + extra_rounds) until the residual passes the check."""
        rounds = 0
        while True:
            value, vector, residual, basis = self._ritz(T, basis)
            rounds += 1
            if residual <= self.fallback_residual or rounds > self.extra_rounds:
                return value, vector, residual, basis, rounds

    def _converge_left(self, Tt, basis, value):
        """The left side: rounds of products with T^T as in :meth:`_converge`, but the Ritz
        vector for the right side's ``value`` comes from inverse iteration on the projected
        k x k matrix (two solves with one LU) instead of a second full eigen-decomposition:
        w with T^T w ~= value w is the left eigenvector the gradient needs, and its
        residual ||T^T w - value w|| / (|value| ||w||) is checked as on the right."""
        rounds = 0
        while True:
            indptr, indices, data = Tt
            basis, image, small = _kernels.iterate_block(indptr, indices, data, basis,
                                                         self.iterations,
                                                         self.orthonormalise_every)
            coefficients = _kernels.shifted_null_vector(small, complex(value), 2)
            residual = float(_kernels.ritz_residual(basis, image, coefficients,
                                                    complex(value)))
            rounds += 1
            if residual <= self.fallback_residual or rounds > self.extra_rounds:
                return coefficients, residual, basis, rounds

    def __call__(self, T, T_transposed=None, key=None) -> Eigen:
        """The leading eigen-triple of T (scipy sparse, dense, or CSR arrays
        ``(indptr, indices, data)``); ``T_transposed`` in the same form saves a transpose."""
        T = _csr_arrays(T)
        n = T[0].shape[0] - 1
        k = min(self.block, n)
        if n <= 2 * k + 2:  # tiny: dense is exact and cheap
            return leading_eigen_exact(_to_scipy(T, n))
        if key is not None and key in self.keyed and self.keyed[key][0].shape[0] == n:
            self.right_basis, self.left_basis = self.keyed[key]
        eigen = self._solve(T, T_transposed, n)
        self._remember(key)
        return eigen

    def _solve(self, T, T_transposed, n) -> Eigen:
        if self.right_basis is None or self.right_basis.shape[0] != n:
            return self._restart(T, n, None, None, "cold-start")
        value, vector, res_r, self.right_basis, rounds_r = self._converge(T, self.right_basis)
        right = _kernels.ritz_projection(self.right_basis, vector)
        Tt = _transpose(T, n) if T_transposed is None else _csr_arrays(T_transposed)
        coefficients, res_l, self.left_basis, rounds_l = self._converge_left(
            Tt, self.left_basis, value)
        self.last_residual = max(res_r, res_l)
        left = _kernels.ritz_projection(self.left_basis, coefficients)
        if self.last_residual > self.fallback_residual:
            self.fallbacks += 1
            log.debug("eigen tracker restart %d: relative residual %.3g (right %.3g, left "
                      "%.3g) after %d + %d rounds, Ritz |lambda| %.6g", self.fallbacks,
                      self.last_residual, res_r, res_l, rounds_r, rounds_l, abs(value))
            return self._restart(T, n, right, left, "fallback")
        return Eigen(value, right, left,
                     iterations=self.iterations * max(rounds_r, rounds_l), method="tracked")

    def _restart(self, T, n, right0, left0, how):
        k = min(self.block, n)
        with _one_blas_thread():
            exact = leading_eigen_arpack(_to_scipy(T, n), right0, left0)
        self.right_basis = self._seed_basis(exact.right, n, k)
        self.last_residual = 0.0
        if exact.method == "unmatched":
            # no left vector: the left iteration starts from the right one
            self.unmatched += 1
            self.left_basis = self._seed_basis(exact.right, n, k)
            return exact
        self.left_basis = self._seed_basis(exact.left, n, k)
        exact.method = how
        return exact

    @staticmethod
    def _seed_basis(vector, n, k):
        # deterministic filler columns: the warm start is a function of the vector only
        filler = np.random.default_rng(n).standard_normal((n, k - 2))
        return np.ascontiguousarray(
            np.linalg.qr(np.column_stack([vector.real, vector.imag, filler]))[0])


