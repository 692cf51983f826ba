"""The training loop.

Per batch the loss is

    MSE(y_hat, y)
    + sign * sum|w contradicting prior|  + ligand_bias * sum b_lig^2  + l2 * (sum b^2 + sum w^2)
    + nonzero * sum 1/(w^2 + 0.5)  + uniformity * U(states)  + spectral * barrier(rho(T))
    [+ projection * sum (p - 1.2)^2 when the projection is trainable]

with noise ``noise * lr * N(0, 1)`` added to b + b_in at every training forward pass. The
learning rate follows a one-cycle cosine (warm-up from ``lr_min`` to ``lr_max`` over
``warmup_epochs``, cosine decay to ``lr_min`` at ``decay_end`` of the epochs, flat after) and
the Adam state is reset every ``adam_reset_every`` epochs. rho is computed for one random
sample of each batch (every ``spectral_every`` batches), and with ``spectral_on_cap`` for
every sample of a batch whose forward solve hit the step cap (the barrier on the largest). ``fit`` weights the MSE (0 gives the
regularisation-only control). With ``validation_fraction`` > 0 a seeded share of the
conditions is held out, its MSE checked every ``validate_every`` epochs, training stops after
``patience`` epochs without improvement and the best parameters are restored.

All randomness comes from one seeded ``torch.Generator``. A checkpoint holds every piece of
state that changes during training (:mod:`signet.training.checkpoint`), so a run killed at any
point and resumed from its last checkpoint ends bitwise equal to an uninterrupted one on the CPU.

Every epoch's log row carries the solver's diagnostics: forward steps and residual, how many
batches hit the step cap without converging, backward steps and residual, and the
eigen-solver's residual, ARPACK fallbacks, and the fallbacks that found no left vector (above
``LU_LIMIT`` nodes; that batch's spectral gradient is zero). A forward solve that ends at the cap without
converging (an unstable model) is reported by one warning line.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from signet.core import regularizers as reg
from signet.core.model import SignalingModel
from signet.errors import SignetInputError
from signet.io import atomic_write, save_checkpoint, write_parameters
from signet.spectral import SpectralTerm, spectral_barrier
from signet.training import checkpoint
from signet.training.fused import adam_step, fused_available, fused_batch
from signet.training.recipe import Recipe, learning_rate

__all__ = ["train", "TrainResult", "align_data", "model_from_recipe", "split_validation",
           "LOG_COLUMNS", "LoopState", "format_rho"]

log = logging.getLogger("signet.train")

# loss terms averaged over the epoch's batches, in log order
TERMS = ["loss", "fit", "sign", "ligand_bias", "l2", "nonzero", "uniformity", "spectral",
         "projection"]
LOG_COLUMNS = ["epoch", *TERMS, "rho", "lr", "sign_violations", "forward_steps",
               "forward_residual", "forward_capped", "backward_steps", "backward_residual",
               "eigen_residual", "eigen_fallbacks", "eigen_unmatched", "wall_seconds"]


def align_data(model, ligands: pd.DataFrame, tfs: pd.DataFrame, *,
               ignore_unknown_tfs: bool = False):
    """Tensors (u, y) and the model-TF positions of y's columns, conditions in ligand order."""
    ligand_path, tf_path = ligands.attrs.get("path"), tfs.attrs.get("path")
    missing = [c for c in ligands.index if c not in tfs.index]
    if missing:
        raise SignetInputError(tf_path, f"condition {missing[0]!r} of the ligand table "
                                        f"{ligand_path or ''} has no row here")
    extra = tfs.index.difference(ligands.index, sort=False).tolist()
    if extra:
        log.warning("%s: %d of %d TF rows have no ligand row and are not used (first: %r)",
                    tf_path or "TF table", len(extra), len(tfs), extra[0])
    tf_pos = {n: i for i, n in enumerate(model.network.tfs)}
    unknown = [c for c in tfs.columns if c not in tf_pos]
    if unknown and not ignore_unknown_tfs:
        raise SignetInputError(tf_path, f"{unknown[0]!r} is not a TF of the network "
                                        f"({len(unknown)} unknown TF column(s)); drop them "
                                        "with --ignore-unknown-tfs (ignore_unknown_tfs=True)",
                               line=1, column=str(unknown[0]))
    if unknown:
        log.warning("%s: dropped %d of %d TF columns that are not TFs of the network",
                    tf_path or "TF table", len(unknown), len(tfs.columns))
    columns = [c for c in tfs.columns if c in tf_pos]
    if not columns:
        raise SignetInputError(tf_path, "no column names a TF of the network")
    u = model.ligand_tensor(ligands)
    y = torch.as_tensor(tfs.loc[ligands.index, columns].to_numpy(np.float64),
                        dtype=model.dtype)
    return u, y, torch.as_tensor([tf_pos[c] for c in columns]), columns


