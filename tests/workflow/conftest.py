"""Fixtures of the workflow tests."""

import os

import pytest
from wfhelpers import SHARED, copy_workflow


@pytest.fixture
def workdir(tmp_path):
    """A copy of the workflow in tmp_path/main with ../shared beside it."""
    if not (SHARED / "data" / "paper-reference").exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{SHARED} is missing; CI must have ../shared")
        pytest.skip("../shared/data/paper-reference is not present on this machine")
    return copy_workflow(tmp_path)
