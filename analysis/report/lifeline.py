"""Tie the report's worker and kernel processes to their parent so that none outlives a killed runner.

A runner killed with SIGKILL cannot stop its children. Each worker and each kernel therefore asks
the kernel for a parent-death signal (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, through ctypes):
when the process that started it dies, it is killed too, so the chain runner → worker → kernel
collapses at once and nothing more is written into an abandoned run. Elsewhere (no prctl) a daemon
thread polls the parent pid instead. Either way a child whose parent is already gone when it
starts exits at once.

Kernels start through this module (``python -m analysis.report.lifeline -f CONNECTION_FILE``, the
``argv`` of the runner's private kernelspec, see :func:`analysis.report.execute.kernel_env`): it
sets the signal for the parent jupyter_client names in ``JPY_PARENT_PID`` and then runs
``ipykernel_launcher`` unchanged.
"""
from __future__ import annotations

import ctypes
import logging
import os
import runpy
import signal
import sys
import threading
import time

log = logging.getLogger(__name__)

PARENT_ENV = "POLICY_NEWS_PARENT_PID"  # the runner's pid, for its workers
PR_SET_PDEATHSIG = 1
POLL_S = 0.5


def _poll_parent(parent: int) -> None:
    """Kill this process as soon as its parent is no longer ``parent`` (the portable fallback)."""
    while True:
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(POLL_S)


def die_with_parent(parent: int | None) -> str:
    """Arrange for this process to be killed when its parent ``parent`` dies; return the mechanism.

    ``parent`` None or 0: nothing to tie to (returns ``"none"``). When the parent is already gone
    (this process was re-parented before the call), exit at once.
    """
    if not parent:
        return "none"
    how = "poll"
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                how = "prctl"
        except (OSError, AttributeError) as exc:  # no libc prctl: fall back to polling
            log.debug("prctl unavailable: %s", exc)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if how == "poll":
        threading.Thread(target=_poll_parent, args=(parent,), daemon=True,
                         name="parent-watch").start()
    return how


def env_parent(name: str) -> int | None:
    """The pid in environment variable ``name`` (None when unset or not a number)."""
    try:
        return int(os.environ[name])
    except (KeyError, ValueError):
        return None


def kernel_main() -> None:
    """Start ipykernel (``python -m ipykernel_launcher`` with this process's arguments), tied to its parent."""
    die_with_parent(env_parent("JPY_PARENT_PID"))
    sys.argv[0] = "ipykernel_launcher"
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    kernel_main()
