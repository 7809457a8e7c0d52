"""Data-quality counts: undated articles, flagged duplicates, empty texts, ingest skips by reason.

``count_quality`` is additive per partition (sum the rows); ``quality_table`` finalizes.

    >>> import pandas as pd
    >>> quality_table(pd.DataFrame({"n_articles": [4], "n_undated": [1], "n_duplicates": [0],
    ...                             "n_empty_text": [0]})).n.tolist()
    [4, 1, 0, 0]
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config


def count_quality(articles: pd.DataFrame) -> pd.DataFrame:
    """Data-quality counts of a partition: one row (n_articles, n_undated, n_duplicates, n_empty_text).

    >>> a = pd.DataFrame({"article_id": ["a", "b"], "date": pd.to_datetime(["2025-01-01", None]),
    ...                   "dup_of": [None, "a"], "text": ["x", ""]})
    >>> count_quality(a).iloc[0].tolist()
    [2, 1, 1, 1]
    """
    n = len(articles)
    undated = int(pd.to_datetime(articles["date"], errors="coerce").isna().sum()) if "date" in articles else n
    dups = 0
    if "dup_of" in articles:
        d = articles["dup_of"].astype("string")
        dups = int((d.notna() & (d != "")).sum())
    empty = int((articles["text"].astype("string").fillna("").str.strip() == "").sum()) if "text" in articles else 0
    return pd.DataFrame({"n_articles": [n], "n_undated": [undated], "n_duplicates": [dups],
                         "n_empty_text": [empty]}, dtype="int64")


def quality_table(counts: pd.DataFrame, ingest_report: dict | None = None) -> pd.DataFrame:
    """Sum quality counts into a (check, n, share) table, plus ingest skips by reason if given."""
    total = counts.sum()
    n = int(total.get("n_articles", 0))
    labels = {"n_articles": "articles in store", "n_undated": "articles without a date",
              "n_duplicates": "duplicates flagged (dup_of set)", "n_empty_text": "articles with empty text"}
    rows = [(labels[k], int(total.get(k, 0))) for k in labels]
    for reason, k in skip_reasons(ingest_report).items():
        rows.append((f"ingest skipped: {reason}", int(k)))
    out = pd.DataFrame(rows, columns=["check", "n"])
    out["share_of_articles"] = out["n"] / n if n else np.nan
    out.loc[out["check"].str.startswith("ingest skipped"), "share_of_articles"] = np.nan
    return out


def skip_reasons(ingest_report: dict | None) -> dict[str, int]:
    """Count skipped items by reason in a parsed ``ingest_report.json`` (``skipped_by_reason``,
    else the ``skipped`` list of {origin, reason}).

    >>> skip_reasons({"skipped": [{"origin": "a", "reason": "empty file"}, {"reason": "empty file"}]})
    {'empty file': 2}
    """
    if not ingest_report:
        return {}
    by_reason = ingest_report.get("skipped_by_reason")
    if isinstance(by_reason, dict):
        return {str(k): int(v) for k, v in by_reason.items()}
    items = ingest_report.get("skipped")
    if items is None:
        for key in ("skips", "errors", "items_skipped"):
            if isinstance(ingest_report.get(key), list):
                items = ingest_report[key]
                break
    if isinstance(items, dict):  # already {reason: n}
        return {str(k): int(v if not isinstance(v, list) else len(v)) for k, v in items.items()}
    counts: dict[str, int] = {}
    for it in items or []:
        reason = str(it.get("reason", "unknown")) if isinstance(it, dict) else str(it)
        reason = reason.split(":")[0].strip() or "unknown"
        counts[reason] = counts.get(reason, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))



def read_ingest_report(store: str | Path | None = None) -> dict:
    """Read ``ingest_report.json`` from the store folder ({} when the store has none)."""
    path = config.store_dir(store) / config.INGEST_REPORT
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))
