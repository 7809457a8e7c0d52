"""Sentence boundaries: the one splitter of the package, the shared unit for theme evidence, tone and quotes.

A rule-based splitter in the spirit of Punkt, tuned for news copy and fast enough to run inside
theme scoring (tens of MB/s). Paragraph breaks (blank lines) always end a sentence; inside a
paragraph a sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes/brackets) followed by
whitespace and an upper-case letter, digit or opening quote -- unless the word before the period
is a known abbreviation (data: ``analysis/data/abbreviations.txt``), a single initial
("J. Smith"), or an initialism such as "U.S." followed by a word that does not usually start a
sentence ("U.S. authorities" continues; "U.S.-Mexico relations. Noem" ends).

Sentences are cut from each article's document ``title + "\\n\\n" + text`` (:func:`document_text`);
:func:`cached_sentence_spans` caches the spans per document for the tools that split the same
documents one after the other (collocations, tone, the evidence extractors), in a
:class:`DocumentCache`: the bounded per-document cache the evidence extractors use as well,
emptied all at once by :func:`clear_document_caches`.

    >>> sentence_spans("He met Sen. Smith in the U.S. on Friday. It rained.")
    [(0, 40), (41, 51)]
"""
from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, TypeVar

import pandas as pd

from analysis import config, schema

_PARA = re.compile(r"\n[ \t]*\n\s*")
# candidate end: terminal punctuation, optional closing quotes/brackets, whitespace, then a
# plausible sentence start (capital, digit, opening quote or bracket); group 1 is the whitespace
# run, so ``m.end(1)`` is where the next sentence starts
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=(\s+)[\"'“‘(\[]?[A-Z0-9À-Ý])")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}$")
_INITIAL = re.compile(r"(?:^|[\s(\"“])[A-Z]\.$")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[]?([A-Za-z]+)")


