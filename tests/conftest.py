"""Shared fixtures: small hand-written networks and the path to ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
# SIGNET_PAPER_DATA points at the folder elsewhere (a checkout whose ../shared is absent)
PAPER = Path(os.environ.get("SIGNET_PAPER_DATA") or SHARED / "data" / "paper-reference")

os.environ.setdefault("XDG_CACHE_HOME", str(ROOT / ".pytest_cache" / "xdg"))


@pytest.fixture(scope="session")
def paper_data() -> Path:
    """The paper's reference data; CI always has it beside the repo."""
    if not PAPER.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{PAPER} is missing; CI must have ../shared")
        pytest.skip("../shared/data/paper-reference is not present on this machine")
    return PAPER


@pytest.fixture
def toy_paths() -> dict[str, Path]:
    base = ROOT / "config" / "networks"
    return {"network": base / "toy-Model.tsv", "annotation": base / "toy-Annotation.tsv",
            "parameters": base / "toy-Parameters.tsv"}


def pytest_collection_modifyitems(config, items):
    """Run the Snakemake tests (tests/workflow/, the longest files) first. `make test` gives
    each file to one of its workers; starting the long files early keeps one of them from
    running alone at the end. The order within each group is unchanged."""
    items.sort(key=lambda item: item.path.parent.name != "workflow")
