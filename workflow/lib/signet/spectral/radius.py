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

import numpy as np
import scipy.sparse
import torch

from signet.spectral import kernels as _kernels
from signet.spectral.eigen import Eigen, LeadingEigenTracker, leading_eigen_exact

__all__ = ["transition_matrix", "spectral_radius", "rho_edge_gradient", "rho_target", "spectral_barrier",
           "SpectralTerm", "shrink_spectral_radius"]


def _as_float64(values) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        values = values.detach()
        if values.device.type != "cpu" or values.dtype != torch.float64:
            values = values.to(device="cpu", dtype=torch.float64)
        return values.numpy()
    return np.asarray(values, dtype=np.float64)


def rho_edge_gradient(eigen: Eigen, sources, targets, max_norm: float = 0.0) -> np.ndarray:
    """d rho / d T_e for every edge e = (source -> target), from the eigen-triple.

    ``max_norm`` > 0: a gradient whose Euclidean norm exceeds it is scaled to unit norm (as
    the paper's code does with 10). Near a defective eigenvalue w^T v -> 0 and the exact
    gradient grows without bound; the cap keeps its direction and bounds its size.
    """
    lam = eigen.value
    if lam == 0:
        return np.zeros(len(sources))
    overlap = eigen.left @ eigen.right
    if overlap == 0:  # no left vector (``method == "unmatched"``): no gradient
        return np.zeros(len(sources))
    scale = np.conj(lam) / abs(lam) / overlap
    grad = np.real(scale * eigen.left[targets] * eigen.right[sources])
    if max_norm > 0:
        norm = float(np.sqrt(grad @ grad))
        if norm > max_norm:
            grad = grad / norm
    return grad


def transition_matrix(network, weights, slope=None) -> scipy.sparse.csr_matrix:
    """T = diag(slope) A as a scipy CSR matrix (A alone when ``slope`` is None)."""
    weights = np.asarray(weights, dtype=np.float64)
    targets = np.asarray(network.targets)
    values = weights if slope is None else weights * np.asarray(slope, np.float64)[targets]
    n = network.n_nodes
    return scipy.sparse.csr_matrix((values, (targets, np.asarray(network.sources))),
                                   shape=(n, n))


def spectral_radius(network, weights, slope=None) -> float:
    """rho(diag(slope) A) by the exact eigen-solver; rho(A) when ``slope`` is None.

    ``weights`` and ``slope`` may be numpy arrays or tensors (any device); for a steady state
    pass ``slope = activation.slope_from_output(x_ss)``.
    """
    as_np = lambda v: np.asarray(torch.as_tensor(v).detach().double().cpu())  # noqa: E731
    slope = None if slope is None else as_np(slope)
    return leading_eigen_exact(transition_matrix(network, as_np(weights), slope)).rho


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
    def forward(ctx, weights, slope, term, key=None):
        eigen = term.eigen(weights.detach(), slope.detach(), key)
        grad_T = rho_edge_gradient(eigen, term.sources, term.targets, term.max_norm)
        slope_np = slope.detach().double().cpu().numpy()
        grad_w = torch.as_tensor(grad_T * slope_np[term.targets], dtype=weights.dtype,
                                 device=weights.device)
        ctx.save_for_backward(grad_w)
        term.last = eigen
        return torch.as_tensor(eigen.rho, dtype=weights.dtype, device=weights.device)

    @staticmethod
    def backward(ctx, grad_rho):
        (grad_w,) = ctx.saved_tensors
        return grad_rho * grad_w, None, None, None


class SpectralTerm:
    """rho(T) as a differentiable function of the edge weights, for one network.

    ``term(weights, slope)`` returns rho as a 0-d tensor whose gradient with respect to
    ``weights`` is the exact eigenvector formula above. ``method`` is ``tracked`` (warm-started
    block iteration, the default) or ``exact``; ``fallback_residual`` is the tracker's
    largest accepted relative residual of a Ritz pair (above it: more rounds, then ARPACK).
    ``max_norm`` caps the norm of d rho / d T (:func:`rho_edge_gradient`; 0: no cap).
    """

    def __init__(self, network, method: str = "tracked", iterations: int = 8,
                 fallback_residual: float = 0.1, max_norm: float = 0.0):
        if method not in ("tracked", "exact"):
            raise ValueError(f"spectral method must be 'tracked' or 'exact', not {method!r}")
        self.sources = np.asarray(network.sources)
        self.targets = np.asarray(network.targets)
        self.n = network.n_nodes
        self.method = method
        self.max_norm = float(max_norm)
        self.tracker = LeadingEigenTracker(iterations=iterations,
                                           fallback_residual=fallback_residual)
        self.last: Eigen | None = None
        # CSR layouts of T (rows = targets) and T^T (rows = sources), built once; each call
        # only permutes the edge values into them
        n = self.n
        self._order = np.lexsort((self.sources, self.targets))
        self._indptr = np.searchsorted(self.targets[self._order], np.arange(n + 1))
        self._indices = np.ascontiguousarray(self.sources[self._order])
        self._t_order = np.lexsort((self.targets, self.sources))
        self._t_indptr = np.searchsorted(self.sources[self._t_order], np.arange(n + 1))
        self._t_indices = np.ascontiguousarray(self.targets[self._t_order])

    def csr_arrays(self, weights, slope):
        """T = diag(slope) A and its transpose as CSR arrays ``(indptr, indices, data)``
        (``weights`` and ``slope``: tensors or float64 numpy arrays)."""
        w = _as_float64(weights)
        d = _as_float64(slope)
        T = (self._indptr, self._indices, _kernels.edge_values(w, d, self.targets, self._order))
        Tt = (self._t_indptr, self._t_indices,
              _kernels.edge_values(w, d, self.targets, self._t_order))
        return T, Tt

    def matrices(self, weights, slope):
        """T = diag(slope) A and its transpose as scipy CSR matrices."""
        shape = (self.n, self.n)
        return tuple(scipy.sparse.csr_matrix((data, indices, indptr), shape)
                     for indptr, indices, data in self.csr_arrays(weights, slope))

    def eigen(self, weights, slope, key=None) -> Eigen:
        if self.method == "tracked":
            T, Tt = self.csr_arrays(weights, slope)
            return self.tracker(T, Tt, key=key)
        return leading_eigen_exact(self.matrices(weights, slope)[0])

    def __call__(self, weights: torch.Tensor, slope: torch.Tensor, key=None) -> torch.Tensor:
        """rho(T); ``key`` names the condition of ``slope`` (one warm start per key)."""
        return _SpectralRadius.apply(weights, slope, self, key)


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
        history.append(float(rho.detach()))
        if history[-1] < stop:
            break
        loss = spectral_barrier(rho, k=k, target=barrier_target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    out = np.zeros_like(A)
    out[rows, cols] = weights.detach().numpy()
    history.append(float(term(weights, slope).detach()))
    return out, history
