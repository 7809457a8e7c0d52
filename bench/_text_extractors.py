"""Extractors of the quotes/amounts/places/actors area for ``bench/text.py`` (merged into its EXTRACTORS).

Each callable takes an articles chunk and returns a DataFrame. They pass an empty theme-hits table
so that the timing is the extractor's own work (theme scoring is benchmarked in bench/themes.py).
The sentence-start cache shared by the extractors (``analysis.text.sentences.sentence_starts``) is
cleared at every call, so each single extractor pays for its own sentence split ("cold"), while
``evidence`` measures the real pipeline: one sentence split per document, then quotes, amounts
and places on the same chunk -- the "sentences + quotes + amounts + places together" figure.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.evidence.actors import actors
from analysis.evidence.amounts import amounts
from analysis.evidence.places import places
from analysis.evidence.quotes import quotes
from analysis.text.sentences import documents, sentence_starts

NO_HITS = pd.DataFrame({"article_id": pd.Series([], dtype="string"), "theme": pd.Series([], dtype="string"),
                        "sentence_id": pd.Series([], dtype="int64")})


def _cold(fn: Callable[..., pd.DataFrame]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Wrap an extractor: clear the sentence cache, run without theme hits."""
    def run(articles: pd.DataFrame) -> pd.DataFrame:
        sentence_starts.cache_clear()
        return fn(articles, hits=NO_HITS)
    run.__name__ = fn.__name__
    return run


def evidence(articles: pd.DataFrame) -> pd.DataFrame:
    """Sentences, quotes, amounts and places over one chunk, sharing one sentence split per document."""
    sentence_starts.cache_clear()
    n_sent = [len(sentence_starts(d)) for d in documents(articles).tolist()]
    parts = [quotes(articles, hits=NO_HITS).assign(table="quotes"),
             amounts(articles, hits=NO_HITS).assign(table="amounts"),
             places(articles, hits=NO_HITS).assign(table="places"),
             pd.DataFrame({"article_id": articles["article_id"].astype("string").tolist(),
                           "count": n_sent, "table": "sentences"})]
    return pd.concat(parts, ignore_index=True)


EXTRACTORS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "quotes": _cold(quotes),
    "amounts": _cold(amounts),
    "places": _cold(places),
    "actors": _cold(actors),
    "evidence": evidence,
}
