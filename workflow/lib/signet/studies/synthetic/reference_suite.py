"""A suite of synthetic reference models on one network, built by different procedures, and
the table that describes each of them.

A member is a :class:`ReferenceSpec` (config ``synthetic.references``, a list of mappings).
``procedure: released`` takes a complete parameter table as it is (``parameters``: e.g. the
paper's own reference model, ``equationParams.txt`` of its release) and changes nothing.
The other members start either from the paper's objective (``procedure: objective``,
:func:`signet.studies.synthetic.reference_model.fit_reference_model`), from another member's
parameters (``base: NAME``), or from random weights (``procedure: random``: magnitudes
U(0.5, 1.5) with the prior's signs, unknown signs random, scaled to rho(A) = ``rho`` when
``rho_of: weights``, then every internal node's bias set by bisection so its mean state over
the check conditions is 0.25, the middle of MML's linear range). Then, in this order and only where the spec asks:

``saturated``  a constant added to the bias of every internal node so that this share of the
               (node, condition) states is in MML's saturating range (z > 0.5);
``rho``        all weights scaled so that the largest rho(T) at the steady states of the
               check conditions is this value;
``tf_means``   the TF nodes' biases tuned so each TF's mean over the check conditions is 0.5
               (``equal``) or a value spread evenly over [``spread_low``, ``spread_high``] in
               a seeded random order (``spread``);
and finally every member's weights are pulled under the spectral target (0.9404) if needed,
by scaling them all (``rho_pull`` scale, the default) or by Adam steps that keep the
outputs (``rho_pull: gradient``). An objective member may also set
``correlation_variance_eps``, the objective's form of the correlation terms (both in
:class:`~signet.studies.synthetic.reference_model.ReferenceSettings`).

:func:`describe_reference` gives the numbers of the suite's table: per-TF mean and sd over
test conditions, the shares of saturated and negative states, rho at the steady states, and
the Pearson r of the mean predictor (each TF's mean over a training draw of the paper's
protocol) on the test conditions.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import pandas as pd
import torch

from signet.errors import SignetInputError
from signet.eval.metrics import mean_predictor, pearson
from signet.spectral import spectral_radius, transition_matrix
from signet.spectral.eigen import REFERENCE_SETTINGS, eigen_settings, leading_eigen_arpack
from signet.studies.synthetic.conditions import random_conditions, simulate_training_data
from signet.studies.synthetic.reference_model import (
    ReferenceSettings,
    fit_reference_model,
    pull_rho,
)

__all__ = ["ReferenceSpec", "parse_suite", "build_reference", "steady_state_rhos",
           "loop_bounded_reference", "require_complete_table",
           "describe_reference", "suite_markdown"]

log = logging.getLogger("signet.reference_suite")

PROCEDURES = ("objective", "random", "released")
# what a released member may not ask for: it is the given table as it is
_RELEASED_EXCLUDES = ("base", "iterations", "saturated", "rho", "tf_means",
                      "correlation_variance_eps", "rho_pull")


@dataclass
class ReferenceSpec:
    """One member of the suite (see the module docstring)."""

    name: str
    procedure: str = "objective"
    base: str | None = None
    seed: int = 0
    iterations: int | None = None  # objective: None takes synthetic.reference.iterations
    saturated: float | None = None
    rho: float | None = None
    rho_of: str = "max"  # max or median of rho(T) over the check conditions, or weights: rho(A)
    tf_means: str | None = None
    spread_low: float = 0.15
    spread_high: float = 0.85
    check_conditions: int = 40
    parameters: str | None = None  # released: the parameter table (a path)
    # objective: C's variance floor (None: rows divided by their norm; see ReferenceSettings)
    correlation_variance_eps: float | None = None
    rho_pull: str | None = None  # the final pull: None or scale (weights scaled) or gradient
    description: str = ""

    @classmethod
    def from_dict(cls, values: dict, source=None) -> ReferenceSpec:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown or "name" not in values:
            raise SignetInputError(source, f"reference spec {values!r}: needs a name; unknown "
                                           f"field(s) {', '.join(unknown) or 'none'}; known: "
                                           f"{', '.join(sorted(known))}")
        spec = cls(**values)
        if spec.procedure not in PROCEDURES:
            raise SignetInputError(source, f"reference {spec.name!r}: procedure must be one of "
                                           f"{', '.join(PROCEDURES)}, not {spec.procedure!r}")
        if spec.tf_means not in (None, "equal", "spread"):
            raise SignetInputError(source, f"reference {spec.name!r}: tf_means must be equal "
                                           f"or spread, not {spec.tf_means!r}")
        if spec.saturated is not None and not 0 < spec.saturated < 1:
            raise SignetInputError(source, f"reference {spec.name!r}: saturated is a share "
                                           f"in (0, 1), not {spec.saturated!r}")
        if spec.rho_of not in ("max", "median", "weights"):
            raise SignetInputError(source, f"reference {spec.name!r}: rho_of must be max, "
                                           f"median or weights, not {spec.rho_of!r}")
        if spec.rho is not None and not 0 < spec.rho < 1:
            raise SignetInputError(source, f"reference {spec.name!r}: rho must be in (0, 1)")
        spec._check_objective_forms(source)
        spec._check_released(source)
        return spec

    def _check_objective_forms(self, source) -> None:
        """rho_pull is scale or gradient; correlation_variance_eps is a positive number, and
        only for a member that runs the objective."""
        if self.rho_pull not in (None, "scale", "gradient"):
            raise SignetInputError(source, f"reference {self.name!r}: rho_pull must be scale "
                                           f"or gradient, not {self.rho_pull!r}")
        eps = self.correlation_variance_eps
        if eps is None:
            return
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
            raise SignetInputError(source, f"reference {self.name!r}: correlation_variance_eps "
                                           f"must be a number > 0, not {eps!r}")
        if self.procedure != "objective" or self.base is not None:
            raise SignetInputError(source, f"reference {self.name!r}: correlation_variance_eps "
                                           "is a setting of the objective; only a member with "
                                           "procedure objective and no base runs it")

    def objective_settings(self, settings: ReferenceSettings) -> ReferenceSettings:
        """``settings`` with this member's forms of the objective's steps, where it names
        them (otherwise ``settings`` as they are)."""
        changes = {}
        if self.correlation_variance_eps is not None:
            changes["correlation_variance_eps"] = float(self.correlation_variance_eps)
        if self.rho_pull is not None:
            changes["rho_pull"] = self.rho_pull
        return replace(settings, **changes) if changes else settings

    def _check_released(self, source) -> None:
        """A released member names its table and asks for no building step; only it names
        a table."""
        if self.procedure != "released":
            if self.parameters is not None:
                raise SignetInputError(source, f"reference {self.name!r}: parameters is the "
                                               "table of a released member (procedure: "
                                               "released)")
            return
        if not self.parameters:
            raise SignetInputError(source, f"reference {self.name!r}: procedure released "
                                           "needs parameters (the table to use as it is)")
        steps = [key for key in _RELEASED_EXCLUDES if getattr(self, key) is not None]
        if steps:
            raise SignetInputError(source, f"reference {self.name!r}: a released member is its "
                                           f"table as it is; remove {', '.join(steps)}")

    def to_dict(self) -> dict:
        return asdict(self)


def parse_suite(entries, source=None) -> dict[str, ReferenceSpec]:
    """The suite as ``{name: spec}``; names are unique and every base is a member."""
    suite: dict[str, ReferenceSpec] = {}
    for entry in entries:
        spec = ReferenceSpec.from_dict(dict(entry), source)
        if spec.name in suite:
            raise SignetInputError(source, f"reference {spec.name!r} is named twice")
        suite[spec.name] = spec
    for spec in suite.values():
        if spec.base is not None and spec.base not in suite:
            raise SignetInputError(source, f"reference {spec.name!r}: base {spec.base!r} is "
                                           f"not a member ({', '.join(suite)})")
        if spec.base is not None and suite[spec.base].base is not None:
            raise SignetInputError(source, f"reference {spec.name!r}: its base must be built "
                                           f"from scratch (objective, random or released)")
    return suite


# ---- building ---------------------------------------------------------------------------
def _conditions(model, n, seed, ligands_per_sample=5):
    table = random_conditions(model.network.ligands, n, ligands_per_sample, seed=seed,
                              prefix="check")
    return torch.as_tensor(table.to_numpy(), dtype=model.dtype)


def internal_index(network) -> np.ndarray:
    """Positions of the nodes that are neither ligand nor TF."""
    position = {n: i for i, n in enumerate(network.nodes)}
    return np.array([position[n] for n in network.internal_nodes], dtype=np.int64)


@torch.no_grad()
def _states(model, u):
    _, x, _ = model(u)
    return x


@torch.no_grad()
def initialise_random(model, seed: int) -> None:
    """Random weights with the prior's signs (U(0.5, 1.5); random sign where unknown) and
    biases U(0, 0.1) (1 on nodes whose inputs all inhibit)."""
    generator = torch.Generator().manual_seed(seed)
    network = model.network
    magnitude = 0.5 + torch.rand(network.n_edges, generator=generator, dtype=torch.float64)
    sign = torch.as_tensor(network.signs, dtype=torch.float64)
    fill = torch.where(torch.rand(network.n_edges, generator=generator) < 0.5, -1.0, 1.0)
    weights = torch.where(sign == 0, fill.double(), sign) * magnitude
    model.weights.copy_((weights * (0.5 / spectral_radius(network, weights.numpy())))
                        .to(model.dtype))
    bias = 0.1 * torch.rand(network.n_nodes, generator=generator, dtype=torch.float64)
    bias[torch.as_tensor(network.only_inhibited())] = 1.0
    model.bias.copy_(bias.to(model.dtype))


@torch.no_grad()
def loop_bounded_reference(model, rho: float = 0.9, seed: int = 0,
                           check_conditions: int = 40, feedforward_gain: float = 1.0) -> dict:
    """A reference model for large networks whose ligand signals reach the TFs, with
    rho(T) < ``rho`` at every condition.

    Weights: the prior's signs (random where unknown) times U(0.5, 1.5) / sqrt(in-degree).
    Only the edges inside strongly connected components (the feedback loops) are then
    scaled, so that rho(|A|) = ``rho``: the spectrum of a block-triangular matrix is that of
    its diagonal blocks, so feed-forward edges keep their strength, and since every MML
    slope lies in [0, 1], |T| <= |A| entrywise and rho(T) <= rho(|A|) (Perron-Frobenius) at
    every condition. Scaling *all* weights to the bound instead (what a plain rho(|A|) = 0.9
    does) leaves weights of ~0.09 at 10 inputs a node and the TFs nearly constant (median
    sd 0.003 over test conditions at 1 000 nodes). ``feedforward_gain`` then multiplies the
    edges outside the loops (rho(|A|) stays as it is): at 19 000 nodes a gain of 1 leaves the
    TFs' median sd over conditions at 0.016 (the mean predictor's pooled r 0.998), 3 at 0.12
    (r 0.905). Biases: every internal node's mean state
    over ``check_conditions`` conditions at 0.25 (the middle of MML's linear range), the TFs'
    means spread over 0.15-0.85 (seeded order)."""
    import scipy.sparse
    from scipy.sparse.csgraph import connected_components

    network = model.network
    rng = np.random.default_rng(seed)
    sources, targets = np.asarray(network.sources), np.asarray(network.targets)
    indegree = np.bincount(targets, minlength=network.n_nodes)
    sign = np.asarray(network.signs, dtype=np.float64)
    sign = np.where(sign == 0, np.where(rng.random(network.n_edges) < 0.5, -1.0, 1.0), sign)
    weights = sign * rng.uniform(0.5, 1.5, network.n_edges) / np.sqrt(indegree[targets])
    graph = scipy.sparse.csr_matrix((np.ones(network.n_edges), (targets, sources)),
                                    shape=(network.n_nodes, network.n_nodes))
    _, label = connected_components(graph, directed=True, connection="strong")
    looped = label[sources] == label[targets]
    loop_rho = spectral_radius(network, np.where(looped, np.abs(weights), 0.0))
    # feed-forward edges lie outside every cycle, so their gain leaves rho(|A|) as it is
    loop_scale = rho / loop_rho if loop_rho > 0 else 1.0
    weights = weights * np.where(looped, loop_scale, feedforward_gain)
    model.weights.copy_(torch.as_tensor(weights, dtype=model.dtype))
    bound = spectral_radius(network, np.abs(weights))
    model.bias.fill_(0.1)
    u = _conditions(model, check_conditions, seed=10_000 + seed)
    internal = internal_index(network)
    tune_node_means(model, u, internal, np.full(len(internal), 0.25))
    n_tf = len(model.tf_index)
    targets_tf = rng.permutation(np.linspace(0.15, 0.85, n_tf))
    means = tune_tf_means(model, u, targets_tf)
    return {"rho_abs_A": float(bound), "looped_edges": int(looped.sum()),
            "tf_mean_error": float(np.abs(means - targets_tf).max())}


def steady_state_rhos(model, u) -> np.ndarray:
    """rho(diag(f'(z_ss)) A) at the steady state of every condition (exact eigen-solver)."""
    x = _states(model, u)
    slopes = model.solver.activation.slope_from_output(x).numpy()
    w = model.weights.detach().numpy()
    # ARPACK: the same rho as dense LAPACK (to ~1e-14 on KEGG) at 1/50 of the time, as only
    # the eigenvalue is needed
    return np.array([leading_eigen_arpack(transition_matrix(model.network, w, s)).rho
                     for s in slopes])


@torch.no_grad()
def saturate(model, u, share: float, rounds: int = 40) -> float:
    """Add one constant to the internal nodes' biases (bisection) so that ``share`` of the
    internal states are above 0.5; returns the share reached."""
    internal = torch.as_tensor(internal_index(model.network))
    base = model.bias.detach().clone()

    def reached(shift):
        model.bias.copy_(base)
        model.bias[internal] += shift
        return float((_states(model, u)[:, internal] > 0.5).double().mean())

    low, high = -2.0, 2.0
    for _ in range(rounds):
        mid = (low + high) / 2
        if reached(mid) < share:
            low = mid
        else:
            high = mid
    return reached(high)


def _rho_statistic(model, u, statistic: str = "max", steps: int = 3000) -> float:
    """Largest (or median) rho(T) over ``u`` at the converged steady states; inf when a
    forward solve has not converged after ``steps`` steps (an unstable model).

    The solve runs up to ``steps`` (not the study's 150): at rho 0.934 an error shrinks by
    1e-6 only after ~200 steps, so a 150-step cap would call a slow but stable model
    unstable (the first builds of ``rho-high`` then scaled its base *down*)."""
    cap = model.solver.steps
    model.solver.steps = max(cap, int(steps))
    try:
        _, _, info = model(u)
        if info.steps >= model.solver.steps and not info.residual < model.solver.tol:
            return float("inf")
        rhos = steady_state_rhos(model, u)
    finally:
        model.solver.steps = cap
    return float(rhos.max() if statistic == "max" else np.median(rhos))


@torch.no_grad()
def scale_to_rho(model, u, target: float, statistic: str = "max", rounds: int = 14,
                 tolerance: float = 3e-3) -> float:
    """Scale all weights so that the largest (``statistic`` max) or median rho(T) over ``u``
    is ``target`` within ``tolerance``: bracket the scale by factors of 1.25, then bisect
    (rho need not be monotone in the scale; bisection finds a crossing; an unconverged solve
    counts as above). Returns the statistic reached (the stable side of the bracket when no
    crossing is within the tolerance)."""
    base = model.weights.detach().clone()

    def rho_at(scale):
        model.weights.copy_(base * scale)
        return _rho_statistic(model, u, statistic)

    rho = rho_at(1.0)
    if abs(rho - target) < tolerance:
        return rho
    low, high = (1.0, None) if rho < target else (None, 1.0)
    scale, factor = 1.0, (1.25 if rho < target else 1 / 1.25)
    while low is None or high is None:
        scale *= factor
        if not 1e-3 < scale < 1e3:
            return rho_at(low if low is not None else scale)
        rho = rho_at(scale)
        if abs(rho - target) < tolerance:
            return rho
        if rho < target:
            low = scale
        else:
            high = scale
    for _ in range(rounds):
        mid = (low + high) / 2
        rho = rho_at(mid)
        if abs(rho - target) < tolerance:
            return rho
        if rho < target:
            low = mid
        else:
            high = mid
    return rho_at(low)


@torch.no_grad()
def tune_tf_means(model, u, targets: np.ndarray, rounds: int = 40,
                  width: float = 4.0) -> np.ndarray:
    """Bisection on each TF node's bias, all TFs at once, towards per-TF mean targets over
    the conditions ``u`` (a TF's mean rises with its own bias; TFs that feed other TFs make
    this approximate, hence the check of the result). Returns the means reached."""
    return tune_node_means(model, u, model.tf_index, targets, rounds, width)


@torch.no_grad()
def tune_node_means(model, u, nodes, targets, rounds: int = 40,
                    width: float = 4.0) -> np.ndarray:
    """:func:`tune_tf_means` for any set of node positions."""
    tf = torch.as_tensor(nodes)
    targets = torch.as_tensor(targets, dtype=model.dtype)
    low = model.bias[tf].detach().clone() - width
    high = model.bias[tf].detach().clone() + width
    for _ in range(rounds):
        mid = (low + high) / 2
        model.bias[tf] = mid
        means = _states(model, u)[:, tf].mean(dim=0)
        below = means < targets
        low = torch.where(below, mid, low)
        high = torch.where(below, high, mid)
    model.bias[tf] = (low + high) / 2
    return _states(model, u)[:, tf].mean(dim=0).numpy()


def require_complete_table(network, table: pd.DataFrame, path=None) -> None:
    """A parameter table gives every weight, bias, input scale and projection of ``network``
    exactly once; otherwise one :class:`SignetInputError` names the file, how many of each
    kind are missing or repeated, and the first of them."""
    expected = {
        "Weight": {(network.nodes[s], network.nodes[t])
                   for s, t in zip(network.sources, network.targets)},
        "Bias": {(node, "") for node in network.nodes},
        "Input": {(node, "") for node in network.ligands},
        "Projection": {(node, "") for node in network.tfs},
    }
    problems, first = [], None
    for kind, wanted in expected.items():
        rows = table[table["Type"] == kind]
        targets = rows["Target"] if kind == "Weight" else [""] * len(rows)
        counts = Counter(zip(rows["Source"], targets))
        missing = sorted(wanted - set(counts))
        repeated = sorted(key for key, count in counts.items() if count > 1)
        for what, found in (("missing", missing), ("given twice", repeated)):
            if found:
                problems.append(f"{len(found)} of {len(wanted)} {kind} rows {what}")
                first = first or f"{kind} {' -> '.join(part for part in found[0] if part)}"
    if problems:
        raise SignetInputError(path, f"expected a complete parameter table of the network "
                                     f"(one row per weight, bias, input scale and projection): "
                                     f"{'; '.join(problems)} (first: {first})")


def build_reference(model, spec: ReferenceSpec, settings: ReferenceSettings,
                    base_parameters: pd.DataFrame | None = None) -> dict:
    """Build ``spec`` into ``model`` (in place); returns what each step reached.

    ``settings`` are the objective's (with ``iterations`` already set); ``base_parameters``
    the base member's table when ``spec.base`` is set, or the member's own table when it is
    released (``procedure: released``: loaded as it is, after
    :func:`require_complete_table`; nothing is tuned or pulled). The eigen-solver runs with
    ``REFERENCE_SETTINGS`` (signet.spectral.eigen): a reference model is the data a study is
    measured on, and it must not move when the training solver is tuned (the suite of
    docs/reference-suite.md rebuilds bitwise).
    """
    with eigen_settings(**REFERENCE_SETTINGS):
        return _build_reference(model, spec, settings, base_parameters)


def _build_reference(model, spec, settings, base_parameters) -> dict:
    notes: dict = {"name": spec.name}
    settings = spec.objective_settings(settings)
    if spec.procedure == "released":
        if base_parameters is None:
            raise ValueError(f"reference {spec.name!r} needs its table ({spec.parameters})")
        path = base_parameters.attrs.get("path", spec.parameters)
        require_complete_table(model.network, base_parameters, path)
        model.load_parameters_table(base_parameters, path=path)
        notes["parameters"] = str(path)
        log.info("reference %s: %s as it is", spec.name, path)
        return notes
    if spec.base is not None:
        if base_parameters is None:
            raise ValueError(f"reference {spec.name!r} needs the parameters of {spec.base!r}")
        model.load_parameters_table(base_parameters)
    elif spec.procedure == "objective":
        history = fit_reference_model(model, settings, seed=spec.seed)
        notes["objective_final"] = float(history["loss"].dropna().iloc[-1])
    else:
        initialise_random(model, spec.seed)
        if spec.rho is not None and spec.rho_of == "weights":
            with torch.no_grad():
                model.weights.mul_(spec.rho / spectral_radius(model.network, model.weights))
        # every internal node's mean state to the middle of MML's linear range (0.25), so
        # that signals pass instead of dying in the leak or saturating range
        u0 = _conditions(model, spec.check_conditions, seed=10_000 + spec.seed)
        internal = internal_index(model.network)
        tune_node_means(model, u0, internal, np.full(len(internal), 0.25))
    u = _conditions(model, spec.check_conditions, seed=10_000 + spec.seed)
    if spec.saturated is not None:
        notes["saturated_reached"] = saturate(model, u, spec.saturated)
    if spec.rho is not None and spec.rho_of == "weights":
        with torch.no_grad():
            model.weights.mul_(spec.rho / spectral_radius(model.network, model.weights))
        notes["rho_reached"] = spectral_radius(model.network, model.weights)
    elif spec.rho is not None:
        notes["rho_reached"] = scale_to_rho(model, u, spec.rho, spec.rho_of)
    if spec.tf_means is not None:
        n_tf = len(model.tf_index)
        if spec.tf_means == "equal":
            targets = np.full(n_tf, 0.5)
        else:
            targets = np.linspace(spec.spread_low, spec.spread_high, n_tf)
            targets = np.random.default_rng(spec.seed).permutation(targets)
        means = tune_tf_means(model, u, targets)
        notes["tf_mean_error"] = float(np.abs(means - targets).max())
    pulled = pull_rho(model, u, settings)
    notes["final_max_rho"], notes["pull_rounds"] = pulled["rho"], pulled["scaling_rounds"]
    if "pull_steps" in pulled:
        notes["pull_steps"] = pulled["pull_steps"]
    log.info("reference %s built: %s", spec.name, notes)
    return notes


# ---- describing -------------------------------------------------------------------------
def describe_reference(model, name: str, test: int = 1000, test_seed: int = 3,
                       train_samples: int = 400, train_ligands: int = 5, train_seed: int = 1,
                       rho_conditions: int = 200) -> tuple[dict, pd.DataFrame]:
    """The suite table's row for one member and its per-TF table (mean, sd over the test
    conditions).

    Test conditions: ``test`` random conditions of 5 ligands (seed ``test_seed``), as the
    sweep's test set; rho over the first ``rho_conditions`` of them; the mean predictor
    takes each TF's mean over a training draw (``train_samples`` x ``train_ligands``, the
    paper's protocol, seed ``train_seed``).
    """
    network = model.network
    ligands = random_conditions(network.ligands, test, 5, seed=test_seed)
    tfs, states = model.simulate(ligands)
    x = states.to_numpy()
    internal = internal_index(network)
    u = torch.as_tensor(ligands.to_numpy()[:rho_conditions], dtype=model.dtype)
    rhos = steady_state_rhos(model, u)
    _, train_tfs = simulate_training_data(model, train_samples, train_ligands, train_seed)
    mean_r = pearson(mean_predictor(train_tfs, ligands), tfs)
    per_tf = pd.DataFrame({"tf": tfs.columns, "mean": tfs.mean(axis=0).to_numpy(),
                           "sd": tfs.std(axis=0).to_numpy()})
    row = {
        "reference": name,
        "tf_mean_median": float(per_tf["mean"].median()),
        "tf_mean_sd": float(per_tf["mean"].std()),
        "tf_mean_min": float(per_tf["mean"].min()),
        "tf_mean_max": float(per_tf["mean"].max()),
        "tf_sd_median": float(per_tf["sd"].median()),
        "tf_constant": int((per_tf["sd"] < 1e-3).sum()),
        "saturated_share": float((x > 0.5).mean()),
        "negative_share": float((x < 0).mean()),
        "internal_saturated_share": float((x[:, internal] > 0.5).mean()),
        "internal_negative_share": float((x[:, internal] < 0).mean()),
        "rho_min": float(rhos.min()),
        "rho_median": float(np.median(rhos)),
        "rho_max": float(rhos.max()),
        "mean_predictor_r": float(mean_r),
    }
    return row, per_tf


def suite_markdown(summary: pd.DataFrame, per_tf: dict[str, pd.DataFrame],
                   specs: dict[str, ReferenceSpec]) -> str:
    """The suite's tables as markdown: one overview row per member, then per-TF tables."""
    lines = ["| member | how it is built | TF mean: median (sd over TFs) [min, max] | "
             "TF sd: median | constant TFs | saturated | negative | internal saturated | "
             "internal negative | rho at steady states: min / median / max | "
             "mean-predictor r |", "|" + "---|" * 11]
    for row in summary.itertuples(index=False):
        spec = specs.get(row.reference)
        how = spec.description if spec is not None and spec.description else ""
        lines.append(
            f"| {row.reference} | {how} | {row.tf_mean_median:.3f} ({row.tf_mean_sd:.3f}) "
            f"[{row.tf_mean_min:.3f}, {row.tf_mean_max:.3f}] | {row.tf_sd_median:.3f} | "
            f"{row.tf_constant} | {row.saturated_share:.3f} | {row.negative_share:.3f} | "
            f"{row.internal_saturated_share:.3f} | {row.internal_negative_share:.3f} | "
            f"{row.rho_min:.3f} / {row.rho_median:.3f} / {row.rho_max:.3f} | "
            f"{row.mean_predictor_r:.3f} |")
    for name, table in per_tf.items():
        lines += ["", f"### {name}: per-TF mean and sd over the test conditions", "",
                  "| TF | mean | sd | TF | mean | sd | TF | mean | sd |", "|" + "---|" * 9]
        rows = list(table.itertuples(index=False))
        third = -(-len(rows) // 3)
        for i in range(third):
            cells = []
            for part in range(3):
                j = i + part * third
                cells += ([str(rows[j].tf), f"{rows[j].mean:.3f}", f"{rows[j].sd:.3f}"]
                          if j < len(rows) else ["", "", ""])
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
