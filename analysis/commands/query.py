"""Ask the article store a boolean query: share of all coverage over time/by outlet and the top matches in context.

The language (terms, "phrases", prefix*, AND/OR/NOT, parentheses, "a b"~N, SENT(...), fields) is
described in docs/methods.md ("Queries"). QUERY is a query, ``NAME=QUERY``, or the name of a saved
query (``analysis/search/queries/*.yml`` or ``--queries DIR``).
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.aggregate.query_counts import PERIOD_NAMES, share_of_matches, split_by
from analysis.cluster.engine import read_store
from analysis.cluster.options import add_dask_argument, session
from analysis.cluster.query import query_store
from analysis.corpus.store import load_corpus
from analysis.errors import UsageError
from analysis.search.engine import QueryResult, query
from analysis.search.saved import SavedQuery, resolve_query
from analysis.spreadsheet import write_reader_csv
from analysis.text.sentences import document_text

log = logging.getLogger(__name__)
CONTEXT_CHARS = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``python -m analysis query``."""
    parser.add_argument("query", metavar="QUERY", help="a query, NAME=QUERY, or a saved query's name")
    parser.add_argument("--store", help="store folder (default: the configured data/processed)")
    parser.add_argument("--by", action="append", metavar="KEY",
                        help="group the share by a period (day, week, month, quarter, year) or an article "
                             "column such as source; repeat for several (default: month)")
    parser.add_argument("--start", help="first day, YYYY-MM-DD")
    parser.add_argument("--end", help="last day, YYYY-MM-DD")
    parser.add_argument("--show", type=int, default=10, metavar="N",
                        help="print the N matching articles with the most hits (default: 10; 0: none)")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="also write the share table to this CSV file")
    parser.add_argument("--keep-duplicates", action="store_true",
                        help="also count articles flagged as duplicates of an earlier one (left out by default, "
                             "as in the reports)")
    parser.add_argument("--queries", type=Path, metavar="DIR",
                        help="folder of saved queries (default: the shipped analysis/search/queries)")
    parser.add_argument("--workers", type=int, default=1, help="threads sharing the scan (default: 1)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (with --dask)")
    add_dask_argument(parser)


def keyword_in_context(doc: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """One line: up to ``width`` characters either side of doc[start:end] (whole words), the match in [brackets].

    >>> keyword_in_context("New tariffs on Mexico hit trade hard.", 15, 21, 12)
    '…tariffs on [Mexico] hit trade…'
    """
    lo, hi = max(0, start - width), min(len(doc), end + width)
    while 0 < lo < start and not doc[lo - 1].isspace() and not doc[lo].isspace():
        lo += 1  # drop the word the window cuts
    while end < hi < len(doc) and not doc[hi].isspace() and not doc[hi - 1].isspace():
        hi -= 1
    left, right = " ".join(doc[lo:start].split()), " ".join(doc[end:hi].split())
    if left and doc[start - 1:start].isspace():
        left += " "
    if right and doc[end:end + 1].isspace():
        right = " " + right
    return f"{'…' if lo > 0 else ''}{left}[{doc[start:end]}]{right}{'…' if hi < len(doc) else ''}"


def format_share(table: pd.DataFrame) -> str:
    """The share table as aligned text (period as YYYY-MM-DD, share and interval in percent)."""
    if table.empty:
        return "(no dated articles)"
    out = table.drop(columns=["theme"]).copy()
    if "period" in out:
        out["period"] = out["period"].dt.strftime("%Y-%m-%d")
    for c in ("share", "ci_low", "ci_high"):
        out[c] = out[c].map(lambda v: "" if pd.isna(v) else f"{100 * v:.1f}%")
    out = out.rename(columns={"n_articles_with_theme": "matching", "n_articles": "articles",
                              "ci_low": "95% low", "ci_high": "95% high"})
    return out.to_string(index=False)


def format_matches(result: QueryResult, show: int) -> str:
    """The ``show`` articles with the most hits: hits, date, outlet, title, first hit in context."""
    lines = []
    top = result.articles.head(show)
    src = result.source.set_index("article_id")
    for row in top.itertuples(index=False):
        aid = str(row.article_id)
        date = getattr(row, "date", None)
        day = f"{date:%Y-%m-%d}" if isinstance(date, pd.Timestamp) and not pd.isna(date) else "undated"
        title = getattr(row, "title", "") or ""
        lines.append(f"{row.hits:4d}  {day}  {getattr(row, 'source', '') or ''}  {title}  ({aid})")
        h = result.hits[(result.hits["article_id"] == aid) & result.hits["field"].isin(["", "title", "text"])]
        if len(h):
            art = src.loc[aid]
            art = art.iloc[0] if isinstance(art, pd.DataFrame) else art
            doc = document_text(art.get("title"), art.get("text"))
            lines.append("      " + keyword_in_context(doc, int(h["start"].iloc[0]), int(h["end"].iloc[0])))
    return "\n".join(lines)


def print_result(saved: SavedQuery, share: pd.DataFrame, result: QueryResult, k: int, show: int,
                 csv: Path | None) -> None:
    """Print the header, the share table and the top matches; write the CSV."""
    n = result.n_articles
    print(f"query {saved.name}: {saved.query}")
    if saved.description:
        print(f"  {saved.description}")
    print(f"matching: {k:,} of {n:,} articles ({100 * k / n:.1f}%)" if n else "matching: 0 of 0 articles")
    print()
    print(format_share(share))
    if csv:
        write_reader_csv(share, csv)
        log.info("wrote %s", csv)
    if show and k:
        print()
        print(f"top {min(show, k)} matching articles (hits, date, outlet, title):")
        print(format_matches(result, show))


def run_dask(args: argparse.Namespace, saved: SavedQuery, by: list[str], columns: list[str]) -> int:
    """The same query on a Dask cluster (per-partition counts and top matches, merged)."""
    arts = read_store(args.store, columns=columns, drop_duplicates=not args.keep_duplicates)  # UsageError: no store
    with session(args):
        summary = query_store(arts, saved.query, by=by, name=saved.name, show=args.show, start=args.start,
                              end=args.end, show_progress=not args.no_progress)
    print_result(saved, summary.share, summary.top, summary.n_matching, args.show, args.csv)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the query and print the share table and the top matches."""
    if args.show < 0:
        raise UsageError("--show must be 0 or more")
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    saved = resolve_query(args.query, args.queries)
    by = args.by or ["month"]
    columns = [c for c in schema.ARTICLE_COLUMNS if c not in ("url", "n_words", "origin", "dup_of")]
    if getattr(args, "dask", None):
        return run_dask(args, saved, by, columns)
    try:
        articles = load_corpus(args.store, columns=columns, start=args.start, end=args.end,
                               drop_duplicates=not args.keep_duplicates)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:
        raise UsageError(f"--start/--end: {exc}") from None
    split_by(by, articles)
    result = query(articles, saved.query, workers=args.workers)
    share = share_of_matches(articles, result.articles["article_id"], by=by, name=saved.name)
    print_result(saved, share, result, len(result.articles), args.show, args.csv)
    return 0


__all__ = ["PERIOD_NAMES", "add_arguments", "format_matches", "format_share", "keyword_in_context", "run"]
