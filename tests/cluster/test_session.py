"""``--dask tcp://...`` never hangs: wrong addresses and a scheduler without workers are one-line errors.

Every peer is a real process on 127.0.0.1: a plain HTTP server, TCP servers that send garbage, an
absurd length prefix, nothing, or close at once, and a real ``dask scheduler`` (its dashboard port
too) with and without a worker. The CLI runs with small timeouts set through the environment
(``POLICY_NEWS_DASK_CONNECT_TIMEOUT``, ``POLICY_NEWS_DASK_WORKER_TIMEOUT``).
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from analysis import config
from analysis.cluster import session
from analysis.cluster.session import CONNECT_TIMEOUT_ENV, WORKER_TIMEOUT_ENV, ClusterError
from analysis.corpus.ingest import ingest
from analysis.errors import UsageError

pytest.importorskip("distributed")

CONNECT_S = 2
WORKER_S = 3
MAX_RUN_S = 30     # a CLI run against any of the peers ends well within this

# One peer per kind: prints its port, then serves until killed.
PEER = r'''
import http.server, socket, sys
kind = sys.argv[1]
if kind == "http":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(listener.getsockname()[1], flush=True)
held = []
while True:
    conn, _ = listener.accept()
    held.append(conn)
    try:
        if kind == "garbage":             # another protocol's greeting (an SSH server)
            conn.sendall(b"SSH-2.0-OpenSSH_9.6p1 Debian-4\r\n" * 64)
        elif kind == "huge":             # a frame count / length of 2**62: exabytes to allocate
            conn.sendall((2 ** 62).to_bytes(8, "little") * 8)
        elif kind == "closes":
            conn.close()
    except OSError:
        pass
'''


@contextmanager
def peer(kind: str) -> Iterator[str]:
    """A fake server of ``kind`` (http, garbage, huge, silent, closes) in a subprocess; yields its address."""
    proc = subprocess.Popen([sys.executable, "-c", PEER, kind], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        yield f"tcp://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait()


@contextmanager
def scheduler(folder: Path) -> Iterator[dict]:
    """A real ``dask scheduler`` on 127.0.0.1 (no workers); yields its scheduler file (address, dashboard port)."""
    info = folder / "scheduler.json"
    proc = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                             "--port", "0", "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(info)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not info.is_file() or not info.read_text().strip().endswith("}"):
            assert proc.poll() is None and time.monotonic() < deadline, "the dask scheduler did not start"
            time.sleep(0.1)
        yield json.loads(info.read_text())
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    """data/sample ingested by the pandas path (``score`` needs a store before it connects)."""
    store = tmp_path_factory.mktemp("session") / "store"
    ingest([config.SAMPLE_DIR], store=store, progress=False)
    return store


@pytest.fixture()
def env(cli_env: dict[str, str]) -> dict[str, str]:
    """The CLI environment with small connect and worker timeouts."""
    return {**cli_env, CONNECT_TIMEOUT_ENV: str(CONNECT_S), WORKER_TIMEOUT_ENV: str(WORKER_S)}


def score(env: dict[str, str], store: Path, address: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``score --dask ADDRESS`` on ``store``; return the run and its wall time."""
    t0 = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "analysis", "score", "--store", str(store), "--dask", address,
                          "--no-progress"], env=env, capture_output=True, text=True, timeout=120)
    return run, time.monotonic() - t0


@pytest.mark.parametrize("kind,message", [
    ("http", "not a Dask scheduler"),
    ("silent", "sent no Dask handshake within 2 s: it is not a Dask scheduler"),
    ("garbage", "is not a Dask scheduler: its reply is not the Dask protocol"),
    ("huge", "its reply is not the Dask protocol (it announced a message too large to allocate)"),
    ("closes", "closed the connection without a Dask handshake"),
])
def test_cli_refuses_a_peer_that_is_not_a_dask_scheduler(kind, message, env, sample_store):
    """HTTP, garbage, an exabyte length prefix, silence or a hang-up: exit 1, one line, in bounded time."""
    with peer(kind) as address:
        run, seconds = score(env, sample_store, address)
    assert run.returncode == 1, run.stderr[-2000:]
    assert run.stderr.strip().splitlines() == [run.stderr.strip()], run.stderr     # exactly one line
    assert run.stderr.startswith(f"error: {address} ") and message in run.stderr
    assert "Traceback" not in run.stderr and "8787 is its dashboard" in run.stderr
    assert seconds < MAX_RUN_S
    assert not (sample_store / "themes_dask").exists()