@dataclass
class TrainResult:
    log: pd.DataFrame
    epochs_run: int
    resumed_from: int | None
    seconds: float
    # early stopping (recipe.validation_fraction > 0): (epoch, held-out MSE) pairs and the
    # epoch whose parameters were restored
    validation: list = field(default_factory=list)
    best_epoch: int | None = None


@dataclass
class LoopState:
    """Everything that changes while training runs (all of it is checkpointed)."""

    optimizer: torch.optim.Optimizer
    generator: torch.Generator
    cache: reg.StateCache
    spectral_term: SpectralTerm
    epoch: int = 0
    batch_counter: int = 0
    rows: list = field(default_factory=list)
    validation: list = field(default_factory=list)
    best: dict = field(default_factory=lambda: {"fit": float("inf"), "epoch": None,
                                                "state": None})
    warned_cap: bool = False
    fused: bool = False  # the batch step without autograd (signet.training.fused)


def split_validation(u, y, recipe: Recipe):
    """Hold out ``recipe.validation_fraction`` of the conditions (seeded by
    ``recipe.validation_seed``): returns ``(u_train, y_train, u_held_out, y_held_out)``."""
    n = u.shape[0]
    held = int(round(recipe.validation_fraction * n))
    if held < 1 or held >= n:
        raise SignetInputError(None, f"validation_fraction {recipe.validation_fraction} of "
                                     f"{n} conditions leaves no training or held-out set")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(recipe.validation_seed))
    keep, out = order[held:].sort().values, order[:held].sort().values
    return u[keep], y[keep], u[out], y[out]


def _batch_losses(model, recipe, u, y, y_cols, index, cache, spectral_term, generator,
                  lr, do_spectral):
    batch_u = u[index]
    noise = None
    if recipe.noise > 0:
        noise = recipe.noise * lr * torch.randn(len(index), model.network.n_nodes,
                                                generator=generator, dtype=model.dtype)
        noise = noise.to(model.weights.device)
    y_hat, x, info = model(batch_u, noise=noise)
    terms = {"fit": torch.mean((y_hat[:, y_cols] - y[index]).square())}
    signs = model.signs
    terms["sign"] = reg.sign_violation(model.weights, signs)
    terms["ligand_bias"] = reg.ligand_bias(model.bias, model.ligand_index)
    terms["l2"] = reg.l2(model.weights, model.bias)
    terms["nonzero"] = reg.nonzero_weights(model.weights)
    if recipe.uniformity > 0:
        terms["uniformity"] = cache.uniformity(index, x, recipe.uniform_low,
                                               recipe.uniform_high,
                                               recipe.uniform_max_constraint)
    pick = int(torch.randint(len(index), (1,), generator=generator))
    picks = [pick]
    if recipe.spectral_on_cap and _capped(info, recipe, model.steps):
        do_spectral, picks = True, range(len(index))
    if do_spectral and recipe.spectral > 0:
        rhos = []
        for p in picks:
            slope = model.solver.activation.slope_from_output(x[p].detach())
            rhos.append(spectral_term(model.weights, slope, key=int(index[p])))
        rho = rhos[0] if len(rhos) == 1 else torch.stack(rhos).max()
        terms["spectral"] = spectral_barrier(rho, recipe.spectral_k, recipe.rho_target,
                                             recipe.spectral_form)
        terms["rho"] = rho.detach()
    if model.projection.requires_grad:
        terms["projection"] = reg.projection_penalty(model.projection)
    loss = recipe.fit * terms["fit"]
    for name in ("sign", "ligand_bias", "l2", "nonzero", "uniformity", "spectral", "projection"):
        if name in terms:
            loss = loss + getattr(recipe, name) * terms[name]
    terms["loss"] = loss
    return loss, terms, x, info


