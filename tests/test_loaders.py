"""Loaders: the user's seed, the shared corpora, every supported shape and the bad-input cases."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import UsageError
from analysis.corpus.loaders.articles import read_articles, sniff_format
from analysis.corpus.loaders.text import parse_scraped_text
from analysis.schema import ARTICLE_COLUMNS

BODY_FIRST = "Homeland Security Secretary Kristi Noem arrived in Mexico on Friday"
BODY_LAST = "“We’re going to let the courts play out,” Noem told reporters."
HEADLINE = "Kristi Noem, Trump’s secretary of Homeland Security, meets Mexican president"


def _reasons(skipped: list[dict[str, str]]) -> dict[str, str]:
    """origin file name (and line) -> reason."""
    return {Path(s["origin"]).name: s["reason"] for s in skipped}


# --- the seed ---------------------------------------------------------------------------------

def test_seed_article(seed_path: Path) -> None:
    df, skipped = read_articles([seed_path])
    assert skipped == [] and len(df) == 1
    art = df.iloc[0]
    assert art["title"] == HEADLINE
    assert art["section"] == "World"
    assert art["byline"] == "Special correspondent Cecilia Sánchez Vidal contributed to this report."
    text = art["text"]
    assert text.startswith(BODY_FIRST) and text.endswith(BODY_LAST)
    for junk in ("Leave a Reply", "Your email address", "Required fields", "contributed to this report",
                 HEADLINE):
        assert junk not in text
    raw_paras = [p.strip() for p in seed_path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    body = raw_paras[raw_paras.index(next(p for p in raw_paras if p.startswith(BODY_FIRST))):
                     raw_paras.index(BODY_LAST) + 1]
    assert text.split("\n\n") == body                    # every paragraph, in order, characters intact
    assert len(body) == 23 and "’" in text and "—" in text
    assert pd.isna(art["date"]) and pd.isna(art["source"]) and pd.isna(art["url"])   # nothing invented
    assert art["n_words"] > 700 and art["origin"] == str(seed_path) and len(art["article_id"]) == 16
    assert df.columns[:len(ARTICLE_COLUMNS)].tolist() == ARTICLE_COLUMNS


def test_seed_id_is_stable_across_copies(seed_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "copy.txt"
    copy.parent.mkdir()
    copy.write_bytes(seed_path.read_bytes())
    a, _ = read_articles([seed_path])
    b, _ = read_articles([copy])
    assert a["article_id"][0] == b["article_id"][0]          # id from content, not from path


def test_scraped_text_variants() -> None:
    art = parse_scraped_text(
        "Politics\nSenate passes bill\nBy Jane Doe\nMarch 3, 2025\n\nFirst para line one\ncontinues here.\n\n"
        "Second para.\n\nShare this article\n\nRelated\nOther story one\nOther story two\n")
    assert art["section"] == "Politics" and art["title"] == "Senate passes bill"
    assert art["byline"] == "Jane Doe" and art["raw_date"] == "March 3, 2025"
    assert art["text"] == "First para line one continues here.\n\nSecond para."


# --- metadata --------------------------------------------------------------------------------

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


# --- tabular ------------------------------------------------------------------------------------

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


def test_unknown_map_column_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "t.jsonl").write_text('{"text": "a b c", "title": "T"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="nosuch"):
        read_articles([tmp_path], mapping={"text": "nosuch"})
    with pytest.raises(UsageError, match="unknown article column"):
        read_articles([tmp_path], mapping={"body": "text"})
    with pytest.raises(UsageError, match="no such file"):
        read_articles([tmp_path / "absent"])


def test_sniffing_by_content() -> None:
    assert sniff_format(Path("a.txt"), b"<!doctype html><html>") == "html"
    assert sniff_format(Path("a.bin"), b"PAR1....") == "parquet"
    assert sniff_format(Path("noext"), b'{"a": 1}\n') == "jsonl"
    assert sniff_format(Path("noext"), b"Headline\n\nBody") == "text"
    assert sniff_format(Path("a.pdf"), b"%PDF-1.4") is None


# --- bad input -----------------------------------------------------------------------------------

@pytest.fixture()
def bad_folder(tmp_path: Path) -> Path:
    """A folder with one of every bad-input case next to good files."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (d / "doc.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (d / "cp1252.txt").write_bytes("Caf\u00e9 talks\nWorld\n\nThe minister\u2019s \u201cfinal\u201d offer, r\u00e9sum\u00e9 in hand.\n".encode("cp1252"))
    (d / "bom.txt").write_bytes("\ufeffBOM headline\n\nBody with \u201cquotes\u201d.\n".encode("utf-8"))
    (d / "utf16.txt").write_bytes("UTF-16 headline\n\nBody na\u00efve \u2014 ok.\n".encode("utf-16"))
    good = {"id": "g1", "title": "Good one", "text": "Good text one.", "date": "2024-01-02", "source": "S"}
    lines = [json.dumps(good),
             "{not json",
             json.dumps({"id": "g2", "title": "Bad date", "text": "Text two.", "date": "2023-02-30", "source": "S"}),
             json.dumps({"id": "g3", "title": "Words", "text": "Text three.", "date": "someday soon", "source": "S"}),
             json.dumps({"id": "g4", "source": "S", "date": "2024-01-03"}),                  # no text, no title
             json.dumps({"id": "g5", "title": "Title only", "source": "S"}),                 # kept, warned
             json.dumps({**good, "title": "Same id again", "text": "Different text."}),      # duplicate id
             json.dumps({"id": "g6", "title": "Future", "text": "Text six.", "date": "2090-01-01"}),
             '{"id": "g7", "title": "Trunc", "text": "cut off']
    (d / "records.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (d / "page.html").write_text(
        "<html><head><title>Page title</title><script>var SECRET_SCRIPT = 1;</script>"
        "<meta property='article:published_time' content='2024-03-05'></head><body>"
        "<article><h1>Script page headline</h1><script>document.write('SECRET_SCRIPT')</script>"
        "<p>The council voted on Tuesday to approve the new budget for the coming year after a long debate.</p>"
        "<p>Members said the plan protects schools and transit while keeping taxes flat for residents.</p>"
        "</article><style>.x{color:red}</style></body></html>", encoding="utf-8")
    return d