@lru_cache(maxsize=1)
def abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """Load (abbreviations that never end a sentence, words that usually start one)."""
    never: set[str] = set()
    starters: set[str] = set()
    target = never
    for line in (config.PACKAGE_DATA_DIR / "abbreviations.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line == "[sentence_starters]":
            target = starters
            continue
        if not line or line.startswith("#") or line.startswith("["):
            continue
        target.add(line.lower().rstrip("."))
    return frozenset(never), frozenset(starters)


def _is_boundary(text: str, end: int, dot: int, never: frozenset[str], starters: frozenset[str]) -> bool:
    """Decide whether the candidate whose terminal punctuation starts at ``dot`` ends a sentence.

    Only a period can be ambiguous; its token is the run of non-space characters before it (at
    most 40 characters back), without opening quotes/brackets. ``never``/``starters`` are
    :func:`abbreviations`.
    """
    if text[dot] != ".":
        return True
    token = text[max(0, dot - 40):dot + 1].rsplit(None, 1)[-1].lstrip("\"'“‘([")
    if token[:-1].lower() in never:
        return False
    n = len(token)
    if n == 2 and _INITIAL.search(text, max(0, dot - 3), dot + 1):
        return False  # "J. Smith"
    if n >= 4 and token[-3] == "." and _INITIALISM.search(token):
        nxt = _NEXT_WORD.match(text, end)
        return bool(nxt) and nxt.group(1).lower() in starters
    return True


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the paragraphs of ``text`` (split at blank lines).

    >>> paragraph_spans("One.\\n\\nTwo.")
    [(0, 4), (6, 10)]
    >>> paragraph_spans("  One. \\n\\n \\n")
    [(2, 6)]
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        _add_stripped(out, text, pos, m.start())
        pos = m.end()
    _add_stripped(out, text, pos, len(text))
    return out


def _add_stripped(out: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    """Append ``(s, e)`` without its leading/trailing whitespace, unless nothing is left."""
    if s < e and (text[s].isspace() or text[e - 1].isspace()):
        seg = text[s:e]
        body = seg.strip()
        if not body:
            return
        s += len(seg) - len(seg.lstrip())
        e = s + len(body)
    if e > s:
        out.append((s, e))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character offsets of the sentences of ``text``.

    >>> t = "Ties with the U.S. matter. U.S. authorities agreed."
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['Ties with the U.S. matter.', 'U.S. authorities agreed.']
    """
    return _sentences_in(text, paragraph_spans(text))


def _sentences_in(text: str, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence spans of ``text`` given its paragraph spans (sentences never cross a paragraph)."""
    out: list[tuple[int, int]] = []
    append = out.append
    finditer = _CANDIDATE.finditer
    never, starters = abbreviations()
    for ps, pe in paras:
        start = ps
        for m in finditer(text, ps, pe):
            dot = m.start()
            if text[dot] == "." and not _is_boundary(text, m.end(), dot, never, starters):
                continue
            append((start, m.end()))
            start = m.end(1)
        if start < pe:
            append((start, pe))
    return out


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` as strings.

    >>> sentences("Mr. Lee spoke. Then he left.")
    ['Mr. Lee spoke.', 'Then he left.']
    >>> sentences("Relations with the U.S. are tense. U.S. authorities agreed.")
    ['Relations with the U.S. are tense.', 'U.S. authorities agreed.']
    """
    return [text[s:e] for s, e in sentence_spans(text)]


def document_text(title: object, text: object) -> str:
    """Return the analysed document of an article: title, blank line, body (either may be empty).

    Every sentence id and character offset in the package (theme evidence, sentences table,
    quotes, amounts, tone) refers to this string, so the headline is sentence 0 when present.

    >>> document_text("Tariffs rise", "Body.")
    'Tariffs rise\\n\\nBody.'
    """
    parts = [p.strip() for p in (title, text) if isinstance(p, str) and p.strip()]
    return "\n\n".join(parts)


def documents(articles: pd.DataFrame) -> pd.Series:
    """Return ``document_text`` for each row of an article table, indexed like it.

    >>> documents(pd.DataFrame({"title": ["T"], "text": ["B."]})).tolist()
    ['T\\n\\nB.']
    """
    titles = articles["title"] if "title" in articles else pd.Series([None] * len(articles), index=articles.index)
    texts = articles["text"] if "text" in articles else pd.Series([None] * len(articles), index=articles.index)
    return pd.Series([document_text(a, b) for a, b in zip(titles.tolist(), texts.tolist())],
                     index=articles.index, dtype=object)


def article_documents(articles: pd.DataFrame) -> Iterator[tuple[Any, str]]:
    """Yield (article_id, document) per row; ids as stored (row numbers without an article_id column).

    >>> list(article_documents(pd.DataFrame({"title": ["T"], "text": ["B."]})))
    [(0, 'T\\n\\nB.')]
    """
    ids = articles["article_id"].tolist() if "article_id" in articles else list(range(len(articles)))
    return zip(ids, documents(articles).tolist())


def sentence_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per sentence of each article's document (``schema.SENTENCE_COLUMNS``).

    >>> df = pd.DataFrame({"article_id": ["a1"], "title": ["Tariffs"], "text": ["One. Two."]})
    >>> sentence_table(df)[["sentence_id", "start", "end", "text"]].values.tolist()
    [[0, 0, 7, 'Tariffs'], [1, 9, 13, 'One.'], [2, 14, 18, 'Two.']]
    """
    cols: dict[str, list[Any]] = {c: [] for c in schema.SENTENCE_COLUMNS}
    for aid, doc in article_documents(articles):
        for k, (s, e) in enumerate(sentence_spans(doc)):
            cols["article_id"].append(aid)
            cols["sentence_id"].append(k)
            cols["start"].append(s)
            cols["end"].append(e)
            cols["text"].append(doc[s:e])
    out = pd.DataFrame(cols, columns=schema.SENTENCE_COLUMNS)
    return out.astype({"article_id": "string", "sentence_id": "int64", "start": "int64",
                       "end": "int64", "text": "string"})


V = TypeVar("V")
_CACHES: weakref.WeakValueDictionary[int, DocumentCache[Any]] = weakref.WeakValueDictionary()


class DocumentCache(dict[str, V]):
    """Values computed once per document text in this process, bounded by the documents' characters.

    ``cache[doc]`` is a plain dict look-up for a document seen before; for a new one it computes
    ``compute(doc)``, emptying the whole cache first when the documents it holds would pass ``budget``
    characters (the documents, the keys, are what holds memory). :func:`clear_document_caches` empties
    every instance: cluster workers call it after each partition, so their memory stays flat.

    >>> lengths = DocumentCache(len, budget=12)
    >>> lengths["One. Two."], lengths["One. Two."], len(lengths)
    (9, 9, 1)
    >>> lengths["Three."], len(lengths)  # 9 + 6 characters would pass 12: emptied first
    (6, 1)
    """

    __slots__ = ("compute", "budget", "chars", "__weakref__")

    def __init__(self, compute: Callable[[str], V], budget: int) -> None:
        """An empty cache of ``compute(doc)`` holding at most ``budget`` characters of documents."""
        super().__init__()
        self.compute = compute
        self.budget = budget
        self.chars = 0
        _CACHES[id(self)] = self

    def __missing__(self, doc: str) -> V:
        """Compute and keep the value of a document not seen yet (called by ``cache[doc]``)."""
        if self.chars + len(doc) > self.budget:
            self.clear()
        value = self[doc] = self.compute(doc)
        self.chars += len(doc)
        return value

    def clear(self) -> None:
        """Forget every document."""
        super().clear()
        self.chars = 0


def clear_document_caches() -> None:
    """Empty every :class:`DocumentCache` of this process (sentence spans, word scans, speaker look-ups)."""
    for cache in list(_CACHES.values()):
        cache.clear()


SPAN_CACHE_CHARS = 64_000_000  # documents' characters kept in the cache before it is emptied


def _split(doc: str) -> tuple[list[tuple[int, int]], list[int], list[tuple[int, int]]]:
    """(sentence spans, sentence starts, paragraph spans) of ``doc``."""
    paras = paragraph_spans(doc)
    spans = _sentences_in(doc, paras)
    return spans, [s for s, _ in spans], paras


SPAN_CACHE: DocumentCache[tuple[list[tuple[int, int]], list[int], list[tuple[int, int]]]] = DocumentCache(
    _split, SPAN_CACHE_CHARS)


def cached_sentence_spans(doc: str) -> list[tuple[int, int]]:
    """``sentence_spans(doc)``, cached: tone, collocations and the evidence extractors share it.

    The report runs several of them over the same documents one after the other; the cache
    (bounded by ``SPAN_CACHE_CHARS`` characters of documents) splits each document once.
    Callers must not modify the returned list.

    >>> cached_sentence_spans("One. Two.")
    [(0, 4), (5, 9)]
    """
    return SPAN_CACHE[doc][0]


def sentence_starts(doc: str) -> list[int]:
    """Return the start offsets of the sentences of ``doc`` (cached like :func:`cached_sentence_spans`).

    >>> sentence_starts("One. Two.")
    [0, 5]
    """
    return SPAN_CACHE[doc][1]


def cached_paragraph_spans(doc: str) -> list[tuple[int, int]]:
    """``paragraph_spans(doc)``, cached with the sentences (callers must not modify the list).

    >>> cached_paragraph_spans("One.\\n\\nTwo.")
    [(0, 4), (6, 10)]
    """
    return SPAN_CACHE[doc][2]


