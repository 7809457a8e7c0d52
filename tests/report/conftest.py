"""A real report run on a slice of the shared AllSides corpus, built once per test session and shared
by the reader-page tests (tests/report/test_reader_pages.py) and the browser tests (test_browser.py),
also across pytest-xdist workers (a file lock: one worker builds, the others wait and reuse it)."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import config

REQUIRE_SHARED = os.environ.get("POLICY_NEWS_REQUIRE_SHARED") == "1"
ALLSIDES_SLICE = 300   # articles: a few hundred keep the run well inside a minute
RUN_THEMES = "migration"


def _build(folder: Path) -> None:
    """Ingest the slice into ``folder/store`` and run every report on it into ``folder/reports``."""
    env = {**os.environ, "POLICY_NEWS_DATA": str(folder / "data"), "POLICY_NEWS_REPORTS": str(folder / "reports"),
           "MPLBACKEND": "Agg"}
    src = folder / "allsides_slice.jsonl"
    with config.ALLSIDES_JSONL.open(encoding="utf-8") as f:
        src.write_text("".join(next(f) for _ in range(ALLSIDES_SLICE)), encoding="utf-8")
    store = folder / "store"
    steps = [["ingest", str(src), "--store", str(store)],
             ["report", "--store", str(store), "--themes", RUN_THEMES, "--out", str(folder / "reports"), "--jobs", "2"]]
    for args in steps:
        proc = subprocess.run([sys.executable, "-m", "analysis", *args], env=env, capture_output=True, text=True,
                              timeout=400)
        assert proc.returncode == 0, f"{args[0]}: {proc.stderr[-3000:]}"


@pytest.fixture(scope="session")
def allsides_run(tmp_path_factory) -> Path:
    """The run folder (index.html + one folder per report) of a report run on the AllSides slice."""
    if not config.ALLSIDES_JSONL.exists():
        msg = f"shared data not found: {config.ALLSIDES_JSONL}"
        if REQUIRE_SHARED:
            pytest.fail(msg + " (POLICY_NEWS_REQUIRE_SHARED=1)")
        pytest.skip(msg)
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "allsides-report-run"
    with (shared / "allsides-report-run.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (folder / "done").exists():
                folder.mkdir(parents=True, exist_ok=True)
                _build(folder)
                (folder / "done").write_text("ok", encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return (folder / "reports" / "latest").resolve()
