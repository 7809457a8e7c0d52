"""Tables of articles (analysis.corpus.loaders.tabular): JSONL, JSON, CSV, TSV and Parquet with a column mapping."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.loaders.articles import read_articles
from tests.corpus.loaders.test_articles import skip_reasons


def test_shared_corpora_counts_and_labels(allsides_path: Path, nyt_path: Path) -> None:
    a, skipped_a = read_articles([allsides_path])
    assert len(a) == 2724 and skipped_a == []
    assert a["source"].nunique() == 148 and a["date"].notna().all()
    assert {"topic", "source_bias", "source_domain"} <= set(a.columns)
    assert a["topic"].value_counts()["immigration"] == 250
    assert a["source_bias"].value_counts().to_dict() == {"right": 1048, "left": 899, "center": 777}
    assert a["byline"].notna().sum() > 1000                  # "authors" became byline
    n, skipped_n = read_articles([nyt_path])
    assert len(n) == 23276 and skipped_n == []
    assert n["cap_major"].value_counts()[19] == 4766 and n["cap_major"].dtype == "int64"
    assert n["date"].dt.year.value_counts()[2002] == 2299
    assert (n["src_year"] == n["date"].dt.year).all()        # the input's "year" kept, renamed
    assert len(n.attrs["warnings"]) == 45                    # the 45 title-only rows are kept
    assert a["article_id"].is_unique and n["article_id"].is_unique


def test_csv_parquet_and_mapping(tmp_path: Path) -> None:
    rows = pd.DataFrame({"uid": ["r1", "r2"], "headline": ["One", "Two"], "content": ["Body one.", "Body two."],
                         "published": ["2024-05-01", "2024-05-02"], "outlet": ["O", "O"], "label": [1, 2]})
    rows.to_csv(tmp_path / "t.csv", index=False)
    rows.to_parquet(tmp_path / "t.parquet")
    (tmp_path / "t.tsv").write_text(rows.to_csv(sep="\t", index=False), encoding="cp1252")
    df, skipped = read_articles([tmp_path / "t.csv"], mapping={"text": "content", "date": "published"})
    assert skipped == [] and df["text"].tolist() == ["Body one.", "Body two."]
    assert df["date"].tolist() == [pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-02")]
    assert df["title"].tolist() == ["One", "Two"] and df["source"].tolist() == ["O", "O"]
    pq_df, _ = read_articles([tmp_path / "t.parquet"])
    assert pq_df["label"].tolist() == [1, 2] and pq_df["origin"][1].endswith("t.parquet#1")
    assert pq_df["article_id"].tolist() == df["article_id"].tolist()   # same ids from any format
    tsv_df, _ = read_articles([tmp_path / "t.tsv"])
    assert len(tsv_df) == 2


def test_json_shapes(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"title": "Solo", "text": "One article."}, indent=2))
    (tmp_path / "many.json").write_text(json.dumps([{"title": "A", "text": "First."}, 3, {"title": "B", "text": "Second."}]))
    (tmp_path / "map.json").write_text(json.dumps({"immigration": "migration", "trade": "trade"}, indent=2))
    df, skipped = read_articles([tmp_path])
    assert sorted(df["title"]) == ["A", "B", "Solo"]
    reasons = skip_reasons(skipped)
    assert reasons["many.json#1"] == "not a JSON object" and "without article fields" in reasons["map.json"]


@pytest.mark.slow
def test_fifty_megabyte_file(tmp_path: Path) -> None:
    para = "The committee heard testimony on tariffs, border security and the budget for hours. " * 12
    with open(tmp_path / "big.jsonl", "w", encoding="utf-8") as fh:
        i = 0
        while fh.tell() < 50_000_000:
            fh.write(json.dumps({"id": f"b{i}", "title": f"Story {i}", "text": f"{i} {para}\n\n{para}",
                                 "date": "2024-01-01", "source": "Big"}) + "\n")
            i += 1
    t = time.perf_counter()
    df, skipped = read_articles([tmp_path / "big.jsonl"])
    assert skipped == [] and len(df) == i and df["n_words"].min() > 250
    assert time.perf_counter() - t < 120
