"""The layered drawing of a network (paper Fig. 4a): ligand -> receptor -> signaling -> TF."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import numpy as np
import pandas as pd

from signet.studies.networks.summary import receptors_of
from signet.studies.networks.trim import adjacency

__all__ = ["layer_nodes", "draw_network"]


def layer_nodes(edges: pd.DataFrame, annotation: pd.DataFrame, *,
                signaling_layers: int = 4) -> pd.DataFrame:
    """Layers for the drawing (paper Fig. 4a): ligand, receptor, signaling..., TF.

    Returns ``code, layer, role, x`` with layer 0 = ligands, 1 = receptors, then up to
    ``signaling_layers`` layers of signaling nodes by their distance from the ligands
    (capped), last = TFs; empty layers are left out. ``x`` in [0, 1] orders each layer by
    the mean position of its predecessors in earlier layers (a barycentre sweep, which keeps
    edges short).
    """
    ligands = set(annotation.loc[annotation["ligand"].astype(bool), "code"])
    tfs = set(annotation.loc[annotation["TF"].astype(bool), "code"])
    receptors = receptors_of(edges, ligands) - tfs
    succ, pred = adjacency(edges)
    distance = {n: 0 for n in ligands if n in succ}
    queue = deque(distance)
    while queue:
        node = queue.popleft()
        for nxt in succ[node]:
            if nxt not in distance:
                distance[nxt] = distance[node] + 1
                queue.append(nxt)
    last = 2 + signaling_layers
    rows = []
    for node in succ:
        if node in ligands:
            layer, role = 0, "ligand"
        elif node in tfs:
            layer, role = last, "TF"
        elif node in receptors:
            layer, role = 1, "receptor"
        else:
            depth = distance.get(node, 2)
            layer, role = min(max(depth, 2), last - 1), "signaling"
        rows.append((node, layer, role))
    table = pd.DataFrame(rows, columns=["code", "layer", "role"])
    used = sorted(table["layer"].unique())
    table["layer"] = table["layer"].map({layer: rank for rank, layer in enumerate(used)})
    position = {}
    for layer in range(len(used)):
        members = table.loc[table["layer"] == layer, "code"].tolist()
        if not members:
            continue
        keys = []
        for node in sorted(members):
            before = [position[p] for p in pred[node] if p in position]
            keys.append((float(np.mean(before)) if before else 0.5, node))
        keys.sort()
        n = len(keys)
        for rank, (_, node) in enumerate(keys):
            position[node] = (rank + 0.5) / n
    table["x"] = table["code"].map(position)
    return table


def draw_network(edges: pd.DataFrame, annotation: pd.DataFrame, paths, *,
                 title: str = "") -> None:
    """Draw the layered network (ligand -> receptor -> signaling -> TF) to each of ``paths``.

    Edges are coloured by sign (stimulation, inhibition, unknown); node labels are shown
    when the network is small (< 120 nodes). Uses matplotlib's Agg backend.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    layers = layer_nodes(edges, annotation)
    where = {c: (x, -float(y)) for c, x, y in zip(layers["code"], layers["x"],
                                                   layers["layer"])}
    colour = {"stimulation": "#2c7fb8", "inhibition": "#d7301f", "unknown": "#969696"}
    fig, ax = plt.subplots(figsize=(12, 7))
    alpha = float(np.clip(30.0 / max(len(edges), 1), 0.15, 0.8))
    for kind in ("unknown", "stimulation", "inhibition"):
        stim, inhib = edges["stimulation"].astype(int), edges["inhibition"].astype(int)
        mask = {"stimulation": (stim == 1) & (inhib == 0),
                "inhibition": (inhib == 1) & (stim == 0),
                "unknown": stim == inhib}[kind]
        segments = [(where[s], where[t]) for s, t in
                    zip(edges.loc[mask, "source"], edges.loc[mask, "target"])]
        if segments:
            ax.add_collection(LineCollection(segments, colors=colour[kind], linewidths=0.6,
                                             alpha=alpha, label=f"{kind} ({len(segments)})"))
    role_colour = {"ligand": "#1b9e77", "receptor": "#d95f02", "signaling": "#7570b3",
                   "TF": "#e7298a"}
    for role in role_colour:
        group = layers.loc[layers["role"] == role]
        if group.empty:
            continue
        ax.scatter(group["x"], -group["layer"].astype(float), s=10, zorder=3,
                   color=role_colour[role], label=f"{role} ({len(group)})")
    if len(layers) < 120:
        names = dict(zip(annotation["code"], annotation.get("name", annotation["code"])))
        for code, x, y in zip(layers["code"], layers["x"], layers["layer"]):
            ax.annotate(names.get(code, code), (x, -float(y)), fontsize=6,
                        xytext=(2, 2), textcoords="offset points")
    top = int(layers["layer"].max())
    ax.set_yticks([0, -1, -top], ["ligands", "receptors", "TFs"])
    ax.set_xticks([])
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-top - 0.5, 0.5)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title(title or "network")
    fig.tight_layout()
    for path in paths:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150)
    plt.close(fig)
