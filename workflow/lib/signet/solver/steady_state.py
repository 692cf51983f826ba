"""The steady-state solve and its implicit gradient (the paper's Algorithm 1).

Forward:  x_0 = 0,  x_{k+1} = f(A x_k + b_total),  for at most ``steps`` steps, stopping early
          when max |x_{k+1} - x_k| < ``tol`` (tol = 0 runs every step).
Backward: with D = f'(z_ss) (computed from the output, ``slope_from_output(x_ss)``) and
          G = dL/dx_ss, iterate g_0 = 0, g_{k+1} = clip(D (A^T g_k + G)) with the same step cap;
          clip is identity inside [-c, c] and tanh(g - c) + c above, tanh(g + c) - c below.
          The backward stop is relative: max |g_{k+1} - g_k| < tol * max |g_1|, where
          g_1 = clip(D G) is the first iterate (the scale of the answer). An absolute stop
          (max |change| < tol) ends after a step or two when |G| is small (the fit term's
          gradient late in training is ~1e-6 per entry) and left a 5 % gradient error there.
          At convergence g = (I - D A^T)^{-1} D G and
            dL/db_total = g,      dL/dw_(i<-j) = sum_s g[s, i] x_ss[s, j].
Only x_ss is saved for the backward pass: memory is O(samples x nodes), independent of the
number of steps.

Two backends give the same numbers: ``numba`` (fused CSR loops, CPU) and ``torch`` (torch
sparse CSR products, any device, used on CUDA). ``auto`` picks numba on CPU.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import torch

from signet.core.activations import get_activation
from signet.core.network import Network
from signet.solver import kernels as _kernels

__all__ = ["SolveInfo", "SteadyStateSolver", "steady_state"]

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta state")


@dataclass
class SolveInfo:
    """What a solve did: steps used and final max |change|, forward and backward."""

    steps: int = 0
    residual: float = float("nan")
    backward_steps: int = 0
    backward_residual: float = float("nan")


class SteadyStateSolver:
    """Holds the sparsity structure, activation and solve settings of one network.

    Parameters
    ----------
    network : the :class:`~signet.core.network.Network` (edge slots fix the weight order)
    activation : ``MML``, ``leakyReLU`` or ``sigmoid``
    steps : step cap of the forward and the backward iteration
    tol : early stop on max |change| (0 disables it); absolute in the forward pass, relative
          to max |g_1| = max |clip(D G)| in the backward pass (:meth:`backward_tolerance`)
    clip : threshold of the tanh gradient clipping
    backend : ``auto``, ``numba`` (CPU) or ``torch``
    node_order : order of the nodes inside the numba kernels: ``given`` (the network's) or
        ``rcm`` (reverse Cuthill-McKee of A + A^T, which keeps sources near their targets);
        internal to the solver, results are bitwise the same either way
    threads : threads of the numba kernels (None or 1: one; more only from
        :data:`~signet.solver.kernels.PARALLEL_MIN_WORK` multiply-adds a step)
    """

    def __init__(self, network: Network, activation: str = "MML", steps: int = 150,
                 tol: float = 1e-6, clip: float = 1.0, backend: str = "auto",
                 node_order: str = "given", threads: int | None = None):
        if backend not in ("auto", "numba", "torch"):
            raise ValueError(f"backend must be auto, numba or torch, not {backend!r}")
        if node_order not in ("given", "rcm"):
            raise ValueError(f"node_order must be given or rcm, not {node_order!r}")
        self.activation = get_activation(activation)
        self.activation_code = _kernels.ACTIVATION_CODES[activation]
        self.steps = int(steps)
        self.tol = float(tol)
        self.clip = float(clip)
        self.backend = backend
        self.node_order = node_order
        self.threads = threads
        self.n_nodes = network.n_nodes
        self.n_edges = network.n_edges
        rowptr, col = network.csr()
        t_rowptr, t_col, t_slot = network.csr_transposed()
        index = np.int32 if network.n_edges < 2**31 - 1 else np.int64
        rowptr, col, t_rowptr, t_col = (a.astype(index) for a in (rowptr, col, t_rowptr, t_col))
        self.np = dict(rowptr=rowptr, col=col, t_rowptr=t_rowptr, t_col=t_col, t_slot=t_slot,
                       sources=network.sources.copy(), targets=network.targets.copy())
        self._torch_cache: dict = {}
        self._cpu = _cpu_structure(network, node_order)

    # ---- structure on a device --------------------------------------------------------
    def _structure(self, device):
        key = str(device)
        if key not in self._torch_cache:
            self._torch_cache[key] = {k: torch.as_tensor(v, device=device)
                                      for k, v in self.np.items()}
        return self._torch_cache[key]

    def use_numba(self, tensor: torch.Tensor) -> bool:
        if self.backend == "numba":
            if tensor.device.type != "cpu":
                raise ValueError("the numba backend runs on the CPU only")
            return True
        return self.backend == "auto" and tensor.device.type == "cpu"

    def _matrix(self, weights, transpose=False):
        s = self._structure(weights.device)
        n = self.n_nodes
        if transpose:
            return torch.sparse_csr_tensor(s["t_rowptr"], s["t_col"], weights[s["t_slot"]],
                                           (n, n), check_invariants=False)
        return torch.sparse_csr_tensor(s["rowptr"], s["col"], weights, (n, n),
                                       check_invariants=False)

    # ---- forward ---------------------------------------------------------------------
    def forward(self, weights: torch.Tensor, bias: torch.Tensor):
        """Solve for x_ss (samples x nodes) with bias (samples x nodes); no autograd."""
        if self.use_numba(weights):
            c = self._cpu
            w = weights.detach().numpy()
            b = bias.detach().numpy()
            b = np.ascontiguousarray(b.T if c.order is None else b[:, c.order].T)
            w = w if c.order is None else w[c.slot]
            threads = _kernels.threads_for(self.n_edges, b.shape[1], self.threads)
            x, used, residual = _kernels.solve_forward(
                c.rowptr, c.col, w, b, self.activation_code, self.steps, self.tol,
                threaded=threads > 1)
            x = x.T if c.order is None else x[c.rank].T
            return torch.from_numpy(np.ascontiguousarray(x)), int(used), float(residual)
        return self._forward_torch(weights.detach(), bias.detach())

    def _iterate_torch(self, step, start, tol, check_every: int = 5):
        """Iterate ``v <- step(v)`` from ``start`` with the numba kernels' stopping rule: the
        first iterate whose max |change| is below ``tol`` (0: run every step) is returned,
        with its step count.

        Convergence is tracked on the device (a converged iteration stops changing), and the
        host reads the flag every ``check_every`` steps only, so a GPU is not synchronised at
        every step while the result is bitwise what a per-step check gives.
        """
        v = start
        device = start.device
        done = torch.zeros((), dtype=torch.bool, device=device)
        used = torch.zeros((), dtype=torch.int64, device=device)
        residual = torch.full((), float("nan"), dtype=start.dtype, device=device)
        for k in range(self.steps):
            v_next = step(v)
            change = (v_next - v).abs().max() if v.numel() else v.new_zeros(())
            if tol > 0:
                active = ~done
                v = torch.where(active, v_next, v)
                used = used + active.to(torch.int64)
                residual = torch.where(active, change, residual)
                done = done | (change < tol)
                if (k + 1) % check_every == 0 and bool(done):
                    break
            else:
                v, used, residual = v_next, used + 1, change
        return v, int(used), float(residual)

    def _forward_torch(self, weights, bias):
        matrix = self._matrix(weights)
        b = bias.T.contiguous()
        f = self.activation.value
        x, used, residual = self._iterate_torch(lambda x: f(matrix @ x + b), torch.zeros_like(b),
                                                   self.tol)
        return x.T.contiguous(), used, residual

    # ---- backward --------------------------------------------------------------------
    def backward_tolerance(self, slope: torch.Tensor, grad_x: torch.Tensor) -> float:
        """The backward stop's absolute threshold: ``tol * max |clip(D G)|``.

        g_1 = clip(D G) is the first iterate from g_0 = 0, so the stop is relative to the
        size of the answer whatever the scale of G. 0 when ``tol`` is 0 (run every step);
        a zero G gives a threshold of 1e-300 times ``tol``, so the solve ends after one step.
        """
        if self.tol <= 0:
            return 0.0
        first = float((slope * grad_x).abs().max()) if grad_x.numel() else 0.0
        return self._tolerance_from_first(first)

    def _tolerance_from_first(self, first: float) -> float:
        if self.tol <= 0:
            return 0.0
        c = self.clip
        scale = c + math.tanh(first - c) if first > c else first  # |clip| of the largest
        return self.tol * max(scale, 1e-300)

    def backward(self, weights: torch.Tensor, x: torch.Tensor, grad_x: torch.Tensor):
        """Return (dL/dweights, dL/dbias, steps, residual) from x_ss and dL/dx_ss."""
        if self.use_numba(weights):
            c = self._cpu
            w = weights.detach().numpy()
            x_np, grad_np = x.numpy(), grad_x.detach().numpy()
            slope = _kernels.output_slope(x_np, self.activation_code)
            tol = self._tolerance_from_first(_kernels.largest_product(slope, grad_np))
            slope_t, grad_t, x_t = (c.to_kernel(a) for a in (slope, grad_np, x_np))
            threads = _kernels.threads_for(self.n_edges, grad_t.shape[1], self.threads)
            g, used, residual = _kernels.solve_backward(
                c.t_rowptr, c.t_col, w[c.t_slot], slope_t, grad_t, self.steps, tol,
                self.clip, threaded=threads > 1)
            grad_w = _kernels.edge_gradient(c.sources, c.targets, g, x_t)
            g = g.T if c.order is None else g[c.rank].T
            return (torch.from_numpy(grad_w), torch.from_numpy(np.ascontiguousarray(g)),
                    int(used), float(residual))
        slope = self.activation.slope_from_output(x)
        tol = self.backward_tolerance(slope, grad_x.detach())
        return self._backward_torch(weights.detach(), x, slope, grad_x.detach(), tol)

    def _backward_torch(self, weights, x, slope, grad_x, tol):
        matrix_t = self._matrix(weights, transpose=True)
        d = slope.T.contiguous()
        G = grad_x.T.contiguous()
        c = self.clip

        def step(g):
            v = d * (matrix_t @ g + G)
            return torch.where(v > c, torch.tanh(v - c) + c,
                               torch.where(v < -c, torch.tanh(v + c) - c, v))

        g, used, residual = self._iterate_torch(step, torch.zeros_like(G), tol)
        s = self._structure(weights.device)
        grad_w = (g[s["targets"]] * x.T[s["sources"]]).sum(dim=1)
        return grad_w, g.T.contiguous(), used, residual


class _CpuStructure:
    """The CSR structure the numba kernels run on, in the solver's internal node order.

    With ``order`` (a permutation: internal row k is node ``order[k]``), rows and columns are
    renumbered but every row keeps its edges in the given network's order, so each sum adds
    the same terms in the same order and results are bitwise those of the given order. The
    permutation never leaves the solver: inputs and outputs are in network order.
    """

    def __init__(self, network: Network, order: np.ndarray | None):
        n = network.n_nodes
        sources, targets = network.sources, network.targets
        self.order = order
        if order is None:
            rank = np.arange(n)
        else:
            rank = np.empty(n, dtype=np.int64)
            rank[order] = np.arange(n)
        self.rank = None if order is None else rank
        index = np.uint32 if network.n_edges < 2**32 - 1 else np.uint64
        src, tgt = rank[sources], rank[targets]
        # CSR by (internal target), keeping slot order inside a row (stable sort)
        self.slot = np.argsort(tgt, kind="stable")
        self.rowptr = np.concatenate([[0], np.cumsum(np.bincount(tgt, minlength=n))]).astype(index)
        self.col = src[self.slot].astype(index)
        # transposed CSR: rows = internal source, inside a row the given network's order
        # (ascending given target), as in Network.csr_transposed
        given = np.lexsort((targets, sources))
        self.t_slot = given[np.argsort(src[given], kind="stable")]
        self.t_rowptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))]).astype(index)
        self.t_col = tgt[self.t_slot].astype(index)
        self.sources = src.astype(index)
        self.targets = tgt.astype(index)

    def to_kernel(self, states: np.ndarray) -> np.ndarray:
        """(samples x nodes) in network order -> (nodes x samples) in internal order."""
        return np.ascontiguousarray(states.T if self.order is None else states[:, self.order].T)


def _cpu_structure(network: Network, node_order: str) -> _CpuStructure:
    """Kernel structure in the given order, or in reverse Cuthill-McKee order of A + A^T."""
    if node_order == "given":
        return _CpuStructure(network, None)
    import scipy.sparse as sp
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    n = network.n_nodes
    ones = np.ones(network.n_edges)
    a = sp.csr_matrix((ones, (network.targets, network.sources)), shape=(n, n))
    order = reverse_cuthill_mckee((a + a.T).tocsr(), symmetric_mode=True)
    return _CpuStructure(network, np.asarray(order, dtype=np.int64))


class _SteadyState(torch.autograd.Function):
    """Autograd wrapper: forward = fixed-point solve, backward = Algorithm 1.

    Saves only (weights, x_ss). See the module docstring for the math.
    """

    @staticmethod
    def forward(ctx, weights, bias, solver, info):
        x, used, residual = solver.forward(weights, bias)
        x = x.to(device=bias.device)
        info.steps, info.residual = used, residual
        ctx.solver, ctx.info = solver, info
        ctx.save_for_backward(weights, x)
        return x

    @staticmethod
    def backward(ctx, grad_x):
        weights, x = ctx.saved_tensors
        grad_w, grad_b, used, residual = ctx.solver.backward(weights, x, grad_x)
        ctx.info.backward_steps, ctx.info.backward_residual = used, residual
        return grad_w, grad_b, None, None


def steady_state(weights: torch.Tensor, bias: torch.Tensor, solver: SteadyStateSolver):
    """Differentiable steady state ``x_ss`` (samples x nodes) and its :class:`SolveInfo`.

    ``weights`` has one entry per edge slot, ``bias`` is b + b_in per sample
    (samples x nodes). The info's backward fields are filled when autograd runs backward.
    """
    info = SolveInfo()
    x = _SteadyState.apply(weights, bias, solver, info)
    return x, info
