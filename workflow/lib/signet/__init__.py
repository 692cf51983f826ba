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

import importlib

from signet.errors import SignetError, SignetInputError

__version__ = "0.1.0"

#: public name -> the module that defines it. Imported on first use (PEP 562), so that
#: ``import signet.studies.networks`` (the network rules' small environment) or
#: ``import signet.io`` does not load torch and numba.
_EXPORTS = {
    "Network": "signet.core", "SignalingModel": "signet.core", "knockout": "signet.core",
    "pearson": "signet.eval.metrics",
    "read_annotation": "signet.io", "read_conditions": "signet.io", "read_network": "signet.io",
    "read_parameters": "signet.io", "write_conditions": "signet.io",
    "write_parameters": "signet.io",
    "steady_state": "signet.solver", "spectral_radius": "signet.spectral",
    "PRESETS": "signet.training", "Recipe": "signet.training",
    "model_from_recipe": "signet.training", "train": "signet.training",
}


_SUBPACKAGES = ("core", "solver", "spectral", "training", "io", "eval", "studies", "cli",
                "bench", "rule_script")


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:  # ``import signet; signet.core...`` as before the lazy names
        return importlib.import_module(f"signet.{name}")
    raise AttributeError(f"module 'signet' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


def simulate(model, ligands):
    """``(tfs, states)``: TF activities and every node's steady state, conditions as rows."""
    return model.simulate(ligands)


__all__ = ["Network", "SignalingModel", "Recipe", "PRESETS", "model_from_recipe", "train",
           "simulate", "knockout", "steady_state", "spectral_radius", "read_network",
           "read_annotation", "read_conditions", "write_conditions", "read_parameters",
           "write_parameters", "pearson", "SignetError", "SignetInputError", "__version__"]
