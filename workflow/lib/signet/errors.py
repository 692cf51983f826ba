"""Errors that signet reports to people, not as traceback soup.

Every problem with a user's file raises :class:`SignetInputError`, whose message
names the file, and the line and/or column where that makes sense, and says what was
expected. The CLI and the workflow scripts print that one line and exit with status 2.
"""

from __future__ import annotations

__all__ = ["SignetError", "SignetInputError"]


class SignetError(Exception):
    """Base class of the errors signet raises on purpose."""


class SignetInputError(SignetError, ValueError):
    """A user-supplied file or value is not what signet expects.

    ``str(err)`` reads ``path:line: column 'name': message`` with the parts that are
    known; ``line`` is the 1-based line of the file (the header is line 1).
    """

    def __init__(self, path, message: str, *, line: int | None = None,
                 column: str | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self.message = message
        where = self.path or "<input>"
        if line is not None:
            where += f":{line}"
        if column is not None:
            where += f": column '{column}'"
        super().__init__(f"{where}: {message}")
