"""Saved web pages (analysis.corpus.loaders.html): main text, title, date and author via trafilatura, no scripts."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.clean import InputError
from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.loaders.html import load_html, parse_html

PAGE = ("<html><head><title>Council passes budget | Harbor Gazette</title>"
        "<meta property='og:site_name' content='Harbor Gazette'><meta name='author' content='Jane Doe'>"
        "<meta property='article:published_time' content='2024-03-05'></head><body><nav>Home News Sports</nav>"
        "<article><h1>Council passes budget</h1><script>var SECRET = 1;</script>"
        "<p>The council voted on Tuesday to approve the new budget for the coming year after a long debate.</p>"
        "<p>Members said the plan protects schools and transit while keeping taxes flat for residents.</p>"
        "</article><style>.x{color:red}</style></body></html>")


def test_html_without_date_stays_undated(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(
        "<html><head><title>T</title></head><body><article><h1>No date here</h1>"
        "<p>The council voted to approve the new budget for the coming year after a long debate.</p>"
        "<p>Members said the plan protects schools and transit while keeping taxes flat.</p></article></body></html>",
        encoding="utf-8")
    df, skipped = read_articles([tmp_path])
    assert skipped == [] and df.loc[0, "title"] == "No date here" and pd.isna(df.loc[0, "date"])
    assert df.loc[0, "text"].count("\n\n") == 1


def test_parse_html_fields_and_no_script(tmp_path: Path) -> None:
    art = parse_html(PAGE, url="https://harbor.example/budget")
    assert art["title"] == "Council passes budget" and art["byline"] == "Jane Doe"
    assert art["raw_date"] == "2024-03-05" and art["source"] == "Harbor Gazette"
    assert art["url"] == "https://harbor.example/budget"
    assert art["text"].split("\n\n")[0].startswith("The council voted") and art["text"].count("\n\n") == 1
    assert "SECRET" not in art["text"] and "color:red" not in art["text"] and "Home News" not in art["text"]
    (tmp_path / "p.html").write_text(PAGE, encoding="utf-8")
    loaded, encoding = load_html(tmp_path / "p.html")
    assert encoding == "utf-8" and loaded["text"] == art["text"]
    with pytest.raises(InputError, match="no article text"):
        parse_html("<html><body><script>document.write('only a script')</script></body></html>")
