"""A query on a Dask cluster: per-partition counts and top matches, summed and merged to the pandas results.

Each partition runs :func:`analysis.search.engine.query` and
:func:`analysis.aggregate.query_counts.count_matches` (the same functions as the pandas path); the
counts are additive and summed, the per-partition top matches (most hits first, table order
within ties) are merged with a stable sort, so the share table and the list equal those of pandas
on the same articles.

    >>> summary = query_store(read_store("data/processed"), "tariff*")   # doctest: +SKIP
    >>> summary.share.head()                                              # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.aggregate.counts import share_with_ci
from analysis.aggregate.grouping import combine_counts
from analysis.aggregate.query_counts import DEFAULT_NAME, count_matches, split_by
from analysis.cluster.engine import TREE_FANIN
from analysis.cluster.session import progress
from analysis.search.engine import QueryResult, query


@dataclass
class QuerySummary:
    """The share table and the top matches of a query over a whole (Dask) article table."""

    share: pd.DataFrame
    top: QueryResult  # the ``show`` best matches; ``n_articles`` = all articles searched
    n_matching: int


def in_dates(part: pd.DataFrame, start: str | None, end: str | None) -> pd.DataFrame:
    """Rows dated within [start, end] (inclusive days; undated rows dropped when either is given)."""
    if not start and not end:
        return part
    d = pd.to_datetime(part["date"], errors="coerce")
    keep = d.notna()
    if start:
        keep &= d >= pd.Timestamp(start).normalize()
    if end:
        keep &= d <= pd.Timestamp(end).normalize()
    return part[keep.to_numpy()]


def partition_query(part: pd.DataFrame, q: str, by: Sequence[str], name: str, show: int,
                    start: str | None = None, end: str | None = None) -> dict[str, Any]:
    """One partition: its counts, article count, matches and its ``show`` best matches."""
    part = in_dates(part, start, end)
    r = query(part, q)
    top = r.articles.head(show)
    keep = set(top["article_id"].astype(str))
    return {"counts": count_matches(part, r.articles["article_id"], list(by), name), "n": len(part),
            "k": len(r.articles), "top": top, "hits": r.hits[r.hits["article_id"].isin(keep)],
            "source": r.source[r.source["article_id"].astype(str).isin(keep)]}


def merge_parts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum the counts and keep the union of the top matches (partition order kept)."""
    return {"counts": combine_counts([p["counts"] for p in parts]), "n": sum(p["n"] for p in parts),
            "k": sum(p["k"] for p in parts), "top": pd.concat([p["top"] for p in parts], ignore_index=True),
            "hits": pd.concat([p["hits"] for p in parts], ignore_index=True),
            "source": pd.concat([p["source"] for p in parts], ignore_index=True)}


def query_store(articles: Any, q: str, by: Sequence[str] = ("month",), name: str = DEFAULT_NAME, show: int = 10,
                start: str | None = None, end: str | None = None, show_progress: bool = True) -> QuerySummary:
    """Run query ``q`` over a Dask article frame (e.g. :func:`analysis.cluster.engine.read_store`)."""
    import dask  # deferred on purpose: dask loads only for a cluster run

    split_by(by, articles._meta)
    level = [dask.delayed(partition_query)(p, q, tuple(by), name, show, start, end) for p in articles.to_delayed()]
    if not level:
        merged = merge_parts([partition_query(articles._meta, q, tuple(by), name, show)])
    else:
        while len(level) > 1:
            level = [dask.delayed(merge_parts)(level[i:i + TREE_FANIN]) for i in range(0, len(level), TREE_FANIN)]
        (merged,) = progress(level[0], enabled=show_progress)
    _, cols = split_by(by, articles._meta)
    share = share_with_ci(merged["counts"], by=cols)
    top = merged["top"].sort_values("hits", ascending=False, kind="stable").head(show).reset_index(drop=True)
    keep = set(top["article_id"].astype(str))
    hits = merged["hits"][merged["hits"]["article_id"].isin(keep)].reset_index(drop=True)
    source = merged["source"][merged["source"]["article_id"].astype(str).isin(keep)].reset_index(drop=True)
    return QuerySummary(share, QueryResult(q, top, hits, int(merged["n"]), source), int(merged["k"]))
