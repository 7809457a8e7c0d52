"""Yearly attention per theme from the coding, compared with the human-coded share of each year.

For every year and theme (:func:`yearly_attention`):

- ``human_share``: share of the year's items whose human label maps to the theme;
- ``primary_share``: share whose ``primary_theme`` is the theme (each item counted once; the
  measure comparable with Comparative Agendas Project codings);
- ``present_share``: share that *carry* the theme (the measure the reports chart);
- ``mention_share``: share with any lexicon hit of the theme (*mentions*).

:func:`attention_agreement` sums up each package series against the human one: mean absolute
error in percentage points over the years, and the Pearson correlation of the yearly series.

    >>> items = pd.DataFrame({"article_id": list("abcd"), "year": [2000, 2000, 2001, 2001],
    ...                       "gold": ["trade", "health", "trade", "trade"]})
    >>> coded = pd.DataFrame({"article_id": list("abcd"), "primary_theme": ["trade", "trade", "trade", "health"],
    ...                       "themes": [["trade"], ["trade"], ["trade"], ["health", "trade"]], "mentions": [[]] * 4})
    >>> t = yearly_attention(items, coded, ["trade"])
    >>> t["year"].tolist(), t["human_share"].tolist(), t["primary_share"].tolist(), t["present_share"].tolist()
    ([2000, 2001], [0.5, 1.0], [1.0, 0.5], [1.0, 1.0])
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from analysis import schema

log = logging.getLogger(__name__)

MEASURES = ("primary_share", "present_share", "mention_share")
MIN_YEARS = 3


def yearly_attention(items: pd.DataFrame, coded: pd.DataFrame, themes: list[str] | None = None) -> pd.DataFrame:
    """Return ``year, theme, n_items, human_share`` and the package shares (``MEASURES``) per year x theme.

    ``items``: ``article_id, year, gold``; ``coded``: ``article_id, primary_theme, themes`` (carried)
    and optionally ``mentions`` (themes with any hit). Items without a year are left out.
    """
    themes = list(themes or schema.CORE_THEMES)
    base = items[["article_id", "year", "gold"]].dropna(subset=["year"]).astype({"article_id": str})
    base = base.merge(coded.astype({"article_id": str}), on="article_id", how="left")
    empty: list[str] = []
    carried = [set(x) if isinstance(x, (list, tuple, np.ndarray)) else set(empty) for x in base["themes"]]
    mentioned = ([set(x) if isinstance(x, (list, tuple, np.ndarray)) else set(empty) for x in base["mentions"]]
                 if "mentions" in base else [set(empty)] * len(base))
    rows = []
    years = base["year"].astype(int)
    for theme in themes:
        frame = pd.DataFrame({"year": years, "human": base["gold"].eq(theme),
                              "primary": base["primary_theme"].eq(theme),
                              "present": [theme in s for s in carried],
                              "mention": [theme in s for s in mentioned]})
        g = frame.groupby("year")
        out = g.mean().reset_index()
        out.insert(1, "theme", theme)
        out.insert(2, "n_items", g.size().to_numpy())
        rows.append(out.rename(columns={"human": "human_share", "primary": "primary_share",
                                        "present": "present_share", "mention": "mention_share"}))
    cols = ["year", "theme", "n_items", "human_share", *MEASURES]
    if not rows:
        return pd.DataFrame(columns=cols)
    table = pd.concat(rows, ignore_index=True)[cols]
    return table.astype({"year": "int64", "n_items": "int64"})


def _corr(a: np.ndarray, b: np.ndarray) -> float | None:
    """Pearson correlation, None when a series is constant."""
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return None
    return round(float(np.corrcoef(a, b)[0, 1]), 4)


def attention_agreement(table: pd.DataFrame) -> dict[str, Any]:
    """Per theme and on average: MAE (percentage points) and yearly correlation of each measure vs human.

    >>> t = pd.DataFrame({"year": [1, 2, 3], "theme": ["trade"] * 3, "n_items": [9] * 3,
    ...                   "human_share": [0.1, 0.2, 0.3], "primary_share": [0.12, 0.22, 0.32],
    ...                   "present_share": [0.1, 0.2, 0.3], "mention_share": [0.2, 0.3, 0.4]})
    >>> a = attention_agreement(t)
    >>> a["per_theme"]["trade"]["present_share"], a["mean"]["primary_share"]["mae_pp"]
    ({'mae_pp': 0.0, 'corr': 1.0}, 2.0)
    """
    per: dict[str, dict[str, dict[str, float | None]]] = {}
    for theme in dict.fromkeys(table["theme"]):
        d = table[table["theme"] == theme].sort_values("year")
        human = d["human_share"].to_numpy(float)
        per[str(theme)] = {m: {"mae_pp": round(float(np.mean(np.abs(d[m].to_numpy(float) - human))) * 100, 2),
                               "corr": _corr(d[m].to_numpy(float), human)} for m in MEASURES}
    mean = {}
    for m in MEASURES:
        maes = [v[m]["mae_pp"] for v in per.values()]
        cors = [v[m]["corr"] for v in per.values() if v[m]["corr"] is not None]
        mean[m] = {"mae_pp": round(float(np.mean(maes)), 2) if maes else None,
                   "corr": round(float(np.mean(cors)), 4) if cors else None,
                   "themes_corr_ge_0_7": sum(c >= 0.7 for c in cors)}
    years = sorted(table["year"].unique().tolist())
    return {"years": [int(y) for y in years], "per_theme": per, "mean": mean}
