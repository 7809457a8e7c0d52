"""The ``--dask`` option of the CLI commands: parse it, and open a cluster session with a clear error.

A scheduler that cannot be reached within the connect timeout (``$POLICY_NEWS_DASK_CONNECT_TIMEOUT``,
10 s by default), or a bad ``--dask-workers``, is a ``UsageError`` (exit 2); an address that answers
but is not a usable Dask scheduler (a dashboard or other server, no workers) is a
:class:`~analysis.cluster.session.ClusterError` (exit 1). Both are one line, never a traceback
(:mod:`analysis.cluster.session`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_dask_argument(p)
    >>> engine_from_args(p.parse_args([])) is None
    True
    >>> with session(argparse.Namespace(dask=None)) as c:
    ...     c is None
    True
"""
from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from analysis.cluster.session import client, connect_timeout
from analysis.errors import UsageError


def add_dask_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--dask local|tcp://HOST:PORT`` and ``--dask-workers N`` to a command's parser."""
    parser.add_argument("--dask", metavar="local|tcp://HOST:PORT", default=None,
                        help="run on Dask: 'local' starts a LocalCluster on 127.0.0.1, tcp://... connects")
    parser.add_argument("--dask-workers", type=int, default=None, metavar="N",
                        help="workers of the local cluster (default: one per core)")


def engine_from_args(args: argparse.Namespace) -> Any:
    """Return a Dask client for ``args.dask`` (None when the option is absent: the pandas path)."""
    address = getattr(args, "dask", None)
    if not address:
        return None
    return client(address, n_workers=getattr(args, "dask_workers", None))


@contextmanager
def dask_session(args: argparse.Namespace) -> Iterator[Any]:
    """Yield the client for ``--dask`` (None without it); close it, and a local cluster, at exit."""
    c = engine_from_args(args)
    try:
        yield c
    finally:
        if c is not None:
            cluster = getattr(c, "cluster", None) if getattr(args, "dask", None) == "local" else None
            c.close()
            if cluster is not None:
                cluster.close()


@contextmanager
def session(args: argparse.Namespace) -> Iterator[Any]:
    """Yield the Dask client for ``args.dask`` (None without it); UsageError/ClusterError when it cannot start."""
    address = getattr(args, "dask", None)
    if not address:
        yield None
        return
    workers = getattr(args, "dask_workers", None)
    if workers is not None and workers < 1:
        raise UsageError("--dask-workers must be at least 1")
    timeout = connect_timeout()                                       # UsageError for a bad variable
    import dask  # deferred on purpose: dask loads only when --dask is given
    import distributed  # noqa: F401 - load its config defaults before overriding one of them

    logger = logging.getLogger("distributed")
    with ExitStack() as stack:
        stack.callback(logger.setLevel, logger.level)                 # restored last, at exit
        if not getattr(args, "verbose", False):
            logger.setLevel(logging.WARNING)                          # scheduler/nanny chatter
        try:
            with dask.config.set({"distributed.comm.timeouts.connect": f"{timeout:g}s"}):
                client = stack.enter_context(dask_session(args))
        except OSError as exc:                                        # TimeoutError included
            raise UsageError(f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
                             f"`dask scheduler` or use --dask local") from None
        if not getattr(args, "verbose", False):   # runs first at exit: the progress bars' feed is
            stack.callback(logger.setLevel, logging.CRITICAL)        # cancelled noisily
        yield client
