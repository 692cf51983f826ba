"""Spectral radius of the steady-state Jacobian, its exact gradient and its barrier loss
(the paper's Algorithm 2).

At a steady state the iteration's transition matrix is T = diag(f'(z_ss)) A, with f'(z_ss)
taken from the output (``slope_from_output(x_ss)``). The steady state is stable when
rho(T) < 1. With the leading eigenvalue lambda of T, its right eigenvector v (T v = lambda v)
and its left eigenvector w (w^T T = lambda w^T):

    d rho / d T_ij = Re( conj(lambda) / |lambda| * w_i v_j / (w^T v) )   (plain transpose)
    d rho / d A_ij = f'_i * d rho / d T_ij

This holds for a complex leading eigenvalue too (either member of the conjugate pair gives
the same gradient). The slope f' is treated as a constant (as in the paper).

Two eigen-solvers: ``leading_eigen_exact`` (dense LAPACK for small matrices, ARPACK
otherwise) and :class:`LeadingEigenTracker`, a warm-started block (subspace) iteration with
Rayleigh-Ritz extraction that needs only a few sparse products per call once warm, and falls
back to ARPACK when it does not converge.

Barrier: ``paper``: exp(k (rho - rho_target)); ``reference`` (the public code):
exp(-k rho_target) (exp(k rho) - 1) for rho > 0.5, else 0. k = 21 and
rho_target = exp(ln(precision) / steps) (1e-4 and 150 steps give 0.9404).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
import torch

__all__ = [
    "Eigen", "leading_eigen_exact", "LeadingEigenTracker", "rho_gradient_T",
    "spectral_radius_of_weights", "rho_target", "spectral_barrier", "spectral_radius",
    "shrink_spectral_radius", "SpectralTerm",
]

DENSE_LIMIT = 600


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
    diffs = np.abs(left_values - value)
    diffs_conj = np.abs(np.conj(left_values) - value)
    i, j = int(np.argmin(diffs)), int(np.argmin(diffs_conj))
    if diffs[i] <= diffs_conj[j]:
        return left_vectors[:, i]
    return np.conj(left_vectors[:, j])


def leading_eigen_exact(T) -> Eigen:
    """Leading eigen-triple by dense ``eig`` (n <= 600) or ARPACK ``eigs`` (reference)."""
    n = T.shape[0]
    if n <= DENSE_LIMIT:
        dense = T.toarray() if scipy.sparse.issparse(T) else np.asarray(T, dtype=np.float64)
        values, left, right = scipy.linalg.eig(dense, left=True, right=True)
        i = int(np.argmax(np.abs(values)))
        # scipy's left vectors satisfy vl^H T = lambda vl^H; we want w^T T = lambda w^T
        return Eigen(complex(values[i]), right[:, i], np.conj(left[:, i]), method="dense")
    sparse = _as_sparse(T).astype(np.float64)
    values, right = scipy.sparse.linalg.eigs(sparse, k=1, which="LM")
    lvalues, lvectors = scipy.sparse.linalg.eigs(sparse.T.tocsr(), k=3, which="LM")
    value = complex(values[0])
    return Eigen(value, right[:, 0], _match_left(value, lvalues, lvectors), method="arpack")


def rho_gradient_T(eigen: Eigen) -> np.ndarray:
    """Dense matrix of d rho / d T_ij (for tests and small problems)."""
    lam = eigen.value
    scale = np.conj(lam) / abs(lam) / (eigen.left @ eigen.right)
    return np.real(scale * np.outer(eigen.left, eigen.right))


def _edge_gradient(eigen: Eigen, sources, targets) -> np.ndarray:
    lam = eigen.value
    if lam == 0:
        return np.zeros(len(sources))
    scale = np.conj(lam) / abs(lam) / (eigen.left @ eigen.right)
    return np.real(scale * eigen.left[targets] * eigen.right[sources])


class LeadingEigenTracker:
    """Warm-started block iteration for the leading eigen-triple of a changing sparse T.

    Keeps an orthonormal basis of the dominant invariant subspace of T (right) and of T^T
    (left) between calls. Each call iterates ``Q <- orth(T Q)`` with Rayleigh-Ritz
    extraction until the relative residual ||T v - lambda v|| / |lambda| < ``tol``; after
    ``max_iter`` iterations it falls back to ARPACK and restarts from its answer.
    """

    def __init__(self, block: int = 6, tol: float = 1e-8, max_iter: int = 60):
        self.block = block
        self.tol = tol
        self.max_iter = max_iter
        self.right_basis = None
        self.left_basis = None

    def _iterate(self, T, basis):
        """Return (ritz values, ritz vectors, iterations, converged, basis)."""
        best = None
        for it in range(1, self.max_iter + 1):
            image = T @ basis
            small = basis.T @ image
            values, vectors = np.linalg.eig(small)
            i = int(np.argmax(np.abs(values)))
            vector = basis @ vectors[:, i]
            residual = np.linalg.norm(image @ vectors[:, i] - values[i] * vector)
            scale = max(abs(values[i]), 1e-300)
            best = (values, basis @ vectors, it)
            if residual / scale < self.tol:
                return values, basis @ vectors, it, True, basis
            basis, _ = np.linalg.qr(image)
        return best[0], best[1], best[2], False, basis

    def __call__(self, T) -> Eigen:
        T = _as_sparse(T)
        n = T.shape[0]
        k = min(self.block, n)
        if n <= 2 * k + 2:  # tiny: dense is exact and cheap
            return leading_eigen_exact(T)
        if self.right_basis is None or self.right_basis.shape[0] != n:
            exact = leading_eigen_exact(T)
            self.right_basis = self._seed_basis(exact.right, n, k)
            self.left_basis = self._seed_basis(exact.left, n, k)
            exact.method = "cold-start"
            return exact
        values, vectors, it_r, ok_r, self.right_basis = self._iterate(T, self.right_basis)
        i = int(np.argmax(np.abs(values)))
        value, right = values[i], vectors[:, i]
        lvalues, lvectors, it_l, ok_l, self.left_basis = self._iterate(T.T.tocsr(),
                                                                       self.left_basis)
        if not (ok_r and ok_l):
            exact = leading_eigen_exact(T)
            self.right_basis = self._seed_basis(exact.right, n, k)
            self.left_basis = self._seed_basis(exact.left, n, k)
            exact.method = "fallback"
            exact.iterations = it_r + it_l
            return exact
        return Eigen(complex(value), right, _match_left(value, lvalues, lvectors),
                     iterations=it_r + it_l, method="tracked")

    def _seed_basis(self, vector, n, k):
        # deterministic filler columns: the warm start is a function of the vector only
        filler = np.random.default_rng(n).standard_normal((n, k - 2))
        seed = np.column_stack([vector.real, vector.imag, filler])
        return np.linalg.qr(seed)[0]


def _transition(network_sources, network_targets, n, weights, slope=None):
    values = weights if slope is None else weights * slope[network_targets]
    return scipy.sparse.csr_matrix((values, (network_targets, network_sources)), shape=(n, n))


def spectral_radius_of_weights(network, weights: np.ndarray) -> float:
    """rho(A) of the network's weight matrix (no activation slope)."""
    T = _transition(network.sources, network.targets, network.n_nodes,
                    np.asarray(weights, dtype=np.float64))
    return leading_eigen_exact(T).rho


