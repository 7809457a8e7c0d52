"""Load article files (scraped text, HTML, JSONL/JSON, CSV/TSV, Parquet) into the Parquet store.

Folders are walked recursively. Re-running on the same inputs adds nothing; new files add only
their new articles; a file read again with new metadata or corrected text updates its articles in
place (``--replace``: make the store mirror the inputs). Every skipped item is listed with its
reason in STORE/ingest_report.json.
"""
from __future__ import annotations

import argparse
import os
from typing import Any

import pandas as pd

from analysis import config
from analysis.cluster.ingest import ingest as dask_ingest
from analysis.cluster.options import add_dask_argument, session
from analysis.corpus.clean import parse_dates
from analysis.corpus.ingest import ingest
from analysis.corpus.store import LOCK_TIMEOUT_S
from analysis.errors import StoreError, UsageError


def parse_mapping(specs: list[str] | None) -> dict[str, str]:
    """Parse ``--map text=content,date=published`` (repeatable) into a dict.

    >>> parse_mapping(["text=content,date=published"])
    {'text': 'content', 'date': 'published'}
    """
    out: dict[str, str] = {}
    for spec in specs or []:
        for item in spec.split(","):
            if not item.strip():
                continue
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise UsageError(f"--map: expected ARTICLE_COLUMN=INPUT_COLUMN, got {item!r}")
            out[key.strip()] = value.strip()
    return out


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--store`` and ``--wait`` (shared with the ``delete`` command)."""
    parser.add_argument("--store", help="store folder (default: the configured data/processed)")
    parser.add_argument("--wait", type=float, default=LOCK_TIMEOUT_S, metavar="SECONDS",
                        help=f"how long to wait for another writer's lock (default {LOCK_TIMEOUT_S:.0f})")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ingest options."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to read")
    parser.add_argument("--map", action="append", metavar="COL=INPUT",
                        help="column mapping for tables, e.g. text=content,date=published")
    parser.add_argument("--source", help="outlet for articles whose input names none")
    parser.add_argument("--date", help="date (YYYY-MM-DD) for articles whose input gives none")
    parser.add_argument("--replace", action="store_true",
                        help="rewrite the stored articles from under PATH... and remove those no longer there")
    parser.add_argument("--clean-lines", action="store_true",
                        help="also remove furniture lines (ads, sign-up prompts, related lists) from JSONL/CSV/HTML texts")
    parser.add_argument("--no-templates", action="store_true",
                        help="do not learn site templates from the plain-text inputs (rules only)")
    add_store_arguments(parser)
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_dask_argument(parser)


def _defaults(args: argparse.Namespace) -> dict[str, str]:
    """Validate --source/--date into the defaults dict."""
    out: dict[str, str] = {}
    if args.source:
        out["source"] = args.source
    if args.date:
        parsed, problem = parse_dates(pd.Series([args.date]))
        if pd.isna(parsed.iloc[0]):
            raise UsageError(f"--date: {problem.iloc[0] or 'cannot parse ' + repr(args.date)}")
        out["date"] = parsed.iloc[0].strftime("%Y-%m-%d")
    return out


def check_store(store: str | None, wait: float) -> None:
    """Usage errors for a ``--store`` that cannot be a store folder and a negative ``--wait``."""
    if wait < 0:
        raise UsageError(f"--wait: expected seconds >= 0, got {wait}")
    root = config.store_dir(store)
    for p in (root, *root.parents):
        if p.exists():
            if not p.is_dir():
                raise UsageError(f"--store: {p} is not a folder")
            break


def format_summary(report: dict[str, Any]) -> str:
    """The closing summary printed after an ingest."""
    dup = report["duplicates"]
    lines = [
        f"files read:          {report['files_read']} ({report['bytes_read'] / 1e6:.1f} MB)",
        f"articles loaded:     {report['articles_loaded']}",
        f"new in store:        {report['articles_new']} (already there: {report['already_in_store']};"
        f" store now {report['store_rows']})",
        f"duplicates flagged:  {dup['exact'] + dup['near']} (exact {dup['exact']}, near {dup['near']})",
        f"without date:        {report['without_date']}",
    ]
    if report.get("updated_count") or report.get("removed_count"):
        lines.append(f"updated in place:    {report.get('updated_count', 0)}"
                     f" (removed: {report.get('removed_count', 0)})")
    removed = report.get("lines_removed") or {}
    if removed:
        lines.append(f"lines removed:       {sum(removed.values())} ("
                     + ", ".join(f"{k} {n}" for k, n in list(removed.items())[:6]) + (", ..." if len(removed) > 6 else "") + ")")
    if report.get("templates"):
        lines.append(f"site templates:      {len(report['templates'])} site(s), "
                     f"{sum(t['template_lines'] for t in report['templates'].values())} lines (python -m analysis templates)")
    lines.append(f"items skipped:       {report['skipped_count']}")
    lines += [f"  {n:6d}  {reason}" for reason, n in report["skipped_by_reason"].items()]
    if report["warnings"]:
        lines.append(f"warnings (kept):     {len(report['warnings'])}")
        lines += [f"  {n:6d}  {reason}" for reason, n in report["warnings_by_reason"].items()]
    lines.append(f"report:              {report['store']}/ingest_report.json ({report['seconds']:.1f} s)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Ingest (pandas, or on Dask with ``--dask``) and print the closing summary."""
    mapping, defaults = parse_mapping(args.map), _defaults(args)
    check_store(args.store, args.wait)
    if getattr(args, "dask", None) and args.replace:
        raise UsageError("--replace: not available with --dask (run the ingest without --dask)")
    if getattr(args, "dask", None) and (args.clean_lines or args.no_templates):
        raise UsageError("--clean-lines/--no-templates: not available with --dask (run the ingest without --dask)")
    try:
        if getattr(args, "dask", None):
            with session(args) as client:
                report = dask_ingest(args.paths, store=args.store, mapping=mapping, defaults=defaults,
                                     client=client, progress=not args.no_progress)
        else:
            report = ingest(args.paths, store=args.store, mapping=mapping, defaults=defaults,
                            progress=not args.no_progress, replace=args.replace, lock_timeout=args.wait,
                            clean_lines=args.clean_lines, learn_templates=not args.no_templates)
    except OSError as exc:        # the store cannot be written (full disk, permissions): not one input item
        raise StoreError(f"cannot write the store {config.store_dir(args.store)}: "
                         f"{exc.strerror or exc}{f' ({os.fsdecode(exc.filename)})' if exc.filename else ''}") from None
    print(format_summary(report))
    return 0
