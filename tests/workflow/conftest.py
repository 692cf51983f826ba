"""Fixtures of the workflow tests."""

import pytest
from wfhelpers import copy_workflow


@pytest.fixture
def workdir(tmp_path, paper_data):
    """A copy of the workflow in tmp_path/main, with the folder holding the paper's data
    (found by the ``paper_data`` fixture, which skips or fails in CI when it is absent)
    linked beside it as the configs expect."""
    main = copy_workflow(tmp_path)
    (tmp_path / "shared").symlink_to(paper_data.parents[1])
    return main
