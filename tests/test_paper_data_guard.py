"""Tests reach the paper's released data only through the ``paper_data`` fixture.

A test that builds the path to ``../shared`` itself fails on a fresh clone (where the folder
does not exist) instead of skipping with a reason. This guard reads every test module and
fails on any such path outside the conftest files (``tests/conftest.py`` finds the data,
``tests/workflow/conftest.py`` links it beside a copy of the workflow).
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ALLOWED = {TESTS / "conftest.py", TESTS / "workflow" / "conftest.py", Path(__file__).resolve()}

# the folder beside the repository, spelled as a string or as a pathlib component
PATTERNS = [
    re.compile(r"""\.\./shared\b"""),
    re.compile(r"""/\s*["']shared["']"""),
    re.compile(r"""["']data["']\s*/\s*["']paper-reference["']"""),
    re.compile(r"""data/paper-reference"""),
]


def direct_uses(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line that names the paper's data folder directly."""
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
            if any(pattern.search(line) for pattern in PATTERNS)]


def test_guard_catches_each_spelling():
    """Hand-written offending lines (one per spelling) are caught; fixture use is not."""
    offending = [
        'SHARED = ROOT / ".." / "shared" / "data"',
        'path = "../shared/data/paper-reference/networks/KEGGnet-Model.tsv"',
        'base = ROOT.parent / "shared" / "data" / "paper-reference"',
        'base = elsewhere / "data" / "paper-reference" / "networks"',
    ]
    for line in offending:
        assert direct_uses(line), line
    assert not direct_uses('model = paper_data / "networks" / "KEGGnet-Model.tsv"')
    assert not direct_uses('"--configfile=config/paper-reference.yaml"')
    assert not direct_uses('out = workdir / "results" / "paper-reference" / "macrophage"')


def test_no_test_builds_the_paper_data_path_itself():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.resolve() in ALLOWED:
            continue
        for number, line in direct_uses(path.read_text()):
            offenders.append(f"{path.relative_to(TESTS.parent)}:{number}: {line}")
    assert not offenders, ("use the paper_data fixture (tests/conftest.py) instead of "
                           "building the path:\n" + "\n".join(offenders))
