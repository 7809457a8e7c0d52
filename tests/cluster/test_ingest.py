"""The distributed ingest (analysis.cluster.ingest, analysis.cluster.ingest_blocks) stores what the pandas path stores.

The block tasks of analysis.cluster.ingest_blocks are run in this process on a small folder; the whole
ingest runs on the real 2-worker LocalCluster of tests/cluster/conftest.py, on the heads of both
shared corpora and incrementally with duplicates against the store.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.cluster import ingest as di
from analysis.cluster import ingest_blocks as blocks
from analysis.corpus.ingest import ingest
from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.store import load_corpus


def _norm(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sort rows by ``keys`` (the only order difference allowed) and reset the index."""
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def test_blocks_read_what_read_articles_reads(tmp_path: Path) -> None:
    """Blocks of 100 lines plus one block of text files give the rows, order and line numbers of read_articles."""
    src = tmp_path / "in"
    src.mkdir()
    lines = [json.dumps({"id": f"r{i}", "title": f"Story {i}", "text": f"Body of story {i} about tariffs.",
                         "date": "2024-01-02", "source": "S"}) for i in range(250)]
    lines[99] = '{"id": "cut off'          # the last line of the first block, not of the file
    lines[149] = "{not json"
    (src / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "t1.txt").write_text("Headline one\n\nBody one.\n", encoding="utf-8")
    (src / "t2.txt").write_text("Headline two\n\nBody two.\n", encoding="utf-8")
    (src / "doc.pdf").write_bytes(b"%PDF-1.4\n")
    plan, skipped = blocks.plan_blocks([src], block_lines=100)
    assert [b["kind"] for b in plan] == ["records", "jsonl", "jsonl", "jsonl"]
    assert [b["line0"] for b in plan[1:]] == [0, 100, 200] and [b["last"] for b in plan[1:]] == [False, False, True]
    assert [Path(p).name for p in plan[0]["paths"]] == ["t1.txt", "t2.txt"]
    assert skipped == [{"origin": str(src / "doc.pdf"), "reason": "unsupported file type .pdf"}]

    stage = tmp_path / "stage"
    (stage / "_blocks").mkdir(parents=True)
    done = [blocks.read_block(b, i, None, None, str(stage)) for i, b in enumerate(plan)]
    assert [d["n"] for d in done] == [2, 99, 99, 50] and sum(d["files"] for d in done) == 3
    want, want_skipped = read_articles([src])
    assert np.concatenate([d["ids"] for d in done]).tolist() == want["article_id"].tolist()
    got_skips = [s for d in done for s in d["read_skips"]]
    assert got_skips + skipped == want_skipped                  # a.jsonl:100 is invalid JSON, not truncated
    assert [s["origin"].rsplit(":", 1)[1] for s in got_skips] == ["100", "150"]
    staged = pd.concat([pq.read_table(stage / "_blocks" / f"b{i:06d}.parquet").to_pandas() for i in range(4)])
    assert staged["origin"].tolist() == want["origin"].tolist()
    assert blocks.origins_at(str(stage), 2, [0])[0] == (f"{src / 'a.jsonl'}:101", "r100")
    b, row = blocks.split_positions(np.array([(3 << blocks.SHIFT) | 5]))
    assert (b.tolist(), row.tolist()) == ([2], [5])


@pytest.fixture(scope="module")
def stores(tmp_path_factory, corpus_heads: list[Path], client) -> dict:
    """The heads of both shared corpora, ingested by the pandas path and by the Dask path."""
    root = tmp_path_factory.mktemp("dask-ingest")
    rp = ingest(corpus_heads, store=root / "pandas", progress=False)
    rd = di.ingest(corpus_heads, store=root / "dask", client=client, block_lines=1000, progress=False)
    return {"pandas": root / "pandas", "dask": root / "dask", "rp": rp, "rd": rd}


def test_ingest_same_rows_and_report(stores):
    corpus = load_corpus(stores["pandas"])
    got = load_corpus(stores["dask"])
    assert len(got) == len(corpus) > 5000
    pd.testing.assert_frame_equal(_norm(got, ["article_id"]), _norm(corpus, ["article_id"]))
    assert got["dup_of"].notna().sum() == corpus["dup_of"].notna().sum() > 0
    rp, rd = stores["rp"], stores["rd"]
    assert rd["blocks"] > 2
    for key in ("articles_loaded", "articles_new", "already_in_store", "duplicates", "without_date",
                "new_without_date", "store_rows", "files_read", "bytes_read", "skipped_count"):
        assert rd[key] == rp[key], key
    assert sorted(map(json.dumps, rd["warnings"])) == sorted(map(json.dumps, rp["warnings"]))
    saved = json.loads((stores["dask"] / "ingest_report.json").read_text())
    assert saved["engine"] == "dask" and saved["articles_new"] == len(corpus)
    # written with the commit, under the lock, into the history too (issue 11, item 4)
    assert saved["committed"] is True and saved["version"] == (stores["dask"] / "articles").resolve().name
    history = sorted((stores["dask"] / "ingest_reports").glob("*.json"))
    assert [json.loads(h.read_text())["txid"] for h in history] == [saved["txid"]]


def test_incremental_ingest_flags_like_pandas(tmp_path, allsides_path, client):
    lines = allsides_path.read_text(encoding="utf-8").splitlines()
    first, second = lines[:300], lines[200:500]
    extra = []
    for k, line in enumerate(lines[:40:4]):          # copies of stored articles under new ids
        rec = json.loads(line)
        rec["id"] = f"copy-{k}"
        if k % 2:                                   # near copy: one word changed
            words = rec["text"].split(" ")
            words[len(words) // 2] = "zebra"
            rec["text"] = " ".join(words)
        extra.append(json.dumps(rec))
    (tmp_path / "a.jsonl").write_text("\n".join(first) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(second + extra + ["{broken"]) + "\n", encoding="utf-8")
    reports = {}
    for engine in ("pandas", "dask"):
        store = tmp_path / engine
        for name in ("a.jsonl", "b.jsonl"):
            if engine == "pandas":
                r = ingest([tmp_path / name], store=store, progress=False)
            else:
                r = di.ingest([tmp_path / name], store=store, client=client, block_lines=70, progress=False)
        reports[engine] = r
    rp, rd = reports["pandas"], reports["dask"]
    assert rd["already_in_store"] == rp["already_in_store"] == 100
    assert rd["duplicates"] == rp["duplicates"]
    assert rp["duplicates"]["exact"] >= 5 and rp["duplicates"]["near"] >= 1
    assert sorted(map(json.dumps, rd["skipped"])) == sorted(map(json.dumps, rp["skipped"]))
    pd.testing.assert_frame_equal(_norm(load_corpus(tmp_path / "dask"), ["article_id"]),
                                  _norm(load_corpus(tmp_path / "pandas"), ["article_id"]))