def spectral_radius(network, weights, x_ss=None, activation=None) -> float:
    """rho(T) with T = diag(f'(z_ss)) A for one steady state (or rho(A) if x_ss is None)."""
    w = np.asarray(torch.as_tensor(weights).detach().double().cpu())
    slope = None
    if x_ss is not None:
        slope = np.asarray(activation.slope_from_output(
            torch.as_tensor(x_ss).detach().double().cpu()))
    T = _transition(network.sources, network.targets, network.n_nodes, w, slope)
    return leading_eigen_exact(T).rho


def rho_target(precision: float = 1e-4, steps: int = 150) -> float:
    """The rho below which ``steps`` iterations shrink an error by ``precision``."""
    return math.exp(math.log(precision) / steps)


def spectral_barrier(rho: torch.Tensor, k: float = 21.0, target: float = 0.9404,
                     form: str = "paper") -> torch.Tensor:
    """Barrier on rho: ``paper`` exp(k (rho - target)); ``reference`` see module doc."""
    if form == "paper":
        return torch.exp(k * (rho - target))
    if form == "reference":
        value = math.exp(-k * target) * (torch.exp(k * rho) - 1.0)
        return torch.where(rho > 0.5, value, torch.zeros_like(value))
    raise ValueError(f"spectral loss form must be 'paper' or 'reference', not {form!r}")


