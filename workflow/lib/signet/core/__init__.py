"""The method core: the network, activations, the model, its loss terms and knock-outs.

``network``: :class:`Network` (nodes, signed edges, each edge mapped to its weight slot);
``activations``: MML, leaky ReLU, sigmoid; ``model``: :class:`SignalingModel`;
``regularizers``: one pure function per loss term and the state cache; ``knockout``.

:class:`SignalingModel` is loaded on first use: ``signet.core.model`` imports the solver,
and the solver imports ``signet.core.activations``, so importing the model here would make
``import signet.solver`` (before anything of the core) circular.
"""

from signet.core.activations import get_activation
from signet.core.knockout import knockout
from signet.core.network import Network

__all__ = ["Network", "SignalingModel", "get_activation", "knockout"]


def __getattr__(name):
    if name == "SignalingModel":
        from signet.core.model import SignalingModel

        globals()[name] = SignalingModel
        return SignalingModel
    raise AttributeError(f"module 'signet.core' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
