"""Ingest end to end: API and `python -m analysis ingest|summary` (subprocess, temp store)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.corpus.ingest import ingest
from analysis.corpus.store import current_version, load_corpus


def _cli(python: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m analysis ARGS`` and return the finished process."""
    return subprocess.run([python, "-m", "analysis", *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=config.ROOT)


def _write(folder: Path, n: int, start: int = 0) -> None:
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
    _write(src, 6)
    first = ingest([src], store=store, progress=False)
    assert first["articles_new"] == 6 and first["files_read"] == 6 and first["skipped"] == []
    v1 = current_version(store)
    again = ingest([src], store=store, progress=False)
    assert again["articles_new"] == 0 and again["already_in_store"] == 6
    assert current_version(store) == v1                              # nothing rewritten
    _write(src, 4, start=6)
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


# --- the command line -----------------------------------------------------------------------

def test_cli_ingest_and_summary(tmp_path: Path, python: str, cli_env: dict[str, str], seed_path: Path) -> None:
    src = tmp_path / "in"
    _write(src, 3)
    shutil.copy(seed_path, src / "seed.txt")
    res = _cli(python, cli_env, "ingest", str(src), "--source", "Seed Outlet", "--date", "2025-03-28", "--no-progress")
    assert res.returncode == 0, res.stderr
    assert "articles loaded:     4" in res.stdout and "without date:        0" in res.stdout
    default_store = Path(cli_env["POLICY_NEWS_DATA"]) / "processed"
    assert (default_store / "ingest_report.json").exists()               # default store, inside tmp
    df = load_corpus(default_store)
    seed = df[df["origin"].str.endswith("seed.txt")].iloc[0]
    assert seed["source"] == "Seed Outlet" and seed["date"] == pd.Timestamp("2025-03-28")
    assert set(df.loc[~df["origin"].str.endswith("seed.txt"), "source"]) <= {"Outlet 0", "Outlet 1", "Outlet 2"}
    out = _cli(python, cli_env, "summary")
    assert out.returncode == 0, out.stderr
    assert "articles:    4" in out.stdout and "Seed Outlet" in out.stdout and "date range:  2025-" in out.stdout
    again = _cli(python, cli_env, "ingest", str(src), "--source", "Seed Outlet", "--date", "2025-03-28", "--no-progress")
    assert "new in store:        0" in again.stdout


@pytest.mark.parametrize("args,message", [
    (["ingest", "/no/such/path"], "no such file or folder"),
    (["ingest", "{src}", "--map", "text=nosuch"], "nosuch"),
    (["ingest", "{src}", "--map", "body=content"], "unknown article column"),
    (["ingest", "{src}", "--map", "oops"], "expected ARTICLE_COLUMN=INPUT_COLUMN"),
    (["ingest", "{src}", "--date", "2025-02-30"], "--date"),
    (["summary", "--store", "{tmp}/none"], "no article store"),
])
def test_cli_usage_errors(tmp_path: Path, python: str, cli_env: dict[str, str], args: list[str], message: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "t.jsonl").write_text('{"title": "T", "text": "Body."}\n', encoding="utf-8")
    res = _cli(python, cli_env, *[a.format(src=src, tmp=tmp_path) for a in args])
    assert res.returncode == 2 and message in res.stderr
    assert "Traceback" not in res.stderr
