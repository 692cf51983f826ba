"""The README's library tour runs as written (on the toy network, 3 epochs), using only the
public names of ``import signet``; those names load lazily and are all importable."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import signet

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tour_runs_on_the_toy_network(tmp_path, toy_paths, monkeypatch):
    text = README.read_text()
    tour = re.search(r"## The library: a short tour.*?```python\n(.*?)```", text, re.S).group(1)
    assert "from signet." not in tour and "signet._" not in tour  # public API only
    ligands = pd.DataFrame({"L1": [0.0, 1.0, 0.5, 0.2], "L2": [1.0, 0.0, 0.5, 0.9]},
                           index=["a", "b", "c", "d"])
    ligands.to_csv(tmp_path / "ligands.tsv", sep="\t")
    ligands.to_csv(tmp_path / "new-ligands.tsv", sep="\t")
    pd.DataFrame({"T1": [0.1, 0.6, 0.4, 0.2]}, index=ligands.index).to_csv(
        tmp_path / "tfs.tsv", sep="\t")
    code = (tour.replace('"KEGGnet-Model.tsv"', repr(str(toy_paths["network"])))
            .replace('"KEGGnet-Annotation.tsv"', repr(str(toy_paths["annotation"])))
            .replace("epochs=2000", "epochs=3, warmup_epochs=1")
            .replace('["P01375"]', '["S1", "R2"]'))
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, str(README), "exec"), scope)
    assert list(scope["predicted_tfs"].columns) == ["T1"] and len(scope["predicted_tfs"]) == 4
    assert set(scope["deltas"]["node"]) == {"S1", "R2"}
    assert (tmp_path / "run" / "parameters.tsv").exists()


def test_every_public_name_resolves():
    """... to the function or class, not to a submodule of the same name (signet.core's
    ``knockout`` function lives in ``signet.core.knockout``)."""
    import inspect

    for name in signet.__all__:
        value = getattr(signet, name)
        assert value is not None and not inspect.ismodule(value), name
    assert set(signet.__all__) <= set(dir(signet))
    import importlib

    core = importlib.import_module("signet.core")
    importlib.import_module("signet.core.knockout")  # must not rebind the name to the module
    assert callable(core.knockout) and not inspect.ismodule(core.knockout)


IMPORT_EACH_FIRST = r"""
import importlib, inspect, pkgutil, sys
import signet
names = sorted(m.name for m in pkgutil.walk_packages(signet.__path__, "signet."))
failed = []
for name in names:
    for loaded in [m for m in sys.modules if m == "signet" or m.startswith("signet.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
        # then every public name: the function or class, not a submodule of that name
        public = importlib.import_module("signet")
        for export in public.__all__:
            if inspect.ismodule(getattr(public, export)):
                failed.append(f"{name} first: signet.{export} is a module")
    except Exception as error:
        failed.append(f"{name}: {type(error).__name__}: {error}")
print(len(names))
print("\n".join(failed))
"""


def test_every_module_imports_first():
    """Each module of the package imports in a fresh signet (torch etc. stay loaded), and
    after it every public name of ``signet`` is still the function or class: no import order
    between signet's own modules is needed (``import signet.solver`` before the core was
    circular; with ``signet.core.knockout`` imported first, ``signet.knockout`` was the
    module)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", IMPORT_EACH_FIRST], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    count, *failed = result.stdout.strip().splitlines()
    assert int(count) > 40
    assert not [line for line in failed if line], failed