def _new_optimizer(model, lr):
    """Adam over the trainable parameters; torch's fused kernel where it runs (CPU, CUDA):
    the same update as the multi-tensor one, 2.4x faster a step on the KEGG network."""
    params = [p for p in model.parameters() if p.requires_grad]
    if model.weights.device.type in ("cpu", "cuda"):
        return torch.optim.Adam(params, lr=lr, fused=True)
    return torch.optim.Adam(params, lr=lr, foreach=True)


def _write_outputs(output_dir: Path, model, run: LoopState, recipe: Recipe, seed: int):
    output_dir.mkdir(parents=True, exist_ok=True)
    with atomic_write(output_dir / "training-log.tsv") as handle:
        pd.DataFrame(run.rows, columns=LOG_COLUMNS).to_csv(handle, sep="\t", index=False,
                                                           float_format="%.10g")
    write_parameters(model.parameters_table(), output_dir / "parameters.tsv")
    save_checkpoint(checkpoint.capture(run, model, recipe, seed), output_dir / "model.pt")


def _start(model, u, recipe: Recipe, seed: int, output_dir, resume: bool,
           fused: bool | None = None) -> LoopState:
    """A fresh loop state, or the one in ``output_dir/model.pt`` when resuming."""
    with torch.no_grad():
        _, x_all, _ = model(u)
    run = LoopState(optimizer=_new_optimizer(model, recipe.lr_min),
                    generator=torch.Generator().manual_seed(seed),
                    cache=reg.StateCache(x_all),
                    spectral_term=SpectralTerm(model.network, method=recipe.spectral_method,
                                               iterations=recipe.spectral_iterations,
                                               fallback_residual=recipe.spectral_residual,
                                               max_norm=recipe.spectral_max_norm),
                    fused=fused_available(model) if fused is None else bool(fused))
    if run.fused and not fused_available(model):
        raise ValueError("the fused batch step needs the numba solver (CPU tensors)")
    if resume:
        path = None if output_dir is None else output_dir / "model.pt"
        if path is None or not path.exists():
            log.warning("no checkpoint to resume from in %s; starting fresh", output_dir)
        else:
            checkpoint.restore(path, run, model)
            log.info("resumed from epoch %d", run.epoch)
    return run


def _run_epoch(model, recipe: Recipe, run: LoopState, u, y, y_cols) -> dict:
    """One pass over the training conditions in batches; returns the epoch's log row."""
    epoch = run.epoch
    if epoch > 0 and recipe.adam_reset_every and epoch % recipe.adam_reset_every == 0:
        run.optimizer = _new_optimizer(model, recipe.lr_min)
    lr = learning_rate(epoch, recipe)
    for group in run.optimizer.param_groups:
        group["lr"] = lr
    run.cache.refresh()  # running sums start each epoch from the states themselves
    tracker = run.spectral_term.tracker
    fallbacks_before = tracker.fallbacks
    unmatched_before = tracker.unmatched
    order = torch.randperm(u.shape[0], generator=run.generator).to(u.device)
    sums: dict[str, float] = {}
    solver = {"forward_steps": 0.0, "forward_residual": 0.0, "forward_capped": 0,
              "backward_steps": 0.0, "backward_residual": 0.0}
    eigen_residual = 0.0
    batches = rho_batches = 0
    for start in range(0, u.shape[0], recipe.batch_size):
        index = order[start:start + recipe.batch_size]
        do_spectral = run.batch_counter % max(1, recipe.spectral_every) == 0
        run.batch_counter += 1
        if run.fused:
            terms, x, info = fused_batch(model, recipe, u, y, y_cols, index, run.cache,
                                         run.spectral_term, run.generator, lr, do_spectral,
                                         lambda i: _capped(i, recipe, model.steps))
        else:
            loss, terms, x, info = _batch_losses(model, recipe, u, y, y_cols, index,
                                                 run.cache, run.spectral_term, run.generator,
                                                 lr, do_spectral)
            run.optimizer.zero_grad(set_to_none=True)
            loss.backward()
        if run.fused:
            adam_step(run.optimizer)
        else:
            run.optimizer.step()
        run.cache.update(index, x)
        for name, value in terms.items():
            sums[name] = sums.get(name, 0.0) + float(value.detach() if torch.is_tensor(value) else value)
        if "rho" in terms:
            rho_batches += 1
            eigen_residual = max(eigen_residual, _finite(tracker.last_residual))
        solver["forward_steps"] += info.steps
        solver["forward_residual"] = max(solver["forward_residual"], info.residual)
        solver["forward_capped"] += int(_capped(info, recipe, model.steps))
        solver["backward_steps"] += info.backward_steps
        solver["backward_residual"] = max(solver["backward_residual"],
                                          _finite(info.backward_residual))
        batches += 1
    row = {"epoch": epoch + 1, **{name: sums.get(name, 0.0) / batches for name in TERMS}}
    # rho is computed on every spectral_every-th batch only: average over those
    row["rho"] = sums["rho"] / rho_batches if rho_batches else float("nan")
    row["lr"] = lr
    row["sign_violations"] = reg.sign_violation_count(model.weights.detach(), model.signs)
    row.update(solver)
    row["forward_steps"] /= batches
    row["backward_steps"] /= batches
    row["eigen_residual"] = eigen_residual if rho_batches else float("nan")
    row["eigen_fallbacks"] = tracker.fallbacks - fallbacks_before
    # restarts whose ARPACK pairs gave no left vector (n > LU_LIMIT): zero spectral gradient
    row["eigen_unmatched"] = tracker.unmatched - unmatched_before
    return row


