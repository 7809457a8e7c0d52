"""Group keys, the per-article group frame and the group-by sum that every additive count shares.

    >>> import pandas as pd
    >>> group_columns("source"), group_columns(None)
    (['source'], [])
    >>> sum_counts(pd.DataFrame({"k": ["a", "a"], "n": [1, 2]}), ["k"], ["n"]).values.tolist()
    [['a', 3]]
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.periods import periods


def group_columns(by: Iterable[str] | str | None) -> list[str]:
    """Normalize a ``by`` argument to a list of column names."""
    return [] if by is None else [by] if isinstance(by, str) else list(by)


def group_frame(articles: pd.DataFrame, by: list[str], freq: str | None) -> tuple[pd.DataFrame, list[str]]:
    """Return article_id + group keys (with ``period`` first when ``freq``), dropping undated rows."""
    cols = ["article_id"] + by
    base = articles[cols + (["date"] if freq else [])].copy()
    base["article_id"] = base["article_id"].astype("string")
    keys = list(by)
    if freq:
        base["period"] = periods(base["date"], freq)
        base = base.dropna(subset=["period"]).drop(columns="date")
        keys = ["period"] + keys
    for k in by:
        base[k] = base[k].astype("string").fillna("(unknown)")
    return base, keys


def sum_counts(counts: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    """Group-by sum of ``values`` over ``keys`` (the combine step after per-partition counts)."""
    if not keys:
        return counts[values].sum().to_frame().T.astype("int64")
    out = counts.groupby(keys, dropna=False, sort=True)[values].sum().reset_index()
    return out.astype({v: "int64" for v in values})


def combine_counts(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Group-by sum of count tables (the reduction step): non-numeric and ``period`` columns are keys.

    >>> t = pd.DataFrame({"theme": ["trade"], "n_articles": [2]})
    >>> combine_counts([t, t]).values.tolist()
    [['trade', 4]]
    """
    tables = [t for t in tables if t is not None]
    df = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if df.empty:
        return tables[0].iloc[:0] if tables else df
    keys = [c for c in df.columns if c == "period" or not pd.api.types.is_numeric_dtype(df[c])]
    vals = [c for c in df.columns if c not in keys]
    if not keys:
        return df[vals].sum().to_frame().T.astype({v: df[v].dtype for v in vals})
    out = df.groupby(keys, dropna=False, sort=True)[vals].sum().reset_index()
    return out.astype({v: df[v].dtype for v in vals})
