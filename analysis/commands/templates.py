"""List the site templates learned at ingest: per site, the recurring lines removed from its pages.

A site is the outlet a page's manifest/sidecar names (``source:...``), else its URL host
(``host:...``), else its folder (``folder:...``). ``--source`` shows one site's lines in full.
"""
from __future__ import annotations

import argparse

from analysis import config
from analysis.corpus import templates
from analysis.corpus.store import current_version
from analysis.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the templates options."""
    parser.add_argument("--store", help="store folder (default: the configured data/processed)")
    parser.add_argument("--source", metavar="S",
                        help="one site: its outlet name, host or folder (or the full key, e.g. host:example.com)")


def format_templates(learned: templates.SiteTemplates, source: str | None = None) -> str:
    """Text listing of the templates (every line of one site with ``source``, a few per site otherwise).

    >>> t = templates.SiteTemplates({"source:Gazette": {"files": 9, "lines": {"Watch Live": 8, "Weather": 9}}})
    >>> print(format_templates(t))
    source:Gazette  (9 files, 2 template lines)
           9  Weather
           8  Watch Live
    """
    sites = learned.sites
    if source is not None:
        keys = [k for k in sites if k == source or k.split(":", 1)[1] == source]
        if not keys:
            raise UsageError(f"--source: no templates for {source!r} (known: {', '.join(sorted(sites)) or 'none'})")
        sites = {k: sites[k] for k in keys}
    out = []
    for key in sorted(sites):
        s = sites[key]
        lines = sorted(s["lines"].items(), key=lambda kv: (-kv[1], kv[0]))
        out.append(f"{key}  ({s['files']} files, {len(lines)} template lines)")
        shown = lines if source is not None else lines[:templates.EXAMPLES]
        out += [f"  {n:6d}  {line}" for line, n in shown]
        if len(shown) < len(lines):
            out.append(f"  ... {len(lines) - len(shown)} more (--source {key})")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    """Print the templates kept with the store's current version."""
    if current_version(args.store) is None:
        raise UsageError(f"no article store at {config.store_dir(args.store)}")
    learned = templates.stored(args.store)
    if not learned.sites:
        print("no site templates in the store (they are learned from plain-text pages at ingest)")
        return 0
    print(format_templates(learned, args.source))
    return 0
