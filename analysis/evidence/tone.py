"""Tone: VADER sentiment per sentence, aggregated per article and per theme.

Scores are VADER's (Hutto & Gilbert 2014) compound, pos, neg and neu for every sentence of the
document ``title + "\\n\\n" + text`` (sentence ids as everywhere in the package, the headline is
sentence 0), computed by :mod:`analysis.evidence.vader`, an exact and faster re-implementation of the
``vaderSentiment`` package (its lexicon ships inside the wheel: nothing is downloaded).
Article and theme levels are plain means over the sentences (theme level: over the sentences
with a hit of that theme).

    >>> df = pd.DataFrame({"article_id": ["a"], "title": ["Good news"], "text": ["Talks failed badly."]})
    >>> tone(df, by="article")[["compound", "n_sentences"]].values.tolist()
    [[-0.1551, 2.0]]
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from analysis import schema
from analysis.errors import UsageError
from analysis.evidence.documents import resolve_hits
from analysis.evidence.vader import document_scores
from analysis.text.sentences import cached_sentence_spans, documents
from analysis.text.theme_tags import sentence_theme_index

ARTICLE_TONE_COLUMNS: list[str] = ["article_id", "compound", "pos", "neg", "neu", "n_sentences"]
THEME_TONE_COLUMNS: list[str] = ["article_id", "theme", "compound", "n_sentences"]
_SCORES = ["compound", "pos", "neg", "neu"]


def sentence_tone(articles: pd.DataFrame, only: dict[str, list[int]] | None = None) -> pd.DataFrame:
    """Return VADER scores for every sentence (``schema.TONE_SENTENCE_COLUMNS``).

    ``only`` ({article_id: sorted sentence ids}) scores just those sentences (in that order).

    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""], "text": ["A great deal. A terrible loss."]})
    >>> sentence_tone(df)[["sentence_id", "compound"]].values.tolist()
    [[0.0, 0.6249], [1.0, -0.6597]]
    """
    ids = articles["article_id"].tolist()
    aid_col: list[Any] = []
    sid_col: list[int] = []
    rows: list[tuple[float, float, float, float]] = []
    for aid, doc in zip(ids, documents(articles).tolist()):
        if only is not None and str(aid) not in only:
            continue
        spans = cached_sentence_spans(doc)
        sids = range(len(spans)) if only is None else [k for k in only[str(aid)] if 0 <= k < len(spans)]
        aid_col.extend([aid] * len(sids))
        sid_col.extend(sids)
        rows.extend(document_scores(doc, spans if only is None else [spans[k] for k in sids]))
    out = pd.DataFrame(rows, columns=_SCORES, dtype="float64")
    out.insert(0, "sentence_id", pd.array(sid_col, dtype="int64"))
    out.insert(0, "article_id", pd.array(aid_col, dtype="string"))
    return out[schema.TONE_SENTENCE_COLUMNS]


def tagged_sentences(hits: pd.DataFrame, articles: pd.DataFrame) -> dict[str, list[int]]:
    """Map each article id of ``articles`` to the sorted ids of its sentences with a theme hit.

    ``theme_tone`` only uses these sentences, so ``tone(by="theme")`` scores nothing else.

    >>> h = pd.DataFrame({"article_id": ["a", "a", "b"], "sentence_id": [3, 1, 0], "theme": ["x"] * 3})
    >>> tagged_sentences(h, pd.DataFrame({"article_id": ["a"]}))
    {'a': [1, 3]}
    """
    ids = articles["article_id"].astype("string")
    h = hits[["article_id", "sentence_id"]].astype({"article_id": "string", "sentence_id": "int64"})
    h = h[h["article_id"].isin(ids)].drop_duplicates().sort_values(["article_id", "sentence_id"])
    out: dict[str, list[int]] = {}
    for aid, sid in zip(h["article_id"].tolist(), h["sentence_id"].tolist()):
        out.setdefault(aid, []).append(sid)
    return out


def article_tone(sentences: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Average sentence scores per article (``ARTICLE_TONE_COLUMNS``); empty articles get NaN, 0.

    >>> s = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "compound": [0.5, -0.1],
    ...                   "pos": [0.4, 0.0], "neg": [0.0, 0.2], "neu": [0.6, 0.8]})
    >>> article_tone(s).values.tolist()
    [['a', 0.2, 0.2, 0.1, 0.7, 2]]
    """
    g = sentences.groupby("article_id", sort=False)
    out = g[_SCORES].mean().round(6)
    out["n_sentences"] = g.size().astype("int64")
    if articles is not None:
        out = out.reindex(pd.Index(articles["article_id"].astype("string").tolist(), name="article_id"))
        out["n_sentences"] = out["n_sentences"].fillna(0).astype("int64")
    out = out.reset_index()
    out["article_id"] = out["article_id"].astype("string")
    return out[ARTICLE_TONE_COLUMNS]


def theme_tone(sentences: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Average compound per article and theme over the sentences tagged with it (``THEME_TONE_COLUMNS``).

    >>> s = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "compound": [0.5, -0.1]})
    >>> h = pd.DataFrame({"article_id": ["a"], "theme": ["trade"], "sentence_id": [1]})
    >>> theme_tone(s, h).values.tolist()
    [['a', 'trade', -0.1, 1]]
    """
    tags = hits[["article_id", "sentence_id", "theme"]].drop_duplicates().astype(
        {"article_id": "string", "sentence_id": "int64", "theme": "string"})
    s = sentences[["article_id", "sentence_id", "compound"]].astype(
        {"article_id": "string", "sentence_id": "int64"})
    m = s.merge(tags, on=["article_id", "sentence_id"], how="inner")
    g = m.groupby(["article_id", "theme"], sort=True)
    out = g["compound"].mean().round(6).to_frame()
    out["n_sentences"] = g.size().astype("int64")
    return out.reset_index()[THEME_TONE_COLUMNS]


def tone(articles: pd.DataFrame, by: str = "sentence", hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return VADER tone per "sentence", per "article" or per "theme" (see module docstring).

    ``by="sentence"`` gives ``schema.TONE_SENTENCE_COLUMNS`` (+ ``themes``, a sorted list, when
    ``hits`` is given); ``by="theme"`` uses ``hits`` or computes them with the theme engine.

    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""], "text": ["We love it. We hate it."]})
    >>> tone(df)["compound"].tolist()
    [0.6369, -0.5719]
    """
    if by not in ("sentence", "article", "theme"):
        raise UsageError(f"tone: by must be 'sentence', 'article' or 'theme', not {by!r}")
    if by == "theme":
        h = resolve_hits(articles, hits)
        return theme_tone(sentence_tone(articles, only=tagged_sentences(h, articles)), h)
    sent = sentence_tone(articles)
    if by == "article":
        return article_tone(sent, articles)
    if hits is not None:
        lookup = sentence_theme_index(hits, articles)
        sent["themes"] = [list(lookup.get((a, s), ())) for a, s in
                          zip(sent["article_id"].tolist(), sent["sentence_id"].tolist())]
    return sent
