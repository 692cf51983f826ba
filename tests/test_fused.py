"""The fused CPU batch step (no autograd) against the autograd path it replaces on the CPU:
every loss term's value and every parameter gradient of one batch, training over several
epochs, the compiled Adam step against torch's, and the compiled state-cache update against
its torch version. The autograd path is the reference: its terms are plain torch
expressions (tests/test_core_references.py checks them against the method's formulas)."""

import numpy as np
import pytest
import torch
from signet.core import regularizers as reg
from signet.core.network import Network
from signet.solver import kernels
from signet.spectral import SpectralTerm
from signet.studies.synthetic.conditions import training_conditions
from signet.studies.synthetic.random_network import random_network
from signet.training import PRESETS, model_from_recipe, train
from signet.training.fused import adam_step, fused_batch
from signet.training.loop import _batch_losses, _capped, align_data


def _problem(seed=0, conditions=12, nodes=60):
    table, annotation = random_network(nodes, 3.0, seed=seed)
    network = Network.from_tables(table, annotation)
    ligands = training_conditions(network.ligands, conditions, 2, seed=seed)
    reference = model_from_recipe(network, PRESETS["paper"], seed=99)
    tfs, _ = reference.simulate(ligands)
    return network, ligands, tfs


CASES = {
    "paper": {},
    "macrophage": {"preset": "macrophage"},  # trainable projection, other coefficients
    "reference barrier, regularisation only": {"spectral_form": "reference", "fit": 0.0},
    "no noise (ties in the state extremes)": {"noise": 0.0},
    "no uniformity": {"uniformity": 0.0},
    "capped solve, rho at every sample": {"steps": 3, "spectral_on_cap": True},
    "rho gradient scaled to unit norm": {"spectral_max_norm": 1e-6},
}


def _one_batch(recipe, path, model, u, y, cols, index, states, lr=1e-3):
    cache = reg.StateCache(states)
    term = SpectralTerm(model.network, method="exact", max_norm=recipe.spectral_max_norm)
    generator = torch.Generator().manual_seed(3)
    model.zero_grad(set_to_none=True)
    if path == "autograd":
        loss, terms, x, info = _batch_losses(model, recipe, u, y, cols, index, cache, term,
                                             generator, lr, True)
        loss.backward()
        terms = {k: float(v.detach()) for k, v in terms.items()}
    else:
        terms, x, info = fused_batch(model, recipe, u, y, cols, index, cache, term, generator,
                                     lr, True, lambda i: _capped(i, recipe, model.steps))
    grads = {name: None if p.grad is None else p.grad.clone()
             for name, p in model.named_parameters()}
    return terms, grads, x.detach().clone(), info, generator.get_state()


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_batch_equals_autograd(case):
    settings = dict(CASES[case])
    recipe = PRESETS[settings.pop("preset", "paper")].replace(**settings)
    network, ligands, tfs = _problem(seed=1)
    model = model_from_recipe(network, recipe, seed=0)
    if case == "macrophage":
        model.input_scale.requires_grad_(True)  # input scales trainable too
    with torch.no_grad():  # move off the initial values so that every term has a gradient
        model.projection.mul_(1.1)
        model.weights[::7] *= -1
    u, y, cols, _ = align_data(model, ligands, tfs)
    with torch.no_grad():
        _, states, _ = model(u)
    index = torch.tensor([7, 2, 9, 4, 0])
    reference = _one_batch(recipe, "autograd", model, u, y, cols, index, states)
    fused = _one_batch(recipe, "fused", model, u, y, cols, index, states)
    assert sorted(reference[0]) == sorted(fused[0])
    for name, value in reference[0].items():
        assert fused[0][name] == pytest.approx(value, rel=1e-12, abs=1e-300), name
    for name, grad in reference[1].items():
        other = fused[1][name]
        if grad is None:
            assert other is None, name
            continue
        scale = float(grad.abs().max())
        assert scale > 0, name
        assert float((other - grad).abs().max()) <= 1e-12 * scale, name
    assert torch.equal(reference[2], fused[2])  # same noise, same solve
    assert reference[3].backward_steps == fused[3].backward_steps
    assert torch.equal(reference[4], fused[4])  # the generator consumed alike
    if case.startswith("capped"):
        assert reference[3].steps == 3 and "rho" in reference[0]


