"""A query reported like a theme: its matches added to the report data as theme scores and hits.

The theme report (``02-theme-report``, parameter ``query``) calls :func:`with_query`: every article
matching the query gets a score row for the pseudo-theme ``name`` (present, its hit count, hits per
1,000 words, share of sentences with a hit) and one hit row per hit of a positive query term in the
document (sub-theme empty, ``term`` as typed), so attention, co-occurring themes, matched terms,
quotes, amounts and keyword in context all work unchanged.

    >>> import pandas as pd
    >>> from analysis.notebook.helpers import Corpus
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "title": ["Tariffs on Mexico", "Cup"], "text": ["Talks.", ""],
    ...                      "n_words": [4, 1]})
    >>> empty = pd.DataFrame({"article_id": pd.array([], dtype="string"), "theme": pd.array([], dtype="string"),
    ...                       "present": pd.array([], dtype=bool)})
    >>> data = with_query(ArticleData(Corpus(arts, empty, empty, pd.DataFrame(), "note")), "tm", "tariff* Mexico")
    >>> data.n_theme_articles("tm")
    (1, 2)
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import schema
from analysis.aggregate import counts
from analysis.errors import UsageError
from analysis.notebook.source import AggregateData, ArticleData
from analysis.search.engine import query
from analysis.search.saved import resolve_query
from analysis.text.sentences import cached_sentence_spans, document_text


def query_scores(result_articles: pd.DataFrame, hits: pd.DataFrame, source: pd.DataFrame, name: str) -> pd.DataFrame:
    """Score rows (theme-score columns) of the matching articles for the pseudo-theme ``name``."""
    body = hits[hits["field"].isin(["", "title", "text"])]
    per = body.groupby("article_id").agg(n_sent=("sentence_id", "nunique"))
    terms = (body.groupby(["article_id", "term"]).size().rename("n").reset_index()
             .sort_values(["article_id", "n", "term"], ascending=[True, False, True]))
    joined = terms.assign(pair=terms["term"] + ":" + terms["n"].astype(str)).groupby("article_id")["pair"].agg("; ".join)
    docs = {str(a): document_text(t, x) for a, t, x in zip(source["article_id"], source.get("title", ""),
                                                            source.get("text", ""))}
    ids = result_articles["article_id"].astype(str)
    n_hits = result_articles["hits"].to_numpy()
    if "n_words" in result_articles:
        words = pd.to_numeric(result_articles["n_words"], errors="coerce").fillna(0).to_numpy()
    else:
        words = np.array([len(docs.get(a, "").split()) for a in ids])
    words = np.maximum(words, 1)
    n_sent = np.array([max(len(cached_sentence_spans(docs.get(a, ""))), 1) for a in ids])
    hit_sent = per["n_sent"].reindex(ids).fillna(0).to_numpy()
    title_end = {a: len(str(t).strip()) if isinstance(t, str) else 0
                 for a, t in zip(source["article_id"].astype(str), source.get("title", ""))}
    title_hits = body.assign(t=[s < title_end.get(str(a), 0) for a, s in zip(body["article_id"], body["start"])])
    n_title = title_hits.groupby("article_id")["t"].sum().reindex(ids).fillna(0).astype("int64").to_numpy()
    out = pd.DataFrame({"article_id": pd.array(ids, dtype="string"), "theme": pd.array([name] * len(ids), dtype="string"),
                        "hits": n_hits.astype("int64"), "hits_per_1k_words": 1000.0 * n_hits / words,
                        "share_of_sentences": hit_sent / n_sent, "present": True,
                        "terms": pd.array(joined.reindex(ids).fillna("").tolist(), dtype="string"),
                        "title_hits": n_title, "score": n_hits.astype(float)})
    return out


@dataclass
class QueryData(ArticleData):
    """:class:`ArticleData` whose theme counts also list the queries added as pseudo-themes."""

    queries: tuple[str, ...] = ()

    def theme_list(self) -> list[str]:
        """The themes counted: the lexicons', the queries', and "other"."""
        return schema.ALL_THEMES + list(self.queries) + [schema.NO_THEME]

    def theme_period_counts(self, freq: str, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """``counts.count_theme_periods`` of the selection, queries included."""
        return counts.count_theme_periods(self.corpus.articles, self.corpus.scores, freq=freq, by=by,
                                          theme_list=self.theme_list())

    def theme_counts(self, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """``counts.count_themes`` of the selection, queries included."""
        return counts.count_themes(self.corpus.articles, self.corpus.scores, by=by, theme_list=self.theme_list())


def with_query(data: ArticleData | AggregateData, name: str, q: str) -> QueryData:
    """Return ``data`` with query ``q`` (or a saved query's name) added as the pseudo-theme ``name``."""
    if not isinstance(data, ArticleData) or not data.has_text:
        raise UsageError("a query report needs the article table; it cannot use the Dask aggregates (drop --dask)")
    c = data.corpus
    if name in set(c.scores["theme"].astype(str)):
        raise UsageError(f"query name {name!r} is a theme id; name the query differently")
    r = query(c.articles, resolve_query(q).query, themes=c.scores)  # a saved query's name works too
    scores = query_scores(r.articles, r.hits, r.source, name)
    body = r.hits[r.hits["field"].isin(["", "title", "text"])]
    hits = pd.DataFrame({"article_id": body["article_id"], "theme": pd.array([name] * len(body), dtype="string"),
                         "subtheme": pd.array([""] * len(body), dtype="string"), "term": body["term"],
                         "sentence_id": body["sentence_id"], "start": body["start"], "end": body["end"]})
    new_scores = pd.concat([c.scores, scores[[col for col in scores.columns if col in c.scores.columns]]],
                           ignore_index=True) if len(c.scores.columns) else scores
    new_hits = pd.concat([c.hits, hits], ignore_index=True) if len(c.hits.columns) else hits
    themes = c.article_themes
    if "themes" in themes.columns:
        matched = set(scores["article_id"].astype(str))
        themes = themes.assign(themes=[sorted([*t, name]) if str(a) in matched else list(t)
                                       for a, t in zip(themes["article_id"], themes["themes"])])
    corpus = dataclasses.replace(c, scores=new_scores, hits=new_hits, article_themes=themes)
    return QueryData(corpus, data.has_text, queries=(*getattr(data, "queries", ()), name))
