"""A query charted like a theme (analysis.aggregate.query_counts): counts, shares, Wilson intervals, additivity."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.aggregate.counts import wilson_interval
from analysis.aggregate.grouping import combine_counts
from analysis.aggregate.query_counts import count_query, query_presence, query_share
from analysis.errors import UsageError

ARTS = pd.DataFrame({
    "article_id": [f"a{i}" for i in range(7)],
    "source": ["X", "X", "Y", "Y", "Y", "X", "Y"],
    "date": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-01-21", "2024-02-02", "2024-02-15", None, "2024-02-28"]),
    "title": ["Tariffs on Mexico", "Cup final", "Tariff talks with Canada", "Weather", "Canada tariffs",
              "Tariffs undated", "Mexico vote"],
    "text": ["", "", "", "", "", "", ""],
})


def test_share_by_month_counts_all_articles_and_adds_wilson() -> None:
    """share = matching / all dated articles of the month; the interval is Wilson's."""
    out = query_share(ARTS, "tariff* AND (Mexico OR Canada)", by=["month"], name="tariffs")
    assert out["period"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02"]
    assert out["theme"].tolist() == ["tariffs", "tariffs"]
    assert out["n_articles_with_theme"].tolist() == [2, 1]
    assert out["n_articles"].tolist() == [3, 3]
    assert np.allclose(out["share"], [2 / 3, 1 / 3])
    lo, hi = wilson_interval(np.array([2, 1]), np.array([3, 3]))
    assert np.allclose(out["ci_low"], lo) and np.allclose(out["ci_high"], hi)


def test_share_by_source_without_period_keeps_undated() -> None:
    """Without a period every article counts, grouped by the column asked."""
    out = query_share(ARTS, "tariff*", by="source")
    assert out[["source", "n_articles_with_theme", "n_articles"]].values.tolist() == [["X", 2, 3], ["Y", 2, 4]]
    assert analysis.query_share(ARTS, "tariff*", by=["month", "source"])["n_articles"].sum() == 6


def test_counts_are_additive_over_partitions() -> None:
    """Counts of two halves, summed, equal the counts of the whole (what the Dask engine relies on)."""
    whole = count_query(ARTS, "tariff* OR Mexico", by=["month", "source"])
    parts = combine_counts([count_query(ARTS.iloc[:3], "tariff* OR Mexico", by=["month", "source"]),
                            count_query(ARTS.iloc[3:], "tariff* OR Mexico", by=["month", "source"])])
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), parts.reset_index(drop=True), check_dtype=False)


def test_presence_table_and_bad_by() -> None:
    """The presence table looks like theme scores; unknown or doubled ``by`` entries are usage errors."""
    pres = query_presence(ARTS, "Mexico", name="mx")
    assert pres.values.tolist() == [["a0", "mx", True], ["a6", "mx", True]]
    with pytest.raises(UsageError, match="unknown 'outlet'; use day, week, month, quarter, year or a column: "
                                         "article_id, source, date"):
        query_share(ARTS, "Mexico", by=["outlet"])
    with pytest.raises(UsageError, match="only one period"):
        query_share(ARTS, "Mexico", by=["month", "week"])
