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
