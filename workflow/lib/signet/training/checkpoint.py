"""Checkpoints of a training run: everything that a resumed run needs to continue bitwise.

A checkpoint holds the model's parameters, the optimizer, the random generator, the state
cache, the eigen-solver's warm starts (global and per condition, in LRU order), the batch
counter (which batches compute the spectral term), the early-stopping state (held-out
history, best epoch and its parameters) and the log rows. It is written with
:func:`signet.io.save_checkpoint` and read with ``weights_only=True``.
"""

from __future__ import annotations

import torch

from signet.errors import SignetInputError
from signet.io import load_checkpoint

__all__ = ["FORMAT", "capture", "restore"]

FORMAT = "signet-checkpoint-2"


def _array(tensor):
    return tensor.numpy().copy()


def _eigen_state(tracker) -> dict:
    def as_tensor(a):
        return (None if a is None else torch.from_numpy(a.copy()))
    return {"right": as_tensor(tracker.right_basis), "left": as_tensor(tracker.left_basis),
            "keyed": [(key, torch.from_numpy(r.copy()), torch.from_numpy(w.copy()))
                      for key, (r, w) in tracker.keyed.items()]}


def _restore_eigen(tracker, state: dict) -> None:
    tracker.right_basis = None if state["right"] is None else _array(state["right"])
    tracker.left_basis = None if state["left"] is None else _array(state["left"])
    tracker.keyed.clear()
    for key, right, left in state["keyed"]:
        tracker.keyed[key] = (_array(right), _array(left))


def capture(run, model, recipe, seed: int) -> dict:
    """A checkpoint of the loop state ``run`` (a :class:`signet.training.loop.LoopState`)."""
    best = run.best
    return {
        "format": FORMAT,
        "network_identity": model.network.identity(),
        "recipe": recipe.to_dict(),
        "seed": seed,
        "epoch": run.epoch,
        "model": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "optimizer": run.optimizer.state_dict(),
        "generator": run.generator.get_state(),
        "state_cache": run.cache.states.detach().cpu().clone(),
        "eigen": _eigen_state(run.spectral_term.tracker),
        "batch_counter": run.batch_counter,
        "validation": [list(pair) for pair in run.validation],
        "best": {"fit": best["fit"], "epoch": best["epoch"],
                 "state": None if best["state"] is None
                 else {k: v.cpu() for k, v in best["state"].items()}},
        "warned_cap": run.warned_cap,
        "log": run.rows,
    }


def restore(path, run, model) -> None:
    """Load the checkpoint at ``path`` into ``model`` and the loop state ``run``."""
    ckpt = load_checkpoint(path)
    if ckpt.get("format") != FORMAT:
        raise SignetInputError(path, f"checkpoint format {ckpt.get('format')!r} is not "
                                     f"{FORMAT!r}; train again without --resume")
    if ckpt.get("network_identity") != model.network.identity():
        raise SignetInputError(path, "checkpoint was made for a different network")
    device = model.weights.device
    model.load_state_dict(ckpt["model"])
    run.optimizer.load_state_dict(ckpt["optimizer"])
    run.generator.set_state(ckpt["generator"])
    run.cache.load(ckpt["state_cache"].to(device=device, dtype=model.dtype))
    _restore_eigen(run.spectral_term.tracker, ckpt["eigen"])
    run.batch_counter = int(ckpt["batch_counter"])
    run.validation = [tuple(pair) for pair in ckpt["validation"]]
    best = ckpt["best"]
    run.best = {"fit": best["fit"], "epoch": best["epoch"],
                "state": None if best["state"] is None
                else {k: v.to(device) for k, v in best["state"].items()}}
    run.warned_cap = bool(ckpt["warned_cap"])
    run.rows = list(ckpt["log"])
    run.epoch = int(ckpt["epoch"])
