"""Train the same short runs with two checkouts of signet and compare parameters bitwise.

Used to show that moving the library into core/solver/spectral/training/io/eval/studies
changed no number: run it once with PYTHONPATH at the old checkout's workflow/lib (commit
1117e7a, flat modules) and once at the new one, then compare the two .npy files:

    git worktree add /tmp/base 1117e7a
    PYTHONPATH=/tmp/base/workflow/lib python bench/restructure_bitwise.py old.npy
    PYTHONPATH=$PWD/workflow/lib   python bench/restructure_bitwise.py new.npy
    python bench/restructure_bitwise.py --compare old.npy new.npy

BLAS and torch run on one thread, set after the imports (threadpoolctl only limits the
libraries already loaded; scipy's own OpenBLAS with two threads rounds differently).
"""

import sys
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

try:  # the layout after the split
    from signet.core.network import Network
    from signet.studies.synthetic.conditions import training_conditions
    from signet.training import PRESETS, model_from_recipe, train
except ImportError:  # the flat layout before it
    from signet.network import Network
    from signet.synthetic import training_conditions
    from signet.train import PRESETS, model_from_recipe, train

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT.parent / "shared" / "data" / "paper-reference" / "networks"


def run(network_base, preset, n, k, **changes):
    network = Network.from_files(f"{network_base}-Model.tsv", f"{network_base}-Annotation.tsv")
    reference = model_from_recipe(network, PRESETS[preset], seed=99)
    with torch.no_grad():
        reference.weights.mul_(1.5)
        reference.bias.add_(0.05)
    ligands = training_conditions(network.ligands, n, k, seed=3)
    tfs, _ = reference.simulate(ligands)
    recipe = PRESETS[preset].replace(**changes)
    model = model_from_recipe(network, recipe, seed=1)
    train(model, ligands, tfs, recipe, seed=1, progress=False)
    return np.concatenate([model.weights.detach().numpy(), model.bias.detach().numpy()])


def main(out):
    torch.set_num_threads(1)
    threadpool_limits(1)
    runs = {
        "toy": run(ROOT / "config" / "networks" / "toy", "paper", 40, 2, epochs=30,
                   warmup_epochs=5),
        "fast-KEGG": run(PAPER / "KEGGnet", "fast", 100, 5, epochs=60, patience=20,
                         validate_every=5, checkpoint_every=0),
        "paper-KEGG": run(PAPER / "KEGGnet", "paper", 60, 5, epochs=25, warmup_epochs=10),
        "macrophage-fast": run(PAPER / "macrophage", "macrophage-fast", 20, 3, epochs=8,
                               warmup_epochs=4),
    }
    np.savez(out, **runs)


def compare(a, b):
    a, b = np.load(a), np.load(b)
    for name in a.files:
        print(f"{name}: bitwise equal = {np.array_equal(a[name], b[name])}")


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1])
