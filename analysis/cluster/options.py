"""The ``--dask`` option of the CLI commands: a cluster session with a clear error when unreachable.

Wraps :func:`analysis.cluster.session.dask_session`: a scheduler that cannot be reached within
:data:`CONNECT_TIMEOUT` (or a bad ``--dask-workers``) becomes a ``UsageError`` (exit 2, no
traceback) instead of a connection traceback.

    >>> import argparse
    >>> with session(argparse.Namespace(dask=None)) as c:
    ...     c is None
    True
"""
from __future__ import annotations

import argparse
from contextlib import ExitStack, contextmanager
from typing import Any, Iterator

from analysis.errors import UsageError

CONNECT_TIMEOUT: str = "10s"


@contextmanager
def session(args: argparse.Namespace, connect_timeout: str = CONNECT_TIMEOUT) -> Iterator[Any]:
    """Yield the Dask client for ``args.dask`` (None without it); UsageError when it cannot start."""
    address = getattr(args, "dask", None)
    if not address:
        yield None
        return
    workers = getattr(args, "dask_workers", None)
    if workers is not None and workers < 1:
        raise UsageError("--dask-workers must be at least 1")
    import logging

    import dask
    import distributed  # noqa: F401 - load its config defaults before overriding one of them

    from analysis.cluster.session import dask_session

    logger = logging.getLogger("distributed")
    with ExitStack() as stack:
        stack.callback(logger.setLevel, logger.level)                 # restored last, at exit
        if not getattr(args, "verbose", False):
            logger.setLevel(logging.WARNING)                          # scheduler/nanny chatter
        try:
            with dask.config.set({"distributed.comm.timeouts.connect": connect_timeout}):
                client = stack.enter_context(dask_session(args))
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
                             f"`dask scheduler` or use --dask local") from None
        if not getattr(args, "verbose", False):   # runs first at exit: the progress bars' feed is
            stack.callback(logger.setLevel, logging.CRITICAL)        # cancelled noisily
        yield client


__all__ = ["CONNECT_TIMEOUT", "session"]
