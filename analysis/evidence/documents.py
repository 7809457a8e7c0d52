"""Shared plumbing of the evidence extractors (quotes, amounts, places, actors).

Each extractor walks the analysed document of every article (``sentences.documents``), finds its
matches by offset, then maps offsets to sentence ids (``sentences.sentence_spans``) and the
sentence ids to the themes of the theme engine's hits::

    >>> spans = [(0, 5), (7, 20)]
    >>> sentence_of(spans, 9)
    1
"""
from __future__ import annotations

import logging
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import config
from analysis.schema import MENTION_COLUMNS
from analysis.text.sentences import documents, sentence_spans

log = logging.getLogger(__name__)

ThemeIndex = dict[tuple[str, int], tuple[str, ...]]


def data_lines(name: str) -> list[str]:
    """Return the non-comment, non-blank lines of a package data file.

    >>> "said" in data_lines("speech_verbs.txt")
    True
    """
    text = (config.PACKAGE_DATA_DIR / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=None)
def data_table(name: str) -> tuple[tuple[str, ...], ...]:
    """Return the rows (header first) of a comma-separated package data file (``#`` comments)."""
    return tuple(tuple(c.strip() for c in ln.split(",")) for ln in data_lines(name))


def resolve_hits(articles: pd.DataFrame, hits: pd.DataFrame | None) -> pd.DataFrame | None:
    """Return ``hits``, or the theme engine's hits for ``articles`` when available, else None."""
    if hits is not None:
        return hits
    try:
        from analysis.themes.scoring import theme_hits
    except ImportError:
        log.debug("analysis.themes not available; evidence rows get empty themes")
        return None
    return theme_hits(articles)


def theme_index(hits: pd.DataFrame | None, articles: pd.DataFrame | None = None) -> ThemeIndex:
    """Map (article_id, sentence_id) -> sorted tuple of themes from a theme_hits table.

    With ``articles`` only the hits of those articles are indexed (the only keys an extractor
    running over ``articles`` looks up).

    >>> h = pd.DataFrame({"article_id": ["a", "a"], "theme": ["trade", "economy"], "sentence_id": [2, 2]})
    >>> theme_index(h)[("a", 2)]
    ('economy', 'trade')
    """
    if hits is None or len(hits) == 0:
        return {}
    if articles is not None:
        from analysis.frames import isin

        ids = articles["article_id"].astype(str).tolist()
        raw = hits["article_id"]
        if pd.api.types.is_string_dtype(raw.dtype):  # cheap exact pre-filter (NA rows kept)
            hits = hits[isin(raw, ids) | raw.isna().to_numpy(dtype=bool)]
    aids = hits["article_id"].astype(str)
    h = pd.DataFrame({"article_id": aids, "theme": hits["theme"].astype(str), "sentence_id": hits["sentence_id"]})
    if articles is not None:
        from analysis.frames import isin

        h = h[isin(aids, ids)]
    h = h.drop_duplicates()
    codes, names = pd.factorize(h["theme"])
    if len(names) > 62:  # too many themes for a bit mask
        out: dict[tuple[str, int], list[str]] = {}
        for aid, theme, sid in zip(h["article_id"].tolist(), h["theme"].tolist(), h["sentence_id"].tolist()):
            out.setdefault((aid, int(sid)), []).append(theme)
        return {k: tuple(sorted(v)) for k, v in out.items()}
    bits = pd.Series(np.left_shift(np.int64(1), codes.astype(np.int64)), index=h.index)
    masks = bits.groupby([h["article_id"], h["sentence_id"]], sort=False).sum()  # distinct bits: a bitwise or
    names = names.tolist()
    themes = {m: tuple(sorted(n for i, n in enumerate(names) if m >> i & 1)) for m in set(masks.tolist())}
    sids = (int(x) for x in masks.index.get_level_values(1).tolist())
    return {(a, sid): themes[m] for a, sid, m in zip(masks.index.get_level_values(0).tolist(), sids, masks.tolist())}


def article_theme_index(articles: pd.DataFrame, hits: pd.DataFrame | None) -> ThemeIndex:
    """:func:`theme_index` of the hits of ``articles`` (the theme engine's when ``hits`` is None)."""
    return theme_index(resolve_hits(articles, hits), articles)


