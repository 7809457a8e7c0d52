"""Additive counts of extracted evidence: tone per period, mentions per name (+ finalize steps).

Same contract as :mod:`analysis.aggregate.counts`: ``count_*`` per partition, sum, then finalize.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a"], "date": pd.to_datetime(["2025-01-06"])})
    >>> tone_mean(count_tone(arts, pd.DataFrame({"article_id": ["a"], "compound": [0.5]})))["mean_compound"].tolist()
    [0.5]
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.aggregate.grouping import group_columns, group_frame, sum_counts


def count_tone(articles: pd.DataFrame, tone: pd.DataFrame, freq: str = "MS",
               by: Iterable[str] | str | None = (), theme: str | None = None) -> pd.DataFrame:
    """Sum tone per period: (period, *by, [theme], compound_sum, n_articles). Additive.

    ``tone`` is ``analysis.evidence.tone.tone(..., by="article")`` or ``by="theme"`` output (one
    compound score per article, or per article x theme; ``theme`` keeps one theme).

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "date": pd.to_datetime(["2025-01-06", "2025-01-20"])})
    >>> tone = pd.DataFrame({"article_id": ["a", "b"], "compound": [0.5, -0.1]})
    >>> count_tone(arts, tone, "MS")[["compound_sum", "n_articles"]].values.tolist()
    [[0.4, 2.0]]
    """
    if theme is not None and "theme" in tone.columns:
        tone = tone[tone["theme"] == theme]
    base, keys = group_frame(articles, group_columns(by), freq)
    extra = ["theme"] if "theme" in tone.columns else []
    t = tone[["article_id"] + extra + ["compound"]].astype({"article_id": "string"})
    m = t.merge(base, on="article_id").dropna(subset=["compound"])
    g = m.groupby(keys + extra, dropna=False)
    out = pd.DataFrame({"compound_sum": g["compound"].sum(), "n_articles": g.size()}).reset_index()
    return out.astype({"n_articles": "int64", "compound_sum": "float64"})


def tone_mean(counts: pd.DataFrame) -> pd.DataFrame:
    """Sum tone counts and add ``mean_compound`` (mean VADER compound per article, -1..1).

    >>> c = pd.DataFrame({"period": ["2025-01", "2025-01"], "compound_sum": [0.4, 0.2], "n_articles": [2, 2]})
    >>> tone_mean(c)["mean_compound"].round(2).tolist()
    [0.15]
    """
    keys = [c for c in counts.columns if c not in ("compound_sum", "n_articles")]
    out = counts.groupby(keys, dropna=False)[["compound_sum", "n_articles"]].sum().reset_index()
    out["mean_compound"] = out["compound_sum"] / out["n_articles"].where(out["n_articles"] > 0)
    return out


def count_mentions(mentions: pd.DataFrame, theme: str | None = None) -> pd.DataFrame:
    """Count mentions per (kind, canonical name): (kind, name, n_mentions, n_articles). Additive.

    With ``theme`` only mentions tagged with that theme (its ``themes`` list) are counted.

    >>> m = pd.DataFrame({"article_id": ["a", "b"], "kind": ["place"] * 2, "name": ["Mexico", "Mexican"],
    ...                   "canonical": ["Mexico", "Mexico"], "count": [2, 1], "themes": [["trade"], []]})
    >>> count_mentions(m).values.tolist(), count_mentions(m, theme="trade").n_mentions.tolist()
    ([['place', 'Mexico', 3, 2]], [2])
    """
    m = mentions
    if m.empty or not {"kind", "article_id"} <= set(m.columns):
        return pd.DataFrame({"kind": pd.Series(dtype="string"), "name": pd.Series(dtype="string"),
                             "n_mentions": pd.Series(dtype="int64"), "n_articles": pd.Series(dtype="int64")})
    if theme is not None and "themes" in m.columns:
        m = m[m["themes"].map(lambda ts: ts is not None and not isinstance(ts, float) and theme in list(ts))]
    name = m["canonical"].astype("string").fillna(m["name"].astype("string"))
    m = m.assign(name=name, count=pd.to_numeric(m["count"], errors="coerce").fillna(1))
    g = m.groupby(["kind", "name"])
    out = pd.DataFrame({"n_mentions": g["count"].sum(), "n_articles": g["article_id"].nunique()}).reset_index()
    return out.astype({"n_mentions": "int64", "n_articles": "int64"})


def top_mentions(counts: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Sum mention counts and keep the ``top`` names per kind by articles, then mentions.

    >>> m = pd.DataFrame({"article_id": ["a", "b"], "kind": ["place"] * 2, "name": ["Mexico", "Mexican"],
    ...                   "canonical": ["Mexico", "Mexico"], "count": [2, 1], "themes": [["trade"], []]})
    >>> top_mentions(count_mentions(m), top=5).name.tolist()
    ['Mexico']
    """
    out = sum_counts(counts, ["kind", "name"], ["n_mentions", "n_articles"])
    out = out.sort_values(["kind", "n_articles", "n_mentions", "name"], ascending=[True, False, False, True])
    return out.groupby("kind", sort=False).head(top).reset_index(drop=True)
