"""Training: the recipe (all coefficients, as data) and the loop.

Per batch the loss is

    MSE(y_hat, y)
    + sign * sum|w contradicting prior|  + ligand_bias * sum b_lig^2  + l2 * (sum b^2 + sum w^2)
    + nonzero * sum 1/(w^2 + 0.5)  + uniformity * U(states)  + spectral * barrier(rho(T))
    [+ projection * sum (p - 1.2)^2 when the projection is trainable]

with noise ``noise * lr * N(0, 1)`` added to b + b_in at every training forward pass. The
learning rate follows a one-cycle cosine (warm-up from ``lr_min`` to ``lr_max`` over
``warmup_epochs``, cosine decay to ``lr_min`` at ``decay_end`` of the epochs, flat after) and
the Adam state is reset every ``adam_reset_every`` epochs. rho is computed for one random
sample of each batch (every ``spectral_every`` batches). ``fit`` weights the MSE (0 gives the
regularisation-only control). With ``validation_fraction`` > 0 a seeded share of the
conditions is held out, its MSE checked every ``validate_every`` epochs, training stops after
``patience`` epochs without improvement and the best parameters are restored.

All randomness comes from one seeded ``torch.Generator``; checkpoints hold it, the optimizer,
the state cache and the eigen-solver's warm start, so a resumed run ends bitwise equal to an
uninterrupted one on the CPU.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml
from threadpoolctl import threadpool_limits

from . import regularizers as reg
from .errors import SignetInputError
from .io import atomic_write, load_checkpoint, save_checkpoint, write_parameters
from .spectral import SpectralTerm, rho_target, spectral_barrier

__all__ = ["Recipe", "PRESETS", "learning_rate", "train", "TrainResult", "align_data",
           "model_from_recipe", "split_validation",
           "LOG_COLUMNS"]

log = logging.getLogger("signet.train")

LOG_COLUMNS = ["epoch", "loss", "fit", "sign", "ligand_bias", "l2", "nonzero", "uniformity",
               "spectral", "projection", "rho", "lr", "sign_violations", "forward_steps",
               "wall_seconds"]


@dataclass
class Recipe:
    """Every number of a training run. Load from YAML with :meth:`from_yaml`."""

    name: str = "custom"
    epochs: int = 10_000
    batch_size: int = 5
    lr_max: float = 2e-3
    lr_min: float = 1e-8
    warmup_epochs: int = 1000
    decay_end: float = 0.95
    adam_reset_every: int = 200
    noise: float = 10.0
    steps: int = 150
    tol: float = 1e-6
    activation: str = "MML"
    dtype: str = "float64"
    projection_trainable: bool = False
    # initial sign of edges whose prior sign is unknown: positive (the reference code) or random
    unknown_sign: str = "positive"
    # coefficients of the loss terms (fit = 0: the regularisation-only control)
    fit: float = 1.0
    sign: float = 0.1
    ligand_bias: float = 1e-5
    l2: float = 1e-8
    nonzero: float = 1e-8
    uniformity: float = 1e-4
    spectral: float = 1e-3
    projection: float = 1e-6
    # term settings
    spectral_k: float = 21.0
    spectral_precision: float = 1e-4
    spectral_form: str = "paper"
    spectral_method: str = "tracked"
    spectral_iterations: int = 8
    spectral_every: int = 1
    uniform_low: float = 0.01
    uniform_high: float = 0.99
    uniform_max_constraint: float = 50.0
    # early stopping on a held-out split of the training conditions (0: off). Every
    # ``validate_every`` epochs the held-out MSE is computed; training stops when it has not
    # improved by ``min_delta`` for ``patience`` epochs, and the best parameters are restored.
    validation_fraction: float = 0.0
    validate_every: int = 10
    patience: int = 0
    min_delta: float = 0.0
    validation_seed: int = 0
    # bookkeeping
    threads: int = 1
    checkpoint_every: int = 500
    log_every: int = 100
    extra: dict = field(default_factory=dict)

    @property
    def rho_target(self) -> float:
        return rho_target(self.spectral_precision, self.steps)

    @property
    def torch_dtype(self):
        return {"float64": torch.float64, "float32": torch.float32}[self.dtype]

    def with_overrides(self, items) -> Recipe:
        """This recipe with ``field=value`` strings applied (values typed like the field)."""
        known = {f.name: f.type for f in dataclasses.fields(self)}
        changes = {}
        for item in items:
            key, sep, value = item.partition("=")
            if not sep or key not in known or known[key] == "dict":
                raise SignetInputError(None, f"recipe override {item!r}: expected field=value "
                                             f"with a field of: {', '.join(sorted(known))}")
            kind = known[key]
            try:
                changes[key] = (value.lower() in ("1", "true", "yes") if kind == "bool"
                                else {"int": int, "float": float, "str": str}[kind](value))
            except ValueError:
                raise SignetInputError(None, f"recipe override {item!r}: {value!r} is not "
                                             f"a valid {kind}") from None
        recipe = dataclasses.replace(self, **changes)
        recipe.validate()
        return recipe

    def replace(self, **changes) -> Recipe:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict, source=None) -> Recipe:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known - {"preset"})
        if unknown:
            raise SignetInputError(source, f"unknown recipe field(s) {', '.join(unknown)}; "
                                           f"known: {', '.join(sorted(known))}")
        if "preset" in values and values["preset"] not in PRESETS:
            raise SignetInputError(source, f"unknown preset {values['preset']!r}; known: "
                                           f"{', '.join(sorted(PRESETS))}")
        base = PRESETS[values["preset"]] if "preset" in values else cls()
        values = {k: v for k, v in values.items() if k != "preset"}
        recipe = dataclasses.replace(base, **values)
        recipe.validate(source)
        return recipe

    @classmethod
    def from_yaml(cls, path) -> Recipe:
        path = Path(path)
        if not path.exists():
            raise SignetInputError(path, "recipe file not found")
        try:
            values = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as err:
            raise SignetInputError(path, f"not valid YAML: {err}") from None
        if not isinstance(values, dict):
            raise SignetInputError(path, "a recipe must be a mapping of field: value")
        values.setdefault("name", path.stem)
        return cls.from_dict(values, source=path)

    @classmethod
    def load(cls, name_or_path) -> Recipe:
        """A preset by name (``paper``, ``macrophage``, ``fast``) or a YAML file."""
        if str(name_or_path) in PRESETS:
            return PRESETS[str(name_or_path)]
        return cls.from_yaml(name_or_path)

    preset = staticmethod(lambda name: PRESETS[name])

    def to_yaml(self, path) -> None:
        with atomic_write(path) as handle:
            yaml.safe_dump(self.to_dict(), handle, sort_keys=False)

    def validate(self, source=None) -> None:
        types = {f.name: f.type for f in dataclasses.fields(self)}
        for name, value in self.to_dict().items():
            kind = types[name]
            if kind in ("int", "float") and (isinstance(value, bool)
                                             or not isinstance(value, (int, float))):
                raise SignetInputError(source, f"recipe field {name!r} must be a number, "
                                               f"not {value!r}")
        if self.dtype not in ("float64", "float32"):
            raise SignetInputError(source, f"dtype must be float64 or float32, not {self.dtype!r}")
        if self.unknown_sign not in ("positive", "random"):
            raise SignetInputError(source, f"unknown_sign must be positive or random, not "
                                           f"{self.unknown_sign!r}")
        if self.batch_size < 1 or self.epochs < 0 or self.steps < 1:
            raise SignetInputError(source, "batch_size and steps must be >= 1, epochs >= 0")
        if not 0.0 <= self.validation_fraction < 1.0:
            raise SignetInputError(source, "validation_fraction must be in [0, 1)")


PRESETS: dict[str, Recipe] = {
    # the paper's synthetic-study recipe (method.md section 3)
    "paper": Recipe(name="paper"),
    # the paper's macrophage recipe: 5000 epochs, 100 steps, stronger regularization
    "macrophage": Recipe(name="macrophage", epochs=5000, steps=100, spectral_precision=1e-6,
                         ligand_bias=1e-3, l2=1e-6, nonzero=1e-6, uniformity=1e-5,
                         projection_trainable=True),
    # the synthetic study in minutes instead of hours (issue 5; measured in
    # docs/performance.md): batch 20 with a 50-epoch warm-up and 1000 epochs, the spectral
    # term every 4th batch, early stopping on a held-out 10 % of the conditions
    "fast": Recipe(name="fast", epochs=1000, batch_size=20, warmup_epochs=50,
                   spectral_every=4, validation_fraction=0.1, validate_every=10,
                   patience=300),
    # the macrophage coefficients on 2000 instead of 5000 epochs, keeping the paper's
    # 1000-epoch warm-up (issue 6): ~80 CPU s a fold instead of ~5 min; full fit r 0.927
    # against the paper recipe's 0.942 (a 400-epoch warm-up gave 0.81, a 200-epoch one with
    # the decay ending at 80 % 0.89; docs/results-macrophage.md). The spectral term stays on
    # every batch: in session 1 (random initial signs) once per epoch let rho drift above 1
    # (oscillating states, fit r 0.72).
    "macrophage-fast": Recipe(name="macrophage-fast", epochs=2000, warmup_epochs=1000,
                              steps=100, spectral_precision=1e-6, ligand_bias=1e-3, l2=1e-6,
                              nonzero=1e-6, uniformity=1e-5, projection_trainable=True),
}


def learning_rate(epoch: int, recipe: Recipe) -> float:
    """One-cycle cosine: warm-up to lr_max, cosine decay to lr_min at decay_end, flat after."""
    lo, hi = recipe.lr_min, recipe.lr_max
    warm = max(1, min(recipe.warmup_epochs, recipe.epochs))
    end = max(warm + 1, int(recipe.decay_end * recipe.epochs))
    if epoch < warm:
        return lo + (hi - lo) * (1 - math.cos(math.pi * epoch / warm)) / 2
    if epoch < end:
        return lo + (hi - lo) * (1 + math.cos(math.pi * (epoch - warm) / (end - warm))) / 2
    return lo


def align_data(model, ligands: pd.DataFrame, tfs: pd.DataFrame, *,
               ignore_unknown_tfs: bool = False):
    """Tensors (u, y) and the model-TF positions of y's columns, conditions in ligand order."""
    ligand_path, tf_path = ligands.attrs.get("path"), tfs.attrs.get("path")
    missing = [c for c in ligands.index if c not in tfs.index]
    if missing:
        raise SignetInputError(tf_path, f"condition {missing[0]!r} of the ligand table "
                                        f"{ligand_path or ''} has no row here")
    tf_pos = {n: i for i, n in enumerate(model.network.tfs)}
    unknown = [c for c in tfs.columns if c not in tf_pos]
    if unknown and not ignore_unknown_tfs:
        raise SignetInputError(tf_path, f"{unknown[0]!r} is not a TF of the network "
                                        f"({len(unknown)} unknown TF column(s))",
                               line=1, column=str(unknown[0]))
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
    if do_spectral and recipe.spectral > 0:
        slope = model.solver.activation.slope_from_output(x[pick].detach())
        rho = spectral_term(model.weights, slope, key=int(index[pick]))
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
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.Adam(params, lr=lr, foreach=True)


