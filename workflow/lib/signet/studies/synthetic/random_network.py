"""Signed random networks shaped like signaling networks, for tests, benchmarks and the
workflow's offline default.

Layers: ligands -> receptors -> internal layer (with feedback edges) -> TFs. Every ligand
reaches at least one receptor, every receptor and internal node has an input from the layer
above, and every TF has an input from the internal layer, so every node is reachable from a
ligand. A fraction of edges is inhibitory. Ids are ``L…`` (ligands), ``R…`` (receptors),
``S…`` (internal) and ``T…`` (TFs), zero-padded so they sort by layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from signet.core.network import Network

# pandas is imported only where the tables are made: ``random_network_model`` (what
# ``signet bench --random-nodes`` uses) needs no pandas, which saves 65 MB of the bench's
# peak memory at 19 000 nodes

__all__ = ["random_network", "random_network_model", "signaling_network", "GENOME_PROPORTIONS"]

# ligand, receptor and TF shares of a genome-scale signaling network: of the order of the
# intercell (ligand, receptor) and TF annotations of a human OmniPath network; approximate,
# chosen here, not counted from OmniPath
GENOME_PROPORTIONS = {"ligands": 0.05, "receptors": 0.05, "tfs": 0.08}


def _ids(prefix: str, count: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


def _random_edges(n_nodes: int, edges_per_node: float, *, n_ligands: int | None = None,
                  n_receptors: int | None = None, n_tfs: int | None = None,
                  inhibitory_fraction: float = 0.2, feedback_fraction: float = 0.2,
                  seed: int = 0):
    """The random graph as ``(node ids, sorted (source, target) index pairs as an
    (edges, 2) int64 array, inhibitory mask, ligand ids, TF ids)``."""
    rng = np.random.default_rng(seed)
    n_ligands = n_ligands or max(1, n_nodes // 10)
    n_receptors = n_receptors or max(1, n_nodes // 10)
    n_tfs = n_tfs or max(1, n_nodes // 10)
    n_internal = n_nodes - n_ligands - n_receptors - n_tfs
    if n_internal < 1:
        raise ValueError("n_nodes is too small for the requested ligands, receptors and TFs")
    width = len(str(n_nodes))
    ligands = _ids("L", n_ligands, width)
    receptors = _ids("R", n_receptors, width)
    internal = _ids("S", n_internal, width)
    tfs = _ids("T", n_tfs, width)

    # edges as source * n_nodes + target, indices into ``every`` (int keys: a third of the
    # memory of a set of tuples at 19 000 nodes; sorted keys are sorted (source, target) pairs)
    edges: set[int] = set()
    every = ligands + receptors + internal + tfs
    lig0, rec0, int0, tf0 = 0, n_ligands, n_ligands + n_receptors, n_ligands + n_receptors + n_internal

    def add(source: int, target: int):
        if source != target:
            edges.add(source * n_nodes + target)

    # guaranteed backbone: each ligand -> a receptor; each receptor <- a ligand;
    # each internal <- a receptor or an earlier internal node; each TF <- an internal node
    for i in range(n_ligands):
        add(lig0 + i, rec0 + int(rng.integers(n_receptors)))
    for i in range(n_receptors):
        add(lig0 + int(rng.integers(n_ligands)), rec0 + i)
    for i in range(n_internal):
        if i == 0 or rng.random() < n_receptors / (n_receptors + i):
            add(rec0 + int(rng.integers(n_receptors)), int0 + i)
        else:
            add(int0 + int(rng.integers(i)), int0 + i)
    for i in range(n_tfs):
        add(int0 + int(rng.integers(n_internal)), tf0 + i)

    # fill up to the requested mean in-degree with random forward and feedback edges
    target_edges = int(round(edges_per_node * n_nodes))
    attempts = 0
    while len(edges) < target_edges and attempts < 20 * target_edges:
        attempts += 1
        kind = rng.random()
        if kind < 0.1:  # receptor -> internal
            add(rec0 + int(rng.integers(n_receptors)), int0 + int(rng.integers(n_internal)))
        elif kind < 0.25:  # internal -> TF
            add(int0 + int(rng.integers(n_internal)), tf0 + int(rng.integers(n_tfs)))
        else:  # internal -> internal, forward or feedback
            a, b = sorted(int(v) for v in rng.integers(n_internal, size=2))
            if a == b:
                continue
            if rng.random() < feedback_fraction:
                a, b = b, a
            add(int0 + a, int0 + b)

    keys = np.fromiter(edges, dtype=np.int64, count=len(edges))
    edges.clear()  # frees the set before the arrays below
    keys.sort()
    pairs = np.stack([keys // n_nodes, keys % n_nodes], axis=1)
    inhibit = rng.random(len(pairs)) < inhibitory_fraction
    # ligand -> receptor edges stay activating
    inhibit &= pairs[:, 0] >= rec0
    return every, pairs, inhibit, ligands, tfs


def random_network(n_nodes: int = 100, edges_per_node: float = 3.0, **options
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate ``(model_table, annotation_table)`` in the paper's formats.

    ``n_nodes`` counts all nodes; ligands, receptors and TFs default to 10 %, 10 % and 10 % of
    them (at least 1 each). ``edges_per_node`` is the mean in-degree. ``feedback_fraction`` of
    the internal edges point from a later to an earlier internal node (closing loops).
    Keyword options: ``n_ligands``, ``n_receptors``, ``n_tfs``, ``inhibitory_fraction``,
    ``feedback_fraction``, ``seed``.
    """
    import pandas as pd

    every, pairs, inhibit, ligands, tfs = _random_edges(n_nodes, edges_per_node, **options)
    model = pd.DataFrame({
        "source": [every[s] for s in pairs[:, 0].tolist()],
        "target": [every[t] for t in pairs[:, 1].tolist()],
        "direction": 1,
        "stimulation": (~inhibit).astype(int),
        "inhibition": inhibit.astype(int),
        "sources": "random",
        "references": "",
    })
    annotation = pd.DataFrame({
        "code": every,
        "name": every,
        "TF": [n in set(tfs) for n in every],
        "ligand": [n in set(ligands) for n in every],
    })
    return model, annotation


