"""Shared plumbing of the evidence extractors (quotes, amounts, places, actors): documents, themes, data files.

Each extractor walks the analysed document of every article (``sentences.documents``), finds its
matches by offset, then maps offsets to sentence ids (:class:`SentenceLocator`, on the cached
``sentences.sentence_starts``) and the sentence ids to the themes of the theme engine's hits
(``theme_tags.sentence_theme_index``; the engine runs when no hits are passed)::

    >>> index = {("a", 1): ("trade",), ("a", 2): ("economy", "trade")}
    >>> themes_between(index, "a", SentenceLocator("One. Two. Three.").sid(6), 2)
    ['economy', 'trade']
"""
from __future__ import annotations

import gc
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import pandas as pd

from analysis import config
from analysis.schema import MENTION_COLUMNS
from analysis.text.sentences import documents, sentence_starts
from analysis.text.theme_tags import SentenceThemeIndex, sentence_theme_index
from analysis.themes.scoring import theme_hits

_GC_LOCK = threading.Lock()
_GC_STATE = {"depth": 0, "was_enabled": False}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while an extractor walks its documents.

    The extractors build many small tuples, lists and dicts and create no reference cycles (a run
    over 2,000 AllSides articles with the collector off leaves nothing for ``gc.collect()`` to find),
    so the collector's passes are pure overhead there: about 10 % of the CPU. Reference counting
    still frees everything at once. Nested and concurrent uses (threads of a Dask worker) share one
    pause: the first to enter pauses the collector if it was on, the last to leave turns it back on.

    >>> with paused_gc():
    ...     gc.isenabled()
    False
    """
    with _GC_LOCK:
        if _GC_STATE["depth"] == 0:
            _GC_STATE["was_enabled"] = gc.isenabled()
            gc.disable()
        _GC_STATE["depth"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE["depth"] -= 1
            if _GC_STATE["depth"] == 0 and _GC_STATE["was_enabled"]:
                gc.enable()


def data_lines(name: str) -> list[str]:
    """Return the non-comment, non-blank lines of a package data file.

    >>> "said" in data_lines("speech_verbs.txt")
    True
    """
    text = (config.PACKAGE_DATA_DIR / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def data_table(name: str) -> tuple[tuple[str, ...], ...]:
    """Return the rows (header first) of a comma-separated package data file (``#`` comments)."""
    return tuple(tuple(c.strip() for c in ln.split(",")) for ln in data_lines(name))


def resolve_hits(articles: pd.DataFrame, hits: pd.DataFrame | None) -> pd.DataFrame:
    """Return ``hits``, or the theme engine's hits for ``articles`` when ``hits`` is None."""
    return theme_hits(articles) if hits is None else hits


def article_theme_index(articles: pd.DataFrame, hits: pd.DataFrame | None) -> SentenceThemeIndex:
    """``sentence_theme_index`` of the hits of ``articles`` (the theme engine's when ``hits`` is None).

    >>> h = pd.DataFrame({"article_id": ["a", "b"], "theme": ["trade", "trade"], "sentence_id": [2, 0]})
    >>> article_theme_index(pd.DataFrame({"article_id": ["a"]}), h)
    {('a', 2): ('trade',)}
    """
    return sentence_theme_index(resolve_hits(articles, hits), articles)


def themes_between(index: SentenceThemeIndex, article_id: str, first: int, last: int) -> list[str]:
    """Return the sorted union of themes of sentences ``first..last`` of an article."""
    if not index:
        return []
    found: set[str] = set()
    for sid in range(first, last + 1):
        found.update(index.get((article_id, sid), ()))
    return sorted(found)


class SentenceLocator:
    """Lazily computed sentence spans of one document, with offset -> sentence id look-ups.

    >>> SentenceLocator("One. Two.").sid(6)
    1
    """

    __slots__ = ("doc", "_starts")

    def __init__(self, doc: str) -> None:
        """Remember the document; spans are computed on first use."""
        self.doc = doc
        self._starts: list[int] | None = None

    def sid(self, offset: int) -> int:
        """Return the sentence id containing ``offset``."""
        if self._starts is None:
            self._starts = sentence_starts(self.doc)
        return max(0, bisect_right(self._starts, offset) - 1)


def iter_documents(articles: pd.DataFrame) -> Iterator[tuple[str, str]]:
    """Yield (article_id, document text) for each article row."""
    if len(articles) == 0:
        return
    ids = articles["article_id"].astype(str).tolist()
    yield from zip(ids, documents(articles).tolist())


def frame(rows: list[dict[str, Any]], columns: list[str], dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """Build a DataFrame with exactly ``columns`` (in order) from row dicts, typed by ``dtypes``.

    >>> frame([{"a": 1, "b": "x"}, {"a": 2}], ["a", "b"], {"b": "string"})["b"].tolist()
    ['x', <NA>]
    """
    return typed_frame({c: [r.get(c) for r in rows] for c in columns}, columns, dtypes)


def typed_frame(cols: dict[str, list[Any]], columns: list[str], dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """Build a DataFrame from column lists, each column made with its dtype (no ``astype`` pass afterwards).

    Columns without a dtype are inferred as pandas does, and are ``object`` when empty.

    >>> [str(t) for t in typed_frame({"a": [1, 2], "b": ["x", None]}, ["a", "b"], {"b": "string"}).dtypes]
    ['int64', 'string']
    """
    types = dtypes or {}
    return pd.DataFrame({c: pd.Series(cols[c], dtype=types[c] if c in types else None if cols[c] else object)
                         for c in columns}, columns=columns)


def extract_rows(articles: pd.DataFrame, hits: pd.DataFrame | None, find: Callable[[str], Sequence[Any]],
                 row: Callable[[str, str, Any, SentenceLocator, SentenceThemeIndex], dict[str, Any]],
                 columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """One table row per match of ``find(document)`` in each article, built by ``row``.

    ``row(article_id, document, match, locator, theme_index)`` returns the row's dict. The document loop
    runs with the collector paused (:func:`paused_gc`), and the row dicts are freed before it is back on.

    >>> rows = extract_rows(pd.DataFrame({"article_id": ["a"], "title": ["T"], "text": ["One. Two."]}),
    ...                     pd.DataFrame(), lambda doc: [doc.find("Two")],
    ...                     lambda aid, doc, at, loc, index: {"article_id": aid, "sentence_id": loc.sid(at)},
    ...                     ["article_id", "sentence_id"], {"sentence_id": "int64"})
    >>> rows.values.tolist()
    [['a', 2]]
    """
    def rows(aid: str, doc: str, index: SentenceThemeIndex) -> list[dict[str, Any]]:
        found = find(doc)
        if not found:
            return []
        loc = SentenceLocator(doc)
        return [row(aid, doc, item, loc, index) for item in found]

    return collect(articles, hits, rows, lambda items: frame(items, columns, dtypes))


def collect(articles: pd.DataFrame, hits: pd.DataFrame | None,
            per_document: Callable[[str, str, SentenceThemeIndex], Iterable[Any]],
            build: Callable[[list[Any]], pd.DataFrame]) -> pd.DataFrame:
    """``build`` of the items ``per_document(article_id, document, theme_index)`` gives for every article.

    The one document loop of the extractors: it runs with the collector paused (:func:`paused_gc`; the
    extractors make no reference cycles, so its passes are overhead), and the items are freed before
    it is back on, so it has nothing left to walk.
    """
    index = article_theme_index(articles, hits)
    items: list[Any] = []
    with paused_gc():
        for aid, doc in iter_documents(articles):
            items.extend(per_document(aid, doc, index))
        out = build(items)
        del items
    return out


FoundMention = tuple[int, str, str, str, str | None]  # start, kind, surface form, canonical name, ISO country


def extract_mentions(articles: pd.DataFrame, hits: pd.DataFrame | None,
                     find: Callable[[str], Iterable[FoundMention]]) -> pd.DataFrame:
    """MENTION_COLUMNS rows (:func:`aggregate_mentions`) of the mentions ``find(document)`` yields in each article.

    Each mention is tagged with the themes of its sentence. The document loop runs with the collector
    paused (:func:`paused_gc`), and the records are freed before it is back on.

    >>> extract_mentions(pd.DataFrame({"article_id": ["a"], "title": ["T"], "text": ["Acme. Acme Corp."]}),
    ...                  pd.DataFrame(), lambda doc: [(3, "org", "Acme", "Acme", None)] * 2).values.tolist()
    [['a', 'org', 'Acme', 'Acme', <NA>, 2, []]]
    """
    def records(aid: str, doc: str, index: SentenceThemeIndex) -> Iterator[tuple[Any, ...]]:
        loc = SentenceLocator(doc) if index else None
        for start, kind, name, canon, iso in find(doc):
            sid = loc.sid(start) if loc else 0
            yield aid, kind, name, canon, iso, themes_between(index, aid, sid, sid) if loc else ()

    return collect(articles, hits, records, aggregate_mentions)


def _most_frequent(names: dict[str, int]) -> str:
    """The most frequent surface form (ties: the longest, then the first seen)."""
    if len(names) == 1:
        return next(iter(names))
    return max(names, key=lambda n: (names[n], len(n)))


def aggregate_mentions(records: Iterable[tuple[str, str, str, str, str | None, Iterable[str]]]) -> pd.DataFrame:
    """Collapse (article_id, kind, name, canonical, iso, themes) mentions to MENTION_COLUMNS rows.

    One row per article, kind and canonical name: ``name`` is the most frequent surface form
    (ties: the longest), ``count`` the number of mentions and ``themes`` the sorted union of the
    themes of the sentences that mention it.
    """
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for aid, kind, name, canon, iso, themes in records:
        key = (aid, kind, canon)
        g = groups.get(key)
        if g is None:
            g = groups[key] = [{name: 1}, iso, set()]  # a plain dict: Counter() is slow to build per group
        else:
            names = g[0]
            names[name] = names.get(name, 0) + 1
        if themes:
            g[2].update(themes)
    cols: dict[str, list[Any]] = {c: [] for c in MENTION_COLUMNS}  # built by column: no dict per row
    for (aid, kind, canon), (names, iso, themes) in groups.items():
        cols["article_id"].append(aid)
        cols["kind"].append(kind)
        cols["name"].append(_most_frequent(names))
        cols["canonical"].append(canon)
        cols["iso_country"].append(iso)
        cols["count"].append(sum(names.values()))
        cols["themes"].append(sorted(themes))
    out = typed_frame(cols, MENTION_COLUMNS, {"article_id": "string", "kind": "string", "name": "string",
                                              "canonical": "string", "iso_country": "string", "count": "int64"})
    return out.sort_values(["article_id", "count", "canonical"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)