def _checkpoint(model, recipe, optimizer, generator, cache, spectral_term, epoch, rows, seed):
    tracker = spectral_term.tracker
    return {
        "format": "signet-checkpoint-1",
        "network_identity": model.network.identity(),
        "recipe": recipe.to_dict(),
        "seed": seed,
        "epoch": epoch,
        "model": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "optimizer": optimizer.state_dict(),
        "generator": generator.get_state(),
        "state_cache": cache.states.clone(),
        "eigen_right": None if tracker.right_basis is None else torch.from_numpy(tracker.right_basis.copy()),
        "eigen_left": None if tracker.left_basis is None else torch.from_numpy(tracker.left_basis.copy()),
        "eigen_keyed": [(key, torch.from_numpy(right.copy()), torch.from_numpy(left.copy()))
                        for key, (right, left) in tracker.keyed.items()],
        "log": rows,
    }


def _write_outputs(output_dir: Path, model, rows, checkpoint):
    output_dir.mkdir(parents=True, exist_ok=True)
    with atomic_write(output_dir / "training-log.tsv") as handle:
        pd.DataFrame(rows, columns=LOG_COLUMNS).to_csv(handle, sep="\t", index=False,
                                                       float_format="%.10g")
    write_parameters(model.parameters_table(), output_dir / "parameters.tsv")
    save_checkpoint(checkpoint, output_dir / "model.pt")


