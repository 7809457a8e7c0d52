"""A query charted like a theme: its matching articles as a presence table, counts, share and Wilson interval.

The counts are those of :func:`analysis.aggregate.counts.count_themes` with the query as the one
"theme" (``theme`` column = the query's name), so they are additive over partitions (the Dask
engine sums them) and every theme chart and table takes them as they are.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "source": ["X", "X", "Y"],
    ...                      "date": pd.to_datetime(["2025-01-06", "2025-01-07", "2025-02-01"]),
    ...                      "title": ["Tariffs on Mexico", "Cup final", "Tariff talks"], "text": ["", "", ""]})
    >>> query_share(arts, "tariff*", by=["month"])[["period", "n_articles_with_theme", "n_articles", "share"]].values.tolist()
    [[Timestamp('2025-01-01 00:00:00'), 1, 2, 0.5], [Timestamp('2025-02-01 00:00:00'), 1, 1, 1.0]]
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from analysis.aggregate.counts import count_themes, share_with_ci
from analysis.aggregate.grouping import group_columns
from analysis.errors import UsageError
from analysis.search.engine import match

# a ``by`` entry naming a calendar period -> its pandas frequency
PERIOD_NAMES: dict[str, str] = {"day": "D", "week": "W", "month": "MS", "quarter": "QS", "year": "YS"}
DEFAULT_NAME = "query"


def split_by(by: Iterable[str] | str | None, articles: pd.DataFrame) -> tuple[str | None, list[str]]:
    """Split ``by`` into (frequency of the one period name or None, article columns); check the columns."""
    freq, cols = None, []
    for b in group_columns(by):
        if b in PERIOD_NAMES:
            if freq is not None:
                raise UsageError(f"by: only one period among {', '.join(PERIOD_NAMES)}")
            freq = PERIOD_NAMES[b]
        elif b in articles.columns:
            cols.append(b)
        else:
            raise UsageError(f"by: unknown {b!r}; use {', '.join(PERIOD_NAMES)} or a column: "
                             f"{', '.join(c for c in articles.columns if c not in ('text', 'title'))}")
    return freq, cols


def with_ids(articles: pd.DataFrame) -> pd.DataFrame:
    """The articles with an ``article_id`` (row numbers when the table has none)."""
    if "article_id" in articles:
        return articles
    return articles.assign(article_id=[str(i) for i in range(len(articles))])


def presence_of(ids: Iterable[str], name: str = DEFAULT_NAME) -> pd.DataFrame:
    """(article_id, theme, present) rows for matching article ids (``theme`` = ``name``), like theme scores."""
    ids = pd.array([str(i) for i in ids], dtype="string")
    return pd.DataFrame({"article_id": ids, "theme": pd.array([name] * len(ids), dtype="string"), "present": True})


def query_presence(articles: pd.DataFrame, q: str, name: str = DEFAULT_NAME, **kw: Any) -> pd.DataFrame:
    """The presence table of the articles matching ``q``."""
    articles = with_ids(articles)
    m = match(articles, q, **kw)
    return presence_of(articles["article_id"].astype(str)[m.matched], name)


def count_matches(articles: pd.DataFrame, ids: Iterable[str], by: Iterable[str] | str | None = ("month",),
                  name: str = DEFAULT_NAME) -> pd.DataFrame:
    """Additive counts of given matching article ids (see :func:`count_query`)."""
    articles = with_ids(articles)
    freq, cols = split_by(by, articles)
    return count_themes(articles, presence_of(ids, name), by=cols, freq=freq, theme_list=[name])


def count_query(articles: pd.DataFrame, q: str, by: Iterable[str] | str | None = ("month",),
                name: str = DEFAULT_NAME, **kw: Any) -> pd.DataFrame:
    """Additive counts: (period?, *columns, theme, n_articles_with_theme, n_articles) per group."""
    articles = with_ids(articles)
    split_by(by, articles)
    ids = query_presence(articles, q, name, **kw)["article_id"]
    return count_matches(articles, ids, by, name)


def share_of_matches(articles: pd.DataFrame, ids: Iterable[str], by: Iterable[str] | str | None = ("month",),
                     name: str = DEFAULT_NAME, z: float = 1.96) -> pd.DataFrame:
    """:func:`query_share` for already matched article ids (the CLI matches once for the table and the list)."""
    _, cols = split_by(by, with_ids(articles))
    return share_with_ci(count_matches(articles, ids, by, name), by=cols, z=z)


def query_share(articles: pd.DataFrame, q: str, by: Iterable[str] | str | None = ("month",),
                name: str = DEFAULT_NAME, z: float = 1.96, lexicons: Any = None,
                themes: pd.DataFrame | None = None, workers: int = 1) -> pd.DataFrame:
    """Share of all articles matching ``q`` per period and group, with its Wilson interval.

    ``by`` holds at most one period name (``day``, ``week``, ``month``, ``quarter``, ``year``) and
    any article columns (``source``, ...). Columns: ``period`` (when a period is asked), the group
    columns, ``theme`` (= ``name``), ``n_articles_with_theme``, ``n_articles``, ``share``,
    ``ci_low``, ``ci_high``. With a period, undated articles are left out.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "Y"], "title": ["ICE raid", "Ice storm"],
    ...                      "text": ["", ""], "date": pd.to_datetime(["2025-01-06", "2025-01-07"])})
    >>> query_share(arts, "ICE", by="source")[["source", "share", "ci_low"]].round(3).values.tolist()
    [['X', 1.0, 0.207], ['Y', 0.0, 0.0]]
    """
    articles = with_ids(articles)
    split_by(by, articles)
    ids = query_presence(articles, q, name, lexicons=lexicons, themes=themes, workers=workers)["article_id"]
    return share_of_matches(articles, ids, by, name, z)
