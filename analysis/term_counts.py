"""Additive content-term counts: the per-partition half of ``analysis.text.top_terms``.

``term_counts_table`` counts the same words, stopwords and groups as ``text.top_terms`` (it calls
text's own tokenizer, normalizer and stopword list) but returns raw counts that can be summed over
partitions; ``top_terms_from_counts`` ranks the summed counts exactly like ``top_terms``::

    >>> import pandas as pd
    >>> df = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs"], "text": ["Tariffs on cars. Cars cost more."]})
    >>> top_terms_from_counts(term_counts_table(df), top=2).values.tolist()
    [['all', 'cars', 2, 285.7142857142857], ['all', 'tariffs', 2, 285.7142857142857]]
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from analysis.errors import UsageError


def term_counts_table(articles: pd.DataFrame, by: str | None = None, hits: pd.DataFrame | None = None,
                      freq: str = "MS") -> pd.DataFrame:
    """Additive content-term counts per group: (group, term, count); term "" holds the group's word total.

    The per-partition half of ``text.top_terms`` (same words, stopwords and groups);
    :func:`top_terms_from_counts` is its finalize step.
    """
    from analysis import text
    from analysis.sentences import sentence_spans

    counts: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    keep = lambda ws: [t for t in map(text.normalize, ws) if t not in text.STOPWORDS and text._HAS_LETTER.search(t)]  # noqa: E731
    if by == "theme":
        lookup = text.sentence_theme_lookup(text.theme_hits_for(articles, hits))
        for aid, doc in text._iter_docs(articles):
            for k, (s, e) in enumerate(sentence_spans(doc)):
                ths = lookup.get((aid, k))
                if ths:
                    ws = text.words(doc[s:e])
                    ts = keep(ws)
                    for th in ths:
                        counts.setdefault(th, Counter()).update(ts)
                        totals[th] += len(ws)
    else:
        if by is None:
            labels = ["all"] * len(articles)
        elif by == "source":
            labels = articles["source"].astype("string").fillna("unknown").tolist()
        elif by == "period":
            labels = text._period_labels(articles["date"], freq)
        else:
            raise UsageError(f"top_terms: by must be None, 'theme', 'source' or 'period', not {by!r}")
        for label, doc in zip(labels, text.documents(articles).tolist()):
            ws = text.words(doc)
            counts.setdefault(label, Counter()).update(keep(ws))
            totals[label] += len(ws)
    rows = [(g, t, c) for g, cnt in counts.items() for t, c in cnt.items()]
    rows += [(g, "", n) for g, n in totals.items()]
    out = pd.DataFrame(rows, columns=["group", "term", "count"])
    return out.astype({"group": "string", "term": "string", "count": "int64"})


def top_terms_from_counts(counts: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    """Finalize summed :func:`term_counts_table` rows into ``text.top_terms`` output."""
    summed = counts.groupby(["group", "term"], sort=False)["count"].sum()
    rows = []
    for group in sorted(set(summed.index.get_level_values(0))):
        g = summed.loc[group]
        total = int(g.get("", 0))
        items = [(t, int(c)) for t, c in g.items() if t != ""]
        for t, c in sorted(items, key=lambda kv: (-kv[1], kv[0]))[:top]:
            rows.append((group, t, c, 1000.0 * c / total))
    return pd.DataFrame(rows, columns=["group", "term", "count", "rate_per_1k"])


__all__ = ["term_counts_table", "top_terms_from_counts"]
