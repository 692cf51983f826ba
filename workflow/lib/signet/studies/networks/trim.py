"""Step 5, trimming: nodes with no path from any ligand or none to any TF are removed, then
nodes whose single source and single target are the same node (``A -> X -> A``), repeated to
a fixed point; the paper's Annotation table of what is left."""

from __future__ import annotations

from collections import deque

import pandas as pd

__all__ = ["adjacency", "reachable", "trim_network", "annotation_table"]


def adjacency(edges: pd.DataFrame):
    """``(successors, predecessors)``: node -> set of nodes, every node a key of both."""
    succ, pred = {}, {}
    for s, t in zip(edges["source"], edges["target"]):
        succ.setdefault(s, set()).add(t)
        pred.setdefault(t, set()).add(s)
        succ.setdefault(t, set())
        pred.setdefault(s, set())
    return succ, pred


def reachable(start, neighbours: dict) -> set:
    """Nodes reachable from ``start`` (included) following ``neighbours`` (breadth first)."""
    seen = {n for n in start if n in neighbours}
    queue = deque(seen)
    while queue:
        node = queue.popleft()
        for nxt in neighbours[node]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def trim_network(edges: pd.DataFrame, ligands, tfs, *, protect_roles: bool = True):
    """Step 5: trim to the fixed point. Returns ``(edges, removed)``.

    Each round removes (a) dead ends: nodes not reachable from any ligand or from which no TF
    is reachable, and (b) redundant nodes: nodes other than ligands and TFs whose only source
    and only target are one and the same node (``A -> X -> A``: X adds nothing but a loop
    through A). Rounds repeat until nothing changes. Reachability is a breadth-first search
    from the ligands (forward) and from the TFs (backward): O(edges) per round.

    Ligands and TFs are never removed as redundant (``protect_roles``): a TF whose single
    regulator is also its single target still reports the network's state, and a ligand is
    an input. The paper's KEGG network is a fixed point only with this rule (CEBPA is such a
    TF). Dead-end removal applies to every node.

    ``removed`` lists ``node, reason, round``. Raises ``ValueError`` on self-loops (drop
    them first, :func:`signet.studies.networks.normalise.drop_self_loops`).
    """
    if (edges["source"] == edges["target"]).any():
        raise ValueError("trim_network: the edges contain self-loops; drop them first")
    ligands, tfs = set(ligands), set(tfs)
    succ, pred = adjacency(edges)
    removed = []
    rounds = 0
    while True:
        rounds += 1
        alive = reachable(ligands, succ) & reachable(tfs, pred)
        dead = [n for n in succ if n not in alive]
        redundant = [n for n in succ if n in alive and len(pred[n]) == 1
                     and pred[n] == succ[n]
                     and not (protect_roles and (n in ligands or n in tfs))]
        if not dead and not redundant:
            break
        for node, reason in [(n, "dead end") for n in dead] + \
                            [(n, "redundant") for n in redundant]:
            removed.append((node, reason, rounds))
            for t in succ.pop(node):
                if t in pred:
                    pred[t].discard(node)
            for s in pred.pop(node):
                if s in succ:
                    succ[s].discard(node)
    keep = edges["source"].isin(succ.keys()) & edges["target"].isin(succ.keys())
    kept = edges.loc[keep.to_numpy(dtype=bool)].reset_index(drop=True)
    return kept, pd.DataFrame(removed, columns=["node", "reason", "round"])


def annotation_table(edges: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """The paper's Annotation table (``code, name, TF, ligand``) for the nodes of ``edges``."""
    present = set(edges["source"]) | set(edges["target"])
    table = nodes.loc[nodes["code"].isin(present), ["code", "name", "TF", "ligand"]]
    return table.reset_index(drop=True)