@pytest.mark.parametrize("every, rtol_rho", [(4, 1e-9), (None, 1e-6)])
def test_training_with_both_paths_agrees(every, rtol_rho):
    """Twelve epochs of the paper recipe (tracked eigen-solver, Adam resets, noise) with the
    fused step and with autograd: the same losses per epoch and the same parameters to
    1e-9 (relative); rounding differs in the last bits, nothing else.

    With 4 products between the tracker's orthonormalisations rho and the spectral term
    agree to 1e-9 as well. With the default 8 the un-orthonormalised block amplifies
    last-bit differences of the weights: rho differs by ~1e-9 and the spectral term by
    ~2e-8 between the paths (measured), far below the tracker's accepted Ritz residual
    (up to 0.1, median ~4e-3 on the KEGG network), so those two are held to 1e-6."""
    from signet.spectral import eigen

    network, ligands, tfs = _problem(seed=2, conditions=16)
    recipe = PRESETS["paper"].replace(epochs=12, warmup_epochs=3, adam_reset_every=5,
                                      checkpoint_every=0, steps=60)
    settings = {"extra_rounds": eigen.EXTRA_ROUNDS, "arpack_ncv": eigen.ARPACK_NCV,
                "arpack_maxiter": eigen.ARPACK_MAXITER,
                "orthonormalise_every": every or eigen.ORTHONORMALISE_EVERY}
    out = {}
    for fused in (True, False):
        with eigen.eigen_settings(**settings):
            model = model_from_recipe(network, recipe, seed=4)
            result = train(model, ligands, tfs, recipe, seed=1, progress=False, fused=fused)
        out[fused] = (result.log, model.weights.detach().clone(), model.bias.detach().clone())
    (log_f, w_f, b_f), (log_a, w_a, b_a) = out[True], out[False]
    for column in ("loss", "fit", "uniformity", "spectral", "rho", "l2"):
        rtol = rtol_rho if column in ("spectral", "rho") else 1e-9
        assert np.allclose(log_f[column], log_a[column], rtol=rtol, atol=1e-14), column
    assert torch.allclose(w_f, w_a, rtol=1e-9, atol=1e-12)
    assert torch.allclose(b_f, b_a, rtol=1e-9, atol=1e-12)
    assert log_f["loss"].iloc[-1] != log_f["loss"].iloc[0]


def test_compiled_adam_step_equals_torch_adam():
    """300 steps with a learning-rate change and a missing gradient: the compiled step
    against torch's single-tensor Adam, to 1e-14 relative, with the state torch keeps."""
    torch.manual_seed(0)
    start = [torch.randn(40, dtype=torch.float64), torch.randn(7, dtype=torch.float64)]
    ours = [torch.nn.Parameter(t.clone()) for t in start]
    theirs = [torch.nn.Parameter(t.clone()) for t in start]
    mine = torch.optim.Adam(ours, lr=1e-3, fused=True)
    reference = torch.optim.Adam(theirs, lr=1e-3, foreach=False)
    for step in range(300):
        grads = [torch.randn(40, dtype=torch.float64), torch.randn(7, dtype=torch.float64)]
        for p, q, g in zip(ours, theirs, grads):
            p.grad, q.grad = g.clone(), g.clone()
        if step % 50 == 7:  # a parameter without a gradient is left alone
            ours[1].grad = theirs[1].grad = None
        adam_step(mine)
        reference.step()
        if step == 120:
            for opt in (mine, reference):
                opt.param_groups[0]["lr"] = 3e-4
    for p, q in zip(ours, theirs):
        assert float((p - q).detach().abs().max()) <= 1e-14 * float(q.detach().abs().max())
        assert float(mine.state[p]["step"]) == float(reference.state[q]["step"])
        assert torch.allclose(mine.state[p]["exp_avg_sq"], reference.state[q]["exp_avg_sq"],
                              rtol=1e-14, atol=0)


@pytest.mark.parametrize("ties", [False, True])
def test_compiled_cache_update_equals_the_torch_update(ties):
    """The state cache's compiled update against its torch version over 60 batches: states
    and extremes (values and rows, ties to the first row) exactly, sums to 1e-12."""
    rng = np.random.default_rng(5)
    conditions, nodes = 30, 12
    def states(rows):
        x = rng.normal(size=(rows, nodes))
        if ties:
            x = np.round(x, 1)  # many equal values
            x[:, :3] = 0.25  # constant columns
        return torch.from_numpy(x)
    start = states(conditions)
    compiled, plain = reg.StateCache(start), reg.StateCache(start)
    for _ in range(60):
        index = torch.from_numpy(rng.choice(conditions, size=5, replace=False))
        new = states(5)
        compiled.update(index, new)
        plain._update_torch(index, new.clone())
    assert torch.equal(compiled.states, plain.states)
    for name in ("largest", "largest_row", "smallest", "smallest_row"):
        assert torch.equal(getattr(compiled, name), getattr(plain, name)), name
    for name in ("total", "total_sq"):
        assert torch.allclose(getattr(compiled, name), getattr(plain, name), rtol=0,
                              atol=1e-12), name


