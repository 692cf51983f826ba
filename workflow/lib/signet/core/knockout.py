"""In-silico knock-outs: a strongly negative bias (-5 by default) on chosen nodes.

For every condition and every knocked-out node the model is solved with b + b_in - 5 e_node,
and the change of every TF against the unperturbed control of the same condition is
reported as a long table ``condition, node, tf, delta``. ``nodes="all"`` means every node
that is not a ligand (a ligand's input is set by the ligand table; name its node to knock it
out too), in the CLI and in a study's knock-outs alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from signet.errors import SignetInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["knockout", "KO_STRENGTH"]

KO_STRENGTH = -5.0


@torch.no_grad()
def knockout(model, ligands: pd.DataFrame, nodes="all", strength: float = KO_STRENGTH,
             chunk_size: int = 4096, max_states: int = 2**23) -> pd.DataFrame:
    """Delta TF (knock-out minus control) for every condition x node x TF.

    ``nodes`` is ``"all"`` (every node that is not a ligand, in turn) or a list of node ids. Knock-outs are solved
    in batches of at most ``chunk_size`` samples (condition x node pairs) and at most
    ``max_states`` state values (samples x network nodes; 2^23 float64 values = 64 MiB per
    state matrix), so memory stays bounded on genome-scale networks. Every tensor lives on
    the model's device; the deltas are gathered on the CPU.
    """
    network = model.network
    if isinstance(nodes, str) and nodes == "all":
        ligands_of_network = set(network.ligands)
        nodes = [n for n in network.nodes if n not in ligands_of_network]
    unknown = [n for n in nodes if n not in network.node_index]
    if unknown:
        raise SignetInputError(None, f"knock-out node {unknown[0]!r} is not in the network")
    if not nodes:
        raise SignetInputError(None, "no nodes to knock out")
    u = model.ligand_tensor(ligands)
    control, _, _ = model(u)
    n_cond, n_nodes = u.shape[0], len(nodes)
    device = model.weights.device
    node_index = torch.as_tensor([network.node_index[n] for n in nodes], device=device)
    deltas = torch.empty(n_nodes, n_cond, len(network.tfs), dtype=model.dtype)
    samples = max(1, min(chunk_size, max_states // max(1, network.n_nodes)))
    per_chunk = max(1, samples // max(1, n_cond))
    for start in range(0, n_nodes, per_chunk):
        chunk = node_index[start:start + per_chunk]
        k = len(chunk)
        extra = torch.zeros(k, n_cond, network.n_nodes, dtype=model.dtype, device=device)
        extra[torch.arange(k, device=device), :, chunk] = strength
        y, _, _ = model(u.repeat(k, 1), extra_bias=extra.reshape(k * n_cond, -1))
        deltas[start:start + k] = (y.reshape(k, n_cond, -1) - control[None]).cpu()
    import pandas as pd

    conditions = np.asarray(ligands.index)
    table = pd.DataFrame({
        "condition": np.tile(np.repeat(conditions, len(network.tfs)), n_nodes),
        "node": np.repeat(np.asarray(nodes, dtype=object), n_cond * len(network.tfs)),
        "tf": np.tile(np.asarray(network.tfs, dtype=object), n_nodes * n_cond),
        "delta": deltas.reshape(-1).numpy(),
    })
    return table
