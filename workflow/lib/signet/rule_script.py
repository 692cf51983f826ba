"""How a Snakemake rule's script runs a library call: log to the rule's log file, and turn a
:class:`signet.errors.SignetError` into one logged line and a failed job (no traceback)."""

from __future__ import annotations

import logging
import sys

from .errors import SignetError

__all__ = ["run"]


def run(main, smk) -> None:
    """Call ``main(smk)`` with logging sent to ``smk.log[0]``; exit with one line on bad input."""
    logging.basicConfig(filename=smk.log[0], level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    try:
        main(smk)
    except SignetError as err:
        logging.error("%s", err)
        sys.exit(f"error: {err}")
