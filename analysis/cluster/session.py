"""Dask cluster plumbing: start or connect a client, and compute with a progress bar.

``client("local")`` starts a ``LocalCluster`` on 127.0.0.1 (one single-threaded worker process per
core); ``client("tcp://HOST:PORT")`` connects to a running scheduler. The dashboard link is printed.
distributed is imported inside the functions on purpose: ``import analysis`` never pays for it.

Connecting to an address is bounded from end to end, so a wrong address never hangs:

1. :func:`scheduler_identity` connects, waits for the Dask handshake and asks for the peer's
   identity, all within the connect timeout (``$POLICY_NEWS_DASK_CONNECT_TIMEOUT``, default
   :data:`CONNECT_TIMEOUT_S`). Nothing listening is a :class:`~analysis.errors.UsageError` (exit 2);
   a peer that answers but is not a Dask scheduler (a dashboard or any HTTP server, a server that
   sends garbage or nothing, a Dask worker) is a :class:`ClusterError` (exit 1).
2. The client connects (same timeout).
3. A scheduler without workers is waited for, with one log message, for the worker timeout
   (``$POLICY_NEWS_DASK_WORKER_TIMEOUT``, default :data:`WORKER_TIMEOUT_S`), then a ClusterError.

    >>> env_seconds("POLICY_NEWS_NO_SUCH_VARIABLE", 2.5)
    2.5
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from analysis.errors import StoreError, UsageError

log = logging.getLogger(__name__)

WORKER_MEMORY: str = "2GiB"
CONNECT_TIMEOUT_ENV: str = "POLICY_NEWS_DASK_CONNECT_TIMEOUT"
WORKER_TIMEOUT_ENV: str = "POLICY_NEWS_DASK_WORKER_TIMEOUT"
CONNECT_TIMEOUT_S: float = 10.0       # reach the scheduler, handshake and identity
WORKER_TIMEOUT_S: float = 60.0        # wait for a first worker on a scheduler that has none
GRACE_S: float = 5.0                  # the thread deadline's margin over distributed's own timeouts
SCHEDULER_PORTS: str = "a scheduler listens on port 8786 by default; 8787 is its dashboard"
REMOTE_SCHEMES: tuple[str, ...] = ("tcp://", "tls://", "ucx://", "inproc://")

T = TypeVar("T")


class ClusterError(StoreError):
    """A Dask address that answers but cannot run the work (not a scheduler, no workers): exit 1."""


def env_seconds(name: str, default: float) -> float:
    """Seconds from the environment variable ``name`` (``default`` when unset); UsageError unless > 0."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise UsageError(f"{name}: expected seconds > 0, got {raw!r}")
    return value


def connect_timeout() -> float:
    """The connect timeout in seconds (``$POLICY_NEWS_DASK_CONNECT_TIMEOUT``, default 10)."""
    return env_seconds(CONNECT_TIMEOUT_ENV, CONNECT_TIMEOUT_S)


def worker_timeout() -> float:
    """How long to wait for a first worker, in seconds (``$POLICY_NEWS_DASK_WORKER_TIMEOUT``, default 60)."""
    return env_seconds(WORKER_TIMEOUT_ENV, WORKER_TIMEOUT_S)


def within(seconds: float, fn: Callable[[], T], what: str) -> T:
    """Run ``fn`` in a daemon thread; its result or exception, or TimeoutError after ``seconds``.

    A call stuck past the deadline is abandoned (the thread is a daemon: it never holds up exit).
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised as it is in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, name=f"dask-{what}", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"{what}: no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def reply_problem(exc: BaseException) -> str:
    """What was wrong with a peer's reply, in a few words (from the exception decoding it).

    >>> reply_problem(MemoryError("Unable to allocate 4.00 EiB"))
    'it announced a message too large to allocate'
    >>> reply_problem(ValueError("bad\\nframe"))
    'ValueError: bad'
    """
    if isinstance(exc, MemoryError):
        return "it announced a message too large to allocate"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:200]}" if text else type(exc).__name__


def check_address(address: str) -> None:
    """UsageError unless a ``tcp://``/``tls://`` address names a host and a port (1-65535).

    >>> check_address("tcp://10.0.0.5:8786")
    >>> check_address("tcp://10.0.0.5")   # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    analysis.errors.UsageError: --dask: expected tcp://HOST:PORT, got 'tcp://10.0.0.5' (no port)
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme not in ("tcp", "tls"):
        return
    try:
        host, port = parse_host_port(location)
        problem = "no host" if not host else "" if 0 < int(port) < 65536 else f"port {port} out of range"
    except ValueError as exc:
        problem = "no port" if "missing port" in str(exc) else "the port is not a number"
    if problem:
        raise UsageError(f"--dask: expected {scheme}://HOST:PORT, got {address!r} ({problem})")


