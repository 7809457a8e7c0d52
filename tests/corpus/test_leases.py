"""Reader leases (analysis.corpus.leases): shared locks pin a version; dead readers pin nothing."""
from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from analysis.corpus import leases


def test_a_held_lease_blocks_retire_until_released(tmp_path: Path) -> None:
    removed = []
    held, fh = leases.acquire(tmp_path, "v000002", lambda: True)
    assert held and leases.is_leased(tmp_path, "v000002")
    assert not leases.retire(tmp_path, "v000002", lambda: removed.append("v000002"))
    leases.release(fh)
    assert leases.retire(tmp_path, "v000002", lambda: removed.append("v000002"))
    assert removed == ["v000002"] and not leases.lease_file(tmp_path, "v000002").exists()


def test_a_version_gone_once_the_lease_is_held_is_not_leased(tmp_path: Path) -> None:
    assert leases.acquire(tmp_path, "v000001", lambda: False) == (False, None)
    assert not leases.is_leased(tmp_path, "v000001")


def test_lease_of_a_killed_process_is_free_and_cleaned(tmp_path: Path, python: str) -> None:
    script = ("import sys, time; from pathlib import Path; from analysis.corpus import leases; "
              f"held, fh = leases.acquire(Path({str(tmp_path)!r}), 'v000001', lambda: True); "
              "print(held, flush=True); time.sleep(600)")
    proc = subprocess.Popen([python, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "True"
        assert leases.holders(tmp_path) == {"v000001": True}
        assert leases.clean(tmp_path, existing=[]) == 0            # held: kept
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert leases.holders(tmp_path) == {"v000001": False}
    assert leases.clean(tmp_path, existing=[]) == 1 and leases.holders(tmp_path) == {}
