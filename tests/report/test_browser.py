"""A real headless browser opens the index and every report page of a real run on a slice of the
shared AllSides corpus: no console errors, and screenshots (PNG, in the tests' temp folder) that
are not blank.

Uses Debian's ``chromium`` (``.ci/run`` installs it); skipped locally when it is missing, failed
under CI. Network is disabled for the browser (every host resolves to nothing), so a page that
needed a CDN would be visibly broken; the static audit in tests/report/test_run.py checks the URLs.
The run itself is the session fixture ``allsides_run`` (tests/report/conftest.py).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,2400"]
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


def not_blank(shot: Path) -> bool:
    """True when a screenshot shows something: many colours, real contrast, not mostly one colour."""
    img = Image.open(shot).convert("RGB")
    small = img.resize((img.width // 4, img.height // 4))
    colours = small.getcolors(maxcolors=1 << 20) or []
    top = max(n for n, _ in colours) / (small.width * small.height)
    spread = max(ImageStat.Stat(small.convert("L")).stddev[0], 0)
    return len(colours) > 50 and spread > 10 and top < 0.97


def test_console_detection_works(chromium, tmp_path):
    """The console scraping sees an uncaught error (so a clean result means something)."""
    page = tmp_path / "bad.html"
    page.write_text("<p>x</p><script>throw new Error('boom')</script>")
    _, console = browse(chromium, page, tmp_path / "profile", "--dump-dom")
    assert any("Uncaught Error: boom" in m for m in console)


def test_blank_detection_works(chromium, tmp_path):
    """An empty page's screenshot counts as blank (so a non-blank result means something)."""
    page = tmp_path / "empty.html"
    page.write_text("<!DOCTYPE html><html><body></body></html>")
    shot = tmp_path / "empty.png"
    browse(chromium, page, tmp_path / "profile", f"--screenshot={shot}")
    assert shot.is_file() and not not_blank(shot)


@pytest.mark.slow
def test_index_and_every_report_render_offline(chromium, allsides_run, tmp_path):
    """index.html and every report page render offline and error-free; their screenshots are not blank."""
    pages = {"index": allsides_run / "index.html",
             **{p.stem: p for p in sorted(allsides_run.glob("*/*.html"))}}
    assert {"01-corpus-overview", "02-theme-report-migration", "04-compare"} <= set(pages)
    assert any(k.startswith("03-article-brief") for k in pages)
    for name, page in pages.items():
        dom, console = browse(chromium, page, tmp_path / f"profile-{name}", "--dump-dom")
        assert console == [], f"{name}: {console}"
        assert "<img" in dom and "data:image/png;base64," in dom, name
        assert "<script" not in dom
        if name == "index":
            assert dom.count('class="card"') == len(pages) - 1
        else:
            assert "About this report" in dom and "<details" in dom, name
        shot = tmp_path / f"{name}.png"
        _, console = browse(chromium, page, tmp_path / f"profile-{name}-shot", f"--screenshot={shot}")
        assert console == []
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert not_blank(shot), f"{name}: blank screenshot {shot}"
