"""Group keys, the per-article group frame and the group-by sums (analysis.aggregate.grouping)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import config
from analysis.aggregate.counts import count_articles, count_themes
from analysis.aggregate.grouping import combine_counts, group_columns, group_frame, sum_counts
from analysis.corpus.loaders.articles import read_articles
from analysis.themes.scoring import score_themes


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """The bundled sample articles, as the loaders read them."""
    df, skipped = read_articles([config.SAMPLE_DIR])
    assert skipped == [] and len(df) > 40
    return df


def test_group_columns() -> None:
    assert group_columns("source") == ["source"] and group_columns(None) == []
    assert group_columns(("source", "section")) == ["source", "section"]
    assert group_columns(iter(["a"])) == ["a"]


def test_group_frame_drops_undated_rows_and_puts_period_first() -> None:
    arts = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "source": ["X", None, "Y", "X"],
                         "date": pd.to_datetime(["2025-01-08", "2025-01-09", None, "2025-02-03"]),
                         "title": ["t"] * 4})
    base, keys = group_frame(arts, ["source"], "W")
    assert keys == ["period", "source"] and list(base.columns) == ["article_id", "source", "period"]
    assert base["article_id"].tolist() == ["a", "b", "d"]                    # undated "c" left out
    assert base["period"].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-06", "2025-01-06", "2025-02-03"]
    assert base["source"].tolist() == ["X", "(unknown)", "X"] and base["article_id"].dtype == "string"
    undated, keys = group_frame(arts, ["source"], None)
    assert keys == ["source"] and len(undated) == 4 and "date" not in undated.columns


def test_sum_counts() -> None:
    counts = pd.DataFrame({"source": ["X", "Y", "X"], "n": [1, 2, 3], "m": [0, 1, 1]})
    assert sum_counts(counts, ["source"], ["n", "m"]).values.tolist() == [["X", 4, 1], ["Y", 2, 1]]
    total = sum_counts(counts, [], ["n", "m"])
    assert total.values.tolist() == [[6, 2]] and (total.dtypes == "int64").all()


@pytest.mark.parametrize("freq, by", [("MS", ("source",)), ("W", ()), (None, ("source",))])
def test_combined_partition_counts_equal_the_counts_of_the_whole(sample, freq, by) -> None:
    parts = [sample.iloc[i::3] for i in range(3)]
    whole = count_articles(sample, freq=freq, by=by)
    pd.testing.assert_frame_equal(combine_counts([count_articles(p, freq=freq, by=by) for p in parts]), whole)
    scores = score_themes(sample)
    themes_whole = count_themes(sample, scores, by=by, freq=freq)
    combined = combine_counts([count_themes(p, scores, by=by, freq=freq) for p in parts])
    keys = [c for c in themes_whole.columns if not c.startswith("n_")]
    pd.testing.assert_frame_equal(combined, themes_whole.sort_values(keys).reset_index(drop=True))
    assert themes_whole["n_articles_with_theme"].sum() > 0
    assert combine_counts([None, whole.iloc[:0]]).empty
