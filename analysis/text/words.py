"""Text utilities for close reading: sentences, words, n-grams, KWIC, collocations, top terms.

Everything works offline: sentence boundaries come from :mod:`analysis.text.sentences` (the one
splitter of the package, on the document ``title + "\\n\\n" + text``), words from a regular
expression tuned for news copy, collocation scores from ``nltk.collocations`` (which needs no
``nltk_data``), stopwords from ``analysis/data/stopwords.txt``. Keyness lives in
:mod:`analysis.text.keyness` and is re-exported here.

    >>> words("U.S.-Mexico talks: Noem’s cross-border plan won't wait.")
    ['U.S.-Mexico', 'talks', "Noem's", 'cross-border', 'plan', "won't", 'wait']
"""
from __future__ import annotations

import heapq
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis import config, schema
from analysis.errors import UsageError
from analysis.text.sentences import documents, sentence_spans, split_sentences

if TYPE_CHECKING:
    from analysis.text.keyness import keyness as keyness  # noqa: F401

log = logging.getLogger(__name__)

# one word: an initialism (U.S., e.g.) or letters/digits with inner apostrophes (don't, Noem's);
# words may be joined by hyphens (cross-border, U.S.-Mexico); numbers keep $, separators and %.
_UNIT = r"(?:[^\W\d_]\.){2,}(?![^\W_])|[^\W_]+(?:'[^\W_]+)*"
_WORD = re.compile(rf"\$?\d+(?:[.,]\d+)*%?(?![^\W_])|(?:{_UNIT})(?:-(?:{_UNIT}))*")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_PERIOD_ALIASES = {"MS": "M", "ME": "M", "M": "M", "W": "W", "QS": "Q", "QE": "Q", "Q": "Q",
                   "YS": "Y", "YE": "Y", "Y": "Y", "AS": "Y", "A": "Y", "D": "D"}


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """Load the curated stopword list shipped in ``analysis/data/stopwords.txt``."""
    lines = (config.PACKAGE_DATA_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


STOPWORDS: frozenset[str] = _stopwords()


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` (the package's news-tuned splitter).

    >>> sentences("Relations with the U.S. are tense. U.S. authorities agreed.")
    ['Relations with the U.S. are tense.', 'U.S. authorities agreed.']
    """
    return split_sentences(text)


def words(text: str) -> list[str]:
    """Return the word tokens of ``text``: no punctuation, curly apostrophes made straight.

    Keeps initialisms ("U.S."), hyphenated words ("U.S.-bound"), contractions and possessives
    ("won't", "Noem's") and numbers with their signs ("$50,000", "25%") as single tokens.

    >>> words("He paid $50,000 — a 25% cut — in the U.S. ‘Don’t’, he said.")
    ['He', 'paid', '$50,000', 'a', '25%', 'cut', 'in', 'the', 'U.S.', "Don't", 'he', 'said']
    """
    return _WORD.findall(text.replace("’", "'"))


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """Return the ``n``-grams of a token sequence as tuples (``nltk.util.ngrams``).

    >>> ngrams(["border", "wall", "funding"], 2)
    [('border', 'wall'), ('wall', 'funding')]
    """
    from nltk.util import ngrams as _ngrams

    if n < 1:
        raise UsageError(f"n must be >= 1, got {n}")
    return list(_ngrams(tokens, n))


def normalize(token: str) -> str:
    """Return the counting form of a token: lower case, possessive 's dropped.

    >>> normalize("Noem's")
    'noem'
    """
    t = token.lower()
    return t[:-2] if t.endswith("'s") else t


def terms(text: str) -> list[str]:
    """Return the content terms of ``text``: normalized words with a letter, no stopwords.

    >>> terms("The U.S. imposed new tariffs on Mexico's cars.")
    ['u.s.', 'imposed', 'new', 'tariffs', 'mexico', 'cars']
    """
    stop = STOPWORDS
    out = []
    for w in words(text):
        t = normalize(w)
        if t not in stop and _HAS_LETTER.search(t):
            out.append(t)
    return out


def _iter_docs(articles: pd.DataFrame) -> Iterator[tuple[Any, str]]:
    """Yield (article_id, document text) for each row."""
    ids = articles["article_id"].tolist() if "article_id" in articles else list(range(len(articles)))
    return zip(ids, documents(articles).tolist())


def sentence_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per sentence of each article's document (``schema.SENTENCE_COLUMNS``).

    >>> df = pd.DataFrame({"article_id": ["a1"], "title": ["Tariffs"], "text": ["One. Two."]})
    >>> sentence_table(df)[["sentence_id", "start", "end", "text"]].values.tolist()
    [[0, 0, 7, 'Tariffs'], [1, 9, 13, 'One.'], [2, 14, 18, 'Two.']]
    """
    cols: dict[str, list[Any]] = {c: [] for c in schema.SENTENCE_COLUMNS}
    for aid, doc in _iter_docs(articles):
        for k, (s, e) in enumerate(sentence_spans(doc)):
            cols["article_id"].append(aid)
            cols["sentence_id"].append(k)
            cols["start"].append(s)
            cols["end"].append(e)
            cols["text"].append(doc[s:e])
    out = pd.DataFrame(cols, columns=schema.SENTENCE_COLUMNS)
    return out.astype({"article_id": "string", "sentence_id": "int64", "start": "int64",
                       "end": "int64", "text": "string"})


def theme_hits_for(articles: pd.DataFrame, hits: pd.DataFrame | None = None,
                   lexicons: Any = None) -> pd.DataFrame | None:
    """Return ``hits`` or, when None, ``analysis.themes.scoring.theme_hits(articles)`` if the engine exists.

    >>> theme_hits_for(pd.DataFrame(), hits=pd.DataFrame({"theme": ["trade"]})).theme.tolist()
    ['trade']
    """
    if hits is not None:
        return hits
    try:
        from analysis.themes.scoring import theme_hits
    except ImportError:
        log.warning("analysis.themes is not available: rows are not tagged with themes")
        return None
    return theme_hits(articles, lexicons) if lexicons is not None else theme_hits(articles)


def sentence_theme_lookup(hits: pd.DataFrame | None) -> dict[tuple[str, int], list[str]]:
    """Map (article_id, sentence_id) to the sorted themes with a hit in that sentence.

    >>> h = pd.DataFrame({"article_id": ["a", "a"], "theme": ["trade", "economy"], "sentence_id": [3, 3]})
    >>> sentence_theme_lookup(h)
    {('a', 3): ['economy', 'trade']}
    """
    if hits is None or len(hits) == 0:
        return {}
    pairs = hits[["article_id", "sentence_id", "theme"]].drop_duplicates()
    out: dict[tuple[str, int], list[str]] = {}
    for aid, sid, theme in zip(pairs["article_id"].tolist(), pairs["sentence_id"].tolist(),
                               pairs["theme"].tolist()):
        out.setdefault((aid, int(sid)), []).append(theme)
    return {k: sorted(v) for k, v in out.items()}


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


def kwic(articles: pd.DataFrame, pattern: str, window: int = 8, lexicons: Any = None,
         hits: pd.DataFrame | None = None, kind: str = "auto") -> pd.DataFrame:
    """Return keyword-in-context rows (``schema.KWIC_COLUMNS`` + start, end offsets).

    ``pattern`` is a word, a phrase, a glob (``tariff*``) or a theme id (the theme's lexicon
    hits; ``kind="text"`` forces a literal search, ``kind="theme"`` a theme).

    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""], "text": ["New tariffs hit cars and tariff talks stall."]})
    >>> kwic(df, "tariff*", window=2)[["left", "match", "right"]].values.tolist()
    [['New', 'tariffs', 'hit cars'], ['cars and', 'tariff', 'talks stall.']]
    """
    if kind not in ("auto", "text", "theme"):
        raise UsageError(f"kwic: kind must be auto, text or theme, not {kind!r}")
    theme_ids = set(lexicons) if isinstance(lexicons, dict) else set(schema.ALL_THEMES)
    is_theme = kind == "theme" or (kind == "auto" and pattern in theme_ids)
    docs = dict(_iter_docs(articles))
    meta = _meta(articles)
    rows: list[tuple[Any, ...]] = []
    if is_theme:
        h = theme_hits_for(articles, hits, lexicons)
        if h is None:
            raise UsageError(f"kwic: {pattern!r} is a theme id but the theme engine is unavailable")
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


def _meta(articles: pd.DataFrame) -> dict[Any, tuple[Any, Any]]:
    """Map article_id to (date, source), NaT/NA when the columns are absent."""
    n = len(articles)
    ids = articles["article_id"].tolist() if "article_id" in articles else list(range(n))
    dates = articles["date"].tolist() if "date" in articles else [pd.NaT] * n
    sources = articles["source"].tolist() if "source" in articles else [pd.NA] * n
    return {a: (d, s) for a, d, s in zip(ids, dates, sources)}


def _sentence_tokens(articles: pd.DataFrame) -> Iterator[list[str]]:
    """Yield the normalized word tokens of every sentence of every document."""
    for _, doc in _iter_docs(articles):
        low = doc.lower()
        same = len(low) == len(doc)  # then offsets into doc apply to low
        for s, e in sentence_spans(doc):
            toks = words(low[s:e] if same else doc[s:e].lower())
            yield [w[:-2] if w.endswith("'s") else w for w in toks]


def collocations(articles: pd.DataFrame, n: int = 2, measure: str = "pmi", min_freq: int = 3,
                 top: int = 20) -> pd.DataFrame:
    """Return the top ``n``-word collocations (ngram, freq, score) within sentences.

    Scores come from ``nltk.collocations`` (``measure`` = ``"pmi"`` or ``"likelihood"`` ratio);
    n-grams containing a stopword or a token without letters are excluded.

    >>> t = "Border wall funding stalled. " * 3 + "The border wall rose."
    >>> collocations(pd.DataFrame({"article_id": ["a"], "title": [""], "text": [t]}), min_freq=3).ngram.tolist()
    ['funding stalled', 'border wall', 'wall funding']
    """
    from nltk.collocations import (BigramAssocMeasures, BigramCollocationFinder,
                                   TrigramAssocMeasures, TrigramCollocationFinder)

    if n not in (2, 3):
        raise UsageError(f"collocations: n must be 2 or 3, got {n}")
    names = {"pmi": "pmi", "likelihood": "likelihood_ratio", "likelihood_ratio": "likelihood_ratio"}
    if measure not in names:
        raise UsageError(f"collocations: measure must be pmi or likelihood, not {measure!r}")
    from nltk.probability import FreqDist

    from analysis.text.term_counts import sentence_ngram_counts

    shapes = ((0, 1),) if n == 2 else ((0, 1), (0, 2), (0, 1, 2))
    vocab, n_words, grams = sentence_ngram_counts(documents(articles).tolist(), shapes)
    stop = STOPWORDS
    keep = np.fromiter((w not in stop and bool(_HAS_LETTER.search(w)) for w in vocab), dtype=bool, count=len(vocab))
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


def _period_labels(dates: pd.Series, freq: str) -> list[str]:
    """Label each date with the ISO start date of its period (``"unknown"`` for NaT)."""
    alias = _PERIOD_ALIASES.get(freq)
    if alias is None:
        raise UsageError(f"top_terms: unsupported freq {freq!r} (use one of {sorted(_PERIOD_ALIASES)})")
    d = pd.to_datetime(dates)
    starts = d.dt.to_period(alias).dt.start_time.dt.strftime("%Y-%m-%d")
    return starts.fillna("unknown").tolist()


def top_terms(articles: pd.DataFrame, by: str | None = None, top: int = 20,
              hits: pd.DataFrame | None = None, freq: str = "MS") -> pd.DataFrame:
    """Return the most frequent content terms per group: (group, term, count, rate_per_1k).

    ``by``: None (one group "all"), "source", "period" (``freq``: MS, W, QS, YS, D) or "theme"
    (terms of the sentences tagged with each theme, from ``hits``). ``rate_per_1k`` is per 1,000
    word tokens of the group, stopwords included.

    >>> df = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs"], "text": ["Tariffs on cars. Cars cost more."]})
    >>> top_terms(df, top=2).values.tolist()
    [['all', 'cars', 2, 285.7142857142857], ['all', 'tariffs', 2, 285.7142857142857]]
    """
    from analysis.text.term_counts import term_counts_table, top_terms_from_counts  # additive halves

    if by == "theme":
        hits = theme_hits_for(articles, hits)
        if hits is None:
            raise UsageError("top_terms(by='theme') needs theme hits (pass hits=)")
    return top_terms_from_counts(term_counts_table(articles, by=by, hits=hits, freq=freq), top)


def term_counts(articles: pd.DataFrame | Iterable[str]) -> Counter[str]:
    """Count the content terms of the documents of an article table (or of plain texts).

    >>> term_counts(["Tariffs and more tariffs."])
    Counter({'tariffs': 2})
    """
    texts = documents(articles).tolist() if isinstance(articles, pd.DataFrame) else articles
    chunks: Counter[str] = Counter()  # words never span whitespace: tokenize each distinct chunk once
    for t in texts:
        chunks.update(t.replace("’", "'").split())
    out: Counter[str] = Counter()
    norms: dict[str, str] = {}  # word -> its term, "" when not a content term
    stop = STOPWORDS
    for chunk, c in chunks.items():
        for w in _WORD.findall(chunk):
            t = norms.get(w)
            if t is None:
                n = normalize(w)
                t = norms[w] = n if n not in stop and _HAS_LETTER.search(n) else ""
            if t:
                out[t] += c
    return out


def __getattr__(name: str) -> Any:
    """Re-export :func:`analysis.text.keyness.keyness` as ``analysis.text.keyness``."""
    if name == "keyness":
        from analysis.text.keyness import keyness
        return keyness
    raise AttributeError(f"module 'analysis.text.words' has no attribute {name!r}")


__all__ = ["STOPWORDS", "collocations", "keyness", "kwic", "ngrams", "normalize",
           "sentence_table", "sentence_theme_lookup", "sentences", "term_counts", "terms",
           "theme_hits_for", "top_terms", "words"]
