"""Theme coding: scores, evidence hits and per-article themes for any DataFrame of articles.

Each article's document is ``title + "\\n\\n" + text`` (:func:`analysis.sentences.document_text`);
offsets and sentence ids refer to it (sentence 0 is the headline). Matching rules:
:mod:`analysis.matcher`; term syntax: :mod:`analysis.lexicon`. Every function takes
``lexicons``: None (the shipped lexicons), a folder of YAML files, or the dict returned by
:func:`load_lexicons`; ``workers`` > 1 spreads ordered chunks over processes (same results).

Scores per article x theme (rows only where ``hits > 0``):

- ``hits``: matched words/phrases of the theme (longest match wins; a word counts once);
- ``hits_per_1k_words``: ``1000 * hits / words`` (words = whitespace-separated tokens of the
  document, :func:`word_count`);
- ``share_of_sentences``: share of the document's sentences with at least one hit of the theme;
- ``present`` (length-aware, see :func:`is_present`): a short document (< ``SHORT_DOC_WORDS``
  words, e.g. headline + summary) needs one hit; a longer one needs a hit in the headline, or
  ``MIN_HITS_LONG`` hits with a density of ``MIN_PER_1K_LONG`` per 1,000 words;
- ``terms``: ``"term:count; ..."`` (most frequent first); ``title_hits``: hits in the headline;
- ``score``: weighted hits plus ``TITLE_WEIGHT`` x weighted headline hits (``TITLE_WEIGHT_SHORT``
  in short documents, whose headline is a large part of the text anyway); term and theme weights
  come from the lexicons (default 1).

``primary_theme`` (:func:`article_themes`): among present themes, the highest ``score``; ties
go to more title hits, then to the order of ``schema.ALL_THEMES``; ``"other"`` when no theme is
present.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs on Mexico"], "text": ["The trade war grows."]})
    >>> score_themes(arts)[["theme", "hits", "present"]].values.tolist()
    [['foreign_affairs', 1, True], ['trade', 2, True]]
"""
from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd

from analysis import schema
from analysis.lexicon import load_lexicons, normalize  # load_lexicons: re-exported API
from analysis.matcher import compile_matcher
from analysis.sentences import document_text, sentence_spans

log = logging.getLogger(__name__)

SHORT_DOC_WORDS = 60
MIN_HITS_LONG = 2
MIN_PER_1K_LONG = 1.0
TITLE_WEIGHT = 4.0
BATCH_ARTICLES = 2000  # articles per chunk: bounds the memory of intermediate Python rows
TITLE_WEIGHT_SHORT = 0.0
_PRIORITY = {t: i for i, t in enumerate(schema.ALL_THEMES)}
SCORE_COLUMNS = schema.THEME_SCORE_COLUMNS + ["title_hits", "score"]



def is_present(hits: int, title_hits: int, n_words: int, per_1k: float) -> bool:
    """Apply the length-aware presence rule to one article x theme.

    >>> is_present(1, 0, 20, 50.0), is_present(1, 0, 800, 1.25), is_present(1, 1, 800, 1.25)
    (True, False, True)
    """
    if hits <= 0:
        return False
    if n_words < SHORT_DOC_WORDS or title_hits > 0:
        return True
    return hits >= MIN_HITS_LONG and per_1k >= MIN_PER_1K_LONG


def _resolve(lexicons: Any) -> Any:
    """Return a picklable lexicon spec: loaded lexicons, or a folder path (None = shipped)."""
    if lexicons is None or isinstance(lexicons, dict):
        return lexicons
    return str(lexicons)


# whitespace -> b" ", everything else -> b"a": counting b" a" counts whitespace-separated words
_WS_TABLE = bytes(32 if chr(c).isspace() else 97 for c in range(256))


def word_count(doc: str) -> int:
    """Return the number of whitespace-separated words of ``doc`` (fast, via bytes).

    >>> word_count("Tariffs rise\\n\\nU.S. firms  react.")
    5
    """
    return (b" " + doc.encode("latin-1", "replace").translate(_WS_TABLE)).count(b" a")


