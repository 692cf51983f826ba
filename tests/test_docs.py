"""The documentation is written for users: README.md and the pages of docs/ name no development
session (the dated record of measurements lives in docs/history/), and no folder beside the
repository that users do not have (the paper's released files are named as the download rule
names them, ``paper-release:FILE``, and land in ``resources/paper-release/``)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "docs" / "history"

SESSION = re.compile(r"\bsession [0-9]+|this session|\bsessions? (was|were) lent", re.IGNORECASE)
SIBLING_FOLDER = re.compile(r"\.\./shared")

# Pages whose history has not yet moved to docs/history/. Remove a page once it is rewritten
# (the last test fails while a listed page passes); never add one.
NOT_YET_REWRITTEN: set[str] = set()


def user_pages() -> list[Path]:
    """README.md and every Markdown page of docs/ outside docs/history/."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [page for page in pages if HISTORY not in page.parents]


def offences(text: str) -> list[str]:
    """The lines that name a session or the sibling folder."""
    return [line.strip() for line in text.splitlines()
            if SESSION.search(line) or SIBLING_FOLDER.search(line)]


def test_the_check_catches_sessions_and_the_sibling_folder():
    """Hand-written lines: each offending spelling is caught, the user's spellings are not."""
    sibling = "." + "./shared/data/networks/KEGGnet-Model.tsv"
    offending = ["## Session 10 (2026-12-04): the GPU check", "measured in this session",
                 "Machine lent for this session", "two sessions were lent a GPU",
                 "(docs/performance.md, session 9)", f"--network {sibling}"]
    for line in offending:
        assert offences(line), line
    fine = ["--network resources/paper-release/networks/KEGGnet-Model.tsv",
            "model: paper-release:networks/KEGGnet-Model.tsv",
            "the dated record is in docs/history/performance.md",
            "a Snakemake session of several jobs"]
    for line in fine:
        assert not offences(line), line


def test_user_pages_name_no_session_and_no_sibling_folder():
    found = []
    for page in user_pages():
        name = page.relative_to(ROOT).as_posix()
        if name in NOT_YET_REWRITTEN:
            continue
        found += [f"{name}: {line}" for line in offences(page.read_text())]
    assert not found, ("move dated history to docs/history/ and name the paper's files as "
                       "paper-release:FILE / resources/paper-release/FILE:\n" + "\n".join(found))


def test_the_history_has_an_index_of_its_pages():
    index = (HISTORY / "README.md").read_text()
    for page in sorted(HISTORY.glob("*.md")):
        if page.name != "README.md":
            assert f"({page.name})" in index, page.name


def test_pages_not_yet_rewritten_still_need_it():
    """An entry of NOT_YET_REWRITTEN whose page passes (or is gone) is to be removed."""
    for name in sorted(NOT_YET_REWRITTEN):
        page = ROOT / name
        assert page.exists() and offences(page.read_text()), (
            f"{name} names no session and no sibling folder now: remove it from "
            "NOT_YET_REWRITTEN in tests/test_docs.py")
