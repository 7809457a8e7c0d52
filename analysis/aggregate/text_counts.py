"""Additive counts of the report's text sections and their finalizers: keyness, collocations, voices, countries.

A Dask report run (:mod:`analysis.cluster.report_text`) counts each partition with the ``count_*``
functions below, sums the tables (:func:`analysis.aggregate.grouping.combine_counts`; speaker
tables with :func:`combine_speakers`, word pairs with :func:`combine_pairs`) and the notebooks
finalize the sums with the ``*_from_counts`` functions, which give the tables of the pandas path
(``tables.theme_keyness``, ``concordance.score_collocations``, ``tables.who_is_quoted``,
``places.theme_country_table``). Every table is O(vocabulary) (terms, word pairs, speakers,
countries), never O(articles). Word pairs, the largest table, are keyed by a stable 64-bit hash of
each word (:func:`word_keys`: 16 bytes a pair instead of two strings); the finalizer maps the keys
back through the words table and refuses a hash collision among them, so the result stays exact.

    >>> c = count_terms(pd.DataFrame({"title": ["Tariffs"], "text": ["Tariffs and more tariffs."]}), "trade")
    >>> c.values.tolist()
    [['trade', 'tariffs', 3]]
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import UsageError
from analysis.evidence.actors import canonical_names
from analysis.evidence.places import country_mentions, country_pivot, mention_counts, place_mentions
from analysis.text.concordance import collocation_thresholds, score_collocations, sentence_ngram_counts
from analysis.text.keyness import KEYNESS_COLUMNS, keyness_from_counts
from analysis.text.sentences import documents
from analysis.text.words import is_term, term_counts

ALL: str = ""                     # the ``theme`` key of counts over every selected article
OTHER_LABEL: str = "other coverage"
TERM_COLUMNS: list[str] = ["theme", "term", "n"]
WORD_COLUMNS: list[str] = ["theme", "word", "n"]
PAIR_COLUMNS: list[str] = ["theme", "key_a", "key_b", "n", "n_articles"]
SPEAKER_COLUMNS: list[str] = ["theme", "speaker", "speaker_type", "source", "n_quotes", "first"]
SPEAKER_ARTICLE_COLUMNS: list[str] = ["theme", "speaker", "speaker_type", "n_articles"]
SHARED_COLUMNS: list[str] = ["theme", "speaker_type", "short", "full", "n_articles"]
COUNTRY_COLUMNS: list[str] = ["theme", "group", "kind", "canonical", "mentions", "articles"]
WHO_COLUMNS: list[str] = ["speaker", "speaker_type", "quotes", "articles", "outlets", "share", "top_outlets"]


def _frame(rows: Any, columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """A table with ``columns`` of ``dtypes`` (an empty one keeps them)."""
    return pd.DataFrame(rows, columns=columns).astype(dtypes)


# ---------------------------------------------------------------------------- keyness
def count_terms(articles: pd.DataFrame, theme: str) -> pd.DataFrame:
    """(theme, term, n): content-term counts (``words.term_counts``) of ``articles``, keyed by ``theme``."""
    c = term_counts(articles)
    return _frame([(theme, t, n) for t, n in c.items()], TERM_COLUMNS,
                  {"theme": "string", "term": "string", "n": "int64"})


def keyness_from_counts_table(terms: pd.DataFrame, theme: str, n_on: int, n_all: int, top: int = 15) -> pd.DataFrame:
    """``tables.theme_keyness`` from summed :func:`count_terms` tables (``theme`` vs :data:`ALL` minus it)."""
    if n_on == 0 or n_on >= n_all:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    ca = Counter(_counts(terms, theme))
    cb = Counter(_counts(terms, ALL)) - ca          # the other articles' counts; zeros dropped
    try:
        return keyness_from_counts(ca, cb, top=top, labels=(theme, OTHER_LABEL))
    except UsageError:  # a group without any terms
        return pd.DataFrame(columns=KEYNESS_COLUMNS)


def _counts(table: pd.DataFrame, theme: str, key: str = "term") -> dict[str, int]:
    """{key: n} of one theme of a summed count table."""
    t = table[table["theme"] == theme]
    return dict(zip(t[key].tolist(), t["n"].astype("int64").tolist()))


# ---------------------------------------------------------------------------- collocations
def count_word_pairs(articles: pd.DataFrame, theme: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(words, pairs) of ``articles`` as ``concordance.collocations`` counts them (bigrams within sentences).

    ``words``: (theme, word, n) of every word token; ``pairs``: (theme, word_a, word_b, n, n_articles)
    of the bigrams of two content terms (the others never become collocations), with the number
    of articles each occurs in (``sentence_ngram_counts(by_article=True)``; additive).
    """
    vocab, n_words, [(ids, cnt, docs)] = sentence_ngram_counts(documents(articles).tolist(), ((0, 1),),
                                                               by_article=True)
    keep = np.fromiter((is_term(w) for w in vocab), dtype=bool, count=len(vocab))
    used = np.flatnonzero(n_words)
    words = _frame({"theme": theme, "word": [vocab[i] for i in used], "n": n_words[used]}, WORD_COLUMNS,
                   {"theme": "string", "word": "string", "n": "int64"})
    ok = keep[ids].all(axis=1) if len(ids) else np.zeros(0, dtype=bool)
    key = word_keys(vocab)
    pairs = _frame({"theme": theme, "key_a": key[ids[ok, 0]], "key_b": key[ids[ok, 1]],
                    "n": cnt[ok], "n_articles": docs[ok]}, PAIR_COLUMNS,
                   {"theme": "string", "key_a": "int64", "key_b": "int64", "n": "int64", "n_articles": "int64"})
    return words, pairs


