"""CPU time per call of the eigen tracker with a QR after every k-th block product (k = 1,
2, 4, 8), on the transition matrices of a network at 8 training conditions while its
weights drift slowly (as in training), and the largest relative error of rho against dense
eig. One thread.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=workflow/lib python bench/eigen_qr.py \\
        ../shared/data/paper-reference/networks/KEGGnet-Model.tsv \\
        ../shared/data/paper-reference/networks/KEGGnet-Annotation.tsv
"""

import sys
import time

import numpy as np
import torch
from signet.core.activations import get_activation
from signet.core.network import Network
from signet.spectral.eigen import LeadingEigenTracker, leading_eigen_exact
from signet.spectral.radius import SpectralTerm
from signet.studies.synthetic.conditions import training_conditions
from signet.training import PRESETS, model_from_recipe


def main(model_path, annotation_path):
    network = Network.from_files(model_path, annotation_path)
    model = model_from_recipe(network, PRESETS["paper"], seed=1000)
    ligands = training_conditions(network.ligands, 40, 5, seed=0)
    with torch.no_grad():
        _, x, _ = model(model.ligand_tensor(ligands))
    term = SpectralTerm(network)
    activation = get_activation("MML")
    rng = np.random.default_rng(0)
    weights = model.weights.detach().clone()
    matrices = []
    for i in range(40):
        weights = weights * torch.from_numpy(1 + 0.002 * rng.standard_normal(weights.shape))
        matrices.append((i % 8, term.matrices(weights, activation.slope_from_output(x[i]))))
    exact = [leading_eigen_exact(T) for _, (T, _) in matrices]
    for every in (1, 2, 4, 8):
        tracker = LeadingEigenTracker(orthonormalise_every=every)
        for _ in range(3):  # the third pass is timed: warm starts in place
            start = time.process_time()
            found = [tracker(T, Tt, key=key) for key, (T, Tt) in matrices]
            seconds = (time.process_time() - start) / len(matrices)
        error = max(abs(f.rho - e.rho) / e.rho for f, e in zip(found, exact))
        print(f"QR every {every}: {1e3 * seconds:.2f} ms a call (CPU), max relative rho error "
              f"{error:.2e}, fallbacks {tracker.fallbacks}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