def train(model, ligands: pd.DataFrame, tfs: pd.DataFrame, recipe: Recipe, *,
          output_dir=None, seed: int = 0, resume: bool = False, progress: bool = True,
          ignore_unknown_tfs: bool = False, interrupt_after: int | None = None,
          callback=None) -> TrainResult:
    """Train ``model`` on (ligands, tfs) with ``recipe``.

    With ``output_dir``, writes ``parameters.tsv``, ``model.pt`` (checkpoint) and
    ``training-log.tsv`` every ``recipe.checkpoint_every`` epochs and at the end; with
    ``resume=True`` it continues from ``output_dir/model.pt``. ``interrupt_after`` stops after
    that many epochs of this call (used to test resuming). ``callback(epoch, row)`` is called
    after every epoch.
    """
    output_dir = Path(output_dir) if output_dir is not None else None
    if recipe.threads:
        torch.set_num_threads(recipe.threads)
        # the eigen-solver's small dense products go through numpy's BLAS: an unlimited BLAS
        # thread pool makes them ~50x slower on a loaded machine
        threadpool_limits(recipe.threads)
    u, y, y_cols, _ = align_data(model, ligands, tfs, ignore_unknown_tfs=ignore_unknown_tfs)
    held_out = None
    if recipe.validation_fraction > 0:
        u, y, *held_out = split_validation(u, y, recipe)
    validation, best = [], {"fit": float("inf"), "epoch": None, "state": None}
    n_conditions = u.shape[0]
    generator = torch.Generator().manual_seed(seed)

    spectral_term = SpectralTerm(model.network, method=recipe.spectral_method,
                                 iterations=recipe.spectral_iterations)
    with torch.no_grad():
        _, x_all, _ = model(u)
    cache = reg.StateCache(x_all)
    optimizer = _new_optimizer(model, recipe.lr_min)
    rows: list[dict] = []
    start_epoch, resumed_from = 0, None

    if resume:
        if output_dir is None or not (output_dir / "model.pt").exists():
            log.warning("no checkpoint to resume from in %s; starting fresh", output_dir)
        else:
            ckpt = load_checkpoint(output_dir / "model.pt")
            if ckpt.get("network_identity") != model.network.identity():
                raise SignetInputError(output_dir / "model.pt",
                                       "checkpoint was made for a different network")
            model.load_state_dict(ckpt["model"])
            optimizer.load_state_dict(ckpt["optimizer"])
            generator.set_state(ckpt["generator"])
            cache.states = ckpt["state_cache"].to(model.dtype)
            if ckpt["eigen_right"] is not None:
                spectral_term.tracker.right_basis = ckpt["eigen_right"].numpy().copy()
                spectral_term.tracker.left_basis = ckpt["eigen_left"].numpy().copy()
            for key, right, left in ckpt.get("eigen_keyed", []):
                spectral_term.tracker.keyed[key] = (right.numpy().copy(), left.numpy().copy())
            rows = list(ckpt["log"])
            start_epoch = resumed_from = int(ckpt["epoch"])

    iterator = range(start_epoch, recipe.epochs)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=recipe.epochs, initial=start_epoch, desc="training", unit="epoch",
                   mininterval=1.0)
    began = time.perf_counter()
    wall_offset = rows[-1]["wall_seconds"] if rows else 0.0
    epochs_run = 0
    batch_counter = 0
    for epoch in iterator:
        if epoch > 0 and recipe.adam_reset_every and epoch % recipe.adam_reset_every == 0:
            optimizer = _new_optimizer(model, recipe.lr_min)
        lr = learning_rate(epoch, recipe)
        for group in optimizer.param_groups:
            group["lr"] = lr
        order = torch.randperm(n_conditions, generator=generator)
        sums: dict[str, float] = {}
        steps_total = 0
        batches = 0
        rho_batches = 0
        for start in range(0, n_conditions, recipe.batch_size):
            index = order[start:start + recipe.batch_size]
            do_spectral = batch_counter % max(1, recipe.spectral_every) == 0
            batch_counter += 1
            loss, terms, x, info = _batch_losses(model, recipe, u, y, y_cols, index, cache,
                                                 spectral_term, generator, lr, do_spectral)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            cache.update(index, x)
            for name, value in terms.items():
                sums[name] = sums.get(name, 0.0) + float(value.detach())
            rho_batches += "rho" in terms
            steps_total += info.steps
            batches += 1
        row = {name: sums.get(name, 0.0) / batches for name in LOG_COLUMNS[1:11]}
        row["epoch"] = epoch + 1
        # rho is computed on every spectral_every-th batch only: average over those
        row["rho"] = sums["rho"] / rho_batches if rho_batches else float("nan")
        row["lr"] = lr
        row["sign_violations"] = reg.sign_violation_count(model.weights.detach(), model.signs)
        row["forward_steps"] = steps_total / batches
        row["wall_seconds"] = wall_offset + time.perf_counter() - began
        rows.append(row)
        epochs_run += 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{row['loss']:.4g}", fit=f"{row['fit']:.4g}",
                            rho=f"{row['rho']:.3f}", refresh=False)
        if recipe.log_every and (epoch + 1) % recipe.log_every == 0:
            log.info("epoch %d/%d loss %.5g fit %.5g rho %.4f lr %.3g", epoch + 1,
                     recipe.epochs, row["loss"], row["fit"], row["rho"], lr)
        if callback is not None:
            callback(epoch + 1, row)
        done = epoch + 1 == recipe.epochs
        stop_early = False
        if held_out is not None and (done or (epoch + 1) % max(1, recipe.validate_every) == 0):
            with torch.no_grad():
                y_held, _, _ = model(held_out[0])
                held_fit = float(torch.mean((y_held[:, y_cols] - held_out[1]).square()))
            validation.append((epoch + 1, held_fit))
            if held_fit < best["fit"] - recipe.min_delta:
                best.update(fit=held_fit, epoch=epoch + 1,
                            state={k: v.detach().clone() for k, v in model.state_dict().items()})
            elif recipe.patience and best["epoch"] is not None and \
                    epoch + 1 - best["epoch"] >= recipe.patience:
                stop_early = True
            log.info("epoch %d: held-out fit %.5g (best %.5g at epoch %s)", epoch + 1,
                     held_fit, best["fit"], best["epoch"])
        if output_dir is not None and (done or (recipe.checkpoint_every and
                                                (epoch + 1) % recipe.checkpoint_every == 0)):
            _write_outputs(output_dir, model, rows,
                           _checkpoint(model, recipe, optimizer, generator, cache,
                                       spectral_term, epoch + 1, rows, seed))
        if interrupt_after is not None and epochs_run >= interrupt_after:
            break
        if stop_early:
            log.info("early stop at epoch %d; restoring epoch %d", epoch + 1, best["epoch"])
            break
    if bar is not None:
        bar.close()
    if best["state"] is not None:
        model.load_state_dict(best["state"])
        if output_dir is not None:
            _write_outputs(output_dir, model, rows,
                           _checkpoint(model, recipe, optimizer, generator, cache,
                                       spectral_term, len(rows), rows, seed))
    if output_dir is not None and start_epoch == recipe.epochs:
        _write_outputs(output_dir, model, rows,
                       _checkpoint(model, recipe, optimizer, generator, cache, spectral_term,
                                   recipe.epochs, rows, seed))
    return TrainResult(pd.DataFrame(rows, columns=LOG_COLUMNS), epochs_run, resumed_from,
                       time.perf_counter() - began, validation, best["epoch"])


def model_from_recipe(network, recipe: Recipe, seed: int = 0, backend: str = "auto"):
    """A freshly initialised :class:`~signet.model.SignalingModel` set up as the recipe says."""
    from .model import SignalingModel

    return SignalingModel(network, steps=recipe.steps, tol=recipe.tol,
                          activation=recipe.activation, dtype=recipe.torch_dtype,
                          projection_trainable=recipe.projection_trainable, seed=seed,
                          backend=backend, unknown_sign=recipe.unknown_sign)
