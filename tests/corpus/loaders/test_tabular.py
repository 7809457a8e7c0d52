"""Tables of articles (analysis.corpus.loaders.tabular): JSONL, JSON, CSV, TSV and Parquet with a column mapping."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.loaders import tabular
from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.store import to_arrow
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


# --- hostile records (issue 11, item 7): one bad record is one skipped item -----------------------

def _jsonl(path: Path, *lines: str) -> Path:
    """Write JSON lines."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_deeply_nested_record_is_skipped_others_load(tmp_path: Path) -> None:
    ok = json.dumps({"id": "ok", "title": "Fine", "text": "Fine body."})
    _jsonl(tmp_path / "deep1k.jsonl", ok, '{"id": "d", "text": "x", "x": ' + "[" * 1000 + "]" * 1000 + "}")
    _jsonl(tmp_path / "deep100.jsonl", json.dumps({"id": "ok2", "title": "Two", "text": "Body two."}),
           '{"id": "e", "text": "x", "x": ' + "[" * 100 + "]" * 100 + "}")
    df, skipped = read_articles([tmp_path])
    assert sorted(df["title"]) == ["Fine", "Two"]
    reasons = skip_reasons(skipped)
    assert set(reasons) == {"deep1k.jsonl:2", "deep100.jsonl:2"}
    assert all(r.startswith("JSON nested too deeply") for r in reasons.values())


def test_brackets_inside_text_do_not_count_as_nesting(tmp_path: Path) -> None:
    text = "Citations [1] [2] {a} " * 100
    _jsonl(tmp_path / "t.jsonl", json.dumps({"id": "c", "title": "Cites", "text": text}))
    df, skipped = read_articles([tmp_path])
    assert skipped == [] and df["text"][0] == text.strip()


def test_extra_field_with_list_of_lists(tmp_path: Path) -> None:
    _jsonl(tmp_path / "l.jsonl", json.dumps({"id": "l1", "title": "L", "text": "Body L.", "extra": [[1, 2], [3]],
                                             "tags": ["a", "b"], "nested": {"k": [{"z": [1]}]}}))
    df, skipped = read_articles([tmp_path])
    assert skipped == []
    assert df["extra"][0] == "[[1, 2], [3]]" and df["tags"][0] == "a, b" and df["nested"][0] == '{"k": [{"z": [1]}]}'


def test_lone_surrogate_escapes_can_be_stored(tmp_path: Path) -> None:
    _jsonl(tmp_path / "s.jsonl", '{"id": "s1", "title": "Bad \\ud800 title", "text": "Text \\udc00 here", "note": "x\\ud83d"}')
    df, skipped = read_articles([tmp_path])
    assert skipped == [] and df["title"][0] == "Bad \ufffd title"
    to_arrow(df)                                         # UnicodeEncodeError before the fix


def test_large_jsonl_and_csv_are_read_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "CHUNK_BYTES", 300)
    monkeypatch.setattr(tabular, "CHUNK_ROWS", 3)
    def rows(f: str) -> list[dict[str, str]]:
        return [{"id": f"{f}{i}", "title": f"T{i}", "text": f"Body number {i}.", "date": "2024-01-02"} for i in range(20)]

    lines = [json.dumps(r) for r in rows("a")]
    lines[7] = lines[7][:-5]                              # a bad line in the middle
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    pd.DataFrame(rows("b")).to_csv(tmp_path / "b.csv", index=False)
    pd.DataFrame(rows("c")).to_parquet(tmp_path / "c.parquet")
    df, skipped = read_articles([tmp_path])
    assert len(df) == 19 + 20 + 20 and skip_reasons(skipped) == {"a.jsonl:8": skip_reasons(skipped)["a.jsonl:8"]}
    assert skip_reasons(skipped)["a.jsonl:8"].startswith("invalid JSON")
    by_file = df.groupby(df["origin"].str.extract(r"/(\w)\.\w+[:#]", expand=False))["origin"].apply(list)
    assert by_file["a"][-1].endswith("a.jsonl:20") and by_file["b"][-1].endswith("b.csv:21")
    assert by_file["c"][-1].endswith("c.parquet#19")


def test_truncated_last_line_of_a_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "CHUNK_BYTES", 100)
    lines = [json.dumps({"id": f"r{i}", "title": f"T{i}", "text": f"Body {i}."}) for i in range(10)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + '\n{"id": "r10", "tit', encoding="utf-8")
    df, skipped = read_articles([tmp_path])
    assert len(df) == 10 and skipped[0]["reason"].startswith("truncated last line")


def test_csv_field_over_the_csv_module_limit(tmp_path: Path) -> None:
    big = "word " * 60_000                                # 300 kB > the csv module's 128 kB default
    pd.DataFrame({"title": ["Big"], "text": [big]}).to_csv(tmp_path / "big.csv", index=False)
    df, skipped = read_articles([tmp_path])
    assert skipped == [] and df["n_words"][0] == 60_000
