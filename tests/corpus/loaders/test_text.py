"""Scraped plain text like the seed (analysis.corpus.loaders.text): headline, section, byline, body paragraphs."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.corpus.clean import MAX_TITLE
from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.loaders.text import load_text, parse_scraped_text
from analysis.schema import ARTICLE_COLUMNS

BODY_FIRST = "Homeland Security Secretary Kristi Noem arrived in Mexico on Friday"
BODY_LAST = "“We’re going to let the courts play out,” Noem told reporters."
HEADLINE = "Kristi Noem, Trump’s secretary of Homeland Security, meets Mexican president"


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


def test_load_text_decodes_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes("Caf\u00e9 talks\nWorld\n\nThe minister\u2019s offer.\n".encode("cp1252"))
    art, encoding = load_text(path)
    assert encoding == "cp1252" and art["title"] == "Café talks" and art["section"] == "World"
    assert art["text"] == "The minister’s offer."


def test_single_line_megabytes_file_is_text_not_title(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text("word " * 1_000_000, encoding="utf-8")       # 5 MB, one line
    (tmp_path / "ok.txt").write_text("Short headline\n\n" + "Body sentence. " * 40 + "\n", encoding="utf-8")
    df, skipped = read_articles([tmp_path])
    assert skipped == []
    long = df[df["origin"].str.endswith("long.txt")].iloc[0]
    assert pd.isna(long["title"]) and long["n_words"] == 1_000_000
    assert df.loc[df["origin"].str.endswith("ok.txt"), "title"].item() == "Short headline"
    warned = [w for w in df.attrs["warnings"] if w["origin"].endswith("long.txt")]
    assert [w["reason"] for w in warned] == [
        f"first line of 4999999 characters is too long for a title (at most {MAX_TITLE}): kept as text"]


def test_over_long_first_line_then_more_lines(tmp_path: Path) -> None:
    art = parse_scraped_text("x" * 600 + "\n\nShort line later\n\nMore body.")
    assert art["title"] is None and art["text"].startswith("x" * 600) and "Short line later" in art["text"]
