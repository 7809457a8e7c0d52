"""A real headless browser opens the report index and one report: no console errors, screenshots.

Uses Debian's ``chromium`` (``.ci/run`` installs it); skipped locally when it is missing, failed
under CI. Network is disabled for the browser (every host resolves to nothing), so a page that
needed a CDN would be visibly broken; the static audit in tests/report/test_run.py checks the URLs.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.report.test_run import make_notebooks, make_store, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--enable-logging=stderr", "--v=0",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,1000"]
CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)\]\s*(.*)")


@pytest.fixture(scope="module")
def chromium() -> str:
    """Path of the chromium binary (skip, or fail under CI, when absent)."""
    if CHROMIUM is None:
        if os.environ.get("CI") or os.environ.get("POLICY_NEWS_REQUIRE_SHARED") == "1":
            pytest.fail("chromium not installed (apt-get install -y chromium)")
        pytest.skip("chromium not installed")
    return CHROMIUM


def browse(chromium: str, page: Path, profile: Path, *extra: str) -> tuple[str, list[str]]:
    """Open ``page`` headless; return (stdout, console messages)."""
    cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, [m.group(1) for m in CONSOLE.finditer(proc.stderr)]


def test_console_detection_works(chromium, tmp_path):
    """The console scraping sees an uncaught error (so a clean result means something)."""
    page = tmp_path / "bad.html"
    page.write_text("<p>x</p><script>throw new Error('boom')</script>")
    _, console = browse(chromium, page, tmp_path / "profile", "--dump-dom")
    assert any("Uncaught Error: boom" in m for m in console)


@pytest.mark.slow
def test_index_and_report_open_without_console_errors(chromium, cli_env, tmp_path):
    """index.html and a theme report render offline, error-free; screenshots are saved."""
    setup = {"store": make_store(tmp_path / "store"),
             "notebooks": make_notebooks(tmp_path / "notebooks")}
    out = tmp_path / "reports"
    proc = run_cli(["--themes", "trade", "--only", "01-corpus-overview,02-theme-report"],
                   cli_env, setup, out)
    assert proc.returncode == 0, proc.stderr
    run_dir = (out / "latest").resolve()
    pages = {"index": run_dir / "index.html",
             "report": run_dir / "02-theme-report-trade" / "02-theme-report-trade.html"}
    for name, page in pages.items():
        dom, console = browse(chromium, page, tmp_path / f"profile-{name}", "--dump-dom")
        assert console == [], f"{name}: {console}"
        assert "<img" in dom and "data:image/png;base64," in dom
        assert ("Theme report" in dom) if name == "report" else ("card" in dom)
        assert "<script" not in dom
        shot = tmp_path / f"{name}.png"
        _, console = browse(chromium, page, tmp_path / f"profile-{name}-shot",
                            f"--screenshot={shot}")
        assert console == []
        assert shot.is_file() and shot.stat().st_size > 5_000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
