"""Dask cluster plumbing: start or connect a client, and compute with a progress bar.

``client("local")`` starts a ``LocalCluster`` on 127.0.0.1 (one single-threaded worker process per
core); ``client("tcp://HOST:PORT")`` connects to a running scheduler. The dashboard link is printed.
distributed is imported inside the functions on purpose: ``import analysis`` never pays for it.
"""
from __future__ import annotations

import logging
import os
from typing import Any

from analysis.errors import UsageError

log = logging.getLogger(__name__)

WORKER_MEMORY: str = "2GiB"


def client(address: str | None = "local", n_workers: int | None = None, threads_per_worker: int = 1,
           memory_limit: str = WORKER_MEMORY, processes: bool = True, quiet: bool = False) -> Any:
    """Return a ``distributed.Client``: a new LocalCluster on 127.0.0.1 ("local"/None) or ``tcp://...``.

    >>> c = client("local", n_workers=2)          # doctest: +SKIP
    dask dashboard: http://127.0.0.1:8787/status
    """
    from distributed import Client, LocalCluster  # deferred on purpose: distributed is heavy

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


def progress(*collections: Any, enabled: bool = True) -> list[Any]:
    """Compute dask collections on the cluster with a text progress bar; return their results."""
    from distributed import get_client
    from distributed import progress as progress_bar

    c = get_client()
    futures = c.compute(list(collections))
    if enabled:
        progress_bar(futures, notebook=False, interval="1s")
        print(flush=True)
    return c.gather(futures)
