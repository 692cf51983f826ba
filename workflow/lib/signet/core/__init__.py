"""The method core: the network, activations, the model, its loss terms and knock-outs.

``network``: :class:`Network` (nodes, signed edges, each edge mapped to its weight slot);
``activations``: MML, leaky ReLU, sigmoid; ``model``: :class:`SignalingModel`;
``regularizers``: one pure function per loss term and the state cache; ``knockout``.

The names below are loaded on first use: ``signet.core.model`` imports the solver, and the
solver imports ``signet.core.activations``, so an eager package import would make
``import signet.solver`` (before anything of the core) circular.
"""

from importlib import import_module

__all__ = ["Network", "SignalingModel", "get_activation", "knockout"]

_HOMES = {"Network": "signet.core.network", "SignalingModel": "signet.core.model",
          "get_activation": "signet.core.activations", "knockout": "signet.core.knockout"}


def __getattr__(name):
    if name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'signet.core' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
