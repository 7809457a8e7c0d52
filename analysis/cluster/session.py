"""Dask cluster plumbing: start or connect a client, the ``--dask`` option, progress bars.

``--dask local`` starts a ``LocalCluster`` on 127.0.0.1 (one single-threaded worker process per
core); ``--dask tcp://HOST:PORT`` connects to a running scheduler. The dashboard link is printed.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_dask_argument(p)
    >>> engine_from_args(p.parse_args([])) is None
    True
"""
from __future__ import annotations

import argparse
import logging
import os
from contextlib import contextmanager
from typing import Any, Iterator

from analysis.errors import UsageError

log = logging.getLogger(__name__)

WORKER_MEMORY: str = "2GiB"


def client(address: str | None = "local", n_workers: int | None = None, threads_per_worker: int = 1,
           memory_limit: str = WORKER_MEMORY, processes: bool = True, quiet: bool = False) -> Any:
    """Return a ``distributed.Client``: a new LocalCluster on 127.0.0.1 ("local"/None) or ``tcp://...``.

    >>> c = client("local", n_workers=2)          # doctest: +SKIP
    dask dashboard: http://127.0.0.1:8787/status
    """
    from distributed import Client, LocalCluster

    if address in (None, "", "local"):
        n = n_workers or max(1, os.cpu_count() or 1)
        cluster = LocalCluster(host="127.0.0.1", n_workers=n, threads_per_worker=threads_per_worker,
                               memory_limit=memory_limit, processes=processes,
                               dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,
                               protocol="tcp://")
        c = Client(cluster)
    elif str(address).startswith(("tcp://", "tls://", "ucx://", "inproc://")):
        c = Client(address)
    else:
        raise UsageError(f"--dask must be 'local' or tcp://HOST:PORT, not {address!r}")
    log.info("dask: %s workers, dashboard %s", len(c.scheduler_info().get("workers", {})), c.dashboard_link)
    if not quiet:
        print(f"dask dashboard: {c.dashboard_link}", flush=True)
    return c


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


def progress(*collections: Any, enabled: bool = True) -> list[Any]:
    """Compute dask collections on the cluster with a text progress bar; return their results."""
    from distributed import get_client, progress as _progress

    c = get_client()
    futures = c.compute(list(collections))
    if enabled:
        _progress(futures, notebook=False, interval="1s")
        print(flush=True)
    return c.gather(futures)

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


__all__ = ["WORKER_MEMORY", "add_dask_argument", "client", "dask_session", "engine_from_args", "progress"]
