"""One training batch on the CPU without autograd: every loss term's gradient is written out
and the parameters' ``.grad`` are set directly before the optimizer step.

The torch path of :mod:`signet.training.loop` (``_batch_losses``, then ``loss.backward()``)
builds an autograd graph of some thirty small operations per batch; with the paper's batch
of 5 on the 409-node KEGG network its bookkeeping cost more than the steady-state solve
itself. Here the same loss is computed from the same numbers in numpy and compiled loops:

* fit: MSE(p * x[:, TF], y), gradient 2 (y_hat - y) / size into x (through p) and into p;
* sign, ligand bias, L2, non-zero weights, projection: closed forms;
* state uniformity: :meth:`signet.core.regularizers.StateCache.uniformity_and_gradient`;
* spectral barrier: the eigen-triple's edge gradient (as ``SpectralTerm``) times the
  barrier's derivative;
* dL/dx_ss goes through the solver's implicit backward (Algorithm 1) to the weights and
  the bias (summed over the batch) and, when trainable, the input scales.

Random numbers are drawn from the generator in the torch path's order (the noise, then the
spectral pick), so both paths see the same noise and the same picks.
``tests/test_fused.py`` checks the values and gradients of every term against autograd on
the torch path, and training with both paths against each other.
"""

from __future__ import annotations

import numpy as np
import torch

from signet.solver.kernels import output_slope
from signet.spectral.radius import rho_edge_gradient
from signet.training import kernels as _kernels
from signet.training.recipe import Recipe

__all__ = ["fused_available", "fused_batch", "adam_step", "overlap_allowed"]


def fused_available(model) -> bool:
    """The fused step runs where the numba solver runs (CPU tensors)."""
    return model.solver.use_numba(model.weights)


def _barrier_and_slope(rho: float, recipe: Recipe) -> tuple[float, float]:
    """The barrier's value and derivative at rho (``signet.spectral.spectral_barrier``)."""
    k, target = recipe.spectral_k, recipe.rho_target
    if recipe.spectral_form == "paper":
        value = float(np.exp(k * (rho - target)))
        return value, k * value
    if recipe.spectral_form == "reference":
        if rho <= 0.5:
            return 0.0, 0.0
        scale = float(np.exp(-k * target))
        grow = float(np.exp(k * rho))
        return scale * (grow - 1.0), scale * k * grow
    raise ValueError(f"spectral loss form must be 'paper' or 'reference', not "
                     f"{recipe.spectral_form!r}")


def overlap_allowed() -> bool:
    """The spectral term runs on a second thread, beside the backward solve, when the
    caller allows more than one thread (``torch.get_num_threads()``, set by ``--threads``)."""
    return torch.get_num_threads() > 1


_pool = None  # (process id, executor): a forked child has no worker thread, so it makes its own


def _worker():
    global _pool
    import os

    if _pool is None or _pool[0] != os.getpid():
        from concurrent.futures import ThreadPoolExecutor
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=1,
                                                 thread_name_prefix="signet-spectral"))
    return _pool[1]


def _spectral_part(model, recipe: Recipe, x, weights, index_np, picks, spectral_term):
    """The spectral barrier at the batch's picked samples: (value, rho, its gradient with
    respect to the weights). Reads the states and weights only; the tracker's warm starts
    are its own."""
    code = model.solver.activation_code
    found = []
    for p in picks:
        slope = output_slope(x[p], code)
        eigen = spectral_term.eigen(weights, slope, key=int(index_np[p]))
        found.append((eigen.rho, eigen, slope))
    rhos = np.array([f[0] for f in found])
    rho = float(rhos.max())
    barrier, barrier_slope = _barrier_and_slope(rho, recipe)
    winners = np.flatnonzero(rhos == rho)  # torch's max() shares a tie evenly
    grad = np.zeros_like(weights)
    for w in winners:
        _, eigen, slope = found[w]
        spectral_term.last = eigen
        grad_rho = rho_edge_gradient(eigen, spectral_term.sources, spectral_term.targets,
                                      spectral_term.max_norm)
        grad = grad + (recipe.spectral * barrier_slope / len(winners)) * \
            grad_rho * slope[spectral_term.targets]
    return barrier, rho, grad


