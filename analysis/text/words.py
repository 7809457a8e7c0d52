"""Words of news copy: tokens, n-grams, content terms, the stopword list and additive term counts.

Words come from a regular expression tuned for news copy, stopwords from
``analysis/data/stopwords.txt``. A *term* is a normalized word (lower case, possessive 's
dropped) with a letter that is not a stopword; :func:`term_counts` and :func:`term_counts_table`
count terms, the latter per group (source, period, theme) in a form that sums over partitions
(:func:`top_terms_from_counts` ranks the sums like ``analysis.text.concordance.top_terms``).

    >>> words("U.S.-Mexico talks: Noem’s cross-border plan won't wait.")
    ['U.S.-Mexico', 'talks', "Noem's", 'cross-border', 'plan', "won't", 'wait']
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pandas as pd

from analysis import config
from analysis.errors import UsageError
from analysis.periods import period_labels
from analysis.text.sentences import article_documents, documents, sentence_spans
from analysis.text.theme_tags import require_hits, sentence_theme_index

# one word: an initialism (U.S., e.g.) or letters/digits with inner apostrophes (don't, Noem's);
# words may be joined by hyphens (cross-border, U.S.-Mexico); numbers keep $, separators and %.
_UNIT = r"(?:[^\W\d_]\.){2,}(?![^\W_])|[^\W_]+(?:'[^\W_]+)*"
WORD = re.compile(rf"\$?\d+(?:[.,]\d+)*%?(?![^\W_])|(?:{_UNIT})(?:-(?:{_UNIT}))*")
HAS_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """Load the curated stopword list shipped in ``analysis/data/stopwords.txt``."""
    lines = (config.PACKAGE_DATA_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


STOPWORDS: frozenset[str] = _stopwords()


def words(text: str) -> list[str]:
    """Return the word tokens of ``text``: no punctuation, curly apostrophes made straight.

    Keeps initialisms ("U.S."), hyphenated words ("U.S.-bound"), contractions and possessives
    ("won't", "Noem's") and numbers with their signs ("$50,000", "25%") as single tokens.

    >>> words("He paid $50,000 — a 25% cut — in the U.S. ‘Don’t’, he said.")
    ['He', 'paid', '$50,000', 'a', '25%', 'cut', 'in', 'the', 'U.S.', "Don't", 'he', 'said']
    """
    return WORD.findall(text.replace("’", "'"))


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """Return the ``n``-grams of a token sequence as tuples (``nltk.util.ngrams``).

    >>> ngrams(["border", "wall", "funding"], 2)
    [('border', 'wall'), ('wall', 'funding')]
    """
    # deferred on purpose: nltk takes about a second to import and the counting paths that import
    # this module (keyness, term counts on the cluster) never need it
    from nltk.util import ngrams as nltk_ngrams

    if n < 1:
        raise UsageError(f"n must be >= 1, got {n}")
    return list(nltk_ngrams(tokens, n))


def normalize(token: str) -> str:
    """Return the counting form of a token: lower case, possessive 's dropped.

    >>> normalize("Noem's")
    'noem'
    """
    t = token.lower()
    return t[:-2] if t.endswith("'s") else t


def is_term(normalized: str) -> bool:
    """True when a normalized word counts as a content term: it has a letter and is no stopword.

    >>> is_term("tariffs"), is_term("the"), is_term("2025")
    (True, False, False)
    """
    return normalized not in STOPWORDS and bool(HAS_LETTER.search(normalized))


def terms(text: str) -> list[str]:
    """Return the content terms of ``text``: normalized words with a letter, no stopwords.

    >>> terms("The U.S. imposed new tariffs on Mexico's cars.")
    ['u.s.', 'imposed', 'new', 'tariffs', 'mexico', 'cars']
    """
    return [t for t in map(normalize, words(text)) if is_term(t)]


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
    for chunk, c in chunks.items():
        for w in WORD.findall(chunk):
            t = norms.get(w)
            if t is None:
                n = normalize(w)
                t = norms[w] = n if is_term(n) else ""
            if t:
                out[t] += c
    return out


def term_counts_table(articles: pd.DataFrame, by: str | None = None, hits: pd.DataFrame | None = None,
                      freq: str = "MS") -> pd.DataFrame:
    """Additive content-term counts per group: (group, term, count); term "" holds the group's word total.

    ``by``: None (one group "all"), "source", "period" (``freq``: an ``analysis.periods`` alias
    such as MS, W, QS, YS, D) or "theme" (the sentences tagged with each theme in ``hits``, a
    ``theme_hits`` table that must be passed). Rows of partitions sum to the rows of the whole;
    :func:`top_terms_from_counts` ranks them.

    >>> df = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs"], "text": ["Tariffs on cars. Cars cost more."]})
    >>> top_terms_from_counts(term_counts_table(df), top=2).values.tolist()
    [['all', 'cars', 2, 285.7142857142857], ['all', 'tariffs', 2, 285.7142857142857]]
    """
    counts: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    if by == "theme":
        lookup = sentence_theme_index(require_hits(hits, "term counts by theme"), articles)
        for aid, doc in article_documents(articles):
            for k, (s, e) in enumerate(sentence_spans(doc)):
                ths = lookup.get((str(aid), k))
                if ths:
                    ws = words(doc[s:e])
                    ts = [t for t in map(normalize, ws) if is_term(t)]
                    for th in ths:
                        counts.setdefault(th, Counter()).update(ts)
                        totals[th] += len(ws)
    else:
        if by is None:
            labels = ["all"] * len(articles)
        elif by == "source":
            labels = articles["source"].astype("string").fillna("unknown").tolist()
        elif by == "period":
            labels = period_labels(articles["date"], freq)
        else:
            raise UsageError(f"top_terms: by must be None, 'theme', 'source' or 'period', not {by!r}")
        for label, doc in zip(labels, documents(articles).tolist()):
            ws = words(doc)
            counts.setdefault(label, Counter()).update(t for t in map(normalize, ws) if is_term(t))
            totals[label] += len(ws)
    rows = [(g, t, c) for g, cnt in counts.items() for t, c in cnt.items()]
    rows += [(g, "", n) for g, n in totals.items()]
    out = pd.DataFrame(rows, columns=["group", "term", "count"])
    return out.astype({"group": "string", "term": "string", "count": "int64"})


def top_terms_from_counts(counts: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    """Rank summed :func:`term_counts_table` rows: (group, term, count, rate_per_1k), ``top`` per group.

    ``rate_per_1k`` is per 1,000 word tokens of the group, stopwords included.
    """
    summed = counts.groupby(["group", "term"], sort=False)["count"].sum()
    rows = []
    for group in sorted(set(summed.index.get_level_values(0))):
        g = summed.loc[group]
        total = int(g.get("", 0))
        items = [(t, int(c)) for t, c in g.items() if t != ""]
        for t, c in sorted(items, key=lambda kv: (-kv[1], kv[0]))[:top]:
            rows.append((group, t, c, 1000.0 * c / total))
    return pd.DataFrame(rows, columns=["group", "term", "count", "rate_per_1k"])


__all__ = ["HAS_LETTER", "STOPWORDS", "WORD", "is_term", "ngrams", "normalize", "term_counts",
           "term_counts_table", "terms", "top_terms_from_counts", "words"]