class _SpectralRadius(torch.autograd.Function):
    @staticmethod
    def forward(ctx, weights, slope, term):
        eigen = term.eigen(weights.detach(), slope.detach())
        grad_T = _edge_gradient(eigen, term.sources, term.targets)
        slope_np = slope.detach().double().cpu().numpy()
        grad_w = torch.as_tensor(grad_T * slope_np[term.targets], dtype=weights.dtype,
                                 device=weights.device)
        ctx.save_for_backward(grad_w)
        term.last = eigen
        return torch.as_tensor(eigen.rho, dtype=weights.dtype, device=weights.device)

    @staticmethod
    def backward(ctx, grad_rho):
        (grad_w,) = ctx.saved_tensors
        return grad_rho * grad_w, None, None


class SpectralTerm:
    """rho(T) as a differentiable function of the edge weights, for one network.

    ``term(weights, slope)`` returns rho as a 0-d tensor whose gradient with respect to
    ``weights`` is the exact eigenvector formula above. ``method`` is ``tracked`` (warm-started
    block iteration, the default) or ``exact``.
    """

    def __init__(self, network, method: str = "tracked", tol: float = 1e-8):
        if method not in ("tracked", "exact"):
            raise ValueError(f"spectral method must be 'tracked' or 'exact', not {method!r}")
        self.sources = network.sources
        self.targets = network.targets
        self.n = network.n_nodes
        self.method = method
        self.tracker = LeadingEigenTracker(tol=tol)
        self.last: Eigen | None = None

    def eigen(self, weights: torch.Tensor, slope: torch.Tensor) -> Eigen:
        T = _transition(self.sources, self.targets, self.n,
                        weights.double().cpu().numpy(), slope.double().cpu().numpy())
        return self.tracker(T) if self.method == "tracked" else leading_eigen_exact(T)

    def __call__(self, weights: torch.Tensor, slope: torch.Tensor) -> torch.Tensor:
        return _SpectralRadius.apply(weights, slope, self)


def shrink_spectral_radius(A: np.ndarray, *, target: float = 0.95, lr: float = 1e-3,
                           max_steps: int = 500, k: float = 21.0, barrier_target: float = 0.9,
                           stop_below: float | None = None):
    """Gradient descent (Adam) on the spectral barrier of a plain matrix (paper Fig. 3).

    Only the non-zero entries move. Returns ``(A_after, history)`` where history is a list of
    rho per step. Stops once rho < ``stop_below`` (default ``target``).
    """
    A = np.asarray(A, dtype=np.float64)
    rows, cols = np.nonzero(A)

    class _Net:  # the minimum SpectralTerm needs
        sources, targets, n_nodes = cols, rows, A.shape[0]

    term = SpectralTerm(_Net, method="exact")
    weights = torch.tensor(A[rows, cols], requires_grad=True)
    slope = torch.ones(A.shape[0], dtype=torch.float64)
    optimizer = torch.optim.Adam([weights], lr=lr)
    stop = target if stop_below is None else stop_below
    history = []
    for _ in range(max_steps):
        rho = term(weights, slope)
        history.append(float(rho))
        if float(rho) < stop:
            break
        loss = spectral_barrier(rho, k=k, target=barrier_target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    out = np.zeros_like(A)
    out[rows, cols] = weights.detach().numpy()
    history.append(float(term(weights, slope)))
    return out, history
