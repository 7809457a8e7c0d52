"""Print a summary of the article store: articles, outlets, date range, per-outlet counts."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.corpus.store import load_corpus
from analysis.errors import UsageError

TOP_SOURCES = 25


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the summary options."""
    parser.add_argument("--store", help="store folder (default: the configured data/processed)")
    parser.add_argument("--all-sources", action="store_true", help="list every outlet, not the top 25")


def format_corpus_summary(df: pd.DataFrame, all_sources: bool = False) -> str:
    """Text summary of an article table.

    >>> df = pd.DataFrame({"source": ["A", "B", "A"], "date": pd.to_datetime(["2020-01-02", None, "2021-05-01"]),
    ...                    "dup_of": [None, None, "x"]})
    >>> print(format_corpus_summary(df).splitlines()[0])
    articles:    3 (duplicates flagged: 1; undated: 1)
    """
    dated = df["date"].dropna()
    span = f"{dated.min():%Y-%m-%d} .. {dated.max():%Y-%m-%d}" if len(dated) else "none"
    counts = df["source"].fillna("(unknown)").value_counts()
    lines = [
        f"articles:    {len(df)} (duplicates flagged: {int(df['dup_of'].notna().sum())};"
        f" undated: {int(df['date'].isna().sum())})",
        f"outlets:     {counts.size}",
        f"date range:  {span}",
        "per outlet:",
    ]
    shown = counts if all_sources else counts.head(TOP_SOURCES)
    lines += [f"  {n:7d}  {name}" for name, n in shown.items()]
    if len(shown) < len(counts):
        lines.append(f"  ... {len(counts) - len(shown)} more (--all-sources)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the summary."""
    try:
        df = load_corpus(args.store, columns=["source", "date", "dup_of"])
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    print(format_corpus_summary(df, args.all_sources))
    return 0
