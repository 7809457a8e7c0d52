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

import pandas as pd

from analysis import config
from analysis.schema import MENTION_COLUMNS
from analysis.sentences import documents, sentence_spans

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
        from analysis.themes import theme_hits
    except ImportError:
        log.debug("analysis.themes not available; evidence rows get empty themes")
        return None
    return theme_hits(articles)


def theme_index(hits: pd.DataFrame | None) -> ThemeIndex:
    """Map (article_id, sentence_id) -> sorted tuple of themes from a theme_hits table.

    >>> h = pd.DataFrame({"article_id": ["a", "a"], "theme": ["trade", "economy"], "sentence_id": [2, 2]})
    >>> theme_index(h)[("a", 2)]
    ('economy', 'trade')
    """
    if hits is None or len(hits) == 0:
        return {}
    out: dict[tuple[str, int], set[str]] = {}
    for aid, theme, sid in zip(hits["article_id"].astype(str).tolist(), hits["theme"].astype(str).tolist(),
                               hits["sentence_id"].tolist()):
        out.setdefault((aid, int(sid)), set()).add(theme)
    return {k: tuple(sorted(v)) for k, v in out.items()}


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


@lru_cache(maxsize=16384)
def sentence_starts(doc: str) -> list[int]:
    """Return the start offsets of the sentences of ``doc`` (cached: extractors share them).

    Quotes, amounts, places and actors run over the same documents one after the other; the
    cache makes the sentence split happen once per document per process.

    >>> sentence_starts("One. Two.")
    [0, 5]
    """
    return [s for s, _ in sentence_spans(doc)]


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
