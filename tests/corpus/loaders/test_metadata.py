"""Metadata for files that carry none (analysis.corpus.loaders.metadata): ``manifest.csv`` and ``.meta.json`` sidecars."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.loaders.metadata import MetadataIndex


def test_manifest_sidecar_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline A\nWorld\n\nBody of a.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Headline B\n\nBody of b.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Headline C\n\nBody of c.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "path,date,source,url,desk\na.txt,2025-03-14,Harbor Gazette,https://x.example/a,metro\n"
        "b.txt,2025-02-30,Harbor Gazette,,\nmissing.txt,2025-01-01,X,,\n", encoding="utf-8")
    (tmp_path / "c.meta.json").write_text(json.dumps({"date": "2024-12-01", "source": "Side Post"}))
    df, skipped = read_articles([tmp_path], defaults={"source": "Default Outlet", "date": "2020-01-01"})
    got = df.set_index("title")
    assert got.loc["Headline A", "source"] == "Harbor Gazette" and got.loc["Headline A", "desk"] == "metro"
    assert got.loc["Headline A", "date"] == pd.Timestamp("2025-03-14")
    assert got.loc["Headline A", "url"] == "https://x.example/a"
    assert pd.isna(got.loc["Headline B", "date"])        # impossible manifest date: empty, reported
    assert any("impossible date" in w["reason"] for w in df.attrs["warnings"])
    assert got.loc["Headline C", "source"] == "Side Post" and got.loc["Headline C", "date"] == pd.Timestamp("2024-12-01")
    assert any("file not found: missing.txt" in s["reason"] for s in skipped)
    assert len(df) == 3                                   # manifest.csv and the sidecar are not articles


def test_defaults_fill_only_gaps(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Headline X\n\nBody.\n", encoding="utf-8")
    df, _ = read_articles([tmp_path / "x.txt"], defaults={"source": "Given", "date": "2021-06-01"})
    assert df.loc[0, "source"] == "Given" and df.loc[0, "date"] == pd.Timestamp("2021-06-01")


def test_metadata_index_merges_parent_manifest_and_sidecar(tmp_path: Path) -> None:
    """The nearest manifest listing a file, then its sidecar; keys become article columns; problems are kept."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "manifest.csv").write_text("File,Date,Outlet,Desk\nsub/a.txt,2025-03-14,Harbor Gazette,metro\n"
                                           "b.txt,,,\n", encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.txt").write_text("y", encoding="utf-8")
    (tmp_path / "sub" / "a.meta.json").write_text(json.dumps({"outlet": "Side Post", "year": 2025}))
    (tmp_path / "b.txt.meta.json").write_text("[1]", encoding="utf-8")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.csv").write_text("name,date\nx.txt,2020-01-01\n", encoding="utf-8")
    (tmp_path / "bad" / "x.txt").write_text("z", encoding="utf-8")
    meta = MetadataIndex()
    assert meta.lookup(tmp_path / "sub" / "a.txt") == {"raw_date": "2025-03-14", "source": "Side Post",
                                                       "desk": "metro", "src_year": 2025}
    assert meta.lookup(tmp_path / "b.txt") == {} and meta.lookup(tmp_path / "bad" / "x.txt") == {}
    reasons = {Path(p["origin"]).relative_to(tmp_path).as_posix(): p["reason"] for p in meta.problems}
    assert reasons == {"b.txt.meta.json": "sidecar ignored: not a JSON object",
                       "bad/manifest.csv": "manifest ignored: manifest has no path column "
                                           "(one of path, file, filename, file_name)"}
