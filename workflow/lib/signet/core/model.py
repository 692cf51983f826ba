"""The signaling model: input projection, the recurrent network at steady state, and the
output projection.

    b_in   = scatter(u * input_scale)          u: ligand concentrations (samples x ligands)
    x_ss   = steady state of x = f(A x + b + b_in [+ noise])
    y_hat  = projection * x_ss[:, TFs]

Input scale starts at 3 (frozen by default), the projection at 1.2 (frozen or trainable).
Initialisation (the paper's): w = sign * (0.1 + U(0, 0.1)), then all weights scaled so that
rho(A) = 0.8; b = 0.001, except 1 for nodes whose every input is inhibitory. Edges of unknown
sign start positive (``unknown_sign="positive"``, what the reference code does) or with a
random sign (``"random"``). The choice matters on networks with many unsigned edges: on the
macrophage network (65 % unsigned) random signs left 105-415 of the 1128 nodes below zero in
every condition, where the leak slope of 0.01 all but stops their gradients
(docs/results-macrophage.md).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import torch

from signet.core.network import Network
from signet.errors import SignetInputError
from signet.solver.steady_state import SteadyStateSolver, steady_state

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SignalingModel", "INPUT_SCALE", "PROJECTION_SCALE"]

_log = logging.getLogger("signet.model")

INPUT_SCALE = 3.0
PROJECTION_SCALE = 1.2


class SignalingModel(torch.nn.Module):
    """LEMBAS-style signaling RNN on a prior-knowledge network.

    Parameters: ``weights`` (one per edge slot), ``bias`` (one per node), ``input_scale`` (one
    per ligand), ``projection`` (one per TF).
    """

    def __init__(self, network: Network, *, steps: int = 150, tol: float = 1e-6,
                 activation: str = "MML", projection_trainable: bool = False,
                 input_trainable: bool = False, dtype=torch.float64, backend: str = "auto",
                 seed: int | None = 0, init_rho: float = 0.8, unknown_sign: str = "positive"):
        super().__init__()
        if unknown_sign not in ("positive", "random"):
            raise ValueError(f"unknown_sign must be 'positive' or 'random', not {unknown_sign!r}")
        self.unknown_sign = unknown_sign
        self.network = network
        self.solver = SteadyStateSolver(network, activation=activation, steps=steps, tol=tol,
                                        backend=backend)
        self.register_buffer("ligand_index", torch.as_tensor(network.ligand_index))
        self.register_buffer("tf_index", torch.as_tensor(network.tf_index))
        self.register_buffer("signs", torch.as_tensor(network.signs.astype(np.float64),
                                                      dtype=dtype))
        self.weights = torch.nn.Parameter(torch.zeros(network.n_edges, dtype=dtype))
        self.bias = torch.nn.Parameter(torch.zeros(network.n_nodes, dtype=dtype))
        self.input_scale = torch.nn.Parameter(
            torch.full((len(network.ligands),), INPUT_SCALE, dtype=dtype),
            requires_grad=input_trainable)
        self.projection = torch.nn.Parameter(
            torch.full((len(network.tfs),), PROJECTION_SCALE, dtype=dtype),
            requires_grad=projection_trainable)
        self.last_info = None
        self.initialise(seed=seed, rho=init_rho)

    # ---- set-up ------------------------------------------------------------------------
    @torch.no_grad()
    def initialise(self, seed: int | None = 0, rho: float = 0.8):
        """The paper's initialisation (see the module docstring)."""
        from signet.spectral import spectral_radius

        generator = torch.Generator().manual_seed(0 if seed is None else seed)
        n = self.network.n_edges
        magnitude = 0.1 + 0.1 * torch.rand(n, generator=generator, dtype=torch.float64)
        sign = torch.as_tensor(self.network.signs, dtype=torch.float64)
        if self.unknown_sign == "random":
            fill = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0).double()
        else:
            fill = torch.ones(n, dtype=torch.float64)
        sign = torch.where(sign == 0, fill, sign)
        weights = sign * magnitude
        current = spectral_radius(self.network, weights.numpy())
        if current > 0:
            weights = weights * (rho / current)
        self.weights.copy_(weights.to(self.weights.dtype))
        bias = torch.full((self.network.n_nodes,), 0.001, dtype=torch.float64)
        bias[torch.as_tensor(self.network.only_inhibited())] = 1.0
        self.bias.copy_(bias.to(self.bias.dtype))

    @property
    def dtype(self):
        return self.weights.dtype

    @property
    def steps(self) -> int:
        return self.solver.steps

    # ---- forward -------------------------------------------------------------------------
    def input_bias(self, ligands: torch.Tensor) -> torch.Tensor:
        """b_in: ligand inputs scaled and scattered to their nodes (samples x nodes)."""
        b_in = torch.zeros(ligands.shape[0], self.network.n_nodes, dtype=self.dtype,
                           device=self.weights.device)
        return b_in.index_put((torch.arange(ligands.shape[0], device=b_in.device)[:, None],
                               self.ligand_index[None, :]),
                              ligands.to(self.dtype) * self.input_scale)

    def forward(self, ligands: torch.Tensor, *, noise: torch.Tensor | None = None,
                extra_bias: torch.Tensor | None = None):
        """Return ``(y_hat, x_ss, info)`` for ligand concentrations (samples x ligands).

        ``noise`` and ``extra_bias`` (samples x nodes, or nodes) are added to b + b_in;
        training uses ``noise``, knock-outs use ``extra_bias``.
        """
        total = self.bias + self.input_bias(ligands)
        if noise is not None:
            total = total + noise
        if extra_bias is not None:
            total = total + extra_bias
        x, info = steady_state(self.weights, total, self.solver)
        self.last_info = info
        return x[:, self.tf_index] * self.projection, x, info

    @torch.no_grad()
    def simulate(self, ligands: pd.DataFrame, max_states: int = 2**23
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Predicted TF table and full state table for a ligand table (conditions x ligands).

        Conditions are solved in chunks of at most ``max_states`` state values (conditions x
        nodes), so the solver's working arrays stay bounded on genome-scale networks (the
        early stop is per chunk; below 2^23 / nodes conditions there is one chunk).
        """
        import pandas as pd

        u = self.ligand_tensor(ligands)
        rows = max(1, max_states // max(1, self.network.n_nodes))
        dtype = np.float32 if self.dtype == torch.float32 else np.float64
        y = np.empty((u.shape[0], len(self.network.tfs)), dtype=dtype)
        x = np.empty((u.shape[0], self.network.n_nodes), dtype=dtype)
        for start in range(0, u.shape[0], rows):
            y_part, x_part, _ = self(u[start:start + rows])
            y[start:start + rows] = y_part.cpu().numpy()
            x[start:start + rows] = x_part.cpu().numpy()
        tf_table = pd.DataFrame(y, index=ligands.index, columns=self.network.tfs)
        states = pd.DataFrame(x, index=ligands.index, columns=self.network.nodes)
        return tf_table, states

    def ligand_tensor(self, ligands: pd.DataFrame) -> torch.Tensor:
        """Order a ligand table's columns as the model's ligands (missing ligands = 0).

        Unknown columns are an error naming the file (if known) and the column.
        """
        known = set(self.network.ligands)
        for column in ligands.columns:
            if column not in known:
                raise SignetInputError(
                    ligands.attrs.get("path"),
                    f"{column!r} is not a ligand of the network "
                    f"(ligands: {', '.join(self.network.ligands[:8])}"
                    f"{', ...' if len(known) > 8 else ''})", line=1, column=str(column))
        table = ligands.reindex(columns=self.network.ligands, fill_value=0.0)
        return torch.as_tensor(table.to_numpy(np.float64, copy=True), dtype=self.dtype,
                               device=self.weights.device)

    # ---- parameter table -----------------------------------------------------------------
    def parameters_table(self) -> pd.DataFrame:
        """All parameters as the paper's ``Source, Target, Type, Value`` table."""
        import pandas as pd

        net = self.network
        w = self.weights.detach().double().cpu().numpy()
        b = self.bias.detach().double().cpu().numpy()
        rows = [(net.nodes[s], net.nodes[t], "Weight", float(v))
                for s, t, v in zip(net.sources, net.targets, w)]
        rows += [(node, "", "Bias", float(v)) for node, v in zip(net.nodes, b)]
        rows += [(node, "", "Input", float(v)) for node, v in
                 zip(net.ligands, self.input_scale.detach().double().cpu().numpy())]
        rows += [(node, "", "Projection", float(v)) for node, v in
                 zip(net.tfs, self.projection.detach().double().cpu().numpy())]
        return pd.DataFrame(rows, columns=["Source", "Target", "Type", "Value"])

    @torch.no_grad()
    def load_parameters_table(self, table: pd.DataFrame, path=None, *,
                              complete: bool = True) -> None:
        """Set parameters from a ``Source, Target, Type, Value`` table, edge by edge.

        Every row must name a known edge / node, and no parameter may be given twice. With
        ``complete=True`` (the default) the table must give every weight and every bias of
        the network: otherwise one :class:`SignetInputError` names the file, how many are
        missing and the first few. Ligands without an ``Input`` row and TFs without a
        ``Projection`` row get the paper's 3 and 1.2, said in one warning line. With
        ``complete=False`` (deliberately partial tables, e.g. only the input scales and
        projections) parameters absent from the table keep their current value.
        """
        net = self.network
        path = path or table.attrs.get("path")
        values = {"Weight": self.weights, "Bias": self.bias, "Input": self.input_scale,
                  "Projection": self.projection}
        values = {kind: p.detach().double().cpu().clone() for kind, p in values.items()}
        given = {kind: torch.zeros(len(v), dtype=torch.bool) for kind, v in values.items()}
        first_line = {}
        for kind, position, value, line in self._parameter_rows(table, path):
            if given[kind][position]:
                raise SignetInputError(
                    path, f"{kind.lower()} {_parameter_name(net, kind, position)} is given "
                          f"twice (lines {first_line[kind, position]} and {line})", line=line)
            given[kind][position] = True
            first_line[kind, position] = line
            values[kind][position] = value
        if complete:
            _require_every_weight_and_bias(net, given, path)
            self._default_scales(values, given, path)
        for kind, parameter in (("Weight", self.weights), ("Bias", self.bias),
                                ("Input", self.input_scale), ("Projection", self.projection)):
            parameter.copy_(values[kind].to(parameter.dtype))

    def _parameter_rows(self, table: pd.DataFrame, path):
        """``(type, position, value, line)`` of every row, each checked against the network."""
        net = self.network
        positions = {"Bias": net.node_index,
                     "Input": {n: i for i, n in enumerate(net.ligands)},
                     "Projection": {n: i for i, n in enumerate(net.tfs)}}
        unknown = {"Bias": "bias for unknown node {!r}",
                   "Input": "input scale for {!r}, which is not a ligand",
                   "Projection": "projection for {!r}, which is not a TF"}
        lines = table["line"] if "line" in table.columns else range(2, len(table) + 2)
        for (source, target, kind, value), line in zip(
                table[["Source", "Target", "Type", "Value"]].itertuples(index=False, name=None),
                lines):
            if kind == "Weight":
                position = net.edge_slot.get((source, target))
                if position is None:
                    raise SignetInputError(path, f"weight for unknown edge {source} -> {target}",
                                           line=int(line))
            elif kind in positions:
                position = positions[kind].get(source)
                if position is None:
                    raise SignetInputError(path, unknown[kind].format(source), line=int(line),
                                           column="Source")
            else:
                continue
            yield kind, position, value, int(line)

    @staticmethod
    def _default_scales(values: dict, given: dict, path) -> None:
        """Input scales and projections the table leaves out: the paper's 3 and 1.2, said in
        one warning line."""
        absent_rows, defaults = [], []
        for kind, default, what, name in (("Input", INPUT_SCALE, "ligands", "input scale"),
                                          ("Projection", PROJECTION_SCALE, "TFs",
                                           "projection")):
            absent = ~given[kind]
            if absent.any():
                values[kind][absent] = default
                absent_rows.append(f"{kind} row for {int(absent.sum())} of {len(absent)} {what}")
                defaults.append(f"{name} {default:g}")
        if absent_rows:
            _log.warning("%s: no %s; using the paper's %s", path or "parameter table",
                         " and no ".join(absent_rows), " and ".join(defaults))


