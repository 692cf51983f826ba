"""Benchmarks that print figures (never timed unit tests).

* :func:`time_pass` - forward and backward time of one steady-state pass on a random network
  (rho(A) scaled to 0.9), as in the paper's Supplementary Fig. 5.
* :func:`time_training` - seconds per training epoch on synthetic data with a recipe.
* :func:`add_recipe_arguments`, :func:`recipe_from_arguments`, :class:`TrainingClock` - what
  the learning-curve scripts in bench/ share: a recipe from ``--recipe/--epochs/--set`` and
  training time (wall and CPU) with the evaluations taken out.
"""

from __future__ import annotations

import contextlib
import resource
import statistics
import time

import numpy as np
import torch

from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.solver.steady_state import steady_state
from signet.spectral import spectral_radius
from signet.studies.synthetic.random_network import random_network_model

__all__ = ["time_pass", "time_training", "peak_rss_mb", "add_recipe_arguments",
           "recipe_from_arguments", "TrainingClock"]


def cpu_model() -> str:
    """The CPU's model name from ``lscpu`` ("unknown" where there is none): every speed figure
    names the machine it was measured on."""
    import subprocess

    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    for line in out.splitlines():
        if line.startswith("Model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_pass(n_nodes: int, edges_per_node: float = 10.0, batch_size: int = 3,
              steps: int = 100, repeats: int = 20, tol: float = 0.0, rho: float = 0.9,
              seed: int = 0, backend: str = "auto", dtype=torch.float64,
              device: str = "cpu") -> dict:
    """Median forward and backward milliseconds for one pass (``tol=0``: all ``steps``)."""
    # built from arrays: the pass bench loads no pandas (65 MB of its peak memory)
    network = random_network_model(n_nodes, edges_per_node, seed=seed)
    model = SignalingModel(network, steps=steps, tol=tol, backend=backend, dtype=dtype,
                           seed=seed)
    with torch.no_grad():
        w = model.weights.detach().double().numpy()
        scale = rho / spectral_radius(network, w)
        model.weights.mul_(scale)
    model = model.to(device)
    generator = torch.Generator().manual_seed(seed)
    u = torch.rand(batch_size, len(network.ligands), generator=generator, dtype=dtype).to(device)
    grad = 1e-3 * torch.randn(batch_size, network.n_nodes, generator=generator, dtype=dtype)
    grad = grad.to(device)
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    forward_ms, backward_ms, steps_used = [], [], []
    rss_before = None
    for i in range(repeats + 2):  # two warm-up rounds (numba compilation, caches)
        if i == 2:
            rss_before = peak_rss_mb()
        bias = (model.bias + model.input_bias(u)).detach().requires_grad_(True)
        weights = model.weights.detach().requires_grad_(True)
        sync()
        t0 = time.perf_counter()
        x, info = steady_state(weights, bias, model.solver)
        sync()
        t1 = time.perf_counter()
        x.backward(grad)
        sync()
        t2 = time.perf_counter()
        if i >= 2:
            forward_ms.append(1e3 * (t1 - t0))
            backward_ms.append(1e3 * (t2 - t1))
            steps_used.append(info.steps)
    return {
        "nodes": network.n_nodes, "edges": network.n_edges, "batch_size": batch_size,
        "steps": steps, "forward_ms_median": statistics.median(forward_ms),
        "backward_ms_median": statistics.median(backward_ms),
        "forward_steps": float(np.mean(steps_used)), "peak_rss_mb": peak_rss_mb(),
        "peak_rss_before_timed_passes_mb": rss_before,
    }


def time_training(network: Network, recipe, samples: int = 400, ligands_per_sample: int = 5,
                  epochs: int = 5, seed: int = 0, progress: bool = False) -> dict:
    """Seconds per epoch of ``train`` on synthetic data made by a random reference model."""
    from signet.studies.synthetic.conditions import training_conditions
    from signet.training import model_from_recipe, train

    reference = model_from_recipe(network, recipe, seed=seed + 1000)
    ligands = training_conditions(network.ligands, samples, ligands_per_sample, seed=seed)
    tfs, _ = reference.simulate(ligands)
    model = model_from_recipe(network, recipe, seed=seed)
    seconds = []
    last = [time.perf_counter()]

    def tick(epoch, row):
        now = time.perf_counter()
        seconds.append(now - last[0])
        last[0] = now

    train(model, ligands, tfs, recipe.replace(epochs=epochs), seed=seed, progress=progress,
          callback=tick)
    return {"epochs": epochs, "epoch_seconds": seconds,
            "epoch_seconds_median": statistics.median(seconds), "peak_rss_mb": peak_rss_mb()}


def add_recipe_arguments(parser, default: str) -> None:
    """``--recipe`` (preset or YAML, default ``default``), ``--epochs``, ``--set`` and
    ``--threads`` (torch and BLAS threads, default 1)."""
    parser.add_argument("--recipe", default=default, help="preset name or recipe YAML")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch and BLAS threads (default 1: with small batches more "
                             "threads only add synchronisation)")
    parser.add_argument("--epochs", type=int, help="override the recipe's epochs")
    parser.add_argument("--set", action="append", default=[],
                        help="recipe field=value (repeatable), e.g. --set batch_size=20")


def recipe_from_arguments(args):
    """The recipe the arguments of :func:`add_recipe_arguments` name, without checkpoints."""
    from signet.training import Recipe

    recipe = Recipe.load(args.recipe).replace(epochs=args.epochs, checkpoint_every=0)
    return recipe.with_overrides(args.set)


class TrainingClock:
    """Wall and CPU seconds since the start, less the time spent inside :meth:`pause`."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.paused_wall = self.paused_cpu = 0.0

    @contextlib.contextmanager
    def pause(self):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.paused_wall += time.perf_counter() - wall
            self.paused_cpu += time.process_time() - cpu

    def seconds(self) -> float:
        return time.perf_counter() - self.wall - self.paused_wall

    def cpu_seconds(self) -> float:
        return time.process_time() - self.cpu - self.paused_cpu
