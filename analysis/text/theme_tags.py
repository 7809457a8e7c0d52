"""Theme hits as data: which themes tag each sentence, for text utilities, tone and the evidence extractors.

Text sits below the theme engine, so it never computes hits itself: the callers pass the
``analysis.theme_hits(articles)`` table and :func:`sentence_theme_index` turns it into the one
(article_id, sentence_id) -> themes look-up of the package::

    >>> h = pd.DataFrame({"article_id": ["a", "a"], "theme": ["trade", "economy"], "sentence_id": [3, 3]})
    >>> sentence_theme_index(h)
    {('a', 3): ('economy', 'trade')}
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import UsageError
from analysis.frames import isin

SentenceThemeIndex = dict[tuple[str, int], tuple[str, ...]]


def require_hits(hits: pd.DataFrame | None, what: str) -> pd.DataFrame:
    """Return ``hits``, or raise a UsageError saying that ``what`` needs them passed in.

    >>> require_hits(None, "top_terms(by='theme')")
    Traceback (most recent call last):
    ...
    analysis.errors.UsageError: top_terms(by='theme') needs theme hits: pass hits=analysis.theme_hits(articles)
    """
    if hits is None:
        raise UsageError(f"{what} needs theme hits: pass hits=analysis.theme_hits(articles)")
    return hits


def sentence_theme_index(hits: pd.DataFrame | None, articles: pd.DataFrame | None = None) -> SentenceThemeIndex:
    """Map (article_id as str, sentence_id) -> sorted tuple of the themes with a hit in that sentence.

    With ``articles`` only the hits of those articles are indexed (the only keys a tool running
    over ``articles`` looks up). No hits (None or an empty table) give an empty look-up.

    >>> h = pd.DataFrame({"article_id": ["a", "b"], "theme": ["trade", "trade"], "sentence_id": [2, 0]})
    >>> sentence_theme_index(h, pd.DataFrame({"article_id": ["b"]}))
    {('b', 0): ('trade',)}
    """
    if hits is None or len(hits) == 0:
        return {}
    if articles is not None:
        ids = articles["article_id"].astype(str).tolist()
        raw = hits["article_id"]
        if pd.api.types.is_string_dtype(raw.dtype):  # cheap exact pre-filter (NA rows kept)
            hits = hits[isin(raw, ids) | raw.isna().to_numpy(dtype=bool)]
    aids = hits["article_id"].astype(str)
    h = pd.DataFrame({"article_id": aids, "theme": hits["theme"].astype(str), "sentence_id": hits["sentence_id"]})
    if articles is not None:
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


__all__ = ["SentenceThemeIndex", "require_hits", "sentence_theme_index"]