def _parameter_name(network: Network, kind: str, position: int) -> str:
    """``A -> B`` for a weight slot, the node id otherwise."""
    if kind == "Weight":
        return (f"{network.nodes[network.sources[position]]} -> "
                f"{network.nodes[network.targets[position]]}")
    names = {"Bias": network.nodes, "Input": network.ligands, "Projection": network.tfs}
    return str(names[kind][position])


def _require_every_weight_and_bias(network: Network, given: dict, path, show: int = 3) -> None:
    """One :class:`SignetInputError` naming how many weights and biases a table lacks and the
    first ``show`` of them."""
    counts, first, total = [], [], 0
    for kind, plural in (("Weight", "weights"), ("Bias", "biases")):
        absent = torch.nonzero(~given[kind]).flatten().tolist()
        if absent:
            total += len(absent)
            counts.append(f"{len(absent)} of {len(given[kind])} {plural}")
            first += [f"{kind.lower()} {_parameter_name(network, kind, i)}"
                      for i in absent[:show]]
    if counts:
        more = ", ..." if total > show else ""
        raise SignetInputError(path, f"incomplete parameter table: {' and '.join(counts)} "
                                     f"missing ({', '.join(first[:show])}{more}); a table for "
                                     "prediction needs one Weight row per edge and one Bias "
                                     "row per node")