async def ask_identity(address: str, timeout: float) -> Any:
    """Connect to ``address`` (retried for ``timeout``), handshake, and return its ``identity`` reply."""
    from distributed.comm import connect

    comm = await connect(address, timeout=timeout)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def scheduler_identity(address: str, timeout: float) -> dict[str, Any]:
    """The identity of the Dask scheduler at ``address``, asked within ``timeout`` seconds (handshake too).

    UsageError when nothing accepts the connection; ClusterError when the peer does not speak the
    Dask protocol, stays silent, or is not a scheduler.
    """
    from distributed.comm import CommClosedError

    deadline = timeout + 1.0         # distributed's own connect timeout fires first when nothing listens
    try:
        reply = within(deadline + GRACE_S,
                       lambda: asyncio.run(asyncio.wait_for(ask_identity(address, timeout), deadline)),
                       "identity")
    except TimeoutError:             # before OSError: TimeoutError is one
        raise ClusterError(f"{address} accepted the connection but sent no Dask handshake within {timeout:g} s: "
                           f"it is not a Dask scheduler ({SCHEDULER_PORTS}); a slow scheduler: raise "
                           f"{CONNECT_TIMEOUT_ENV}") from None
    except CommClosedError:          # before OSError: the peer closed the connection mid-handshake
        raise ClusterError(f"{address} closed the connection without a Dask handshake: it is not a Dask "
                           f"scheduler ({SCHEDULER_PORTS})") from None
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
                         f"`dask scheduler` or use --dask local") from None
    except Exception as exc:  # noqa: BLE001 - any reply that is not the Dask protocol (garbage, absurd sizes)
        raise ClusterError(f"{address} is not a Dask scheduler: its reply is not the Dask protocol "
                           f"({reply_problem(exc)}); {SCHEDULER_PORTS}") from None
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        what = f"a Dask {kind}" if isinstance(kind, str) else "not a Dask scheduler"
        raise ClusterError(f"{address} is {what}, not a scheduler: give the scheduler's address ({SCHEDULER_PORTS})")
    return reply


def wait_for_worker(c: Any, address: str, timeout: float) -> None:
    """Wait up to ``timeout`` seconds for a first worker (one log message); ClusterError when none joins."""
    log.warning("the Dask scheduler at %s has no workers yet; waiting up to %g s for one (`dask worker %s`)",
                address, timeout, address)
    try:
        within(timeout + GRACE_S, lambda: c.wait_for_workers(1, timeout=timeout), "workers")
    except (TimeoutError, OSError):
        raise ClusterError(f"the Dask scheduler at {address} has no workers (none joined within {timeout:g} s); "
                           f"start one with `dask worker {address}`, or raise {WORKER_TIMEOUT_ENV}") from None


def connect_client(address: str, connect_s: float | None = None, workers_s: float | None = None) -> Any:
    """A ``distributed.Client`` on the scheduler at ``address`` with a worker, or a one-line error; never hangs."""
    from distributed import Client

    check_address(address)
    connect_s = connect_timeout() if connect_s is None else connect_s
    workers_s = worker_timeout() if workers_s is None else workers_s
    identity = scheduler_identity(address, connect_s)
    try:
        c = within(connect_s + GRACE_S, lambda: Client(address, timeout=connect_s), "client")
    except Exception as exc:  # noqa: BLE001 - the scheduler went away or stalled between the two connections
        raise ClusterError(f"the Dask scheduler at {address} answered, then the client could not connect "
                           f"({type(exc).__name__}: {str(exc).strip()[:200]})") from None
    if not identity.get("workers"):
        try:
            wait_for_worker(c, address, workers_s)
        except BaseException:
            c.close()
            raise
    return c


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
    elif str(address).startswith(REMOTE_SCHEMES):
        c = connect_client(str(address))
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
