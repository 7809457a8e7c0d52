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


def _spread_order(m: int) -> list[int]:
    """Indices 0..m-1 in an order whose every prefix is spread evenly (0, m/2, m/4, 3m/4, ...).

    >>> _spread_order(5)
    [0, 2, 1, 3, 4]
    """
    bits = max(1, (m - 1).bit_length())
    seen: dict[int, None] = {}
    for r in range(2 ** bits):
        vdc = int(format(r, f"0{bits}b")[::-1], 2)  # van der Corput: bit-reversed r
        seen.setdefault(vdc * m // 2 ** bits, None)
    return list(seen)


KWIC_READER_COLUMNS: list[str] = ["date", "source", "left", "match", "right", "article_id", "start", "end"]


def kwic_sample(lines: pd.DataFrame, n: int = 15, per_article: int = 2) -> pd.DataFrame:
    """At most ``n`` keyword-in-context lines of :func:`kwic`, at most ``per_article`` from one article,
    spread over outlets and dates; deterministic. Rows are returned by date, outlet and position.

    Articles are taken in an order spread evenly over the dates, one per outlet until every outlet
    had one, then a second per outlet, and so on; first one line from each article (its first
    match), then a second one (preferably a different match) while lines are still missing.

    >>> kw = pd.DataFrame({"article_id": list("aaabbc"), "date": pd.to_datetime(["2025-01-01"] * 3 + ["2025-02-01"] * 2 + ["2025-03-01"]),
    ...                    "source": list("XXXXXY"), "left": [""] * 6, "match": ["tariff", "tariff", "trade", "trade", "trade", "tariff"],
    ...                    "right": [""] * 6, "start": [0, 5, 9, 0, 4, 0], "end": [1, 6, 10, 1, 5, 1]})
    >>> kwic_sample(kw, n=4)[["article_id", "match", "start"]].values.tolist()
    [['a', 'tariff', 0], ['a', 'trade', 9], ['b', 'trade', 0], ['c', 'tariff', 0]]
    """
    if lines.empty or n <= 0:
        return lines.head(0)
    d = kwic_ranked(lines, per_article).head(n)
    pos = ["start"] if "start" in d.columns else []
    d = d.sort_values(["date", "source", "article_id", *pos], kind="stable", na_position="last")
    return d.reset_index(drop=True)


def kwic_ranked(lines: pd.DataFrame, per_article: int = 2) -> pd.DataFrame:
    """The lines :func:`kwic_sample` may show, in the order it takes them: ``kwic_sample(lines, n)`` is
    the first ``n`` of them sorted by date, outlet and position, so one ranking serves every ``n``.

    >>> kw = pd.DataFrame({"article_id": list("aab"), "date": pd.to_datetime(["2025-01-01"] * 2 + ["2025-02-01"]),
    ...                    "source": list("XXY"), "match": ["tariff", "trade", "tariff"], "start": [0, 9, 0]})
    >>> kwic_ranked(kw)[["article_id", "start"]].values.tolist()
    [['a', 0], ['b', 0], ['a', 9]]
    """
    if lines.empty:
        return lines.head(0)
    d = lines.reset_index(drop=True)
    pos = ["start"] if "start" in d.columns else []
    d = d.assign(_m=d["match"].astype(str).str.lower(), _i=np.arange(len(d)))
    d = d.sort_values(["article_id", *pos, "_i"], kind="stable")
    d["_again"] = d.duplicated(["article_id", "_m"])  # a match word the article already showed
    d = d.sort_values(["article_id", "_again", *pos, "_i"], kind="stable")
    d["_pass"] = d.groupby("article_id", sort=False).cumcount()
    d = d[d["_pass"] < per_article]
    arts = d.drop_duplicates("article_id")[["article_id", "date", "source"]].copy()
    arts["source"] = arts["source"].astype("string").fillna("")
    arts = arts.sort_values(["date", "source", "article_id"], kind="stable", na_position="last")
    arts = arts.iloc[_spread_order(len(arts))]  # every prefix spread over the dates
    arts["_round"] = arts.groupby("source", sort=False).cumcount()  # then one article per outlet per round
    arts = arts.assign(_g=np.arange(len(arts))).sort_values(["_round", "_g"], kind="stable")
    rank = pd.Series(np.arange(len(arts)), index=arts["article_id"].to_numpy())
    d = d.assign(_rank=d["article_id"].map(rank)).sort_values(["_pass", "_rank"], kind="stable")
    return d.drop(columns=["_m", "_i", "_again", "_pass", "_rank"]).reset_index(drop=True)


_SEP = " QXSEPQX "  # sentence separator token: upper case, so never a token of lower-cased text
_DOC = " QXDOCQX "  # document separator token (with ``by_article``)


def _sentences(doc: str) -> list[str]:
    """The sentences of one document, lower-cased."""
    low = doc.lower()
    same = len(low) == len(doc)  # then offsets into doc apply to low
    return [low[s:e] if same else doc[s:e].lower() for s, e in cached_sentence_spans(doc)]


def _chunk_text(docs: list[str], by_article: bool = False) -> str:
    """The sentences of ``docs``, lower-cased, joined with ``_SEP`` (curly apostrophes made straight);
    with ``by_article`` the documents are joined with ``_DOC`` (one per document, before it)."""
    if by_article:
        return "".join(_DOC + _SEP.join(_sentences(doc)) for doc in docs).replace("’", "'")
    pieces: list[str] = []
    for doc in docs:
        pieces.extend(_sentences(doc))
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
                          chunk: int = 2000, by_article: bool = False
                          ) -> tuple[list[str], np.ndarray, list[tuple[np.ndarray, ...]]]:
    """Count words and within-sentence word n-grams of documents, vectorized.

    Tokens are those of :func:`collocations` (lower case, possessive 's dropped, per sentence).
    ``offsets`` lists the n-gram shapes: (0, 1) bigrams, (0, 2) words two apart, (0, 1, 2)
    trigrams. Returns (vocabulary, count per word, [(word-id matrix, counts)] per shape); with
    ``by_article`` each shape also gives the number of documents the n-gram occurs in
    ((ids, counts, n_docs); both additive over partitions of the documents).

    >>> vocab, wc, [(ids, n)] = sentence_ngram_counts(["Border wall. Border wall rose."])
    >>> sorted((vocab[a], vocab[b], int(c)) for (a, b), c in zip(ids, n))
    [('border', 'wall', 2), ('wall', 'rose', 1)]
    >>> vocab, wc, [(ids, n, docs)] = sentence_ngram_counts(["Border wall.", "Border wall rose."], by_article=True)
    >>> sorted((vocab[a], vocab[b], int(c), int(d)) for (a, b), c, d in zip(ids, n, docs))
    [('border', 'wall', 2, 2), ('wall', 'rose', 1, 1)]
    """
    vocab: dict[str, int] = {_SEP.strip(): 0}
    if by_article:
        vocab[_DOC.strip()] = 1
    width = [max(o) for o in offsets]
    base = 2 ** (63 // max(len(o) for o in offsets))
    keys: list[list[np.ndarray]] = [[] for _ in offsets]
    owners: list[list[np.ndarray]] = [[] for _ in offsets]
    words: list[np.ndarray] = []
    docs = list(docs)
    for lo in range(0, len(docs), chunk):
        g = _word_ids(_chunk_text(docs[lo:lo + chunk], by_article), vocab)
        if len(vocab) >= base:
            raise OverflowError("vocabulary too large for the n-gram key")
        if not len(g):
            continue
        words.append(g)
        stop = g <= 1 if by_article else g == 0
        run = np.concatenate([[0], np.cumsum(stop)])  # separators before each position
        doc = lo + np.cumsum(g == 1) - 1 if by_article else None  # document of each position
        for j, (off, w) in enumerate(zip(offsets, width)):
            m = len(g) - w
            if m <= 0:
                continue
            ok = run[w + 1:] - run[:m] == 0  # no separator inside the window
            key = np.zeros(int(ok.sum()), dtype=np.int64)
            for o in off:
                key = key * base + g[o:o + m][ok]
            keys[j].append(key)
            if doc is not None:
                owners[j].append(doc[:m][ok])
    n_words = np.bincount(np.concatenate(words), minlength=len(vocab)) if words else np.zeros(len(vocab), np.int64)
    out: list[tuple[np.ndarray, ...]] = []
    for j, off in enumerate(offsets):
        allkeys = np.concatenate(keys[j]) if keys[j] else np.zeros(0, np.int64)
        uniq_keys, counts = np.unique(allkeys, return_counts=True)
        ids = np.stack([(uniq_keys // base ** (len(off) - 1 - i)) % base for i in range(len(off))], axis=1)
        if not by_article:
            out.append((ids, counts))
            continue
        owner = np.concatenate(owners[j]) if owners[j] else allkeys
        order = np.lexsort((owner, allkeys))
        k, d = allkeys[order], owner[order]
        first = np.ones(len(k), dtype=bool)
        first[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])  # the first row of each (n-gram, document)
        out.append((ids, counts, np.unique(k[first], return_counts=True)[1]))
    names = list(vocab)
    n_words[:2 if by_article else 1] = 0  # the separators are not words
    return names, n_words, out


MEASURES: dict[str, str] = {"pmi": "pmi", "likelihood": "likelihood_ratio", "likelihood_ratio": "likelihood_ratio"}
COLLOCATION_COLUMNS: list[str] = ["ngram", "freq", "n_articles", "score"]


def _check_collocation_args(n: int, measure: str) -> None:
    """UsageError for an n other than 2/3 or an unknown measure."""
    if n not in (2, 3):
        raise UsageError(f"collocations: n must be 2 or 3, got {n}")
    if measure not in MEASURES:
        raise UsageError(f"collocations: measure must be pmi or likelihood, not {measure!r}")


def collocations(articles: pd.DataFrame, n: int = 2, measure: str = "pmi", min_freq: int = 3,
                 top: int = 20, min_articles: int | None = None) -> pd.DataFrame:
    """Return the top ``n``-word collocations (ngram, freq, score) within sentences.

    Scores come from ``nltk.collocations`` (``measure`` = ``"pmi"`` or ``"likelihood"`` ratio);
    n-grams containing a stopword or a token without letters are excluded. With ``min_articles``
    an n-gram must also occur in that many articles, and the table gains ``n_articles`` (the
    articles it occurs in): a name repeated within one article does not make a collocation.

    >>> t = "Border wall funding stalled. " * 3 + "The border wall rose."
    >>> collocations(pd.DataFrame({"article_id": ["a"], "title": [""], "text": [t]}), min_freq=3).ngram.tolist()
    ['funding stalled', 'border wall', 'wall funding']
    """
    _check_collocation_args(n, measure)
    shapes = ((0, 1),) if n == 2 else ((0, 1), (0, 2), (0, 1, 2))
    vocab, n_words, grams = sentence_ngram_counts(documents(articles).tolist(), shapes,
                                                  by_article=min_articles is not None)
    table = score_collocations(vocab, n_words, grams, n=n, measure=measure, min_freq=min_freq, top=top,
                               min_articles=min_articles or 1)
    return table if min_articles is not None else table.drop(columns="n_articles")


def collocation_thresholds(n_articles: int, min_freq: int = 3) -> tuple[int, int]:
    """(min_freq, min_articles) for collocations of ``n_articles`` articles: a pair must occur at least
    ``min_freq`` times, once per 50 articles, and in at least 2 articles or 1 % of them.

    >>> collocation_thresholds(40), collocation_thresholds(161), collocation_thresholds(10_000)
    ((3, 2), (4, 2), (200, 100))
    """
    min_articles = max(2, -(-int(n_articles) // 100))
    return max(int(min_freq), -(-int(n_articles) // 50), min_articles), min_articles


def score_collocations(vocab: Sequence[str], n_words: np.ndarray, grams: Sequence[tuple[np.ndarray, ...]],
                       n: int = 2, measure: str = "pmi", min_freq: int = 3, top: int = 20,
                       min_articles: int = 1) -> pd.DataFrame:
    """Score summed :func:`sentence_ngram_counts` output: (ngram, freq, n_articles, score), best first.

    ``grams`` is the per-shape list (bigrams; or bigrams, gap-2 pairs and trigrams for ``n=3``),
    each (ids, counts) or (ids, counts, n_docs) (``by_article``; ``n_articles`` is NA without it).
    Counts summed over partitions of the articles give the same table as one call on all of them.

    >>> vocab, wc, grams = sentence_ngram_counts(["Trade war. Trade war.", "Trade war now."], by_article=True)
    >>> score_collocations(vocab, wc, grams, min_freq=2, min_articles=2)[["ngram", "freq", "n_articles"]].values.tolist()
    [['trade war', 3, 2]]
    """
    _check_collocation_args(n, measure)
    keep = np.fromiter((is_term(w) for w in vocab), dtype=bool, count=len(vocab))
    word_fd = {w: c for w, c in zip(vocab, np.asarray(n_words).tolist()) if c}
    fds = [{tuple(vocab[i] for i in g): c for g, c in zip(sh[0].tolist(), sh[1].tolist())} for sh in grams[:-1]]
    ids, cnt = grams[-1][0], grams[-1][1]
    docs = grams[-1][2] if len(grams[-1]) > 2 else None
    ok = (cnt >= min_freq) & keep[ids].all(axis=1)
    if docs is not None:
        ok &= docs >= min_articles
    names = [tuple(vocab[i] for i in g) for g in ids[ok].tolist()]
    kept = FreqDist(dict(zip(names, cnt[ok].tolist())))
    in_docs = dict(zip(names, docs[ok].tolist())) if docs is not None else {}
    if n == 2:
        finder: Any = BigramCollocationFinder(FreqDist(word_fd), kept)
        measures: Any = BigramAssocMeasures
    else:
        finder = TrigramCollocationFinder(FreqDist(word_fd), FreqDist(fds[0]), FreqDist(fds[1]), kept)
        measures = TrigramAssocMeasures
    fn, freq = getattr(measures, MEASURES[measure]), finder.ngram_fd
    scored = ((g, finder.score_ngram(fn, *g)) for g in freq)  # nltk's score_ngrams without its sort
    rows = [(" ".join(g), int(freq[g]), in_docs.get(g, pd.NA), float(sc)) for g, sc in scored if sc is not None]
    key = lambda r: (-round(r[3], 9), -r[1], r[0])  # noqa: E731 - unique per n-gram: a total order
    best = heapq.nsmallest(top, rows, key=key) if top >= 0 else sorted(rows, key=key)[:top]
    out = pd.DataFrame(best, columns=COLLOCATION_COLUMNS)
    return out.astype({"n_articles": "Int64"})


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


__all__ = ["KWIC_READER_COLUMNS", "collocation_thresholds", "collocations", "kwic", "kwic_ranked", "kwic_sample", "score_collocations", "sentence_ngram_counts", "top_terms"]