def _process(rows: list[tuple[str, str, str]], lex_spec: Any, with_hits: bool = True) -> tuple[list[tuple], list[tuple]]:
    """Match a chunk of (article_id, title, text); return (hit rows, score rows).

    Hit rows stay empty when ``with_hits`` is false (:func:`score_themes` needs no evidence).
    """
    matcher = compile_matcher(lex_spec)
    weights = matcher.weights
    hit_rows: list[tuple] = []
    score_rows: list[tuple] = []
    for aid, title, text in rows:
        doc = document_text(title, text)
        if not doc:
            continue
        hits = matcher.scan(" " + normalize(doc) + " ", doc)
        if not hits:
            continue
        title_end = len(title.strip()) if title else 0
        starts = [st for st, _ in sentence_spans(doc)]
        n_sent = max(len(starts), 1)
        last = len(starts) - 1
        n_words = max(word_count(doc), 1)
        title_weight = TITLE_WEIGHT_SHORT if n_words < SHORT_DOC_WORDS else TITLE_WEIGHT
        per_theme: dict[str, list] = {}
        j = 0
        for theme, sub, term, st, e in hits:
            while j < last and starts[j + 1] <= st:
                j += 1
            if with_hits:
                hit_rows.append((aid, theme, sub, term, j, st, e))
            acc = per_theme.get(theme)
            if acc is None:
                acc = per_theme[theme] = [{}, set(), 0, 0.0]
            terms = acc[0]
            terms[term] = terms.get(term, 0) + 1
            acc[1].add(j)
            w = weights.get((theme, term), 1.0)
            if st < title_end:
                acc[2] += 1
                acc[3] += w + title_weight * w
            else:
                acc[3] += w
        for theme in sorted(per_theme):
            terms, sents, t_hits, score = per_theme[theme]
            n = sum(terms.values())
            per_1k = 1000.0 * n / n_words
            term_str = "; ".join(f"{t}:{c}" for t, c in sorted(terms.items(), key=lambda x: (-x[1], x[0])))
            score_rows.append((aid, theme, n, per_1k, len(sents) / n_sent,
                               is_present(n, t_hits, n_words, per_1k), term_str, t_hits, round(score, 6)))
    return hit_rows, score_rows