def _capped(info, recipe: Recipe, steps: int) -> bool:
    """The batch's forward solve ended at the step cap without reaching the tolerance."""
    return recipe.tol > 0 and info.steps >= steps and not info.residual < recipe.tol


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def _warn_if_capped(run: LoopState, row: dict, steps: int) -> None:
    if row["forward_capped"] and not run.warned_cap:
        run.warned_cap = True
        log.warning("epoch %d: the forward solve hit its %d-step cap without converging in "
                    "%d batch(es) (max residual %.3g): the steady state may be unstable; "
                    "see forward_capped in the training log", row["epoch"], steps,
                    row["forward_capped"], row["forward_residual"])


def _validate(model, recipe: Recipe, run: LoopState, held_out, y_cols) -> bool:
    """Score the held-out conditions, keep the best parameters; True when patience ran out."""
    with torch.no_grad():
        y_held, _, _ = model(held_out[0])
        held_fit = float(torch.mean((y_held[:, y_cols] - held_out[1]).square()))
    run.validation.append((run.epoch, held_fit))
    best = run.best
    stop = False
    if held_fit < best["fit"] - recipe.min_delta:
        best.update(fit=held_fit, epoch=run.epoch,
                    state={k: v.detach().clone() for k, v in model.state_dict().items()})
    elif recipe.patience and best["epoch"] is not None and \
            run.epoch - best["epoch"] >= recipe.patience:
        stop = True
    log.info("epoch %d: held-out fit %.5g (best %.5g at epoch %s)", run.epoch, held_fit,
             best["fit"], best["epoch"])
    return stop


def format_rho(rho: float) -> str:
    """rho for a progress bar or a log line: ``n/a`` when it was not computed."""
    return f"{rho:.3f}" if math.isfinite(rho) else "n/a"


