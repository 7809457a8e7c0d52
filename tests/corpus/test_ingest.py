"""Ingest end to end through the API (analysis.corpus.ingest): append-only, duplicates, bad inputs, corpora,
updates in place, --replace and delete, batches, hostile inputs.

The ``ingest`` and ``summary`` commands are tested in tests/commands/test_ingest.py.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.corpus import store as store_module
from analysis.corpus.ingest import delete_articles, ingest
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


# --- a corrected file replaces its stale copy (issue 11, item 5) ----------------------------------

def assert_dup_of_consistent(df: pd.DataFrame) -> None:
    """Every ``dup_of`` names a stored article that is itself a first copy."""
    ids = set(df["article_id"])
    firsts = set(df.loc[df["dup_of"].isna(), "article_id"])
    pointed = set(df["dup_of"].dropna())
    assert pointed <= ids and pointed <= firsts, pointed - firsts


def test_seed_with_corrected_metadata_updates_in_place(tmp_path: Path, seed_path: Path) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    src.mkdir()
    shutil.copy(seed_path, src / "seed.txt")
    first = ingest([src], store=store, progress=False)
    before = load_corpus(store)
    assert first["articles_new"] == 1 and pd.isna(before["date"][0]) and pd.isna(before["source"][0])
    (src / "manifest.csv").write_text("path,date,source\nseed.txt,2025-03-28,Seed Outlet\n", encoding="utf-8")
    rep = ingest([src], store=store, progress=False)
    after = load_corpus(store)
    assert len(after) == 1 and after["article_id"][0] == before["article_id"][0]        # same article
    assert after["date"][0] == pd.Timestamp("2025-03-28") and after["source"][0] == "Seed Outlet"
    assert pd.isna(after["dup_of"][0]) and rep["duplicates"] == {"exact": 0, "near": 0}
    assert rep["articles_new"] == 0 and rep["updated_count"] == 1
    assert rep["updated"] == [{"article_id": before["article_id"][0], "origin": str(src / "seed.txt"),
                               "changed": ["source", "date"]}]
    assert json.loads((store / "ingest_report.json").read_text())["updated"] == rep["updated"]
    version = current_version(store)
    again = ingest([src], store=store, progress=False)                   # unchanged: nothing happens
    assert current_version(store) == version and again["updated_count"] == 0 and again["already_in_store"] == 1
    elsewhere = tmp_path / "elsewhere"               # the undated text from another path: the same article
    elsewhere.mkdir()
    shutil.copy(seed_path, elsewhere / "seed.txt")
    other = ingest([elsewhere], store=store, progress=False)
    assert other["articles_new"] == 0 and other["already_in_store"] == 1 and len(load_corpus(store)) == 1


def test_corrected_record_text_replaces_the_stored_row(tmp_path: Path) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    src.mkdir()
    recs = [{"id": f"r{i}", "title": f"Story {i}", "source": "Feed", "date": "2024-03-0" + str(i + 1),
             "text": f"Original body of story {i} about tariffs and the border summit." * 5} for i in range(3)]
    (src / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    ingest([src], store=store, progress=False)
    old = load_corpus(store).set_index("title")
    recs = [recs[1], {**recs[0], "text": "Corrected body of story 0."}, recs[2]]    # also reordered
    (src / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    rep = ingest([src], store=store, progress=False)
    new = load_corpus(store).set_index("title")
    assert rep["articles_new"] == 0 and rep["already_in_store"] == 2 and rep["updated_count"] == 1
    assert rep["updated"][0]["changed"] == ["text"] and rep["store_rows"] == 3 == len(new)
    assert new.loc["Story 0", "text"] == "Corrected body of story 0." and new.loc["Story 0", "origin"].endswith("feed.jsonl:2")
    assert new.loc["Story 0", "article_id"] == old.loc["Story 0", "article_id"]     # id from the record id


def test_copies_follow_when_their_first_copy_changes_or_goes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    body = " ".join(f"Sentence {j} of the wire story about the border summit and tariffs." for j in range(40))
    wire, local = tmp_path / "wire", tmp_path / "local"
    wire.mkdir()
    local.mkdir()
    (wire / "w.txt").write_text(f"Wire headline\n\n{body}\n", encoding="utf-8")
    ingest([wire], store=store, defaults={"source": "Wire"}, progress=False)
    (local / "a.txt").write_text(f"Local A\n\n{body.replace('Sentence 3 ', 'Line 3 ')}\n", encoding="utf-8")
    (local / "b.txt").write_text(f"Local B\n\n{body.upper()}\n", encoding="utf-8")
    ingest([local], store=store, defaults={"source": "Local"}, progress=False)
    df = load_corpus(store)
    wire_id = df.loc[df["title"] == "Wire headline", "article_id"].item()
    assert set(df.loc[df["title"] != "Wire headline", "dup_of"]) == {wire_id}
    # the wire file is corrected to a different story: its copies no longer point at a missing id
    (wire / "w.txt").write_text("Wire headline\n\nA different story altogether, about fisheries.\n", encoding="utf-8")
    rep = ingest([wire], store=store, defaults={"source": "Wire"}, progress=False)
    df = load_corpus(store)
    assert rep["updated_count"] == 1 and rep["updated"][0]["previous_id"] == wire_id and rep["dup_of_repointed"] == 2
    assert wire_id not in set(df["article_id"]) and len(df) == 3
    assert_dup_of_consistent(df)
    a = df.loc[df["title"] == "Local A"].iloc[0]
    assert pd.isna(a["dup_of"]) and df.loc[df["title"] == "Local B", "dup_of"].item() == a["article_id"]
    # deleting the new first copy moves its copy again
    rep = delete_articles(store, ids=[a["article_id"]])
    df = load_corpus(store)
    assert rep["deleted_count"] == 1 and len(df) == 2 and df["dup_of"].isna().all()


def test_replace_mirrors_the_inputs_and_delete_by_origin_and_source(tmp_path: Path) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    write_stories(src, 5)
    ingest([src], store=store, progress=False)
    (src / "s001.txt").unlink()
    (src / "s004.txt").write_bytes(b"")                                 # now unreadable: kept, not removed
    rep = ingest([src], store=store, progress=False, replace=True)
    df = load_corpus(store)
    assert rep["removed"] == [{"article_id": rep["removed"][0]["article_id"], "origin": str(src / "s001.txt"),
                               "reason": "no longer in the input"}]
    assert rep["updated_count"] == 3 and all(u["changed"] == [] for u in rep["updated"]) and rep["articles_new"] == 0
    assert len(df) == 4 and not df["origin"].str.endswith("s001.txt").any()
    plain = ingest([src], store=store, progress=False)                  # without --replace: nothing to do
    assert plain["updated_count"] == 0 and plain["removed_count"] == 0
    dry = delete_articles(store, origins=[src / "s002.txt"], sources=["Outlet 0"], dry_run=True)
    assert sorted(Path(d["origin"]).name for d in dry["deleted"]) == ["s000.txt", "s002.txt", "s003.txt"]
    assert len(load_corpus(store)) == 4                                  # a dry run changes nothing
    gone = delete_articles(store, origins=[src / "s002.txt"], sources=["Outlet 0"])
    assert gone["deleted_count"] == 3 and len(load_corpus(store)) == 1
    assert delete_articles(store, origins=[src])["deleted_count"] == 1 and len(load_corpus(store)) == 0


# --- the report is part of the commit (issue 11, item 4) ----------------------------------------

def test_report_is_written_with_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    write_stories(src, 3)

    def die_after_swap(step: str) -> None:
        if step == "swapped":
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module, "commit_hook", die_after_swap)
    with pytest.raises(OSError):
        ingest([src], store=store, progress=False)
    monkeypatch.setattr(store_module, "commit_hook", None)
    assert len(load_corpus(store)) == 3                                  # committed, report not yet published
    write_stories(src, 1, start=3)
    rep = ingest([src], store=store, progress=False)                     # the next writer publishes it
    history = sorted((store / "ingest_reports").glob("*.json"))
    reports = [json.loads(p.read_text()) for p in history]
    assert [r["articles_new"] for r in reports] == [3, 1] and reports[1]["articles_new"] == rep["articles_new"]
    assert json.loads((store / "ingest_report.json").read_text())["articles_new"] == 1


# --- bounded batches (issue 11, item 6) ----------------------------------------------------------

def test_batches_give_the_same_store_as_one_batch(tmp_path: Path) -> None:
    body = " ".join(f"Sentence {j} of the wire story about the border summit and tariffs." for j in range(40))
    recs = [{"id": f"r{i}", "title": f"T{i}", "source": "Feed", "date": f"2024-0{1 + i % 9}-10",
             "text": (body if i % 5 == 0 else f"Story {i} " + body.replace("wire", f"w{i}") if i % 7 == 0
                      else f"Unrelated story number {i} about fisheries, ports and quotas in the north.")}
            for i in range(40)]
    recs.append({**recs[3], "title": "repeat"})                          # a repeated id, batches apart
    src = tmp_path / "feed.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    one = ingest([src], store=tmp_path / "one", progress=False)
    many = ingest([src], store=tmp_path / "many", progress=False, batch_rows=4)
    a, b = load_corpus(tmp_path / "one"), load_corpus(tmp_path / "many")
    pd.testing.assert_frame_equal(a, b)
    assert one["duplicates"] == many["duplicates"] and one["duplicates"]["exact"] >= 7
    assert many["skipped"] == one["skipped"] and many["skipped"][0]["reason"].startswith("duplicate id 'r3' in input")


@pytest.mark.slow
def test_peak_memory_stays_flat_with_input_size(tmp_path: Path, python: str) -> None:
    words = ("tariff border budget minister summit port quota fishery court senate vote trade migration "
             "security energy health school farm bridge river coast harbor council mayor treaty").split()
    rng = random.Random(5)
    sizes = {}
    for mb in (8, 32):
        path = tmp_path / f"in{mb}.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            i = 0
            while fh.tell() < mb * 1_000_000:                              # distinct texts, ~1 kB each
                text = " ".join(rng.choice(words) for _ in range(150))
                fh.write(json.dumps({"id": f"b{i}", "title": f"Story {i}", "text": text, "source": "Big",
                                     "date": "2024-01-01"}) + "\n")
                i += 1
        code = ("import resource, sys; from analysis.corpus.ingest import ingest;"
                "ingest([sys.argv[1]], store=sys.argv[2], progress=False);"
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        res = subprocess.run([python, "-c", code, str(path), str(tmp_path / f"s{mb}")], capture_output=True,
                             text=True, timeout=900, cwd=config.ROOT)
        assert res.returncode == 0, res.stderr
        sizes[mb] = int(res.stdout.split()[-1]) / 1024                    # MB
    # four times the input: before the fix the peak grew ~14x the added bytes (~340 MB more here)
    assert sizes[32] - sizes[8] < 120, sizes


# --- one bad item never kills the run (issue 11, items 7 and 8) ---------------------------------

def test_hostile_inputs_each_one_skipped_item(tmp_path: Path, python: str) -> None:
    src, store = tmp_path / "in", tmp_path / "store"
    src.mkdir()
    ok = [json.dumps({"id": f"ok{i}", "title": f"Fine {i}", "text": f"Fine body {i}."}) for i in range(3)]
    (src / "deep20k.jsonl").write_text(ok[0] + "\n" + '{"id": "d", "text": "x", "x": ' + "[" * 20000 + "]" * 20000 + "}\n")
    (src / "deep1k.jsonl").write_text(ok[1] + "\n" + '{"id": "e", "text": "x", "x": ' + "[" * 1000 + "]" * 1000 + "}\n")
    (src / "lists.jsonl").write_text(json.dumps({"id": "l", "title": "Lists", "text": "Body.", "extra": [[1, 2], [3]]}) + "\n")
    (src / "story.txt").write_text("A story\n\nIts body.\n", encoding="utf-8")
    (src / "long.txt").write_text("word " * 1_000_000, encoding="utf-8")
    os.mkfifo(src / "pipe.txt")
    fd = os.open(os.fsencode(src) + b"/bad\xffname.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"Title\n\nBody.\n")
    os.close(fd)
    code = "import sys; from analysis.corpus.ingest import ingest; ingest([sys.argv[1]], store=sys.argv[2], progress=False)"
    res = subprocess.run([python, "-c", code, str(src), str(store)], capture_output=True, text=True,
                         timeout=300, cwd=config.ROOT)
    assert res.returncode == 0, (res.returncode, res.stderr[-2000:])     # was -11 (segfault) / a hang / a traceback
    rep = json.loads((store / "ingest_report.json").read_text(encoding="utf-8"))
    reasons = {s["origin"].rsplit("/", 1)[-1]: s["reason"] for s in rep["skipped"]}
    assert set(reasons) == {"deep20k.jsonl:2", "deep1k.jsonl:2", "pipe.txt", "bad\\xffname.txt"}
    assert reasons["deep20k.jsonl:2"].startswith("JSON nested too deeply") and reasons["deep1k.jsonl:2"].startswith("JSON nested")
    assert reasons["pipe.txt"] == "not a regular file (FIFO)" and reasons["bad\\xffname.txt"] == "file name is not valid UTF-8"
    df = load_corpus(store)
    assert sorted(df["title"].dropna()) == ["A story", "Fine 0", "Fine 1", "Lists"] and len(df) == 5
    assert df.loc[df["title"] == "Lists", "extra"].item() == "[[1, 2], [3]]"
    assert df["title"].str.len().max() <= 500 and rep["warnings_by_reason"] == {"first line of 4999999 characters is too long for a title": 1}