def fused_batch(model, recipe: Recipe, u, y, y_cols, index, cache, spectral_term, generator,
                lr: float, do_spectral: bool, capped):
    """Loss terms (floats), states (batch x nodes tensor) and the solve's info of one batch;
    the parameters' gradients are set (``.grad``), the optimizer step is the caller's.

    Same arguments as ``signet.training.loop._batch_losses``; ``capped(info)`` says whether
    the forward solve ended at its step cap unconverged (``spectral_on_cap``).
    """
    from signet.solver.steady_state import SolveInfo

    network = model.network
    weights = model.weights.detach().numpy()
    bias = model.bias.detach().numpy()
    batch = len(index)
    index_np = index.numpy()
    batch_u = u.numpy()[index_np]
    ligand_index = model.ligand_index.numpy()
    # b + b_in: the ligands' scaled inputs added at their nodes (SignalingModel.input_bias)
    total = np.repeat(bias[None, :], batch, axis=0)
    total[:, ligand_index] = bias[ligand_index] + batch_u * model.input_scale.detach().numpy()
    if recipe.noise > 0:
        noise = recipe.noise * lr * torch.randn(batch, network.n_nodes, generator=generator,
                                                dtype=model.dtype)
        np.add(total, noise.numpy(), out=total)
    x_t, used, residual = model.solver.forward(model.weights, torch.from_numpy(total))
    info = SolveInfo(steps=used, residual=residual)
    model.last_info = info
    x = x_t.numpy()
    # the spectral pick is the generator's next draw after the noise, as on the torch path
    pick = int(torch.randint(batch, (1,), generator=generator))
    picks = [pick]
    if recipe.spectral_on_cap and capped(info):
        do_spectral, picks = True, range(batch)
    spectral = None
    if do_spectral and recipe.spectral > 0:
        job = (_spectral_part, model, recipe, x, weights, index_np, picks, spectral_term)
        # with a second thread allowed, the spectral term runs beside the loss terms and the
        # backward solve: they read the same states and weights and write nothing the
        # other reads, so the results are bitwise those of one thread
        spectral = _worker().submit(*job) if overlap_allowed() else job[0](*job[1:])
    cols = y_cols.numpy()
    projection = model.projection.detach().numpy()
    fit, grad_x, grad_p = _kernels.fit_and_gradient(
        x, model.tf_index.numpy()[cols], cols, projection, y.numpy()[index_np], recipe.fit)
    terms = {"fit": fit}
    (terms["sign"], terms["ligand_bias"], terms["l2"], terms["nonzero"], grad_w,
     grad_b) = _kernels.parameter_terms(weights, bias, model.signs.numpy(), ligand_index,
                                        recipe.sign, recipe.ligand_bias, recipe.l2,
                                        recipe.nonzero)

    if recipe.uniformity > 0:
        value, grad_u = cache.uniformity_and_gradient(index_np, x, recipe.uniform_low,
                                                      recipe.uniform_high,
                                                      recipe.uniform_max_constraint)
        terms["uniformity"] = float(value)
        grad_x += recipe.uniformity * grad_u

    g_w, g_total, b_steps, b_residual = model.solver.backward(model.weights, x_t,
                                                              torch.from_numpy(grad_x))
    if spectral is not None:
        if not isinstance(spectral, tuple):
            spectral = spectral.result()
        terms["spectral"], terms["rho"], grad_spectral = spectral
        grad_w = grad_w + grad_spectral

    projection_trainable = model.projection.requires_grad
    if projection_trainable:
        offset = projection - 1.2
        terms["projection"] = float(np.sum(np.square(offset)))
        grad_p = grad_p + recipe.projection * 2.0 * offset

    loss = recipe.fit * terms["fit"]
    for name in ("sign", "ligand_bias", "l2", "nonzero", "uniformity", "spectral", "projection"):
        if name in terms:
            loss = loss + getattr(recipe, name) * terms[name]
    terms["loss"] = loss

    info.backward_steps, info.backward_residual = b_steps, b_residual
    g_total = g_total.numpy()

    def as_grad(values):  # some terms are computed in float64: .grad takes the model's dtype
        return torch.from_numpy(np.ascontiguousarray(values, dtype=weights.dtype))

    model.weights.grad = as_grad(grad_w + g_w.numpy())
    model.bias.grad = as_grad(grad_b + g_total.sum(axis=0))
    if projection_trainable:
        model.projection.grad = as_grad(grad_p)
    if model.input_scale.requires_grad:
        model.input_scale.grad = as_grad(np.sum(g_total[:, ligand_index] * batch_u, axis=0))
    return terms, x_t, info


def adam_step(optimizer: torch.optim.Adam) -> None:
    """``optimizer.step()`` for a plain Adam (no weight decay, amsgrad or maximize) on CPU
    parameters, as one compiled loop a parameter: the optimizer's state (step, exp_avg,
    exp_avg_sq) is kept where and as torch keeps it, so checkpoints and the autograd path
    read it unchanged. Anything else goes to ``optimizer.step()``."""
    for group in optimizer.param_groups:
        if group["weight_decay"] or group["amsgrad"] or group["maximize"] or \
                any(p.grad is not None and p.device.type != "cpu" for p in group["params"]):
            optimizer.step()
            return
    for group in optimizer.param_groups:
        beta1, beta2 = group["betas"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = optimizer.state[p]
            if not state:
                state["step"] = torch.zeros((), dtype=torch.float32)
                state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            state["step"] += 1
            step = float(state["step"])
            # numpy views of tensors that need no gradient: no autograd context is needed
            _kernels.adam_update(p.detach().numpy(), p.grad.numpy(),
                                 state["exp_avg"].numpy(), state["exp_avg_sq"].numpy(),
                                 float(group["lr"]), beta1, beta2, group["eps"],
                                 1 - beta1 ** step, (1 - beta2 ** step) ** 0.5)