class _Progress:
    """The tqdm bar and the periodic log line."""

    def __init__(self, recipe: Recipe, start: int, show: bool):
        self.recipe = recipe
        self.bar = None
        if show:
            from tqdm.auto import tqdm
            self.bar = tqdm(total=recipe.epochs, initial=start, desc="training",
                            unit="epoch", mininterval=1.0)

    def update(self, row: dict) -> None:
        rho = format_rho(row["rho"])
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{row['loss']:.4g}", fit=f"{row['fit']:.4g}", rho=rho,
                                 refresh=False)
        every = self.recipe.log_every
        if every and row["epoch"] % every == 0:
            log.info("epoch %d/%d loss %.5g fit %.5g rho %s lr %.3g forward steps %.1f "
                     "backward steps %.1f", row["epoch"], self.recipe.epochs, row["loss"],
                     row["fit"], rho, row["lr"], row["forward_steps"], row["backward_steps"])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def train(model, ligands: pd.DataFrame, tfs: pd.DataFrame, recipe: Recipe, *,
          output_dir=None, seed: int = 0, resume: bool = False, progress: bool = True,
          ignore_unknown_tfs: bool = False, interrupt_after: int | None = None,
          callback=None, validation: tuple | None = None,
          fused: bool | None = None) -> TrainResult:
    """Train ``model`` on (ligands, tfs) with ``recipe``.

    With ``output_dir``, writes ``parameters.tsv``, ``model.pt`` (checkpoint) and
    ``training-log.tsv`` every ``recipe.checkpoint_every`` epochs and at the end; with
    ``resume=True`` it continues from ``output_dir/model.pt``. ``interrupt_after`` stops after
    that many epochs of this call (used to test resuming). ``callback(epoch, row)`` is called
    after every epoch. ``validation=(ligands, tfs)``: early stopping (a recipe with
    ``validation_fraction`` > 0) scores these conditions instead of holding out a share of
    the training conditions, so the model trains on all of them. ``fused``: the batch step
    without autograd (:mod:`signet.training.fused`; None: wherever the numba solver runs,
    i.e. on the CPU; False: the autograd path, which every device has). The two compute the
    same loss and gradients up to rounding (tests/test_fused.py).
    Thread counts are the caller's (torch.set_num_threads, threadpoolctl).
    """
    output_dir = Path(output_dir) if output_dir is not None else None
    u, y, y_cols, _ = align_data(model, ligands, tfs, ignore_unknown_tfs=ignore_unknown_tfs)
    device = model.weights.device
    u, y, y_cols = u.to(device), y.to(device), y_cols.to(device)
    held_out = None
    if recipe.validation_fraction > 0 and validation is not None:
        u_val, y_val, val_cols, _ = align_data(model, *validation,
                                               ignore_unknown_tfs=ignore_unknown_tfs)
        if not torch.equal(val_cols.to(device), y_cols):
            raise SignetInputError(validation[1].attrs.get("path"),
                                   "the validation TF columns differ from the training ones")
        held_out = [u_val.to(device), y_val.to(device)]
    elif recipe.validation_fraction > 0:
        u, y, *held_out = split_validation(u, y, recipe)
    run = _start(model, u, recipe, seed, output_dir, resume, fused)
    resumed_from = run.epoch if run.rows else None
    start_epoch = run.epoch
    progress_bar = _Progress(recipe, start_epoch, progress)
    began = time.perf_counter()
    wall_offset = run.rows[-1]["wall_seconds"] if run.rows else 0.0
    epochs_run = 0
    while run.epoch < recipe.epochs:
        row = _run_epoch(model, recipe, run, u, y, y_cols)
        row["wall_seconds"] = wall_offset + time.perf_counter() - began
        run.rows.append(row)
        run.epoch += 1
        epochs_run += 1
        _warn_if_capped(run, row, model.steps)
        progress_bar.update(row)
        if callback is not None:
            callback(run.epoch, row)
        done = run.epoch == recipe.epochs
        stop_early = held_out is not None and \
            (done or run.epoch % max(1, recipe.validate_every) == 0) and \
            _validate(model, recipe, run, held_out, y_cols)
        if output_dir is not None and (done or (recipe.checkpoint_every and
                                                run.epoch % recipe.checkpoint_every == 0)):
            _write_outputs(output_dir, model, run, recipe, seed)
        if interrupt_after is not None and epochs_run >= interrupt_after:
            break
        if stop_early:
            log.info("early stop at epoch %d; restoring epoch %d", run.epoch,
                     run.best["epoch"])
            break
    progress_bar.close()
    _finish(model, run, recipe, seed, output_dir, start_epoch)
    return TrainResult(pd.DataFrame(run.rows, columns=LOG_COLUMNS), epochs_run, resumed_from,
                       time.perf_counter() - began, run.validation, run.best["epoch"])


def _finish(model, run: LoopState, recipe: Recipe, seed: int, output_dir, start_epoch: int):
    """Restore the best held-out parameters (early stopping) and write the final outputs."""
    if run.best["state"] is not None:
        model.load_state_dict(run.best["state"])
        if output_dir is not None:
            _write_outputs(output_dir, model, run, recipe, seed)
    elif output_dir is not None and start_epoch == recipe.epochs:
        _write_outputs(output_dir, model, run, recipe, seed)


def model_from_recipe(network, recipe: Recipe, seed: int = 0, backend: str = "auto"):
    """A freshly initialised :class:`~signet.core.model.SignalingModel` set up as the recipe says."""
    return SignalingModel(network, steps=recipe.steps, tol=recipe.tol,
                          activation=recipe.activation, dtype=recipe.torch_dtype,
                          projection_trainable=recipe.projection_trainable, seed=seed,
                          backend=backend, unknown_sign=recipe.unknown_sign)