def test_bad_inputs_reported_good_ones_load(bad_folder: Path) -> None:
    df, skipped = read_articles([bad_folder])
    reasons = _reasons(skipped)
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"].startswith("binary file")
    assert reasons["doc.pdf"].startswith("unsupported file type")
    assert reasons["records.jsonl:2"].startswith("invalid JSON")
    assert reasons["records.jsonl:9"].startswith("truncated last line")
    assert reasons["records.jsonl:5"].startswith("missing text")
    assert reasons["records.jsonl:7"].startswith("duplicate id 'g1' in input")
    by_title = df.set_index("title")
    assert by_title.loc["Café talks", "text"] == "The minister’s “final” offer, résumé in hand."
    assert by_title.loc["BOM headline", "text"] == "Body with “quotes”."
    assert by_title.loc["UTF-16 headline", "text"] == "Body naïve — ok."
    assert by_title.loc["Good one", "date"] == pd.Timestamp("2024-01-02")
    for t in ("Bad date", "Words", "Future"):
        assert pd.isna(by_title.loc[t, "date"])
    warned = {Path(w["origin"]).name: w["reason"] for w in df.attrs["warnings"]}
    assert "impossible date" in warned["records.jsonl:3"] and "unparseable date" in warned["records.jsonl:4"]
    assert "impossible date" in warned["records.jsonl:8"] and "title only" in warned["records.jsonl:6"]
    assert "cp1252" in warned["cp1252.txt"]
    page = by_title.loc["Script page headline"] if "Script page headline" in by_title.index else by_title.loc["Page title"]
    assert "SECRET_SCRIPT" not in page["text"] and "color:red" not in page["text"]
    assert "council voted" in page["text"] and page["date"] == pd.Timestamp("2024-03-05")
    assert len(df) == 9 and "SECRET_SCRIPT" not in " ".join(df["text"])


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


def test_html_without_date_stays_undated(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(
        "<html><head><title>T</title></head><body><article><h1>No date here</h1>"
        "<p>The council voted to approve the new budget for the coming year after a long debate.</p>"
        "<p>Members said the plan protects schools and transit while keeping taxes flat.</p></article></body></html>",
        encoding="utf-8")
    df, skipped = read_articles([tmp_path])
    assert skipped == [] and df.loc[0, "title"] == "No date here" and pd.isna(df.loc[0, "date"])
    assert df.loc[0, "text"].count("\n\n") == 1


def test_json_shapes(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"title": "Solo", "text": "One article."}, indent=2))
    (tmp_path / "many.json").write_text(json.dumps([{"title": "A", "text": "First."}, 3, {"title": "B", "text": "Second."}]))
    (tmp_path / "map.json").write_text(json.dumps({"immigration": "migration", "trade": "trade"}, indent=2))
    df, skipped = read_articles([tmp_path])
    assert sorted(df["title"]) == ["A", "B", "Solo"]
    reasons = _reasons(skipped)
    assert reasons["many.json#1"] == "not a JSON object" and "without article fields" in reasons["map.json"]


def test_sample_corpus_has_no_site_boilerplate_left() -> None:
    """Newsletter, email and preference prompts of the bundled sample never reach ``text``."""
    from analysis import config
    from analysis.corpus.loaders.articles import read_articles

    df, skipped = read_articles([config.SAMPLE_DIR])
    assert skipped == []
    assert len(df) == 51
    paragraphs = [p.lower() for t in df["text"].dropna() for p in t.split("\n\n")]
    for prompt in ["manage preferences", "enter your email address", "morning briefing in your inbox",
                   "leave a reply", "required fields are marked"]:
        assert not any(prompt in p for p in paragraphs), prompt