def themes_between(index: ThemeIndex, article_id: str, first: int, last: int) -> list[str]:
    """Return the sorted union of themes of sentences ``first..last`` of an article."""
    if not index:
        return []
    found: set[str] = set()
    for sid in range(first, last + 1):
        found.update(index.get((article_id, sid), ()))
    return sorted(found)


def sentence_of(spans: list[tuple[int, int]], offset: int) -> int:
    """Return the id of the sentence that contains (or last starts before) ``offset``."""
    starts = [s for s, _ in spans]
    return max(0, bisect_right(starts, offset) - 1)


_SPANS: dict[str, tuple[list[tuple[int, int]], list[int]]] = {}
_SPANS_CHARS = [0]
SPAN_CACHE_CHARS = 64_000_000  # documents' characters kept in the cache before it is emptied


def _cached(doc: str) -> tuple[list[tuple[int, int]], list[int]]:
    """(sentence spans, sentence starts) of ``doc``, cached per document text in this process."""
    got = _SPANS.get(doc)
    if got is None:
        if _SPANS_CHARS[0] + len(doc) > SPAN_CACHE_CHARS:
            _SPANS.clear()
            _SPANS_CHARS[0] = 0
        spans = sentence_spans(doc)
        got = _SPANS[doc] = (spans, [s for s, _ in spans])
        _SPANS_CHARS[0] += len(doc)
    return got


def cached_sentence_spans(doc: str) -> list[tuple[int, int]]:
    """``sentences.sentence_spans(doc)``, cached: tone, collocations and the extractors share it.

    The report runs several of them over the same documents one after the other; the cache
    (bounded by ``SPAN_CACHE_CHARS`` characters of documents) splits each document once.
    Callers must not modify the returned list.

    >>> cached_sentence_spans("One. Two.")
    [(0, 4), (5, 9)]
    """
    return _cached(doc)[0]


def sentence_starts(doc: str) -> list[int]:
    """Return the start offsets of the sentences of ``doc`` (cached like :func:`cached_sentence_spans`).

    >>> sentence_starts("One. Two.")
    [0, 5]
    """
    return _cached(doc)[1]


def clear_sentence_cache() -> None:
    """Empty the sentence-span cache (benchmarks measure cold runs with it)."""
    _SPANS.clear()
    _SPANS_CHARS[0] = 0


sentence_starts.cache_clear = clear_sentence_cache  # type: ignore[attr-defined]  # lru_cache-style API


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


def frame(rows: list[dict], columns: list[str], dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """Build a DataFrame with exactly ``columns`` (in order) from row dicts, typed by ``dtypes``."""
    df = pd.DataFrame(rows, columns=columns)
    for col, dtype in (dtypes or {}).items():
        if col in df:
            df[col] = df[col].astype(dtype)
    return df


def aggregate_mentions(long: pd.DataFrame) -> pd.DataFrame:
    """Collapse per-mention rows to MENTION_COLUMNS: one row per article, kind and canonical name.

    ``name`` is the most frequent surface form (ties: the longest), ``count`` the number of
    mentions and ``themes`` the sorted union of the themes of the sentences that mention it.
    """
    iso = long["iso_country"].tolist() if "iso_country" in long else [None] * len(long)
    records = zip(long["article_id"].tolist(), long["kind"].tolist(), long["name"].tolist(),
                  long["canonical"].tolist(), iso, long["themes"].tolist())
    return aggregate(records)


def aggregate(records) -> pd.DataFrame:  # noqa: ANN001 - iterable of mention tuples
    """Aggregate (article_id, kind, name, canonical, iso, themes) tuples into MENTION_COLUMNS rows."""
    groups: dict[tuple[str, str, str], list] = {}
    for aid, kind, name, canon, iso, themes in records:
        g = groups.get((aid, kind, canon))
        if g is None:
            g = groups[(aid, kind, canon)] = [Counter(), iso, set()]
        g[0][name] += 1
        g[2].update(themes)
    rows = [{"article_id": aid, "kind": kind, "name": max(names, key=lambda n: (names[n], len(n))),
             "canonical": canon, "iso_country": iso, "count": sum(names.values()), "themes": sorted(themes)}
            for (aid, kind, canon), (names, iso, themes) in groups.items()]
    out = frame(rows, MENTION_COLUMNS, {"article_id": "string", "kind": "string", "name": "string",
                                        "canonical": "string", "iso_country": "string", "count": "int64"})
    return out.sort_values(["article_id", "count", "canonical"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)
