"""The reference-model suite: spec parsing and the tuning steps, each checked with an
independent reference (states by the unrolled dense iteration of tests/helpers.py, rho by
numpy's dense eigenvalues, the mean predictor's r by a plain numpy formula)."""

import numpy as np
import pandas as pd
import pytest
import torch
from helpers import dense_matrix, unrolled_steady_state
from signet.core.activations import get_activation
from signet.core.model import SignalingModel
from signet.core.network import Network
from signet.errors import SignetInputError
from signet.studies.synthetic.random_network import random_network, signaling_network
from signet.studies.synthetic.reference_model import ReferenceSettings
from signet.studies.synthetic.reference_suite import (
    ReferenceSpec,
    _conditions,
    build_reference,
    describe_reference,
    internal_index,
    loop_bounded_reference,
    parse_suite,
    saturate,
    scale_to_rho,
    suite_markdown,
    tune_tf_means,
)

MML = get_activation("MML")


def _model(seed=0):
    table, annotation = random_network(60, 2.5, seed=seed, feedback_fraction=0.3)
    network = Network.from_tables(table, annotation)
    return SignalingModel(network, seed=seed, init_rho=0.9)


def _u(model, n=12, seed=0):
    return 0.3 * torch.rand(n, len(model.network.ligands),
                            generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _unrolled_states(model, u):
    bias = (model.bias + model.input_bias(u)).detach()
    return unrolled_steady_state(model.network, model.weights.detach(), bias, MML, 2000)


def test_suite_specs_are_checked():
    suite = parse_suite([{"name": "a"}, {"name": "b", "base": "a", "tf_means": "equal"}])
    assert list(suite) == ["a", "b"] and suite["b"].tf_means == "equal"
    bad = [[{"name": "a", "colour": 1}], [{"name": "a"}, {"name": "a"}],
           [{"name": "b", "base": "missing"}], [{"name": "a", "procedure": "magic"}],
           [{"name": "a", "tf_means": "tilted"}], [{"name": "a", "saturated": 1.5}],
           [{"name": "a"}, {"name": "b", "base": "a"}, {"name": "c", "base": "b"}],
           [{"name": "a", "rho_of": "min"}]]
    for entries in bad:
        with pytest.raises(SignetInputError):
            parse_suite(entries)


def test_tf_means_reach_their_targets():
    """Each TF's mean over the conditions, recomputed by the unrolled dense iteration, is
    within 1e-3 of its target."""
    model = _model()
    u = _u(model)
    targets = np.linspace(0.2, 0.8, len(model.tf_index))
    tune_tf_means(model, u, targets)
    means = _unrolled_states(model, u)[:, model.tf_index].mean(dim=0).numpy()
    np.testing.assert_allclose(means, targets, atol=1e-3)


def test_saturate_reaches_the_share_of_internal_states_above_half():
    model = _model(1)
    u = _u(model)
    reached = saturate(model, u, 0.6)
    x = _unrolled_states(model, u)[:, internal_index(model.network)].numpy()
    assert (x > 0.5).mean() == pytest.approx(reached, abs=1e-12)
    assert abs(reached - 0.6) < 0.05


def test_scale_to_rho_hits_the_largest_steady_state_rho():
    """Largest rho(diag(f'(z)) A) over the conditions, with z from the unrolled iteration and
    rho from numpy's dense eigenvalues, is the target within the tolerance."""
    model = _model(2)
    u = _u(model)
    scale_to_rho(model, u, 0.85, tolerance=3e-3)
    x = _unrolled_states(model, u)
    A = dense_matrix(model.network, model.weights.detach()).numpy()
    slopes = MML.slope_from_output(x).numpy()
    rhos = [np.abs(np.linalg.eigvals(s[:, None] * A)).max() for s in slopes]
    assert max(rhos) == pytest.approx(0.85, abs=3e-3)


def test_random_member_and_its_table():
    """A member of the random procedure: rho(A) is the target (numpy eigenvalues), the TF
    means are spread, and the table's shares and mean-predictor r agree with plain numpy."""
    model = _model(3)
    spec = ReferenceSpec.from_dict({"name": "random", "procedure": "random", "seed": 4,
                                    "rho": 0.9, "rho_of": "weights", "tf_means": "spread",
                                    "check_conditions": 10})
    notes = build_reference(model, spec, ReferenceSettings(iterations=0))
    A = dense_matrix(model.network, model.weights.detach()).numpy()
    assert np.abs(np.linalg.eigvals(A)).max() == pytest.approx(0.9, abs=1e-9) or \
        notes["pull_rounds"] > 0
    row, per_tf = describe_reference(model, "random", test=50, rho_conditions=5,
                                     train_samples=20, train_ligands=2)
    from signet.studies.synthetic.conditions import random_conditions, simulate_training_data
    test = random_conditions(model.network.ligands, 50, 5, seed=3)
    x = _unrolled_states(model, torch.as_tensor(test.to_numpy())).numpy()
    assert row["saturated_share"] == pytest.approx((x > 0.5).mean(), abs=1e-12)
    assert row["negative_share"] == pytest.approx((x < 0).mean(), abs=1e-12)
    y = x[:, np.asarray(model.tf_index)] * model.projection.detach().numpy()
    np.testing.assert_allclose(per_tf["mean"], y.mean(axis=0), atol=1e-6)
    _, train = simulate_training_data(model, 20, 2, 1)
    predicted = np.tile(train.to_numpy().mean(axis=0), (50, 1))
    r = np.corrcoef(predicted.ravel(), y.ravel())[0, 1]
    assert row["mean_predictor_r"] == pytest.approx(r, abs=1e-6)
    assert row["tf_mean_max"] - row["tf_mean_min"] > 0.3
    text = suite_markdown(pd.DataFrame([row]), {"random": per_tf}, {"random": spec})
    assert text.count("\n| random |") == 1


def test_loop_bounded_reference_bounds_rho_and_keeps_feed_forward_weights():
    """rho(|A|) by numpy's dense eigenvalues is the target; edges outside every loop keep
    U(0.5, 1.5) / sqrt(in-degree) with the prior's sign; rho(T) at unrolled steady states
    stays below the bound; TF means are spread as asked (checked on unrolled states)."""
    table, annotation = signaling_network(300, 4.0, seed=2, feedback_fraction=0.3)
    network = Network.from_tables(table, annotation)
    model = SignalingModel(network, seed=0, init_rho=0.9)
    notes = loop_bounded_reference(model, rho=0.9, seed=5, check_conditions=30)
    w = model.weights.detach()
    A = dense_matrix(network, w.abs()).numpy()
    assert np.abs(np.linalg.eigvals(A)).max() == pytest.approx(0.9, rel=1e-6)
    assert notes["rho_abs_A"] == pytest.approx(0.9, rel=1e-6)
    # an edge i -> j lies on a loop iff j reaches i: transitive closure by repeated squaring
    reach = (A > 0).astype(np.int64) + np.eye(network.n_nodes, dtype=np.int64)
    for _ in range(10):
        reach = ((reach @ reach) > 0).astype(np.int64)
    src, tgt = np.asarray(network.sources), np.asarray(network.targets)
    on_loop = reach[src, tgt] > 0          # reach[a, b]: b reaches a (rows are targets)
    assert 0 < on_loop.sum() == notes["looped_edges"] < network.n_edges
    indegree = np.bincount(tgt, minlength=network.n_nodes)[tgt]
    scale = w.numpy() * np.sqrt(indegree)
    ff = ~on_loop
    assert np.all((np.abs(scale[ff]) >= 0.5) & (np.abs(scale[ff]) <= 1.5))
    prior = np.asarray(network.signs)
    assert np.all(np.sign(w.numpy())[prior != 0] == prior[prior != 0])
    u = _u(model, 20, seed=9)
    x = _unrolled_states(model, u)
    slope = MML.slope_from_output(x).numpy()
    Aw = dense_matrix(network, w).numpy()
    rhos = [np.abs(np.linalg.eigvals(slope[k][:, None] * Aw)).max() for k in range(len(u))]
    assert max(rhos) < 0.9
    check = _conditions(model, 30, seed=10_000 + 5)
    means = _unrolled_states(model, check)[:, model.tf_index].mean(0).numpy()
    assert np.sort(means) == pytest.approx(np.linspace(0.15, 0.85, len(means)), abs=0.03)


def test_loop_bounded_reference_feedforward_gain_scales_only_edges_off_loops():
    """feedforward_gain multiplies the edges outside every loop (found here by a transitive
    closure, not by the code's strongly connected components) and leaves the looped edges and
    rho(|A|) (numpy's dense eigenvalues) as they are."""
    table, annotation = signaling_network(300, 4.0, seed=2, feedback_fraction=0.3)
    network = Network.from_tables(table, annotation)
    weights = {}
    for gain in (1.0, 2.5):
        model = SignalingModel(network, seed=0, init_rho=0.9)
        loop_bounded_reference(model, rho=0.9, seed=5, check_conditions=10,
                               feedforward_gain=gain)
        weights[gain] = model.weights.detach().numpy().copy()
    A = dense_matrix(network, torch.as_tensor(np.abs(weights[2.5]))).numpy()
    assert np.abs(np.linalg.eigvals(A)).max() == pytest.approx(0.9, rel=1e-6)
    reach = (A > 0).astype(np.int64) + np.eye(network.n_nodes, dtype=np.int64)
    for _ in range(10):
        reach = ((reach @ reach) > 0).astype(np.int64)
    on_loop = reach[np.asarray(network.sources), np.asarray(network.targets)] > 0
    assert 0 < on_loop.sum() < network.n_edges
    np.testing.assert_array_equal(weights[2.5][on_loop], weights[1.0][on_loop])
    np.testing.assert_allclose(weights[2.5][~on_loop], 2.5 * weights[1.0][~on_loop],
                               rtol=1e-15)


def test_reference_builds_run_with_the_pinned_eigen_settings(monkeypatch):
    """Reference models are the data the studies are measured on: their build runs with
    REFERENCE_SETTINGS (the eigen settings they were made with), whatever the training
    solver's present ones, and the present ones are back afterwards, also after an error."""
    import signet.spectral.eigen as eigen
    from signet.studies.synthetic import reference_suite
    from signet.studies.synthetic.reference_model import fit_reference_model

    seen = []
    original = eigen.leading_eigen_arpack

    def recording(*args, **kwargs):
        seen.append((eigen.ARPACK_NCV, eigen.ARPACK_MAXITER, eigen.EXTRA_ROUNDS,
                     eigen.ORTHONORMALISE_EVERY))
        return original(*args, **kwargs)

    from signet.studies.synthetic import reference_model
    for module in (eigen, reference_suite, reference_model):
        monkeypatch.setattr(module, "leading_eigen_arpack", recording)
    present = (eigen.ARPACK_NCV, eigen.ARPACK_MAXITER, eigen.EXTRA_ROUNDS,
               eigen.ORTHONORMALISE_EVERY)
    assert present == (40, 300, 12, 8)
    pinned = (eigen.REFERENCE_SETTINGS["arpack_ncv"], eigen.REFERENCE_SETTINGS["arpack_maxiter"],
              eigen.REFERENCE_SETTINGS["extra_rounds"],
              eigen.REFERENCE_SETTINGS["orthonormalise_every"])
    model = _model(3)
    spec = ReferenceSpec.from_dict({"name": "r", "procedure": "random", "seed": 4, "rho": 0.9,
                                    "rho_of": "weights", "tf_means": "spread",
                                    "check_conditions": 10})
    build_reference(model, spec, ReferenceSettings(iterations=0))
    fit_reference_model(_model(6), ReferenceSettings(iterations=3, conditions=4,
                                                     check_conditions=4))
    assert seen and set(seen) == {pinned}
    assert (eigen.ARPACK_NCV, eigen.ARPACK_MAXITER, eigen.EXTRA_ROUNDS,
            eigen.ORTHONORMALISE_EVERY) == present
    with pytest.raises(RuntimeError):
        with eigen.eigen_settings(**eigen.REFERENCE_SETTINGS):
            raise RuntimeError
    assert (eigen.ARPACK_NCV, eigen.ARPACK_MAXITER, eigen.EXTRA_ROUNDS,
            eigen.ORTHONORMALISE_EVERY) == present


def test_objective_forms_are_checked_and_reach_the_settings():
    """correlation_variance_eps (a number > 0, objective members without a base only) and
    rho_pull (scale or gradient) become the member's ReferenceSettings; a member naming
    neither gets the given settings object itself (its build is the former one)."""
    suite = parse_suite([
        {"name": "paper", "correlation_variance_eps": 1e-6, "rho_pull": "gradient"},
        {"name": "plain"}, {"name": "tuned", "base": "paper", "rho_pull": "gradient"}])
    given = ReferenceSettings(iterations=7)
    paper = suite["paper"].objective_settings(given)
    assert (paper.correlation_variance_eps, paper.rho_pull, paper.iterations) == \
        (1e-6, "gradient", 7)
    assert suite["plain"].objective_settings(given) is given
    assert suite["tuned"].objective_settings(given).rho_pull == "gradient"
    bad = [{"name": "r", "rho_pull": "shrink"},
           {"name": "r", "correlation_variance_eps": 0},
           {"name": "r", "correlation_variance_eps": "small"},
           {"name": "r", "procedure": "random", "correlation_variance_eps": 1e-6},
           {"name": "r", "procedure": "released", "parameters": "p.tsv", "rho_pull": "gradient"}]
    for entry in bad:
        with pytest.raises(SignetInputError, match="'r'"):
            parse_suite([entry])
    with pytest.raises(SignetInputError, match="'r'"):
        parse_suite([{"name": "a"}, {"name": "r", "base": "a", "correlation_variance_eps": 1e-6}])


def _loop_member_table():
    """L -> B <-> C -> T (loop weights 0.96, L -> B 0.01, C -> T 1; bias 0.01 on B): at any
    concentration of L, B = (0.01 + 0.01 u) / (1 - 0.96^2) <= 0.26 and C = 0.96 B stay in
    MML's linear range, so rho(T) = 0.96 at every condition, above the target 0.9404."""
    edges = pd.DataFrame({"source": ["L", "B", "C", "C"], "target": ["B", "C", "B", "T"],
                          "stimulation": [1] * 4, "inhibition": [0] * 4})
    annotation = pd.DataFrame({"code": ["L", "B", "C", "T"], "name": ["L", "B", "C", "T"],
                               "TF": [False, False, False, True],
                               "ligand": [True, False, False, False]})
    network = Network.from_tables(edges, annotation)
    model = SignalingModel(network, steps=3000, tol=1e-14)
    value = {("L", "B"): 0.01, ("B", "C"): 0.96, ("C", "B"): 0.96, ("C", "T"): 1.0}
    with torch.no_grad():
        for e, (source, target) in enumerate(zip(network.sources, network.targets)):
            model.weights[e] = value[(network.nodes[source], network.nodes[target])]
        model.bias.zero_()
        model.bias[list(network.nodes).index("B")] = 0.01
    return network, model.parameters_table()


def test_gradient_pull_member_ends_under_the_target_with_prior_signs():
    """A member on top of the loop table with rho_pull gradient: Adam steps (no scaling
    round) bring rho(T) under the target at its check conditions (numpy eigenvalues at the
    unrolled steady states), with no weight against its prior sign."""
    network, table = _loop_member_table()
    model = SignalingModel(network, steps=3000, tol=1e-14)
    spec = ReferenceSpec.from_dict({"name": "g", "base": "loop", "check_conditions": 10,
                                    "rho_pull": "gradient"})
    notes = build_reference(model, spec, ReferenceSettings(iterations=0), base_parameters=table)
    assert notes["pull_steps"] > 0 and notes["pull_rounds"] == 0
    u = _conditions(model, 10, seed=10_000)
    x = _unrolled_states(model, u)
    A = dense_matrix(network, model.weights.detach()).numpy()
    slope = MML.slope_from_output(x).numpy()
    rhos = [np.abs(np.linalg.eigvals(s[:, None] * A)).max() for s in slope]
    assert max(rhos) < ReferenceSettings().rho_target
    assert notes["final_max_rho"] == pytest.approx(max(rhos), abs=1e-6)
    assert int(((model.signs * model.weights) < 0).sum()) == 0


# ---- the released procedure: a given table as it is --------------------------------------
def test_released_member_specs_are_checked():
    """A released member names its table and asks for no building step; no other member
    names a table."""
    suite = parse_suite([{"name": "released", "procedure": "released",
                          "parameters": "paper-release:synthetic/equationParams.txt"},
                         {"name": "on-top", "base": "released", "tf_means": "equal"}])
    assert suite["released"].parameters == "paper-release:synthetic/equationParams.txt"
    bad = [{"name": "r", "procedure": "released"},
           {"name": "r", "procedure": "released", "parameters": "p.tsv", "tf_means": "equal"},
           {"name": "r", "procedure": "released", "parameters": "p.tsv", "rho": 0.9},
           {"name": "r", "procedure": "objective", "parameters": "p.tsv"}]
    for entry in bad:
        with pytest.raises(SignetInputError, match="'r'"):
            parse_suite([entry])


def _loud_table(model, seed=5):
    """A complete table: a random member's, its weights x 3 (rho(A) 1.5) and projections
    0.7, values no building step leaves as they are."""
    build_reference(model, ReferenceSpec(name="base", procedure="random", seed=seed),
                    ReferenceSettings(iterations=0))
    table = model.parameters_table()
    weights = table["Type"] == "Weight"
    table.loc[weights, "Value"] = 3.0 * table.loc[weights, "Value"]
    table.loc[table["Type"] == "Projection", "Value"] = 0.7
    return table


def test_released_member_is_its_table_as_it_is():
    """Every value of the built member equals the given table's (compared row by row with
    pandas): nothing is tuned, scaled or pulled."""
    table = _loud_table(_model(3))
    model = _model(3)
    notes = build_reference(model, ReferenceSpec(name="released", procedure="released",
                                                 parameters="given.tsv"),
                            ReferenceSettings(iterations=0), base_parameters=table)
    assert notes == {"name": "released", "parameters": "given.tsv"}
    merged = table.merge(model.parameters_table(), on=["Source", "Target", "Type"],
                         how="outer", validate="one_to_one")
    assert len(merged) == len(table)
    assert (merged["Value_x"] == merged["Value_y"]).all()


@pytest.mark.parametrize("change, what", [
    (lambda t: t.drop(index=t.index[t["Type"] == "Weight"][:2]), "2 of"),
    (lambda t: t[t["Type"] != "Projection"], "Projection rows missing"),
    (lambda t: pd.concat([t, t[t["Type"] == "Bias"].head(1)]), "1 of"),
])
def test_incomplete_released_table_is_one_line_naming_the_file(change, what):
    model = _model(3)
    table = change(_loud_table(_model(3)))
    table.attrs["path"] = "given.tsv"
    with pytest.raises(SignetInputError) as err:
        build_reference(model, ReferenceSpec(name="released", procedure="released",
                                             parameters="given.tsv"),
                        ReferenceSettings(iterations=0), base_parameters=table)
    message = str(err.value)
    assert message.startswith("given.tsv: expected a complete parameter table")
    assert what in message and "\n" not in message
