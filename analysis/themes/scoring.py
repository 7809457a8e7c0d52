"""Theme coding: scores, evidence hits and per-article themes for any DataFrame of articles.

Each article's document is ``title + "\\n\\n" + text`` (:func:`analysis.text.sentences.document_text`);
offsets and sentence ids refer to it (sentence 0 is the headline). Matching rules:
:mod:`analysis.themes.matcher`; term syntax: :mod:`analysis.themes.lexicon`. Every function takes
``lexicons``: None (the shipped lexicons), a folder of YAML files, or the dict returned by
:func:`load_lexicons`; ``workers`` > 1 spreads ordered chunks over processes (same results).

Scores per article x theme (rows only where ``hits > 0``):

- ``hits``: matched words/phrases of the theme (longest match wins; a word counts once);
- ``hits_per_1k_words``: ``1000 * hits / words`` (words = tokens of the document separated by
  white space; only Latin-1 white space separates, counted in the compiled scan);
- ``share_of_sentences``: share of the document's sentences with at least one hit of the theme;
- ``present``: the article *carries the theme* (the theme is a substantial topic of it; the measure
  every attention share counts), see :func:`carried_flags`. A theme is a *candidate* when it passes
  the length-aware floor (:func:`is_present`: a short document, < ``SHORT_DOC_WORDS`` words such
  as headline + summary, needs one hit; a longer one a hit in the headline, or ``MIN_HITS_LONG``
  hits at ``MIN_PER_1K_LONG`` per 1,000 words). The candidate with the highest ``score`` is the
  primary theme and is carried; another candidate is carried when its score is at least its theme's
  :func:`secondary_share` of the primary's (``SECONDARY_SHARE_SHORT`` in a short document), at least
  ``MIN_SENTENCE_SHARE`` of the sentences have a hit of it, and it is among the ``MAX_THEMES``
  highest-scoring candidates. Any row (``hits > 0``) means the article *mentions* the theme;
- ``terms``: ``"term:count; ..."`` (most frequent first); ``title_hits``: hits in the headline;
- ``score``: weighted hits plus ``TITLE_WEIGHT`` x weighted headline hits (``TITLE_WEIGHT_SHORT``
  in short documents, whose headline is a large part of the text anyway); term and theme weights
  come from the lexicons (default 1).

``primary_theme`` (:func:`article_themes`): among present themes, the highest ``score``; ties
go to more title hits, then to the order of ``schema.ALL_THEMES``; ``"other"`` when no theme is
present. Counting each article once under its primary theme gives the *primary theme share*
(shares sum to 100 %, comparable with Comparative Agendas Project codings).

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs on Mexico"], "text": ["The trade war grows."]})
    >>> score_themes(arts)[["theme", "hits", "present"]].values.tolist()  # Mexico is mentioned, not carried
    [['foreign_affairs', 1, False], ['trade', 2, True]]
"""
from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from analysis import schema
from analysis.text.theme_tags import sentence_theme_index
from analysis.themes.matcher import compile_matcher

log = logging.getLogger(__name__)

SHORT_DOC_WORDS = 60
MIN_HITS_LONG = 2
MIN_PER_1K_LONG = 1.0
TITLE_WEIGHT = 4.0
BATCH_ARTICLES = 4000  # articles per chunk: bounds the memory of the intermediate arrays
TITLE_WEIGHT_SHORT = 0.0
# "carries the theme": calibrated on the tuning parts of the AllSides and NYT dev sets and of the gold set
# (tests/data/themes_gold/); figures in docs/methods.md. PRESENCE_RULE names the rule (for cache keys).
# The per-theme secondary shares are data: presence.yml next to this module (with how they were chosen).
PRESENCE_CALIBRATION = Path(__file__).with_name("presence.yml")
SECONDARY_SHARE_SHORT = 1.0
MIN_SENTENCE_SHARE = 0.1
MAX_THEMES = 4


