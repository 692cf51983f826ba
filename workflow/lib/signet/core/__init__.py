"""The method core: the network, activations, the model, its loss terms and knock-outs.

``network``: :class:`Network` (nodes, signed edges, each edge mapped to its weight slot);
``activations``: MML, leaky ReLU, sigmoid; ``model``: :class:`SignalingModel`;
``regularizers``: one pure function per loss term and the state cache; ``knockout``.
"""

from signet.core.activations import get_activation
from signet.core.knockout import knockout
from signet.core.model import SignalingModel  # noqa: I001  (after network: model imports the solver)
from signet.core.network import Network

__all__ = ["Network", "SignalingModel", "get_activation", "knockout"]
