"""requirements.lock (every package pinned, what `make venv` installs) satisfies
requirements.txt (the readable top-level list), and keeps torch's CPU build."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def _locked(path: Path) -> dict[str, Version]:
    pins = {}
    for requirement in _requirements(path):
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{path.name}: {requirement} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = Version(spec.version)
    return pins


def test_lock_satisfies_every_top_level_requirement():
    locked = _locked(ROOT / "requirements.lock")
    for requirement in _requirements(ROOT / "requirements.txt"):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"requirements.lock has no pin for {requirement.name}"
        # torch's CPU build carries a local label (+cpu): compare the public version
        version = Version(locked[name].public)
        assert requirement.specifier.contains(version, prereleases=True), \
            f"requirements.lock pins {name}=={locked[name]}, requirements.txt wants {requirement}"


def test_lock_pins_every_package_exactly_and_only_the_cpu_torch():
    text = (ROOT / "requirements.lock").read_text()
    locked = _locked(ROOT / "requirements.lock")
    assert len(locked) > len(_requirements(ROOT / "requirements.txt"))  # transitive pins too
    assert str(locked["torch"]) == "2.13.0+cpu"
    cuda = [name for name in locked if re.match(r"(nvidia-|triton$|cuda)", name)]
    assert not cuda, f"requirements.lock pulls CUDA packages: {cuda}"
    assert "--find-links" not in text  # nothing that only exists on the machine that made it
