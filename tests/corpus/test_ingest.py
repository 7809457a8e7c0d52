"""Ingest end to end through the API (analysis.corpus.ingest): append-only, duplicates, bad inputs, corpora.

The ``ingest`` and ``summary`` commands are tested in tests/commands/test_ingest.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import config
from analysis.corpus.ingest import ingest
from analysis.corpus.store import current_version, load_corpus


def write_stories(folder: Path, n: int, start: int = 0) -> None:
    """n scraped-text articles plus a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.csv"
    rows = manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else ["path,date,source"]
    for i in range(start, start + n):
        body = " ".join(f"Paragraph {j} of story {i} on trade, tariffs and border policy." for j in range(8))
        (folder / f"s{i:03d}.txt").write_text(f"Story {i} headline\nWorld\n\nStory {i} headline\n\n{body}\n\n"
                                             f"Leave a Reply\n", encoding="utf-8")
        rows.append(f"s{i:03d}.txt,2025-0{1 + i % 9}-15,Outlet {i % 3}")
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_idempotent_and_append_only_new(tmp_path: Path) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    write_stories(src, 6)
    first = ingest([src], store=store, progress=False)
    assert first["articles_new"] == 6 and first["files_read"] == 6 and first["skipped"] == []
    v1 = current_version(store)
    again = ingest([src], store=store, progress=False)
    assert again["articles_new"] == 0 and again["already_in_store"] == 6
    assert current_version(store) == v1                              # nothing rewritten
    write_stories(src, 4, start=6)
    more = ingest([src], store=store, progress=False)
    assert more["articles_new"] == 4 and more["already_in_store"] == 6 and more["store_rows"] == 10
    df = load_corpus(store)
    assert len(df) == 10 and df["article_id"].is_unique and df["date"].notna().all()
    assert not df["text"].str.contains("Leave a Reply").any() and (df["section"] == "World").all()
    report = json.loads((store / "ingest_report.json").read_text())
    assert report["articles_new"] == 4 and report["files_read"] == 10


def test_duplicates_flagged_not_dropped_also_against_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    body = " ".join(f"Sentence {j} of the wire story about the border summit and tariffs." for j in range(40))
    a = tmp_path / "a"
    a.mkdir()
    (a / "wire.txt").write_text(f"Wire headline\n\n{body}\n", encoding="utf-8")
    ingest([a], store=store, defaults={"source": "Wire"}, progress=False)
    b = tmp_path / "b"
    b.mkdir()
    (b / "copy.txt").write_text(f"Local headline\n\n{body.replace('Sentence 3 ', 'Line 3 ')}\n", encoding="utf-8")
    (b / "exact.txt").write_text(f"Other headline\n\n{body.upper()}\n", encoding="utf-8")
    rep = ingest([b], store=store, defaults={"source": "Local"}, progress=False)
    assert rep["duplicates"] == {"exact": 1, "near": 1} and rep["articles_new"] == 2
    df = load_corpus(store)
    first = df.loc[df["title"] == "Wire headline", "article_id"].item()
    assert set(df.loc[df["title"] != "Wire headline", "dup_of"]) == {first}
    assert len(load_corpus(store, drop_duplicates=True)) == 1


def test_bad_inputs_in_report(tmp_path: Path) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "bin.txt").write_bytes(b"\x00\x01\x02\xff" * 500)
    (src / "r.jsonl").write_text('{"id": "1", "title": "Ok", "text": "Fine text.", "date": "2024-02-30"}\n{"id": "2", "tit',
                                 encoding="utf-8")
    rep = ingest([src], store=store, progress=False)
    saved = json.loads((store / "ingest_report.json").read_text())
    assert saved["skipped_count"] == 3 == len(saved["skipped"])
    assert all(s["origin"] and s["reason"] for s in saved["skipped"])
    assert saved["skipped_by_reason"] == {"empty file": 1, "binary file": 1, "truncated last line": 1}
    assert rep["articles_new"] == 1 and rep["without_date"] == 1
    assert saved["warnings_by_reason"] == {"impossible date": 1}


def test_sample_corpus(tmp_path: Path) -> None:
    if not (config.SAMPLE_DIR / "text").exists():
        pytest.skip("data/sample not present")
    rep = ingest([config.SAMPLE_DIR], store=tmp_path / "s", progress=False)
    assert rep["skipped"] == [] and rep["articles_new"] >= 40
    assert rep["duplicates"]["near"] >= 1                               # the syndicated wire story
    df = load_corpus(tmp_path / "s")
    assert df["source"].nunique() >= 5 and (df["date"].max() - df["date"].min()).days >= 270
    assert not df["text"].str.contains("Leave a Reply|Your email address|Required fields").any()
    assert df["title"].notna().all() and (df["n_words"] > 50).all()


def test_shared_corpora_through_the_store(tmp_path: Path, allsides_path: Path, nyt_path: Path) -> None:
    store = tmp_path / "store"
    a = ingest([allsides_path], store=store, progress=False)
    n = ingest([nyt_path], store=store, progress=False)
    assert a["articles_new"] == 2724 and n["articles_new"] == 23276 and n["store_rows"] == 26000
    df = load_corpus(store, columns=["article_id", "source", "topic", "cap_major", "source_bias"])
    assert df["topic"].notna().sum() == 2724 and df["cap_major"].notna().sum() == 23276
    assert (df["topic"] == "immigration").sum() == 250
    assert df["cap_major"].dropna().astype(int).value_counts()[16] == 3359