def load_secondary_shares(path: Path = PRESENCE_CALIBRATION) -> dict[str, float]:
    """Read the per-theme secondary shares of the presence rule (key ``default`` for unlisted themes).

    >>> load_secondary_shares()["default"]
    0.3
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    shares = data.get("secondary_share") if isinstance(data, dict) else None
    if not isinstance(shares, dict) or "default" not in shares:
        raise ValueError(f"{path}: needs a secondary_share mapping with a default")
    out = {str(k): float(v) for k, v in shares.items()}
    bad = [k for k, v in out.items() if not 0.0 < v <= 1.0]
    if bad:
        raise ValueError(f"{path}: secondary_share of {bad[0]} must be in (0, 1]")
    return out


SECONDARY_SHARES = load_secondary_shares()
SECONDARY_SHARE = SECONDARY_SHARES["default"]
PRESENCE_RULE = (f"carries-2:floor={SHORT_DOC_WORDS}/{MIN_HITS_LONG}/{MIN_PER_1K_LONG}:"
                 f"share={','.join(f'{k}={v}' for k, v in sorted(SECONDARY_SHARES.items()))}/{SECONDARY_SHARE_SHORT}:"
                 f"sent={MIN_SENTENCE_SHARE}:max={MAX_THEMES}")
_PRIORITY = {t: i for i, t in enumerate(schema.ALL_THEMES)}
SCORE_COLUMNS = schema.THEME_SCORE_COLUMNS + ["title_hits", "score"]



def is_present(hits: int, title_hits: int, n_words: int, per_1k: float) -> bool:
    """Apply the length-aware floor to one article x theme: may the article carry the theme?

    Passing the floor makes the theme a candidate; :func:`carried_flags` then keeps the primary
    theme and the strong secondary ones.

    >>> is_present(1, 0, 20, 50.0), is_present(1, 0, 800, 1.25), is_present(1, 1, 800, 1.25)
    (True, False, True)
    """
    if hits <= 0:
        return False
    if n_words < SHORT_DOC_WORDS or title_hits > 0:
        return True
    return hits >= MIN_HITS_LONG and per_1k >= MIN_PER_1K_LONG


def secondary_share(theme: str) -> float:
    """Return the share of the primary's score a secondary ``theme`` needs in a long document.

    >>> secondary_share("trade"), secondary_share("a user theme") == SECONDARY_SHARE
    (0.3, True)
    """
    return SECONDARY_SHARES.get(str(theme), SECONDARY_SHARE)


def theme_priority(themes: Any) -> np.ndarray:
    """Tie-break rank of each theme name (its place in ``schema.ALL_THEMES``; user themes last).

    >>> theme_priority(["trade", "sports", "migration"]).tolist()
    [0, 17, 1]
    """
    return np.array([_PRIORITY.get(str(t), len(_PRIORITY)) for t in themes], dtype=np.int64)


def carried_flags(doc: np.ndarray, score: np.ndarray, title_hits: np.ndarray, priority: np.ndarray,
                  candidate: np.ndarray, words: np.ndarray, sentence_share: np.ndarray,
                  secondary: np.ndarray | None = None) -> np.ndarray:
    """Return, per score row (article ``doc`` x theme), whether the article carries the theme.

    Among an article's candidate rows the primary is the highest ``score`` (ties: more
    ``title_hits``, then lower ``priority``, then the earlier row, as :func:`article_themes`); it is
    carried, and so is every other candidate among the ``MAX_THEMES`` best whose score reaches
    the row's ``secondary`` share of the primary's (its theme's :func:`secondary_share`; default
    ``SECONDARY_SHARE`` for every row; ``SECONDARY_SHARE_SHORT`` below ``SHORT_DOC_WORDS`` words)
    with hits in at least ``MIN_SENTENCE_SHARE`` of the sentences.

    >>> one = np.zeros(4, dtype=np.int64)
    >>> carried_flags(one, np.array([10.0, 4.0, 2.0, 9.0]), one, np.arange(4), np.array([True, True, True, False]),
    ...               np.full(4, 500), np.full(4, 0.2)).tolist()
    [True, True, False, False]
    """
    n = len(doc)
    out = np.zeros(n, dtype=bool)
    rows = np.flatnonzero(candidate)
    if rows.size == 0:
        return out
    order = rows[np.lexsort((rows, priority[rows], -title_hits[rows], -score[rows], doc[rows]))]
    d = doc[order]
    first = np.r_[True, d[1:] != d[:-1]]
    start = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    rank = np.arange(order.size) - start[group]
    top = score[order][start][group]
    long_share = SECONDARY_SHARE if secondary is None else np.asarray(secondary, dtype=float)[order]
    share = np.where(words[order] < SHORT_DOC_WORDS, SECONDARY_SHARE_SHORT, long_share)
    keep = (rank == 0) | ((rank < MAX_THEMES) & (score[order] >= share * top)
                          & (sentence_share[order] >= MIN_SENTENCE_SHARE))
    out[order[keep]] = True
    return out


def _resolve(lexicons: Any) -> Any:
    """Return a picklable lexicon spec: loaded lexicons, or a folder path (None = shipped)."""
    if lexicons is None or isinstance(lexicons, dict):
        return lexicons
    return str(lexicons)


def _process(ids: Any, titles: Any, texts: Any, lex_spec: Any, with_hits: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match a chunk of articles (parallel id, title and text columns); return typed (scores, hits) frames.

    The hit frame stays empty when ``with_hits`` is false (:func:`score_themes` needs no evidence).
    """
    matcher = compile_matcher(lex_spec)
    scan = matcher.scan_docs(titles, texts, with_hits, (TITLE_WEIGHT, TITLE_WEIGHT_SHORT, SHORT_DOC_WORDS))
    doc, theme, hits, title, sents, words, n_sent, score = scan.scores
    per_1k = 1000.0 * hits / words
    candidate = (hits > 0) & ((words < SHORT_DOC_WORDS) | (title > 0)
                              | ((hits >= MIN_HITS_LONG) & (per_1k >= MIN_PER_1K_LONG)))
    score = _round6(score)
    share = sents / n_sent
    secondary = np.array([secondary_share(str(t)) for t in matcher.themes], dtype=float)[theme]
    present = carried_flags(doc, score, title, theme_priority(matcher.themes)[theme], candidate, words, share,
                            secondary)
    scores = pd.DataFrame({"article_id": _strings(ids, doc), "theme": _strings(matcher.themes, theme), "hits": hits,
                           "hits_per_1k_words": per_1k, "share_of_sentences": share, "present": present,
                           "terms": _term_strings(matcher.texts, scan.terms, len(doc)), "title_hits": title,
                           "score": score})
    h_doc, ent, sent, start, end = scan.hits
    hit_frame = pd.DataFrame({"article_id": _strings(ids, h_doc), "theme": _strings(matcher.entry_themes, ent),
                              "subtheme": _strings(matcher.entry_subthemes, ent), "term": _strings(matcher.entry_texts, ent),
                              "sentence_id": sent, "start": start, "end": end})
    return typed_scores(scores[SCORE_COLUMNS]), typed_hits(hit_frame[schema.THEME_HIT_COLUMNS])


