"""analysis.report.lifeline: a child tied to its parent dies when the parent is killed with SIGKILL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

from analysis.report import lifeline

# The parent starts a child that ties itself to the parent, writes its pid and how, then sleeps.
PARENT = textwrap.dedent("""
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]])
    time.sleep(600)
""")
CHILD = textwrap.dedent("""
    import os, sys, time
    from analysis.report import lifeline
    how = lifeline.die_with_parent(os.getppid())
    open(sys.argv[1], "w").write(f"{os.getpid()} {how}")
    time.sleep(600)
""")


def test_env_parent_reads_a_pid_or_none(monkeypatch) -> None:
    monkeypatch.setenv("X_PARENT", "1234")
    assert lifeline.env_parent("X_PARENT") == 1234
    monkeypatch.setenv("X_PARENT", "not a pid")
    assert lifeline.env_parent("X_PARENT") is None
    monkeypatch.delenv("X_PARENT")
    assert lifeline.env_parent("X_PARENT") is None
    assert lifeline.die_with_parent(None) == "none"


def test_child_dies_with_its_killed_parent(tmp_path: Path, cli_env: dict[str, str]) -> None:
    marker = tmp_path / "child.txt"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD, str(marker)], env=cli_env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (marker.exists() and marker.read_text()):
            time.sleep(0.05)
        pid, how = marker.read_text().split()
        assert how == ("prctl" if sys.platform.startswith("linux") else "poll")
        child = psutil.Process(int(pid))
        assert child.is_running()
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        gone, alive = psutil.wait_procs([child], timeout=5)
        assert alive == [] and len(gone) == 1
    finally:
        if parent.poll() is None:
            parent.kill()


def test_orphan_exits_at_once(tmp_path: Path, cli_env: dict[str, str]) -> None:
    code = "import os; from analysis.report import lifeline; lifeline.die_with_parent(os.getppid() + 999999); print('ran on')"
    res = subprocess.run([sys.executable, "-c", code], env=cli_env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 1 and "ran on" not in res.stdout