def random_network_model(n_nodes: int = 100, edges_per_node: float = 3.0, **options
                         ) -> Network:
    """The :class:`~signet.core.network.Network` of :func:`random_network` with the same
    arguments (the same nodes, edge slots, signs, ligands and TFs as
    ``Network.from_tables(*random_network(...))``), built from index arrays without the
    pandas tables (no edge provenance columns)."""
    from signet.core.network import Network

    every, pairs, inhibit, ligands, tfs = _random_edges(n_nodes, edges_per_node, **options)
    nodes = sorted(every)
    position = {node: i for i, node in enumerate(nodes)}
    remap = np.array([position[node] for node in every], dtype=np.int64)
    sources, targets = remap[pairs[:, 0]], remap[pairs[:, 1]]
    order = np.lexsort((sources, targets))
    signs = np.where(inhibit, -1, 1).astype(np.int8)[order]
    return Network(nodes=nodes, sources=sources[order], targets=targets[order], signs=signs,
                   ligands=list(ligands), tfs=list(tfs), names={n: n for n in nodes})


def signaling_network(n_nodes: int = 19_000, edges_per_node: float = 10.0, *, seed: int = 0,
                      feedback_fraction: float = 0.2, inhibitory_fraction: float = 0.2):
    """A genome-scale signaling-shaped network: :func:`random_network` with
    :data:`GENOME_PROPORTIONS` of ligands, receptors and TFs, ``edges_per_node`` mean
    in-degree and ``feedback_fraction`` of the internal edges closing loops."""
    share = GENOME_PROPORTIONS
    return random_network(n_nodes, edges_per_node,
                          n_ligands=max(1, round(share["ligands"] * n_nodes)),
                          n_receptors=max(1, round(share["receptors"] * n_nodes)),
                          n_tfs=max(1, round(share["tfs"] * n_nodes)),
                          inhibitory_fraction=inhibitory_fraction,
                          feedback_fraction=feedback_fraction, seed=seed)