def _strings(values: Any, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Return ``values[index]`` as a pandas string array (taken in Arrow, no Python objects)."""
    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(list(values), pa.string())
    return pd.array(arr.take(pa.array(index, pa.int64())), dtype="string")


def _round6(x: np.ndarray) -> np.ndarray:
    """Python's ``round(v, 6)`` of every value (vectorized where the result is exact, else per value)."""
    k = np.rint(x * 1e6)
    exact = (x * 1e6 == k) & (np.abs(k) < 2.0 ** 51)
    out = k / 1e6
    rest = np.flatnonzero(~exact)
    if rest.size:
        out[rest] = [round(v, 6) for v in x[rest].tolist()]
    return out


def _term_strings(texts: list[str], terms: tuple, n_rows: int) -> Any:
    """Join each score row's ``term:count`` pairs (already most frequent first) with ``"; "``."""
    row, text, count = terms
    pairs = pc.binary_join_element_wise(pa.array(texts, pa.string()).take(pa.array(text)),
                                        pa.array(count).cast(pa.string()), ":")
    offsets = np.zeros(n_rows + 1, dtype=np.int32)
    np.cumsum(np.bincount(row, minlength=n_rows), out=offsets[1:])
    return pd.array(pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), pairs), "; "), dtype="string")


def _columns(articles: pd.DataFrame) -> tuple[pa.Array, Any, Any]:
    """Return the article ids (Arrow strings) and the title and text columns (Arrow when possible)."""
    n = len(articles)
    ids = articles["article_id"].astype(str).tolist() if "article_id" in articles else [str(i) for i in range(n)]
    return pa.array(ids, pa.string()), _text_column(articles, "title"), _text_column(articles, "text")


def _text_column(articles: pd.DataFrame, name: str) -> Any:
    """A text column as an Arrow string array (no copy for Arrow-backed columns), else a list."""
    if name not in articles:
        return [None] * len(articles)
    col = articles[name]
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        return pa.array(col.array)
    return [x if isinstance(x, str) else None for x in col.tolist()]


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
    ids, titles, texts = _columns(articles)
    n, size = len(ids), BATCH_ARTICLES
    if workers > 1:
        size = max(1, min(size, -(-n // (workers * 4))))
    cut = _compact if workers > 1 else (lambda col: col)  # a pickled Arrow slice would carry the whole column
    chunks = ([(cut(ids[i:i + size]), cut(titles[i:i + size]), cut(texts[i:i + size]), spec, with_hits)
               for i in range(0, n, size)] or [(ids, titles, texts, spec, with_hits)])
    if workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_frames_star, chunks))
    else:
        parts = [_frames_star(c) for c in chunks]
    scores = pd.concat([p[0] for p in parts], ignore_index=True)
    hits = pd.concat([p[1] for p in parts], ignore_index=True)
    return scores, hits


def _compact(col: Any) -> Any:
    """Copy an Arrow slice into its own buffers (lists are returned as they are)."""
    if isinstance(col, pa.ChunkedArray):
        return col.combine_chunks()
    if isinstance(col, pa.Array):
        return pa.concat_arrays([col])
    return col


def _frames_star(args: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Process one chunk into typed (scores, hits) frames (bounded memory, picklable)."""
    return _process(*args)


def typed_scores(df: pd.DataFrame) -> pd.DataFrame:
    """Give the score table stable dtypes (also when empty)."""
    return df.astype({"article_id": "string", "theme": "string", "hits": "int64",
                      "hits_per_1k_words": "float64", "share_of_sentences": "float64",
                      "present": "bool", "terms": "string", "title_hits": "int64",
                      "score": "float64"})


def typed_hits(df: pd.DataFrame) -> pd.DataFrame:
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
    index = sentence_theme_index(hits)
    keys = sorted(index)
    return pd.DataFrame({"article_id": pd.array([k[0] for k in keys], dtype="string"),
                         "sentence_id": pd.array([k[1] for k in keys], dtype="int64"),
                         "themes": [list(index[k]) for k in keys]})
