"""The README's library tour uses only the public names of ``import signet``; those names load
lazily and are all importable."""

from __future__ import annotations

import re
from pathlib import Path

import signet

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tour_uses_only_public_names():
    """Every ``signet.NAME`` of the README's library tour is in ``signet.__all__`` (the tour
    itself is run on the shipped example by tests/test_examples.py)."""
    text = README.read_text()
    tour = re.search(r"## The library: a short tour.*?```python\n(.*?)```", text, re.S).group(1)
    assert "from signet." not in tour and "signet._" not in tour
    names = set(re.findall(r"\bsignet\.(\w+)", tour))
    assert len(names) >= 6 and names <= set(signet.__all__), names - set(signet.__all__)


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
