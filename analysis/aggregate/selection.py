"""Which articles and groups a report covers: date range, outlets, duplicates; comparison groups.

    >>> import pandas as pd
    >>> a = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "Y"], "dup_of": [None, "a"],
    ...                   "date": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    >>> select_articles(a, start="2025-01-15").article_id.tolist()
    ['b']
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.periods import FREQ_LABELS, period_freq, periods


def select_articles(articles: pd.DataFrame, start: str | None = None, end: str | None = None,
                    outlets: Sequence[str] | str | None = None,
                    exclude_duplicates: bool = False) -> pd.DataFrame:
    """Filter articles by date range (inclusive; undated kept only without a range), outlet, dups.

    >>> a = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "Y"], "dup_of": [None, "a"],
    ...                   "date": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    >>> select_articles(a, exclude_duplicates=True).article_id.tolist()
    ['a']
    """
    keep = pd.Series(True, index=articles.index)
    if start or end:
        d = pd.to_datetime(articles["date"], errors="coerce")
        if start:
            keep &= d >= pd.Timestamp(start)
        if end:
            keep &= d < pd.Timestamp(end) + pd.Timedelta(days=1)
    names = parse_list(outlets)
    if names:
        keep &= articles["source"].isin(names)
    if exclude_duplicates and "dup_of" in articles:
        keep &= articles["dup_of"].isna() | (articles["dup_of"].astype("string") == "")
    return articles.loc[keep.fillna(False).astype(bool)]


def parse_list(value: Sequence[str] | str | None) -> list[str]:
    """Return a list from a comma-separated string or a sequence (empty for None / "").

    >>> parse_list("trade, migration"), parse_list(None)
    (['trade', 'migration'], [])
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def compare_groups(articles: pd.DataFrame, group_by: str, freq: str = "YS") -> tuple[pd.DataFrame, str]:
    """Return (articles with a ``group`` column, its label) for outlet | source_bias | period.

    >>> a = pd.DataFrame({"article_id": ["a"], "source": ["X"], "date": pd.to_datetime(["2025-03-02"])})
    >>> compare_groups(a, "period", "YS")[0].group.tolist()
    ['2025']
    """
    out = articles.copy()
    if group_by in ("outlet", "source"):
        out["group"] = out["source"].astype("string")
        label = "outlet"
    elif group_by == "period":
        p = periods(out["date"], freq)
        fmt = {"D": "%Y-%m-%d", "W": "%Y-%m-%d", "M": "%Y-%m", "Q": "%Y-%m", "Y": "%Y"}[period_freq(freq)]
        out["group"] = p.dt.strftime(fmt).astype("string")
        label = FREQ_LABELS[period_freq(freq)]
    elif group_by in out.columns:
        out["group"] = out[group_by].astype("string")
        label = group_by.replace("_", " ")
    else:
        raise ValueError(f"cannot group by {group_by!r}: not outlet, period or a column of the articles")
    out["group"] = out["group"].fillna("(unknown)")
    return out, label


def pick_groups(grouped: pd.DataFrame, groups: Sequence[str] | str | None = None, top: int = 6,
                column: str = "group") -> pd.DataFrame:
    """Keep the named ``groups`` (comma list), or else the ``top`` largest groups by articles.

    >>> g = pd.DataFrame({"group": ["a", "b", "b"]})
    >>> pick_groups(g, top=1).group.tolist(), pick_groups(g, "a").group.tolist()
    (['b', 'b'], ['a'])
    """
    names = parse_list(groups)
    if not names:
        names = grouped[column].value_counts(sort=True).index[:top].tolist()
    missing = [n for n in names if n not in set(grouped[column])]
    if missing:
        raise ValueError(f"unknown group(s) {', '.join(missing)}; known: {', '.join(sorted(map(str, set(grouped[column]))))}")
    return grouped[grouped[column].isin(names)]

