"""How a Snakemake rule's script runs a library call: the job's thread limits, its log file,
and a :class:`signet.errors.SignetError` turned into one logged line and a failed job (no
traceback)."""

from __future__ import annotations

import logging
import sys

from signet.errors import SignetError

__all__ = ["run"]


def limit_threads(threads: int) -> None:
    """Hold torch (when the script uses it) and numpy's BLAS to the job's ``threads``.

    The BLAS limit matters: an unlimited BLAS pool makes the eigen-solver's small dense
    products ~50x slower on a loaded machine.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def run(main, smk) -> None:
    """Call ``main(smk)`` on ``smk.threads`` threads with logging sent to ``smk.log[0]``;
    exit with one line on bad input."""
    logging.basicConfig(filename=smk.log[0], level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    limit_threads(int(getattr(smk, "threads", 1) or 1))
    try:
        main(smk)
    except SignetError as err:
        logging.error("%s", err)
        sys.exit(f"error: {err}")