def _rows(articles: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Return (article_id, title, text) tuples of an article table."""
    n = len(articles)
    ids = articles["article_id"].astype(str).tolist() if "article_id" in articles else [str(i) for i in range(n)]
    titles = articles["title"].tolist() if "title" in articles else [None] * n
    texts = articles["text"].tolist() if "text" in articles else [None] * n
    clean = [x if isinstance(x, str) else "" for x in titles]
    return list(zip(ids, clean, [x if isinstance(x, str) else "" for x in texts]))


def analyze(articles: pd.DataFrame, lexicons: Any = None, workers: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(scores, hits)`` in one pass (see :func:`score_themes` and :func:`theme_hits`).

    ``workers > 1`` splits the articles into ordered chunks over processes; results are identical.

    >>> s, h = analyze(__import__("pandas").DataFrame({"article_id": ["a"], "title": ["Deportations rise"], "text": [""]}))
    >>> h[["theme", "subtheme", "term", "sentence_id", "start", "end"]].values.tolist()
    [['migration', 'deportation', 'deport*', 0, 0, 12]]
    """
    return _run(articles, lexicons, workers, True)


def _run(articles: pd.DataFrame, lexicons: Any, workers: int, with_hits: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score ``articles`` in ordered chunks (over ``workers`` processes); hits only if asked."""
    spec = _resolve(lexicons)
    rows = _rows(articles)
    size = BATCH_ARTICLES
    if workers > 1:
        size = max(1, min(size, -(-len(rows) // (workers * 4))))
    chunks = [(rows[i:i + size], spec, with_hits) for i in range(0, len(rows), size)] or [([], spec, with_hits)]
    if workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_frames_star, chunks))
    else:
        parts = [_frames_star(c) for c in chunks]
    scores = pd.concat([p[0] for p in parts], ignore_index=True)
    hits = pd.concat([p[1] for p in parts], ignore_index=True)
    return scores, hits


def _frames_star(args: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Process one chunk into typed (scores, hits) frames (bounded memory, picklable)."""
    hit_rows, score_rows = _process(*args)
    return (_typed_scores(pd.DataFrame(score_rows, columns=SCORE_COLUMNS)),
            _typed_hits(pd.DataFrame(hit_rows, columns=schema.THEME_HIT_COLUMNS)))


def _typed_scores(df: pd.DataFrame) -> pd.DataFrame:
    """Give the score table stable dtypes (also when empty)."""
    return df.astype({"article_id": "string", "theme": "string", "hits": "int64",
                      "hits_per_1k_words": "float64", "share_of_sentences": "float64",
                      "present": "bool", "terms": "string", "title_hits": "int64",
                      "score": "float64"})


def _typed_hits(df: pd.DataFrame) -> pd.DataFrame:
    """Give the hit table stable dtypes (also when empty)."""
    return df.astype({"article_id": "string", "theme": "string", "subtheme": "string", "term": "string",
                      "sentence_id": "int64", "start": "int64", "end": "int64"})


def score_themes(articles: pd.DataFrame, lexicons: Any = None, workers: int = 1) -> pd.DataFrame:
    """Return the long theme-score table (``schema.THEME_SCORE_COLUMNS`` + ``title_hits``).

    One row per article x theme with at least one hit.

    >>> import pandas as pd
    >>> score_themes(pd.DataFrame({"article_id": ["x"], "title": ["Sports"], "text": ["A game."]})).empty
    True
    """
    return _run(articles, lexicons, workers, False)[0]


def theme_hits(articles: pd.DataFrame, lexicons: Any = None, workers: int = 1) -> pd.DataFrame:
    """Return one evidence row per hit (``schema.THEME_HIT_COLUMNS``), offsets into the document.

    >>> import pandas as pd
    >>> theme_hits(pd.DataFrame({"article_id": ["a"], "title": ["Fentanyl seized"], "text": [""]}))["term"].tolist()
    ['fentanyl']
    """
    return analyze(articles, lexicons, workers)[1]


def article_themes(scores: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return ``(article_id, primary_theme, themes)`` from a score table.

    ``themes`` is the sorted list of present themes; pass ``articles`` to also list articles
    without any hit (primary ``"other"``, empty list).

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "title": ["Tariff talks", "Cup final"], "text": ["", ""]})
    >>> article_themes(score_themes(arts), arts).values.tolist()
    [['a', 'trade', ['trade']], ['b', 'other', []]]
    """
    best: dict[str, tuple] = {}
    present: dict[str, list[str]] = {}
    order: list[str] = []
    title = scores["title_hits"] if "title_hits" in scores else pd.Series(0, index=scores.index)
    weighted = scores["score"] if "score" in scores else scores["hits"] + TITLE_WEIGHT * title
    for aid, theme, w, ok, th in zip(scores["article_id"].astype(str), scores["theme"].astype(str),
                                     weighted, scores["present"], title):
        if aid not in present:
            present[aid] = []
            order.append(aid)
        if not ok:
            continue
        present[aid].append(theme)
        key = (w, th, -_PRIORITY.get(theme, len(_PRIORITY)))
        if aid not in best or key > best[aid][0]:
            best[aid] = (key, theme)
    ids = articles["article_id"].astype(str).tolist() if articles is not None else order
    out = pd.DataFrame({
        "article_id": pd.array(ids, dtype="string"),
        "primary_theme": pd.array([best[a][1] if a in best else schema.NO_THEME for a in ids], dtype="string"),
        "themes": [sorted(present.get(a, [])) for a in ids],
    })
    return out[schema.ARTICLE_THEME_COLUMNS]


def sentence_themes(hits: pd.DataFrame) -> pd.DataFrame:
    """Return ``(article_id, sentence_id, themes)`` for every sentence with a hit.

    >>> import pandas as pd
    >>> h = theme_hits(pd.DataFrame({"article_id": ["a"], "title": ["Tariffs and deportations"], "text": [""]}))
    >>> sentence_themes(h).values.tolist()
    [['a', 0, ['migration', 'trade']]]
    """
    if hits.empty:
        return pd.DataFrame({"article_id": pd.array([], dtype="string"),
                             "sentence_id": pd.array([], dtype="int64"), "themes": []})
    acc: dict[tuple[str, int], set[str]] = {}
    for aid, sid, theme in zip(hits["article_id"].astype(str), hits["sentence_id"], hits["theme"].astype(str)):
        acc.setdefault((aid, int(sid)), set()).add(theme)
    keys = sorted(acc)
    return pd.DataFrame({"article_id": pd.array([k[0] for k in keys], dtype="string"),
                         "sentence_id": pd.array([k[1] for k in keys], dtype="int64"),
                         "themes": [sorted(acc[k]) for k in keys]})


__all__ = ["analyze", "article_themes", "is_present", "load_lexicons", "score_themes",
           "sentence_themes", "theme_hits"]
