"""One zip archive of a run that a colleague opens offline: ``report --zip``.

``reports/<run-id>.zip`` holds the run folder as ``<run-id>/...``: ``index.html``, every report page,
its charts (PNG, SVG) and their CSVs, and every other file of the run a page links to (the
manifest, say). Links stay relative, so after unzipping, ``<run-id>/index.html`` opens in a browser
with no network and no Python. A page linking to an absolute local path, or to a file outside the
run, fails the archive instead of shipping a broken link. The zip is written to a temporary file
in the same folder and renamed over the old one, so a crash never leaves a half zip in its place.

    >>> local_links('<a href="b/b.html">x</a><img src="data:image/png;base64,AA=="><a href="#top">t</a>')
    ['b/b.html']
"""
from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from analysis.errors import StoreError

log = logging.getLogger(__name__)

ARCHIVED_SUFFIXES = (".html", ".png", ".svg", ".csv")
LINK_ATTRS = ("href", "src")


class _Links(HTMLParser):
    """Collect href/src values of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the link attributes of one tag."""
        for name, value in attrs:
            if name in LINK_ATTRS and value:
                self.found.append(value.strip())


def local_links(html: str) -> list[str]:
    """The links of a page that point at files (not ``data:``, ``#anchors``, ``http(s):``, ``mailto:``)."""
    parser = _Links()
    parser.feed(html)
    out = []
    for link in parser.found:
        parts = urlsplit(link)
        if parts.scheme in ("data", "http", "https", "mailto") or link.startswith(("#", "//")):
            continue
        out.append(link)
    return out


def archive_members(run_dir: Path) -> tuple[list[Path], list[str]]:
    """The run's files to archive (pages, charts, CSVs and what pages link to) and the bad links."""
    run_dir = run_dir.resolve()
    members = {p for p in run_dir.rglob("*") if p.is_file() and p.suffix.lower() in ARCHIVED_SUFFIXES
               and not p.name.startswith(".")}
    problems: list[str] = []
    for page in sorted(p for p in members if p.suffix.lower() == ".html"):
        for link in local_links(page.read_text(encoding="utf-8", errors="replace")):
            parts = urlsplit(link)
            if parts.scheme or parts.path.startswith("/"):
                problems.append(f"{page.relative_to(run_dir)}: absolute link {link}")
                continue
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(run_dir):
                problems.append(f"{page.relative_to(run_dir)}: link {link} leaves the run folder")
            elif not target.is_file():
                problems.append(f"{page.relative_to(run_dir)}: broken link {link}")
            else:
                members.add(target)
    return sorted(members), problems


def write_archive(run_dir: Path, dest: Path | None = None) -> Path:
    """Write ``<run-id>.zip`` next to ``run_dir`` atomically; return its path (StoreError on a bad link)."""
    run_dir = Path(run_dir).resolve()
    dest = Path(dest) if dest is not None else run_dir.parent / f"{run_dir.name}.zip"
    members, problems = archive_members(run_dir)
    if problems:
        raise StoreError(f"cannot archive {run_dir.name}: {problems[0]}"
                         + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    if not any(m.name == "index.html" and m.parent == run_dir for m in members):
        raise StoreError(f"cannot archive {run_dir.name}: it has no index.html")
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                for path in members:
                    zf.write(path, f"{run_dir.name}/{path.relative_to(run_dir).as_posix()}")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.debug("archived %d files of %s into %s", len(members), run_dir.name, dest)
    return dest
