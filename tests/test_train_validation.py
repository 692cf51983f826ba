"""The training additions of the synthetic study: the fit coefficient (regularisation-only
control) and early stopping on a held-out split."""

import pytest
import torch
from signet.core.network import Network
from signet.errors import SignetInputError
from signet.studies.synthetic.conditions import training_conditions
from signet.studies.synthetic.random_network import random_network
from signet.training import PRESETS, model_from_recipe, split_validation, train


def _problem():
    table, annotation = random_network(40, 2.5, seed=2)
    network = Network.from_tables(table, annotation)
    reference = model_from_recipe(network, PRESETS["paper"], seed=7)
    ligands = training_conditions(network.ligands, 20, 2, seed=0)
    tfs, _ = reference.simulate(ligands)
    return network, ligands, tfs


def test_split_validation_is_a_seeded_partition():
    u = torch.arange(20.0)[:, None]
    recipe = PRESETS["paper"].replace(validation_fraction=0.25, validation_seed=4)
    u_train, y_train, u_held, y_held = split_validation(u, u * 2, recipe)
    assert len(u_train) == 15 and len(u_held) == 5
    assert sorted(u_train[:, 0].tolist() + u_held[:, 0].tolist()) == list(range(20))
    assert torch.equal(y_held, 2 * u_held)
    again = split_validation(u, u * 2, recipe)
    assert torch.equal(again[2], u_held)
    with pytest.raises(SignetInputError, match="validation_fraction"):
        split_validation(u[:1], u[:1], recipe)


def test_fit_coefficient_zero_with_no_other_term_leaves_the_model_unchanged():
    """fit = 0 and every regulariser 0, no noise: the loss is identically 0, so its gradient
    is 0 and Adam does not move any parameter."""
    network, ligands, tfs = _problem()
    recipe = PRESETS["paper"].replace(epochs=3, warmup_epochs=1, steps=60, fit=0.0, sign=0.0,
                                      ligand_bias=0.0, l2=0.0, nonzero=0.0, uniformity=0.0,
                                      spectral=0.0, noise=0.0, checkpoint_every=0)
    model = model_from_recipe(network, recipe, seed=0)
    before = model.weights.detach().clone()
    result = train(model, ligands, tfs, recipe, progress=False)
    assert torch.equal(model.weights.detach(), before)
    assert (result.log["loss"] == 0).all() and (result.log["fit"] > 0).all()


def test_early_stopping_restores_the_best_held_out_epoch():
    """With patience 4 and validation every 2 epochs, training stops at most 4 epochs after
    the best held-out fit, and the returned model's held-out fit is that best one."""
    network, ligands, tfs = _problem()
    recipe = PRESETS["paper"].replace(epochs=40, warmup_epochs=2, steps=60, lr_max=0.05,
                                      validation_fraction=0.25, validate_every=2, patience=4,
                                      min_delta=0.0, checkpoint_every=0)
    model = model_from_recipe(network, recipe, seed=0)
    result = train(model, ligands, tfs, recipe, progress=False)
    epochs, fits = zip(*result.validation)
    best = min(range(len(fits)), key=fits.__getitem__)
    assert result.best_epoch == epochs[best]
    assert result.epochs_run <= 40 and epochs[-1] == result.epochs_run
    if result.epochs_run < 40:
        assert result.epochs_run - result.best_epoch >= 4
    u_train, y_train, u_held, y_held = split_validation(
        *[torch.as_tensor(t.to_numpy()) for t in (ligands, tfs)], recipe)
    with torch.no_grad():
        y_hat, _, _ = model(u_held)
    assert float(torch.mean((y_hat - y_held) ** 2)) == pytest.approx(fits[best], rel=1e-9)


def test_separate_validation_draw_trains_on_every_condition():
    """With ``validation=(ligands, tfs)`` every training condition is trained on (the epoch
    has ceil(20 / 5) = 4 batches, one forward solve each: the logged forward steps are
    averaged over 4 batches, checked by counting solves) and the restored model's MSE on the
    separate draw, recomputed by ``model.simulate``, is the best held-out fit."""
    network, ligands, tfs = _problem()
    reference = model_from_recipe(network, PRESETS["paper"], seed=7)
    val_ligands = training_conditions(network.ligands, 8, 2, seed=5)
    val_tfs, _ = reference.simulate(val_ligands)
    recipe = PRESETS["paper"].replace(epochs=12, warmup_epochs=2, steps=60, lr_max=0.05,
                                      validation_fraction=0.1, validate_every=2, patience=100,
                                      checkpoint_every=0)
    model = model_from_recipe(network, recipe, seed=0)
    solves = []
    original = model.solver.forward
    model.solver.forward = lambda *a: solves.append(a[1].shape[0]) or original(*a)
    result = train(model, ligands, tfs, recipe, progress=False,
                   validation=(val_ligands, val_tfs))
    model.solver.forward = original
    # batches of training (sizes 5, 5, 5, 5 per epoch) and the 8-condition validation solves
    assert solves.count(5) == 12 * 4 and set(solves) <= {5, 8, 20}
    fits = [fit for _, fit in result.validation]
    predicted, _ = model.simulate(val_ligands)
    mse = float(((predicted[val_tfs.columns] - val_tfs) ** 2).to_numpy().mean())
    assert mse == pytest.approx(min(fits), rel=1e-9)
