"""Remove articles from the store by id, origin (a file or folder that was ingested) or source.

``--dry-run`` lists what would go and changes nothing. Copies of a removed article point at the
first remaining copy afterwards. The deletion is one store commit, recorded in STORE/ingest_reports/.
"""
from __future__ import annotations

import argparse
from typing import Any

from analysis.commands.ingest import add_store_arguments, check_store
from analysis.corpus.ingest import delete_articles


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the delete options."""
    parser.add_argument("--id", action="append", default=[], metavar="ARTICLE_ID",
                        help="an article_id to delete (repeatable)")
    parser.add_argument("--origin", action="append", default=[], metavar="PATH",
                        help="delete what was ingested from this file or folder (repeatable)")
    parser.add_argument("--source", action="append", default=[], metavar="SOURCE",
                        help="delete every article of this outlet (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="list what would be deleted; change nothing")
    add_store_arguments(parser)


def format_listing(report: dict[str, Any]) -> str:
    """One line per deleted article, then the count."""
    lines = [f"{d['article_id']}  {d['source'] or '-'}  {d['origin']}  {(d['title'] or '')[:60]}" for d in report["deleted"]]
    verb = "would delete" if report["dry_run"] else "deleted"
    lines.append(f"{verb}: {report['deleted_count']} article(s)"
                 + (f"; {report['dup_of_repointed']} copies re-pointed" if report.get("dup_of_repointed") else ""))
    if report["unknown_ids"]:
        lines.append(f"not in the store: {', '.join(report['unknown_ids'])}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Delete (or list, with ``--dry-run``) and print what went."""
    check_store(args.store, args.wait)
    report = delete_articles(args.store, ids=args.id, origins=args.origin, sources=args.source,
                             dry_run=args.dry_run, lock_timeout=args.wait)
    print(format_listing(report))
    return 0
