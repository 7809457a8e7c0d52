"""Site templates: the lines that recur across many pages of one site (menus, banners, footers), learned at ingest.

A *site* is the outlet a page's manifest/sidecar names, else its URL host, else its folder
(:func:`analysis.corpus.lines.source_key`). :func:`learn` reads the plain-text files under the
inputs once (before they are loaded) and counts, per site, the files each candidate line appears
in. A candidate is boilerplate-shaped (not a prose sentence, or matched by a line rule) or sits in
the page's head (before the first prose line) or tail (after the last one); a prose paragraph in
the middle of a page is never a candidate, so a statement two articles share stays in both.
Candidates seen in at least :data:`~analysis.corpus.patterns.TEMPLATE_MIN_FILES` files and
:data:`~analysis.corpus.patterns.TEMPLATE_MIN_SHARE` of the site's files are template; bylines,
dates and known section labels never are (they carry the article's metadata).

Learned templates are kept in the store version (``_templates.json``, written under the store's
lock with the articles) so a later ingest of one more page from a known site uses them::

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for i in range(3):
    ...     _ = (d / f"{i}.txt").write_text(f"Watch Live\\nStory {i} headline\\n\\nBody {i} says a lot.\\n")
    >>> learned = learn([d])
    >>> [s["lines"] for s in learned.sites.values()]
    [{'Watch Live': 3}]
"""
from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.corpus import lines as L
from analysis.corpus import patterns
from analysis.corpus.clean import InputError, decode_bytes
from analysis.corpus.loaders.articles import iter_files, sniff_format
from analysis.corpus.loaders.metadata import MetadataIndex
from analysis.corpus.store import current_version

log = logging.getLogger(__name__)

FILE_NAME: str = "_templates.json"      # inside a store version
MAX_BYTES: int = 4 << 20                # larger text files are not read for learning
CLASSIFY_MAX_CHARS: int = 100           # longer prose lines in mid-page are never template candidates
EXAMPLES: int = 5
EDGE_LINES: int = 3                     # the first and last lines of a page are in its head/tail block


@dataclass
class SiteTemplates:
    """Template lines per site: ``sites[key] = {"files": N, "lines": {line: files seen in}}``."""

    sites: dict[str, dict[str, Any]] = field(default_factory=dict)

    def context(self) -> L.PageContext:
        """A :class:`analysis.corpus.lines.PageContext` that removes these lines from their sites' pages."""
        return L.PageContext({k: frozenset(L.template_key(x) for x in s["lines"]) for k, s in self.sites.items()
                              if s["lines"]})

    def merged(self, other: SiteTemplates) -> SiteTemplates:
        """These templates and ``other``'s (per site: the union of lines, the larger counts)."""
        out = {k: {"files": s["files"], "lines": dict(s["lines"])} for k, s in self.sites.items()}
        for k, s in other.sites.items():
            mine = out.setdefault(k, {"files": 0, "lines": {}})
            mine["files"] = max(mine["files"], s["files"])
            for line, n in s["lines"].items():
                mine["lines"][line] = max(mine["lines"].get(line, 0), n)
        return SiteTemplates(out)

    def summary(self, examples: int = EXAMPLES) -> dict[str, dict[str, Any]]:
        """Per site: files seen, how many template lines, the most frequent few (for the ingest report)."""
        out = {}
        for key, s in sorted(self.sites.items()):
            top = sorted(s["lines"].items(), key=lambda kv: (-kv[1], kv[0]))
            out[key] = {"files": s["files"], "template_lines": len(top), "examples": [x for x, _ in top[:examples]]}
        return out

    def to_json(self) -> dict[str, Any]:
        """The JSON body stored in the store version."""
        return {"min_files": patterns.TEMPLATE_MIN_FILES, "min_share": patterns.TEMPLATE_MIN_SHARE,
                "sites": self.sites}

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SiteTemplates:
        """Read the stored JSON body (unknown keys ignored)."""
        sites = body.get("sites") or {}
        return cls({str(k): {"files": int(v.get("files", 0)), "lines": {str(x): int(n) for x, n in v.get("lines", {}).items()}}
                    for k, v in sites.items() if isinstance(v, dict)})


def candidates(text: str) -> set[str]:
    """The lines of one page that may be template: boilerplate-shaped, or in the head or tail block
    (before the first prose line, after the last one, or among the first/last :data:`EDGE_LINES`)."""
    lines = [x.strip() for x in text.splitlines()]
    lines = [x if "  " not in x and "\t" not in x and "\xa0" not in x else " ".join(x.split()) for x in lines if x]
    shapes = L.shapes_of(lines)
    prose = [i for i, s in enumerate(shapes) if s == "prose"]
    first, last = (prose[0], prose[-1]) if prose else (len(lines), -1)
    out = set()
    edge = len(lines) - EDGE_LINES
    for i, x in enumerate(lines):
        if (i < first or i > last or i < EDGE_LINES or i >= edge or shapes[i] != "prose"
                or (len(x) <= CLASSIFY_MAX_CHARS and L.classify(x) is not None)):
            out.add(x)
    return out


def _never_template(line: str) -> bool:
    """Lines that carry an article's metadata: bylines, dates, known section labels."""
    return patterns.is_known_section(line) or L.classify(line) in ("byline", "date")


def learn(paths: Iterable[str | os.PathLike[str]], min_files: int | None = None,
          min_share: float | None = None, meta: MetadataIndex | None = None) -> SiteTemplates:
    """Learn the template lines of every site among the plain-text files under ``paths`` (one read each).

    Files that cannot be read are left to the loader (which reports them). ``meta`` is the run's
    manifest/sidecar index, shared with the loader (manifests read once; their problems reported once).
    """
    min_files = patterns.TEMPLATE_MIN_FILES if min_files is None else min_files
    min_share = patterns.TEMPLATE_MIN_SHARE if min_share is None else min_share
    meta = MetadataIndex() if meta is None else meta
    counts: dict[str, Counter[str]] = {}
    files: Counter[str] = Counter()
    for path in iter_files(paths, []):
        try:
            if path.stat().st_size > MAX_BYTES:
                continue
            data = path.read_bytes()
            if sniff_format(path, data[:4096]) != "text":
                continue
            text = decode_bytes(data)[0]
        except (OSError, InputError):
            continue
        key = L.source_key(path, meta.lookup(path))
        files[key] += 1
        counts.setdefault(key, Counter()).update(candidates(text))
    sites: dict[str, dict[str, Any]] = {}
    for key, c in counts.items():
        need = max(min_files, min_share * files[key])
        lines = {x: n for x, n in c.items() if n >= need and not _never_template(x)}
        if lines:
            sites[key] = {"files": files[key], "lines": dict(sorted(lines.items()))}
    log.debug("templates: %d site(s) with template lines out of %d", len(sites), len(counts))
    return SiteTemplates(sites)


_CURRENT: Any = object()      # stored(): no version given, read the store's current one


def stored(store: str | os.PathLike[str] | None = None, version: Path | None = _CURRENT) -> SiteTemplates:
    """The templates kept with the store's current version (or ``version``; None: an empty store, none)."""
    vdir = current_version(store) if version is _CURRENT else version
    path = None if vdir is None else vdir / FILE_NAME
    if path is None or not path.is_file():
        return SiteTemplates()
    try:
        return SiteTemplates.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable site templates %s: %s", path, exc)
        return SiteTemplates()
