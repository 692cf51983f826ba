"""Kill-and-resume for every preset: a run killed by SIGKILL in the middle of an epoch (not at
a checkpoint boundary) and resumed from its last checkpoint ends bitwise equal to the
uninterrupted run. The reference is the uninterrupted run of the same code and seed."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from signet.core.network import Network
from signet.studies.synthetic.conditions import training_conditions
from signet.studies.synthetic.random_network import random_network
from signet.training import PRESETS, model_from_recipe, train

TESTS = Path(__file__).parent
# no preset stops early now: this case resumes a run with a validation draw and early stopping
EARLY_STOP = "fast with early stopping"


def problem(preset: str):
    """A 50-node network, 16 conditions, the preset shrunk to 13 epochs (checkpoint every 5,
    Adam reset every 4, early-stopping checks every 3 epochs where the preset has them)."""
    table, annotation = random_network(50, 3.0, seed=1)
    network = Network.from_tables(table, annotation)
    base = PRESETS["fast"].replace(validation_fraction=0.1) if preset == EARLY_STOP \
        else PRESETS[preset]
    recipe = base.replace(epochs=13, warmup_epochs=3, adam_reset_every=4, checkpoint_every=5,
                          log_every=0)
    if recipe.validation_fraction > 0:
        recipe = recipe.replace(validation_fraction=0.2, validate_every=3, patience=100)
    if recipe.batch_size > 5:
        recipe = recipe.replace(batch_size=6)  # 16 conditions: uneven last batch
    reference = model_from_recipe(network, recipe, seed=99)
    ligands = training_conditions(network.ligands, 16, 2, seed=1)
    tfs, _ = reference.simulate(ligands)
    return network, recipe, ligands, tfs


KILLER = textwrap.dedent("""
    import os, signal, sys
    import signet.training.loop as loop
    from test_resume import problem
    from signet.training import model_from_recipe, train
    preset, out, kill_at, fused = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    network, recipe, ligands, tfs = problem(preset)
    calls = [0]
    def killing(original):
        def batch(*args, **kwargs):
            calls[0] += 1
            if calls[0] == kill_at:  # in the middle of an epoch, before this batch's step
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        return batch
    loop._batch_losses = killing(loop._batch_losses)  # the autograd path
    loop.fused_batch = killing(loop.fused_batch)  # the fused path
    model = model_from_recipe(network, recipe, seed=3)
    train(model, ligands, tfs, recipe, seed=3, output_dir=out, progress=False, fused=fused)
""")


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "autograd"])
@pytest.mark.parametrize("preset", [*sorted(PRESETS), EARLY_STOP])
def test_sigkill_mid_epoch_then_resume_is_bitwise_equal(preset, fused, tmp_path):
    network, recipe, ligands, tfs = problem(preset)
    full = model_from_recipe(network, recipe, seed=3)
    train(full, ligands, tfs, recipe, seed=3, output_dir=tmp_path / "full", progress=False,
          fused=fused)

    # batches per epoch: the training conditions split by the batch size
    held = round(recipe.validation_fraction * 16)
    per_epoch = -(-(16 - held) // recipe.batch_size)
    kill_at = 8 * per_epoch + 2  # the second batch of epoch 9: last checkpoint at epoch 5
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(TESTS), *sys.path]))
    done = subprocess.run([sys.executable, "-c", KILLER, preset, str(tmp_path / "cut"),
                           str(kill_at), "1" if fused else "0"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]

    resumed = model_from_recipe(network, recipe, seed=3)  # a fresh process would do this
    result = train(resumed, ligands, tfs, recipe, seed=3, output_dir=tmp_path / "cut",
                   resume=True, progress=False, fused=fused)
    assert result.resumed_from == 5
    for (name, a), b in zip(full.state_dict().items(), resumed.state_dict().values()):
        assert torch.equal(a, b), name
    strip = lambda line: line.rsplit("\t", 1)[0]  # noqa: E731  (wall time differs)
    full_log = (tmp_path / "full" / "training-log.tsv").read_text().splitlines()
    cut_log = (tmp_path / "cut" / "training-log.tsv").read_text().splitlines()
    assert len(full_log) == 14
    assert [strip(x) for x in full_log] == [strip(x) for x in cut_log]
    assert (tmp_path / "full" / "parameters.tsv").read_bytes() == \
        (tmp_path / "cut" / "parameters.tsv").read_bytes()
