"""Mass-action ODE models of two signals acting on one target (the paper's Fig. 1a).

Each mechanism is a set of elementary reactions between a target protein, which moves between
its states (free, bound, active), and two sources ``A`` and ``B`` held at fixed concentration
(a ligand in excess, or a chemostat). The target's total is 1, it starts spread evenly over its
states (1 / #states each), and the ODEs are integrated with ``scipy.integrate.solve_ivp`` for
100 time units; the *output* is the summed concentration of the target's active states at the
end, i.e. its steady-state activity as a function of the two source concentrations.

Rate constants (time and concentration in arbitrary units; sources range over [0, 1]):

* ``independent_activation`` (OR-like): each source activates the target on its own.
  T + A -> Tp + A (k = 5), T + B -> Tp + B (k = 5), Tp -> T (k = 1).
  Steady state: Tp = 5 (A + B) / (5 (A + B) + 1).
* ``independent_inhibition``: A activates; B deactivates the active form, independently of A.
  T + A -> Tp + A (k = 5), Tp + B -> T + B (k = 5), Tp -> T (k = 1).
  Steady state: Tp = 5 A / (5 A + 5 B + 1).
* ``cooperative_activation`` (AND-like): the target is active only with both sources bound,
  and a bound source raises the other's affinity ten-fold.
  T + A <-> TA and T + B <-> TB (on 10, off 10: Kd 1), TA + B <-> TAB and TB + A <-> TAB
  (on 10, off 1: Kd 0.1). Output TAB = 10 A B / (1 + A + B + 10 A B).
* ``competitive_inhibition``: A and B compete for one site; only A-bound target is active.
  T + A <-> TA and T + B <-> TB (on 10, off 1: Kd 0.1). Output TA = 10 A / (1 + 10 A + 10 B).
* ``noncompetitive_inhibition``: B binds a second site, free or A-bound; only TA is active.
  T + A <-> TA and TB + A <-> TAB (on 10, off 1: Kd 0.1), T + B <-> TB and TA + B <-> TAB
  (on 10, off 10: Kd 1). Output TA = 10 A / ((1 + 10 A) (1 + B)).

The closed forms above are the equilibria of the reactions (detailed balance holds in every
cycle), which the tests use as the independent reference for the integration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp
from scipy.interpolate import RegularGridInterpolator

__all__ = ["Reaction", "Mechanism", "MECHANISMS", "SOURCES", "get_mechanism", "simulate",
           "steady_states", "interpolate_response"]

SOURCES = ("A", "B")


@dataclass(frozen=True)
class Reaction:
    """One elementary reaction with mass-action rate ``rate * prod(reactant concentrations)``."""

    reactants: tuple[str, ...]
    products: tuple[str, ...]
    rate: float


@dataclass(frozen=True)
class Mechanism:
    """A target with ``states`` (dynamic species), ``reactions`` and the ``active`` states.

    The sources ``A`` and ``B`` may appear in reactions but are not states: their
    concentrations are held fixed, so binding does not deplete them.
    """

    name: str
    description: str
    states: tuple[str, ...]
    reactions: tuple[Reaction, ...]
    active: tuple[str, ...]

    def __post_init__(self):
        known = set(self.states) | set(SOURCES)
        for reaction in self.reactions:
            for species in reaction.reactants + reaction.products:
                if species not in known:
                    raise ValueError(f"{self.name}: unknown species {species!r}")
        if not set(self.active) <= set(self.states):
            raise ValueError(f"{self.name}: active states must be states")

    def stoichiometry(self) -> np.ndarray:
        """Net change of each state per reaction (reactions x states)."""
        index = {state: i for i, state in enumerate(self.states)}
        table = np.zeros((len(self.reactions), len(self.states)))
        for r, reaction in enumerate(self.reactions):
            for species in reaction.reactants:
                if species in index:
                    table[r, index[species]] -= 1
            for species in reaction.products:
                if species in index:
                    table[r, index[species]] += 1
        return table


def _binding(free: str, source: str, bound: str, on: float, off: float) -> tuple[Reaction, ...]:
    """free + source <-> bound, with on- and off-rate."""
    return Reaction((free, source), (bound,), on), Reaction((bound,), (free, source), off)


MECHANISMS: dict[str, Mechanism] = {m.name: m for m in (
    Mechanism(
        "independent_activation", "A and B each activate the target (OR-like)",
        ("T", "Tp"),
        (Reaction(("T", "A"), ("Tp", "A"), 5.0), Reaction(("T", "B"), ("Tp", "B"), 5.0),
         Reaction(("Tp",), ("T",), 1.0)),
        ("Tp",)),
    Mechanism(
        "independent_inhibition", "A activates; B deactivates the active target",
        ("T", "Tp"),
        (Reaction(("T", "A"), ("Tp", "A"), 5.0), Reaction(("Tp", "B"), ("T", "B"), 5.0),
         Reaction(("Tp",), ("T",), 1.0)),
        ("Tp",)),
    Mechanism(
        "cooperative_activation", "active only with A and B bound, binding cooperative (AND-like)",
        ("T", "TA", "TB", "TAB"),
        _binding("T", "A", "TA", 10.0, 10.0) + _binding("T", "B", "TB", 10.0, 10.0)
        + _binding("TA", "B", "TAB", 10.0, 1.0) + _binding("TB", "A", "TAB", 10.0, 1.0),
        ("TAB",)),
    Mechanism(
        "competitive_inhibition", "A and B compete for one site; A-bound target is active",
        ("T", "TA", "TB"),
        _binding("T", "A", "TA", 10.0, 1.0) + _binding("T", "B", "TB", 10.0, 1.0),
        ("TA",)),
    Mechanism(
        "noncompetitive_inhibition", "B binds a second site and silences A-bound target",
        ("T", "TA", "TB", "TAB"),
        _binding("T", "A", "TA", 10.0, 1.0) + _binding("TB", "A", "TAB", 10.0, 1.0)
        + _binding("T", "B", "TB", 10.0, 10.0) + _binding("TA", "B", "TAB", 10.0, 10.0),
        ("TA",)),
)}


def get_mechanism(name: str) -> Mechanism:
    """Look a mechanism up by name (see :data:`MECHANISMS`)."""
    try:
        return MECHANISMS[name]
    except KeyError:
        raise ValueError(f"unknown mechanism {name!r}; expected one of "
                         f"{', '.join(MECHANISMS)}") from None


def simulate(mechanism: Mechanism | str, source_a, source_b, *, t_end: float = 100.0,
             rtol: float = 1e-8, atol: float = 1e-10) -> np.ndarray:
    """Integrate the mechanism for many (A, B) pairs at once; return the final states.

    ``source_a`` and ``source_b`` are equally long 1-d arrays of source concentrations. The
    pairs are independent, so they are stacked into one ODE system and integrated together
    (explicit Runge-Kutta; the rates are moderate, the system is not stiff). Returns an array
    (pairs x states) of the states at ``t_end``; every row sums to 1.
    """
    if isinstance(mechanism, str):
        mechanism = get_mechanism(mechanism)
    a = np.asarray(source_a, dtype=np.float64).ravel()
    b = np.asarray(source_b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError("source_a and source_b must have the same length")
    if np.any(a < 0) or np.any(b < 0):
        raise ValueError("source concentrations must be non-negative")
    n_states, n_pairs = len(mechanism.states), a.size
    index = {state: i for i, state in enumerate(mechanism.states)}
    net = mechanism.stoichiometry()  # reactions x states

    def rhs(_t, flat):
        states = flat.reshape(n_states, n_pairs)
        change = np.zeros_like(states)
        for reaction, stoich in zip(mechanism.reactions, net):
            flux = np.full(n_pairs, reaction.rate)
            for species in reaction.reactants:
                if species == "A":
                    flux = flux * a
                elif species == "B":
                    flux = flux * b
                else:
                    flux = flux * states[index[species]]
            change += stoich[:, None] * flux[None, :]
        return change.ravel()

    start = np.full((n_states, n_pairs), 1.0 / n_states)
    solution = solve_ivp(rhs, (0.0, t_end), start.ravel(), method="RK45", rtol=rtol, atol=atol,
                         t_eval=[t_end])
    if not solution.success:
        raise RuntimeError(f"{mechanism.name}: integration failed: {solution.message}")
    return solution.y[:, -1].reshape(n_states, n_pairs).T


def steady_states(mechanisms=None, *, grid_points: int = 50, max_concentration: float = 1.0,
                  t_end: float = 100.0) -> pd.DataFrame:
    """The active output of each mechanism on a ``grid_points`` x ``grid_points`` source grid.

    Returns a long table with columns ``mechanism, source_a, source_b, output``; the grid runs
    from 0 to ``max_concentration`` in both sources.
    """
    names = list(MECHANISMS) if mechanisms is None else list(mechanisms)
    levels = np.linspace(0.0, max_concentration, grid_points)
    grid_a, grid_b = np.meshgrid(levels, levels, indexing="ij")
    tables = []
    for name in names:
        mechanism = get_mechanism(name)
        final = simulate(mechanism, grid_a.ravel(), grid_b.ravel(), t_end=t_end)
        active = [mechanism.states.index(state) for state in mechanism.active]
        tables.append(pd.DataFrame({
            "mechanism": name,
            "source_a": grid_a.ravel(),
            "source_b": grid_b.ravel(),
            "output": final[:, active].sum(axis=1),
        }))
    return pd.concat(tables, ignore_index=True)


def interpolate_response(table: pd.DataFrame, mechanism: str, grid_points: int) -> pd.DataFrame:
    """Linearly interpolate one mechanism's steady-state grid onto a coarser or finer grid.

    ``table`` is the output of :func:`steady_states`; the new grid spans the same range.
    Returns ``source_a, source_b, output`` with ``grid_points**2`` rows.
    """
    rows = table[table["mechanism"] == mechanism]
    if rows.empty:
        raise ValueError(f"no steady states for mechanism {mechanism!r}")
    levels_a = np.unique(rows["source_a"].to_numpy())
    levels_b = np.unique(rows["source_b"].to_numpy())
    values = (rows.sort_values(["source_a", "source_b"])["output"].to_numpy()
              .reshape(levels_a.size, levels_b.size))
    interpolator = RegularGridInterpolator((levels_a, levels_b), values)
    new_a = np.linspace(levels_a[0], levels_a[-1], grid_points)
    new_b = np.linspace(levels_b[0], levels_b[-1], grid_points)
    grid_a, grid_b = np.meshgrid(new_a, new_b, indexing="ij")
    points = np.column_stack([grid_a.ravel(), grid_b.ravel()])
    return pd.DataFrame({"source_a": points[:, 0], "source_b": points[:, 1],
                         "output": interpolator(points)})
