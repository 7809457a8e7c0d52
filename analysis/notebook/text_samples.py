"""The text sections' k-best samples: each keeps the rows the pandas path's own table function picks.

A Dask report run (:mod:`analysis.cluster.report_text`) stores, per partition and theme, a sample
made with ``tables.top_articles`` or ``tables.quote_table`` / ``tables.amount_table`` (all rows of
the articles holding the newest rows); a reduction step applies the same function to the union of
samples (``*_from_sample``), and so does the notebook at the end, so the final table is the pandas
path's table for any ``n`` up to the sample size.

``concordance.kwic_sample`` spreads its lines over all of a theme's articles, so KWIC takes two
steps: each partition gives its candidate lines without context (:func:`kwic_candidates`, at most
two per article, a few fields each), the client picks the lines shown for every ``n`` up to the
sample size (:func:`kwic_order`), and a second pass over only those articles fetches the lines
(:func:`kwic_lines`); the notebook calls ``kwic_sample`` on them (:func:`kwic_from_sample`).

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
    ...                      "source": ["X", "Y"], "title": ["A", "B"], "url": ["", ""]})
    >>> scores = pd.DataFrame({"article_id": ["a", "b"], "theme": ["trade"] * 2, "present": [True] * 2,
    ...                        "hits": [3, 1], "hits_per_1k_words": [9.0, 2.0], "share_of_sentences": [0.5, 0.1]})
    >>> top_from_sample(top_sample(arts, scores, "trade", n=1), "trade")["article_id"].tolist()
    ['a']
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import schema
from analysis.aggregate.report_counts import KWIC_ROWS, KWIC_WINDOW, TEXT_ROWS
from analysis.notebook import tables
from analysis.text.concordance import KWIC_READER_COLUMNS, kwic, kwic_ranked, kwic_sample

META: list[str] = ["article_id", "date", "source", "title", "url"]
SCORE_COLUMNS: list[str] = ["article_id", "hits", "hits_per_1k_words", "share_of_sentences"]
CANDIDATE_COLUMNS: list[str] = ["article_id", "date", "source", "match", "start"]


def _meta(articles: pd.DataFrame) -> pd.DataFrame:
    """The display metadata of an article table (id as string; missing columns empty)."""
    return articles.reindex(columns=META).astype({"article_id": "string"})


def _with_meta(rows: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with the metadata of their articles appended (the pieces carry what the tables show)."""
    return rows.astype({"article_id": "string"}).merge(_meta(articles), on="article_id", how="left")


def _split(rows: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(extractor rows with ``columns``, one metadata row per article) of a stored sample."""
    return rows[list(columns)], rows[META].drop_duplicates("article_id")


# ---------------------------------------------------------------------------- k-best samples
def top_sample(articles: pd.DataFrame, scores: pd.DataFrame, theme: str, n: int = TEXT_ROWS) -> pd.DataFrame:
    """``tables.top_articles`` of ``theme`` (``n`` rows) with its theme column: a mergeable k-best sample."""
    return tables.top_articles(articles, scores, theme, n=n).assign(theme=theme)


def top_from_sample(rows: pd.DataFrame, theme: str, n: int = TEXT_ROWS) -> pd.DataFrame:
    """``tables.top_articles`` of the union of samples of ``theme`` (the k-best reduction)."""
    r = rows[rows["theme"] == theme]
    scores = r[SCORE_COLUMNS].assign(theme=theme, present=True)
    return tables.top_articles(r[META], scores, theme, n=n)


def newest_sample(found: pd.DataFrame, articles: pd.DataFrame, theme: str, kind: str,
                  n: int = TEXT_ROWS) -> pd.DataFrame:
    """All ``found`` rows (quotes or amounts) of the articles holding the ``n`` newest rows of ``theme``'s
    sentences (by ``tables.quote_table`` / ``tables.amount_table``), with their metadata."""
    table = tables.quote_table if kind == "quotes" else tables.amount_table
    ids = set(table(found, articles, theme, n=n)["article_id"].astype("string"))
    keep = found[found["article_id"].astype("string").isin(ids)]
    return _with_meta(keep, articles).assign(theme=theme)


def newest_from_sample(rows: pd.DataFrame, theme: str, kind: str, n: int | None = TEXT_ROWS) -> pd.DataFrame:
    """``tables.quote_table`` / ``tables.amount_table`` of the union of samples of ``theme``."""
    r = rows[rows["theme"] == theme]
    columns = schema.QUOTE_COLUMNS if kind == "quotes" else schema.AMOUNT_COLUMNS
    found, articles = _split(r, columns)
    table = tables.quote_table if kind == "quotes" else tables.amount_table
    return table(found, articles, theme, n=n)


def kwic_candidates(articles: pd.DataFrame, hits: pd.DataFrame, theme: str,
                    window: int = KWIC_WINDOW) -> pd.DataFrame:
    """The lines ``concordance.kwic_sample`` may show of ``theme`` in ``articles`` (at most two per article,
    chosen within each article), without their context: (article_id, date, source, match, start, theme)."""
    lines = kwic(articles, theme, window=window, hits=hits)
    lines = kwic_sample(lines, n=len(lines))
    return lines.reindex(columns=CANDIDATE_COLUMNS).assign(theme=theme)


def kwic_order(candidates: pd.DataFrame, n: int = KWIC_ROWS) -> pd.DataFrame:
    """(article_id, start, first_n) of the lines ``concordance.kwic_sample`` shows for some ``n`` up to
    ``n``, from the candidates of all articles; ``first_n``: the smallest sample size that shows it.

    ``kwic_sample(candidates, k)`` shows the first ``k`` lines of one ranking (``concordance.kwic_ranked``),
    so a line's ``first_n`` is its place in that ranking (the first place of a repeated line).
    """
    ranked = kwic_ranked(candidates).head(max(n, 0))
    order = pd.DataFrame({"article_id": ranked["article_id"].astype(str).to_numpy(dtype=object),
                          "start": ranked["start"].astype("int64").to_numpy(),
                          "first_n": np.arange(1, len(ranked) + 1)})
    return order.drop_duplicates(["article_id", "start"]).reset_index(drop=True).astype(
        {"article_id": "string", "start": "int64", "first_n": "int64"})


def kwic_lines(articles: pd.DataFrame, hits: pd.DataFrame, theme: str, chosen: pd.DataFrame,
               window: int = KWIC_WINDOW) -> pd.DataFrame:
    """The ``concordance.kwic`` lines of ``theme`` that :func:`kwic_order` chose, with ``first_n`` and theme."""
    ids = set(chosen["article_id"].astype(str))
    arts = articles[articles["article_id"].astype(str).isin(ids)]
    lines = kwic(arts, theme, window=window, hits=hits).astype({"article_id": "string"})
    return lines.merge(chosen[["article_id", "start", "first_n"]], on=["article_id", "start"]).assign(theme=theme)


def kwic_from_sample(rows: pd.DataFrame, theme: str, n: int = 15) -> pd.DataFrame:
    """``concordance.kwic_sample(..., n)`` of all the theme's lines, from the chosen lines of :func:`kwic_lines`."""
    r = rows[(rows["theme"] == theme) & (rows["first_n"] <= n)].drop(columns=["theme", "first_n"])
    return kwic_sample(r, n=len(r))[KWIC_READER_COLUMNS]
