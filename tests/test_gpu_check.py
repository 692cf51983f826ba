"""bench/gpu_check.py runs where CI runs (no GPU): its correctness part with the torch backend
on the CPU against the numba backend, and its epoch timer on the CPU."""

import importlib.util
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def load_check():
    spec = importlib.util.spec_from_file_location("gpu_check", ROOT / "bench" / "gpu_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_correctness_part_passes_with_torch_on_the_cpu(capsys):
    assert load_check().correctness("cpu")
    printed = capsys.readouterr().out
    assert "pass x_ss" in printed and "3 training epochs" in printed


def test_epoch_timer_runs_the_numba_backend_on_the_cpu():
    seconds, peak = load_check().epoch_time(200, 20, 10, "cpu", epochs=2, backend="numba")
    assert len(seconds) == 2 and np.all(seconds > 0)
    assert np.isnan(peak)


def test_without_a_gpu_the_check_says_so_and_fails(capsys, monkeypatch):
    check = load_check()
    monkeypatch.setattr(check.torch.cuda, "is_available", lambda: False)
    assert check.main([]) == 1
    assert "no CUDA device" in capsys.readouterr().out
