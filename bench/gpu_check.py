"""GPU check (a few minutes on one GPU): correctness of the torch backend on the GPU against
the numba backend on the CPU, then pass and epoch timings at genome scale.

    PYTHONPATH=workflow/lib python bench/gpu_check.py [--nodes 19000] [--batch 1000] [--cpu-epoch]

1. correctness, 300-node network: x_ss and the weight/bias gradients of one pass (float64,
   converged) agree to 1e-10; three training epochs agree in loss to 1e-9 (exact spectral
   method, as in tests/test_train.py).
2. one pass (forward + backward, 100 steps, tol 0) at ``--nodes`` and ``--batch`` samples on
   the GPU, float64 and float32, with the numba CPU pass beside it at batch 32 for scale.
3. one training epoch: ``--conditions`` conditions in batches of ``--epoch-batch`` on the GPU;
   with ``--cpu-epoch`` the same epoch with the numba backend on this machine's CPU beside it.
Exit status 1 when a correctness check fails or no GPU is present.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import torch
from signet.bench import time_pass
from signet.core.network import Network
from signet.studies.synthetic.conditions import training_conditions
from signet.studies.synthetic.random_network import random_network
from signet.training import PRESETS, model_from_recipe, train


def network_of(n_nodes, edges_per_node=10.0, seed=0):
    table, annotation = random_network(n_nodes, edges_per_node, seed=seed)
    return Network.from_tables(table, annotation)


def correctness(device) -> bool:
    network = network_of(300, 4.0, seed=1)
    recipe = PRESETS["fast"].replace(epochs=3, batch_size=10, spectral_method="exact",
                                     steps=400, tol=1e-12)
    ok = True
    cpu = model_from_recipe(network, recipe, seed=3, backend="numba")
    gpu = model_from_recipe(network, recipe, seed=3, backend="torch").to(device)
    u = torch.rand(16, len(network.ligands), generator=torch.Generator().manual_seed(0),
                   dtype=torch.float64)
    grads = []
    for model, uu in ((cpu, u), (gpu, u.to(device))):
        y, x, _ = model(uu)
        (y.square().sum() + 0.01 * x.sum()).backward()
        grads.append((x.detach().cpu(), model.weights.grad.cpu(), model.bias.grad.cpu()))
    for name, a, b in zip(("x_ss", "dL/dw", "dL/db"), *grads):
        diff = float((a - b).abs().max())
        print(f"  pass {name}: max |cpu - gpu| = {diff:.2e}")
        ok &= diff < 1e-10
    ligands = training_conditions(network.ligands, 40, 2, seed=0)
    tfs, _ = model_from_recipe(network, recipe, seed=9).simulate(ligands)
    logs = []
    for backend, dev in (("numba", "cpu"), ("torch", device)):
        model = model_from_recipe(network, recipe, seed=3, backend=backend).to(dev)
        logs.append(train(model, ligands, tfs, recipe, seed=0, progress=False).log["loss"])
    diff = float(np.abs(logs[0].to_numpy() - logs[1].to_numpy()).max())
    print(f"  3 training epochs: max |loss cpu - loss gpu| = {diff:.2e}")
    return ok and diff < 1e-9


def epoch_time(n_nodes, conditions, batch, device, epochs=2, backend="torch"):
    network = network_of(n_nodes)
    recipe = PRESETS["paper"].replace(epochs=epochs, batch_size=batch, checkpoint_every=0)
    ligands = training_conditions(network.ligands, conditions, 5, seed=0)
    reference = model_from_recipe(network, recipe, seed=1000, backend="torch").to(device)
    tfs, _ = reference.simulate(ligands)
    model = model_from_recipe(network, recipe, seed=0, backend=backend).to(device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    stamps = [time.perf_counter()]
    train(model, ligands, tfs, recipe, seed=0, progress=False,
          callback=lambda epoch, row: (sync(), stamps.append(time.perf_counter())))
    peak = torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else float("nan")
    return np.diff(stamps), peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=19000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--conditions", type=int, default=1000)
    parser.add_argument("--epoch-batch", type=int, default=100)
    parser.add_argument("--cpu-epoch", action="store_true",
                        help="also time the same epoch with the numba backend on this machine's "
                             "CPU, for a side-by-side ratio")
    parser.add_argument("--dry-run-on-cpu", action="store_true",
                        help="run the correctness part with the torch backend on the CPU")
    args = parser.parse_args(argv)
    if args.dry_run_on_cpu:
        ok = correctness("cpu")
        print(f"correctness (torch backend on the CPU): {'ok' if ok else 'FAILED'}")
        return 0 if ok else 1
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        return 1
    device = "cuda"
    print(f"device: {torch.cuda.get_device_name(0)}; torch {torch.__version__}")
    t0 = time.perf_counter()
    ok = correctness(device)
    print(f"correctness: {'ok' if ok else 'FAILED'} ({time.perf_counter() - t0:.1f} s)")
    for dtype in (torch.float64, torch.float32):
        r = time_pass(args.nodes, batch_size=args.batch, steps=100, repeats=5, tol=0.0,
                      backend="torch", device=device, dtype=dtype)
        print(f"pass, GPU {dtype}: {r['nodes']} nodes, {r['edges']} edges, batch "
              f"{args.batch}: forward {r['forward_ms_median']:.1f} ms, backward "
              f"{r['backward_ms_median']:.1f} ms (100 steps)")
    r = time_pass(args.nodes, batch_size=32, steps=100, repeats=3, tol=0.0, backend="numba")
    print(f"pass, CPU numba float64, batch 32: forward {r['forward_ms_median']:.1f} ms, "
          f"backward {r['backward_ms_median']:.1f} ms")
    seconds, peak = epoch_time(args.nodes, args.conditions, args.epoch_batch, device)
    print(f"epoch, GPU, paper recipe, {args.conditions} conditions in batches of "
          f"{args.epoch_batch}: {', '.join(f'{s:.2f}' for s in seconds)} s; peak GPU memory "
          f"{peak:.0f} MiB")
    if args.cpu_epoch:
        cpu_seconds, _ = epoch_time(args.nodes, args.conditions, args.epoch_batch, "cpu",
                                    backend="numba")
        print(f"epoch, CPU numba ({torch.get_num_threads()} threads), same network, conditions "
              f"and batches: {', '.join(f'{s:.2f}' for s in cpu_seconds)} s; ratio of the "
              f"last epochs CPU / GPU: {cpu_seconds[-1] / seconds[-1]:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