@pytest.mark.parametrize("name,code", sorted(kernels.ACTIVATION_CODES.items()))
def test_compiled_output_slope_equals_the_activation(name, code):
    from signet.core.activations import get_activation
    y = torch.linspace(-0.5, 0.999, 301, dtype=torch.float64).reshape(7, 43)
    if name == "sigmoid":
        y = y.clamp(1e-6, 1 - 1e-6)
    expected = get_activation(name).slope_from_output(y).numpy()
    assert np.array_equal(kernels.output_slope(y.numpy(), code), expected)


def test_spectral_term_beside_the_backward_solve_changes_nothing(monkeypatch):
    """With a second thread allowed (torch.get_num_threads() > 1) the spectral term runs on a
    worker thread beside the loss terms and the backward solve; the epochs' logs and the
    parameters are bitwise those of the one-thread run, and the worker did run."""
    from signet.training import fused as fused_module

    network, ligands, tfs = _problem(seed=2, conditions=16)
    recipe = PRESETS["paper"].replace(epochs=6, warmup_epochs=2, checkpoint_every=0,
                                      steps=60)
    submitted = []
    worker = fused_module._worker

    def counting():
        submitted.append(1)
        return worker()

    monkeypatch.setattr(fused_module, "_worker", counting)
    before = torch.get_num_threads()
    out = {}
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            assert fused_module.overlap_allowed() == (threads > 1)
            start = len(submitted)
            model = model_from_recipe(network, recipe, seed=4)
            result = train(model, ligands, tfs, recipe, seed=1, progress=False, fused=True)
            out[threads] = (result.log, model.weights.detach().clone(),
                            model.bias.detach().clone(), len(submitted) - start)
    finally:
        torch.set_num_threads(before)
    (log_1, w_1, b_1, jobs_1), (log_2, w_2, b_2, jobs_2) = out[1], out[2]
    assert jobs_1 == 0 and jobs_2 == 6 * 4  # 16 conditions in batches of 5: 4 a epoch
    timing = [c for c in log_1.columns if "seconds" in c]
    assert timing and log_1.drop(columns=timing).equals(log_2.drop(columns=timing))
    assert torch.equal(w_1, w_2) and torch.equal(b_1, b_2)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_forked_child_gets_its_own_worker_thread():
    """A process forked after the parent used the worker thread has no such thread: the
    child makes its own executor instead of queueing work that nothing would run."""
    import os

    from signet.training import fused as fused_module

    assert fused_module._worker().submit(lambda: 1).result() == 1
    parent = fused_module._worker()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run a job on the worker, report through the pipe, never return
        ok = False
        try:
            ok = fused_module._worker() is not parent and \
                fused_module._worker().submit(lambda: 7).result(timeout=20) == 7
        finally:
            os.write(write, b"1" if ok else b"0")
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert fused_module._worker() is parent


def test_float32_recipe_trains_with_both_paths_alike():
    """``dtype: float32`` (a recipe option): the fused step's gradients arrive in float32
    (several terms are summed in float64) and three epochs agree with the autograd path to
    float32 precision. Before, the fused step stopped at its first batch."""
    network, ligands, tfs = _problem(seed=2, conditions=10)
    recipe = PRESETS["paper"].replace(epochs=3, warmup_epochs=1, checkpoint_every=0, steps=60,
                                      dtype="float32")
    out = {}
    for fused in (True, False):
        model = model_from_recipe(network, recipe, seed=4)
        result = train(model, ligands, tfs, recipe, seed=1, progress=False, fused=fused)
        assert model.weights.dtype == torch.float32 and model.weights.grad.dtype == torch.float32
        out[fused] = (result.log, model.weights.detach().clone())
    (log_f, w_f), (log_a, w_a) = out[True], out[False]
    assert np.allclose(log_f["fit"], log_a["fit"], rtol=1e-4)
    assert torch.allclose(w_f, w_a, rtol=1e-4, atol=1e-6)
    assert not torch.equal(w_f, model_from_recipe(network, recipe, seed=4).weights)
