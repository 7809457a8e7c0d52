"""Close reading of article tables: keyword in context, collocations and the top terms per group.

Everything works offline: collocation scores come from ``nltk.collocations`` (which needs no
``nltk_data``); words, terms and stopwords are those of :mod:`analysis.text.words`. Theme ids
(``kwic`` of a theme, ``top_terms(by="theme")``) need the theme hits passed in as data
(``hits=analysis.theme_hits(articles)``).

    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""], "text": ["New tariffs hit cars."]})
    >>> kwic(df, "tariff*", window=1)[["left", "match", "right"]].values.tolist()
    [['New', 'tariffs', 'hit']]
"""
from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from nltk.collocations import (
    BigramAssocMeasures,
    BigramCollocationFinder,
    TrigramAssocMeasures,
    TrigramCollocationFinder,
)
from nltk.probability import FreqDist

from analysis import schema
from analysis.errors import UsageError
from analysis.text.sentences import article_documents, cached_sentence_spans, documents
from analysis.text.theme_tags import require_hits
from analysis.text.words import WORD, is_term, term_counts_table, top_terms_from_counts


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Compile a word, phrase or glob (``*`` any word characters, ``?`` any one character) to a regex."""
    parts = pattern.replace("’", "'").split()
    if not parts:
        raise UsageError("kwic: empty pattern")
    body = []
    for p in parts:
        esc = re.escape(p).replace("'", "['’]").replace(r"\*", r"[\w'’-]*").replace(r"\?", r"\S")
        body.append(esc)
    return re.compile(r"(?<![\w'’])" + r"\s+".join(body) + r"(?![\w'’])", re.IGNORECASE)


def _context(doc: str, start: int, end: int, window: int) -> tuple[str, str]:
    """Return ``window`` whitespace tokens left of ``start`` and right of ``end``."""
    span = max(40, window * 30)
    lo = max(0, start - span)
    left = doc[lo:start].split()
    if lo > 0 and left and not doc[lo - 1].isspace():
        left = left[1:]
    hi = min(len(doc), end + span)
    right = doc[end:hi].split()
    if hi < len(doc) and right and not doc[hi].isspace():
        right = right[:-1]
    return " ".join(left[-window:] if window else []), " ".join(right[:window])


def _meta(articles: pd.DataFrame) -> dict[Any, tuple[Any, Any]]:
    """Map article_id to (date, source), NaT/NA when the columns are absent."""
    n = len(articles)
    ids = articles["article_id"].tolist() if "article_id" in articles else list(range(n))
    dates = articles["date"].tolist() if "date" in articles else [pd.NaT] * n
    sources = articles["source"].tolist() if "source" in articles else [pd.NA] * n
    return {a: (d, s) for a, d, s in zip(ids, dates, sources)}


def kwic(articles: pd.DataFrame, pattern: str, window: int = 8, lexicons: Any = None,
         hits: pd.DataFrame | None = None, kind: str = "auto") -> pd.DataFrame:
    """Return keyword-in-context rows (``schema.KWIC_COLUMNS`` + start, end offsets).

    ``pattern`` is a word, a phrase, a glob (``tariff*``) or a theme id (of ``lexicons``, a dict
    of lexicons, else of the shipped themes): a theme id shows the theme's hits, which must be
    passed as ``hits`` (``kind="text"`` forces a literal search, ``kind="theme"`` a theme).

    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""], "text": ["New tariffs hit cars and tariff talks stall."]})
    >>> kwic(df, "tariff*", window=2)[["left", "match", "right"]].values.tolist()
    [['New', 'tariffs', 'hit cars'], ['cars and', 'tariff', 'talks stall.']]
    """
    if kind not in ("auto", "text", "theme"):
        raise UsageError(f"kwic: kind must be auto, text or theme, not {kind!r}")
    theme_ids = set(lexicons) if isinstance(lexicons, dict) else set(schema.ALL_THEMES)
    is_theme = kind == "theme" or (kind == "auto" and pattern in theme_ids)
    docs = dict(article_documents(articles))
    meta = _meta(articles)
    rows: list[tuple[Any, ...]] = []
    if is_theme:
        h = require_hits(hits, f"kwic of the theme {pattern!r}")
        h = h[h["theme"] == pattern].sort_values(["article_id", "start"])
        spans: Iterable[tuple[Any, int, int]] = zip(h["article_id"].tolist(), h["start"].tolist(),
                                                   h["end"].tolist())
    else:
        rx = _pattern_regex(pattern)
        spans = ((aid, m.start(), m.end()) for aid, doc in docs.items() for m in rx.finditer(doc))
    for aid, s, e in spans:
        doc = docs.get(aid)
        if doc is None:
            continue
        left, right = _context(doc, s, e, window)
        date, source = meta.get(aid, (pd.NaT, pd.NA))
        rows.append((aid, date, source, left, " ".join(doc[s:e].split()), right, s, e))
    out = pd.DataFrame(rows, columns=schema.KWIC_COLUMNS + ["start", "end"])
    out["date"] = pd.to_datetime(out["date"])
    return out.astype({"article_id": "string", "source": "string", "left": "string",
                       "match": "string", "right": "string", "start": "int64", "end": "int64"})


_SEP = " QXSEPQX "  # sentence separator token: upper case, so never a token of lower-cased text


def _chunk_text(docs: list[str]) -> str:
    """The sentences of ``docs``, lower-cased, joined with ``_SEP`` (curly apostrophes made straight)."""
    pieces: list[str] = []
    for doc in docs:
        low = doc.lower()
        same = len(low) == len(doc)  # then offsets into doc apply to low
        pieces.extend(low[s:e] if same else doc[s:e].lower() for s, e in cached_sentence_spans(doc))
    return _SEP.join(pieces).replace("’", "'")


def _word_ids(text: str, vocab: dict[str, int]) -> np.ndarray:
    """Vocabulary ids of the word tokens of ``text`` (possessive 's dropped; vocab grows).

    Word tokens never span whitespace, so each distinct whitespace-separated chunk is tokenized
    once and its ids are repeated wherever it occurs.
    """
    codes, uniq = pd.factorize(np.asarray(text.split(), dtype=object))
    lens = np.zeros(len(uniq), dtype=np.int64)
    flat: list[int] = []
    for k, chunk in enumerate(uniq.tolist()):
        found = WORD.findall(chunk)
        lens[k] = len(found)
        flat.extend(vocab.setdefault(w[:-2] if w.endswith("'s") else w, len(vocab)) for w in found)
    per = lens[codes]
    ends = np.cumsum(per)
    offsets = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    pos = np.repeat(offsets[codes] - (ends - per), per) + np.arange(int(ends[-1]) if len(ends) else 0)
    return np.asarray(flat, dtype=np.int64)[pos]


def sentence_ngram_counts(docs: Iterable[str], offsets: Sequence[Sequence[int]] = ((0, 1),),
                          chunk: int = 2000) -> tuple[list[str], np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Count words and within-sentence word n-grams of documents, vectorized.

    Tokens are those of :func:`collocations` (lower case, possessive 's dropped, per sentence).
    ``offsets`` lists the n-gram shapes: (0, 1) bigrams, (0, 2) words two apart, (0, 1, 2)
    trigrams. Returns (vocabulary, count per word, [(word-id matrix, counts)] per shape).

    >>> vocab, wc, [(ids, n)] = sentence_ngram_counts(["Border wall. Border wall rose."])
    >>> sorted((vocab[a], vocab[b], int(c)) for (a, b), c in zip(ids, n))
    [('border', 'wall', 2), ('wall', 'rose', 1)]
    """
    sep = _SEP.strip()
    vocab: dict[str, int] = {sep: 0}
    width = [max(o) for o in offsets]
    base = 2 ** (63 // max(len(o) for o in offsets))
    keys: list[list[np.ndarray]] = [[] for _ in offsets]
    words: list[np.ndarray] = []
    docs = list(docs)
    for lo in range(0, len(docs), chunk):
        g = _word_ids(_chunk_text(docs[lo:lo + chunk]), vocab)
        if len(vocab) >= base:
            raise OverflowError("vocabulary too large for the n-gram key")
        if not len(g):
            continue
        words.append(g)
        run = np.concatenate([[0], np.cumsum(g == 0)])  # separators before each position
        for j, (off, w) in enumerate(zip(offsets, width)):
            m = len(g) - w
            if m <= 0:
                continue
            ok = run[w + 1:] - run[:m] == 0  # no separator inside the window
            key = np.zeros(int(ok.sum()), dtype=np.int64)
            for o in off:
                key = key * base + g[o:o + m][ok]
            keys[j].append(key)
    n_words = np.bincount(np.concatenate(words), minlength=len(vocab)) if words else np.zeros(len(vocab), np.int64)
    out = []
    for j, off in enumerate(offsets):
        uniq_keys, counts = np.unique(np.concatenate(keys[j]) if keys[j] else np.zeros(0, np.int64),
                                      return_counts=True)
        ids = np.stack([(uniq_keys // base ** (len(off) - 1 - i)) % base for i in range(len(off))], axis=1)
        out.append((ids, counts))
    names = list(vocab)
    n_words[0] = 0  # the separator is not a word
    return names, n_words, out


def collocations(articles: pd.DataFrame, n: int = 2, measure: str = "pmi", min_freq: int = 3,
                 top: int = 20) -> pd.DataFrame:
    """Return the top ``n``-word collocations (ngram, freq, score) within sentences.

    Scores come from ``nltk.collocations`` (``measure`` = ``"pmi"`` or ``"likelihood"`` ratio);
    n-grams containing a stopword or a token without letters are excluded.

    >>> t = "Border wall funding stalled. " * 3 + "The border wall rose."
    >>> collocations(pd.DataFrame({"article_id": ["a"], "title": [""], "text": [t]}), min_freq=3).ngram.tolist()
    ['funding stalled', 'border wall', 'wall funding']
    """
    if n not in (2, 3):
        raise UsageError(f"collocations: n must be 2 or 3, got {n}")
    names = {"pmi": "pmi", "likelihood": "likelihood_ratio", "likelihood_ratio": "likelihood_ratio"}
    if measure not in names:
        raise UsageError(f"collocations: measure must be pmi or likelihood, not {measure!r}")
    shapes = ((0, 1),) if n == 2 else ((0, 1), (0, 2), (0, 1, 2))
    vocab, n_words, grams = sentence_ngram_counts(documents(articles).tolist(), shapes)
    keep = np.fromiter((is_term(w) for w in vocab), dtype=bool, count=len(vocab))
    word_fd = {w: c for w, c in zip(vocab, n_words.tolist()) if c}
    fds = [{tuple(vocab[i] for i in g): c for g, c in zip(ids.tolist(), cnt.tolist())} for ids, cnt in grams[:-1]]
    ids, cnt = grams[-1]
    ok = (cnt >= min_freq) & keep[ids].all(axis=1)
    kept = FreqDist({tuple(vocab[i] for i in g): c for g, c in zip(ids[ok].tolist(), cnt[ok].tolist())})
    if n == 2:
        finder: Any = BigramCollocationFinder(FreqDist(word_fd), kept)
        measures: Any = BigramAssocMeasures
    else:
        finder = TrigramCollocationFinder(FreqDist(word_fd), FreqDist(fds[0]), FreqDist(fds[1]), kept)
        measures = TrigramAssocMeasures
    fn, freq = getattr(measures, names[measure]), finder.ngram_fd
    scored = ((g, finder.score_ngram(fn, *g)) for g in freq)  # nltk's score_ngrams without its sort
    rows = [(" ".join(g), int(freq[g]), float(sc)) for g, sc in scored if sc is not None]
    key = lambda r: (-round(r[2], 9), -r[1], r[0])  # noqa: E731 - unique per n-gram: a total order
    best = heapq.nsmallest(top, rows, key=key) if top >= 0 else sorted(rows, key=key)[:top]
    return pd.DataFrame(best, columns=["ngram", "freq", "score"])


def top_terms(articles: pd.DataFrame, by: str | None = None, top: int = 20,
              hits: pd.DataFrame | None = None, freq: str = "MS") -> pd.DataFrame:
    """Return the most frequent content terms per group: (group, term, count, rate_per_1k).

    ``by``: None (one group "all"), "source", "period" (``freq``: any ``analysis.periods`` alias,
    e.g. MS, W, QS, YS, D; an unknown one raises ``PeriodError``) or "theme" (terms of the
    sentences tagged with each theme in ``hits``, which must be passed). ``rate_per_1k`` is per
    1,000 word tokens of the group, stopwords included.

    >>> df = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs"], "text": ["Tariffs on cars. Cars cost more."]})
    >>> top_terms(df, top=2).values.tolist()
    [['all', 'cars', 2, 285.7142857142857], ['all', 'tariffs', 2, 285.7142857142857]]
    """
    if by == "theme":
        require_hits(hits, "top_terms(by='theme')")
    return top_terms_from_counts(term_counts_table(articles, by=by, hits=hits, freq=freq), top)


__all__ = ["collocations", "kwic", "sentence_ngram_counts", "top_terms"]
