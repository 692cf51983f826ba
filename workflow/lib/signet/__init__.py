"""signet: signaling-network RNNs at steady state (LEMBAS) on prior-knowledge networks.

The public API, for your own networks and data::

    import signet

    network = signet.Network.from_files("X-Model.tsv", "X-Annotation.tsv")
    recipe = signet.Recipe.load("fast")            # a preset name or a YAML file
    model = signet.model_from_recipe(network, recipe, seed=1)
    signet.train(model, signet.read_conditions("ligands.tsv"),
                 signet.read_conditions("tfs.tsv"), recipe, output_dir="run", seed=1)
    tfs, states = signet.simulate(model, signet.read_conditions("new-ligands.tsv"))
    deltas = signet.knockout(model, signet.read_conditions("new-ligands.tsv"), nodes="all")

* :class:`Network` - nodes, signed edges, each edge mapped to its weight slot
* :class:`SignalingModel` - input projection, the recurrent network, output projection
* :class:`Recipe`, :data:`PRESETS`, :func:`model_from_recipe`, :func:`train` - training
* :func:`simulate` - TF activities and every node's steady state for ligand conditions
* :func:`knockout` - change of every TF when a node's bias is set to -5
* :func:`steady_state` - the differentiable fixed point (implicit backward) for custom models
* :func:`spectral_radius` - rho(diag(f') A) of a network's weights
* the paper's formats: :func:`read_network`, :func:`read_annotation`,
  :func:`read_conditions`, :func:`write_conditions`, :func:`read_parameters`,
  :func:`write_parameters`; :func:`pearson` for agreement

The layers: ``core`` (network, activations, model, regularizers, knockout), ``solver``
(steady state and implicit gradient), ``spectral`` (eigen-solvers, radius, barrier),
``training`` (recipe, loop, checkpoints), ``io`` (formats, downloads), ``eval`` (metrics,
folds, knock-out rankings). ``studies`` holds the paper's studies; the core never imports it.
docs/architecture.md draws the layers.
"""

from signet.core import Network, SignalingModel, knockout  # noqa: I001
from signet.errors import SignetError, SignetInputError
from signet.eval.metrics import pearson
from signet.io import (
    read_annotation,
    read_conditions,
    read_network,
    read_parameters,
    write_conditions,
    write_parameters,
)
from signet.solver import steady_state
from signet.spectral import spectral_radius
from signet.training import PRESETS, Recipe, model_from_recipe, train

__version__ = "0.1.0"


def simulate(model: SignalingModel, ligands):
    """``(tfs, states)``: TF activities and every node's steady state, conditions as rows."""
    return model.simulate(ligands)


__all__ = ["Network", "SignalingModel", "Recipe", "PRESETS", "model_from_recipe", "train",
           "simulate", "knockout", "steady_state", "spectral_radius", "read_network",
           "read_annotation", "read_conditions", "write_conditions", "read_parameters",
           "write_parameters", "pearson", "SignetError", "SignetInputError", "__version__"]