def test_cli_scheduler_without_workers_waits_once_then_fails(tmp_path, env, sample_store):
    """A real scheduler with no worker: one waiting message, then exit 1 after the worker timeout."""
    with scheduler(tmp_path) as info:
        run, seconds = score(env, sample_store, info["address"])
        dashboard, _ = score(env, sample_store, f"tcp://127.0.0.1:{info['services']['dashboard']}")
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 1, run.stderr[-2000:]
    assert len(lines) == 2 and "has no workers yet; waiting up to 3 s" in lines[0], run.stderr
    assert lines[1] == (f"error: the Dask scheduler at {info['address']} has no workers (none joined within "
                        f"3 s); start one with `dask worker {info['address']}`, or raise {WORKER_TIMEOUT_ENV}")
    assert WORKER_S <= seconds < MAX_RUN_S
    assert dashboard.returncode == 1 and "not a Dask scheduler" in dashboard.stderr   # the scheduler's HTTP port
    assert len(dashboard.stderr.strip().splitlines()) == 1 and "Traceback" not in dashboard.stderr


def test_client_waits_for_a_worker_that_joins(tmp_path, monkeypatch, caplog):
    """A worker that joins while the client waits is used; a worker's own address is refused by name."""
    monkeypatch.setenv(CONNECT_TIMEOUT_ENV, "10")
    monkeypatch.setenv(WORKER_TIMEOUT_ENV, "60")
    got: dict = {}
    with scheduler(tmp_path) as info, caplog.at_level(logging.WARNING, logger="analysis.cluster.session"):
        waiter = threading.Thread(target=lambda: got.update(c=session.client(info["address"], quiet=True)))
        waiter.start()
        time.sleep(1)
        assert waiter.is_alive()                                  # waiting for a worker, not failed
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", info["address"],
                                   "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            waiter.join(60)
            c = got["c"]
            try:
                workers = list(c.scheduler_info()["workers"])
                assert len(workers) == 1 and c.submit(sum, [1, 2]).result(timeout=30) == 3
                with pytest.raises(ClusterError, match="is a Dask Worker, not a scheduler"):
                    session.scheduler_identity(workers[0], 5)
            finally:
                c.close()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    waits = [r for r in caplog.records if "has no workers yet" in r.getMessage()]
    assert len(waits) == 1


def test_unreachable_bad_addresses_and_bad_timeouts_are_usage_errors(env, sample_store, monkeypatch):
    """Nothing listening, an address without HOST:PORT, a timeout that is not seconds: exit 2, one line."""
    run, seconds = score(env, sample_store, "tcp://127.0.0.1:1")
    assert run.returncode == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in run.stderr
    assert CONNECT_S <= seconds < MAX_RUN_S and "Traceback" not in run.stderr
    bad, _ = score({**env, CONNECT_TIMEOUT_ENV: "soon"}, sample_store, "tcp://127.0.0.1:1")
    assert bad.returncode == 2
    assert bad.stderr.strip() == f"error: {CONNECT_TIMEOUT_ENV}: expected seconds > 0, got 'soon'"
    no_port, _ = score(env, sample_store, "tcp://127.0.0.1")
    assert no_port.returncode == 2
    assert no_port.stderr.strip() == "error: --dask: expected tcp://HOST:PORT, got 'tcp://127.0.0.1' (no port)"
    for address in ("tcp://:8786", "tcp://127.0.0.1:http", "tcp://127.0.0.1:70000"):
        with pytest.raises(UsageError, match="expected tcp://HOST:PORT"):
            session.check_address(address)
    for value in ("0", "-3", "nan", "inf"):
        monkeypatch.setenv(WORKER_TIMEOUT_ENV, value)
        with pytest.raises(UsageError, match=WORKER_TIMEOUT_ENV):
            session.worker_timeout()
    monkeypatch.setenv(WORKER_TIMEOUT_ENV, "0.5")
    assert session.worker_timeout() == 0.5