def word_keys(words: list[str]) -> np.ndarray:
    """A stable 64-bit key per word (``pandas.util.hash_array``, fixed key: the same in every process).

    >>> word_keys(["trade"]).tolist() == word_keys(["tariff", "trade"])[1:].tolist()
    True
    """
    return pd.util.hash_array(np.asarray(words, dtype=object), categorize=False).view(np.int64)


def combine_pairs(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum :func:`count_word_pairs` ``pairs`` tables (keyed by theme and the two word keys)."""
    tables = [t for t in tables if t is not None]
    df = pd.concat(tables, ignore_index=True)
    out = df.groupby(PAIR_COLUMNS[:3], sort=True)[["n", "n_articles"]].sum().reset_index()
    return out.astype({"key_a": "int64", "key_b": "int64", "n": "int64", "n_articles": "int64"})[PAIR_COLUMNS]


def collocations_from_counts(words: pd.DataFrame, pairs: pd.DataFrame, theme: str, n_articles: int,
                             min_freq: int = 3, top: int = 15) -> pd.DataFrame:
    """The pandas path's collocations of ``theme`` (``concordance.score_collocations``, log-likelihood,
    ``concordance.collocation_thresholds`` of its ``n_articles``) from summed :func:`count_word_pairs` tables."""
    w = words[words["theme"] == theme]
    p = pairs[pairs["theme"] == theme]
    vocab = w["word"].astype(str).tolist()
    keys = pd.Index(word_keys(vocab))
    if not keys.is_unique:
        raise ValueError(f"collocations of {theme}: two words share a 64-bit key (a hash collision), "
                         "so the stored word pairs cannot be told apart")
    ids = np.stack([keys.get_indexer(p["key_a"].to_numpy(dtype=np.int64)),
                    keys.get_indexer(p["key_b"].to_numpy(dtype=np.int64))], axis=1).reshape(-1, 2)
    if len(ids) and ids.min() < 0:
        raise ValueError(f"collocations of {theme}: a word pair's word is missing from the word counts")
    grams = [(ids, p["n"].to_numpy(dtype=np.int64), p["n_articles"].to_numpy(dtype=np.int64))]
    freq, in_articles = collocation_thresholds(n_articles, min_freq)
    return score_collocations(vocab, w["n"].to_numpy(dtype=np.int64), grams, n=2, measure="likelihood",
                              min_freq=freq, top=top, min_articles=in_articles)


# ---------------------------------------------------------------------------- who is quoted
def count_speakers(quotes: pd.DataFrame, sources: pd.Series, theme: str, first: pd.Series) -> dict[str, pd.DataFrame]:
    """Per-speaker counts of attributed quotes (``tables.who_is_quoted`` before its merge of names).

    ``quotes``: the theme's quotes with a speaker; ``sources``: their outlet (NA allowed);
    ``first``: a corpus-wide position per quote (ties between outlets go to the first quoted).
    Returns ``speakers`` (quotes per speaker, type and outlet), ``speaker_articles`` (articles per
    speaker and type) and ``shared`` (articles quoting both a one-word name and a full name ending
    with it: what the merge of the two must not count twice).
    """
    types = quotes["speaker_type"].astype("string").fillna("person")
    q = pd.DataFrame({"theme": theme, "speaker": quotes["speaker"].astype("string").to_numpy(),
                      "speaker_type": types.to_numpy(), "source": sources.astype("string").to_numpy(),
                      "article_id": quotes["article_id"].astype("string").to_numpy(),
                      "first": first.astype("int64").to_numpy(), "n_quotes": 1})
    keys = ["theme", "speaker", "speaker_type"]
    spk = q.groupby([*keys, "source"], dropna=False, sort=True).agg(n_quotes=("n_quotes", "sum"),
                                                                    first=("first", "min")).reset_index()
    arts = q.groupby(keys, sort=True)["article_id"].nunique().rename("n_articles").reset_index()
    shared: Counter[tuple[str, str, str]] = Counter()
    for (kind, _aid), names in q.groupby(["speaker_type", "article_id"], sort=False)["speaker"]:
        found = set(names.tolist())
        for full in found:
            last = full.split()[-1]
            if " " in full and last in found:
                shared[(str(kind), last, full)] += 1
    rows = [(theme, k, s, f, n) for (k, s, f), n in sorted(shared.items())]
    return {"speakers": spk.astype({"n_quotes": "int64", "first": "int64"})[SPEAKER_COLUMNS],
            "speaker_articles": arts.astype({"n_articles": "int64"})[SPEAKER_ARTICLE_COLUMNS],
            "shared_speakers": _frame(rows, SHARED_COLUMNS, {"theme": "string", "speaker_type": "string",
                                                             "short": "string", "full": "string",
                                                             "n_articles": "int64"})}


def combine_speakers(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum :func:`count_speakers` ``speakers`` tables: quotes add up, the first position is the minimum."""
    df = pd.concat([t for t in tables if t is not None], ignore_index=True)
    out = df.groupby(SPEAKER_COLUMNS[:4], dropna=False, sort=True).agg(n_quotes=("n_quotes", "sum"),
                                                                       first=("first", "min")).reset_index()
    return out.astype({"n_quotes": "int64", "first": "int64"})[SPEAKER_COLUMNS]


