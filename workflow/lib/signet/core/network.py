"""The prior-knowledge network as index arrays, with every edge mapped to its slot.

Nodes are sorted by id and edges are sorted by (target, source), so the sparse-matrix layout
(CSR, rows = targets, columns = sources) is a function of the *set* of edges only: shuffling the
rows of a network file changes nothing. ``Network.edge_slot`` maps ``(source, target)`` to the
position of its weight; every reader and writer of weights goes through it.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from signet.errors import SignetInputError

if TYPE_CHECKING:
    import pandas as pd

# pandas and the readers are imported where tables are made or read, so a network built from
# arrays (``signet bench --random-nodes``) does not load pandas (65 MB)

__all__ = ["Network"]


@dataclass
class Network:
    """A signed, directed signaling network with ligand and TF annotation.

    Attributes
    ----------
    nodes : node ids, sorted
    names : node id -> readable name (gene symbol)
    sources, targets : int64 arrays, one entry per edge, in slot order (sorted by target, source)
    signs : int8 array, +1 activating, -1 inhibiting, 0 unknown
    ligands, tfs : node ids of the input and output nodes, in annotation order
    """

    nodes: list[str]
    sources: np.ndarray
    targets: np.ndarray
    signs: np.ndarray
    ligands: list[str]
    tfs: list[str]
    names: dict[str, str] = field(default_factory=dict)
    edge_info: pd.DataFrame | None = None  # direction/sources/references, slot order

    def __post_init__(self):
        self.node_index = {node: i for i, node in enumerate(self.nodes)}
        self.ligand_index = np.array([self.node_index[n] for n in self.ligands], dtype=np.int64)
        self.tf_index = np.array([self.node_index[n] for n in self.tfs], dtype=np.int64)

    # ---- construction ----------------------------------------------------------------
    @classmethod
    def from_tables(cls, edges: pd.DataFrame, annotation: pd.DataFrame | None = None,
                    *, network_path=None, annotation_path=None) -> Network:
        """Build from validated tables (see :func:`signet.io.read_network`)."""
        if "sign" not in edges.columns:
            edges = edges.assign(sign=edges["stimulation"].astype(int)
                                 - edges["inhibition"].astype(int))
        nodes = sorted(set(edges["source"]) | set(edges["target"]))
        index = {n: i for i, n in enumerate(nodes)}
        src = edges["source"].map(index).to_numpy(np.int64)
        tgt = edges["target"].map(index).to_numpy(np.int64)
        order = np.lexsort((src, tgt))
        sign = edges["sign"].to_numpy(np.int8)[order]
        info_cols = [c for c in ("direction", "sources", "references") if c in edges.columns]
        info = edges[info_cols].iloc[order].reset_index(drop=True)
        names = {n: n for n in nodes}
        ligands, tfs = [], []
        if annotation is not None:
            for row in annotation.itertuples(index=False):
                if row.code not in index:
                    raise SignetInputError(
                        annotation_path, f"annotated node {row.code!r} is not in the network"
                        + (f" {network_path}" if network_path else ""),
                        line=int(row.line) if hasattr(row, "line") else None, column="code")
                names[row.code] = row.name or row.code
                if row.ligand:
                    ligands.append(row.code)
                if row.TF:
                    tfs.append(row.code)
        return cls(nodes=nodes, sources=src[order], targets=tgt[order], signs=sign,
                   ligands=ligands, tfs=tfs, names=names, edge_info=info)

    @classmethod
    def from_files(cls, network_path, annotation_path) -> Network:
        """Read ``*-Model.tsv`` and ``*-Annotation.tsv`` and build the network."""
        from signet.io import read_annotation, read_network

        return cls.from_tables(read_network(network_path), read_annotation(annotation_path),
                               network_path=network_path, annotation_path=annotation_path)

    # ---- views -----------------------------------------------------------------------
    @functools.cached_property
    def edge_slot(self) -> dict[tuple[str, str], int]:
        """``(source id, target id) -> edge slot``; built on first use (at 19 000 nodes the
        dict takes about 30 MB, which a pass bench need not hold)."""
        return {(self.nodes[s], self.nodes[t]): k
                for k, (s, t) in enumerate(zip(self.sources.tolist(), self.targets.tolist()))}

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        return len(self.sources)

    @property
    def internal_nodes(self) -> list[str]:
        """Nodes that are neither ligand nor TF (the paper's 'internal' states)."""
        skip = set(self.ligands) | set(self.tfs)
        return [n for n in self.nodes if n not in skip]

    def edge_table(self) -> pd.DataFrame:
        """Edges in slot order as a network table (``source, target, ..., sign``)."""
        import pandas as pd

        table = pd.DataFrame({
            "source": [self.nodes[i] for i in self.sources],
            "target": [self.nodes[i] for i in self.targets],
            "sign": self.signs.astype(int),
        })
        if self.edge_info is not None:
            for column in self.edge_info.columns:
                table[column] = self.edge_info[column].to_numpy()
        return table

    def annotation_table(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({
            "code": self.nodes,
            "name": [self.names.get(n, n) for n in self.nodes],
            "TF": [n in set(self.tfs) for n in self.nodes],
            "ligand": [n in set(self.ligands) for n in self.nodes],
        })

    def identity(self) -> str:
        """A short hash of nodes, edges, signs, ligands and TFs (stored in checkpoints)."""
        digest = hashlib.sha256()
        for part in (self.nodes, self.ligands, self.tfs):
            digest.update("\x1f".join(part).encode())
            digest.update(b"\x1e")
        for array in (self.sources, self.targets, self.signs):
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:16]

    def csr(self):
        """Row pointers (targets), column indices (sources) of the weight matrix."""
        rowptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.add.at(rowptr, self.targets + 1, 1)
        return np.cumsum(rowptr), self.sources.copy()

    def csr_transposed(self):
        """Row pointers (sources), column indices (targets) and the edge slot of each entry."""
        perm = np.lexsort((self.targets, self.sources))
        rowptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.add.at(rowptr, self.sources + 1, 1)
        return np.cumsum(rowptr), self.targets[perm].copy(), perm.astype(np.int64)

    def only_inhibited(self) -> np.ndarray:
        """Boolean mask of nodes whose every input is inhibitory (they get bias 1 at init)."""
        has_input = np.zeros(self.n_nodes, bool)
        has_non_inhibitory = np.zeros(self.n_nodes, bool)
        has_input[self.targets] = True
        has_non_inhibitory[self.targets[self.signs >= 0]] = True
        return has_input & ~has_non_inhibitory