def who_is_quoted_from_counts(speakers: pd.DataFrame, speaker_articles: pd.DataFrame, shared: pd.DataFrame,
                              theme: str, n: int | None = 15) -> pd.DataFrame:
    """``tables.who_is_quoted`` of ``theme`` from summed :func:`count_speakers` tables."""
    s = speakers[speakers["theme"] == theme]
    if s.empty:
        return pd.DataFrame(columns=WHO_COLUMNS)
    merged = canonical_names(s["speaker"], s["speaker_type"], s["n_quotes"])
    name = lambda x: merged.get(x, x)  # noqa: E731
    s = s.assign(group=s["speaker"].map(name))
    a = speaker_articles[speaker_articles["theme"] == theme]
    n_art = a.assign(group=a["speaker"].map(name)).groupby(["group", "speaker_type"])["n_articles"].sum()
    sh = shared[shared["theme"] == theme]
    both: Counter[tuple[str, str]] = Counter()      # articles quoting both names the merge joins
    for short, full, kind, k in zip(sh["short"].tolist(), sh["full"].tolist(), sh["speaker_type"].tolist(),
                                    sh["n_articles"].tolist()):
        if merged.get(short) == full:
            both[(full, kind)] += int(k)
    total = int(s["n_quotes"].sum())
    rows = []
    for (group, kind), g in s.groupby(["group", "speaker_type"], sort=False):
        outlets = g[g["source"].notna()].groupby("source").agg(n=("n_quotes", "sum"), first=("first", "min"))
        outlets = outlets.sort_values(["n", "first"], ascending=[False, True])
        articles = int(n_art.get((group, kind), 0)) - int(both.get((group, kind), 0))
        rows.append((int(g["first"].min()), {
            "speaker": group, "speaker_type": kind, "quotes": int(g["n_quotes"].sum()), "articles": articles,
            "outlets": len(outlets), "share": int(g["n_quotes"].sum()) / total,
            "top_outlets": ", ".join(f"{o} ({c})" for o, c in outlets["n"].head(3).items())}))
    rows = [r for _, r in sorted(rows, key=lambda r: r[0])]      # groups in order of first quote
    out = pd.DataFrame(rows, columns=WHO_COLUMNS).sort_values(["quotes", "articles", "speaker"],
                                                               ascending=[False, False, True], kind="stable")
    return (out if n is None else out.head(n)).reset_index(drop=True)


# ---------------------------------------------------------------------------- countries
def count_countries(articles: pd.DataFrame, hits: pd.DataFrame, theme: str) -> pd.DataFrame:
    """(theme, group, kind, canonical, mentions, articles): country mentions per sentence theme
    (``places.mention_counts`` of ``country_mentions(place_mentions(...))``) in ``articles``."""
    c = mention_counts(country_mentions(place_mentions(articles, hits=hits)), by="theme")
    out = pd.DataFrame(c).assign(theme=theme).reindex(columns=COUNTRY_COLUMNS)
    return out.astype({"theme": "string", "group": "string", "kind": "string", "canonical": "string",
                       "mentions": "int64", "articles": "int64"})


def country_table_from_counts(counts: pd.DataFrame, theme: str, top: int = 15) -> pd.DataFrame:
    """``places.theme_country_table`` of the articles of ``theme`` from summed :func:`count_countries` tables."""
    c = counts[counts["theme"] == theme]
    return country_pivot(c.astype({"canonical": object, "group": object}), top)
