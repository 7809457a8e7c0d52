"""Scraped plain text like the seed (analysis.corpus.loaders.text): headline, section, byline, body paragraphs."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.clean import MAX_TITLE
from analysis.corpus.lines import PageContext
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


BODY = ("The council voted on Tuesday to expand the bus network, officials said.\n\n"
        "Residents had asked for more routes for years, and the plan adds six of them.\n\n"
        "“This is a good day for riders,” the mayor said after the vote.")


@pytest.mark.parametrize("head", [
    "Menu\nSearch\nNews\nSports\nWeather\nCity council expands the bus network\nBy Ana Ruiz\nMarch 3, 2025",
    "Accept\nReject All\nWe use cookies to improve your experience.\nHome » Local » Transit\n"
    "City council expands the bus network\nPublished 10:04 AM EST, Mar 3, 2025 | Updated 1 hour ago\n4 min read",
    "The Transit Letter\nSubscribe\nSign in\nCity council expands the bus network\nAna Ruiz\nMar 3, 2025",
    "BREAKING NEWS: Storm closes schools across the county\nCity council expands the bus network\nBy Ana Ruiz",
    "Trending Now\nMayor's race tightens in final week\nBudget hearing moves to Thursday\n"
    "City council expands the bus network\nUpdated 2 hours ago\nPhoto: Ana Ruiz/AP",
])
def test_headline_found_below_menus_banners_and_breadcrumbs(head: str) -> None:
    art = parse_scraped_text(head + "\n\n" + BODY + "\n\nShare\nFacebook\nX\n© 2025 Transit Media. All rights reserved.")
    assert art["title"] == "City council expands the bus network"
    assert art["text"] == BODY.replace("\n\n", "\n\n")


LONG_HEADLINE = ("The council voted to expand the bus network, adding six routes that residents had asked for over "
                 "many years of meetings, petitions and letters to the editor across the whole county.")


@pytest.mark.parametrize("head,title", [
    # a short headline right under a "Trending" list: its stamp marks it, not the list item above it
    ("Watch Live\nNews\nWeather\nSports\nTrending Now\nMayor's race tightens in final week\n"
     "Budget hearing moves to Thursday across the county\nBus Plan, Again\nUpdated 2 hours ago\nPhoto: Ana Ruiz/AP",
     "Bus Plan, Again"),
    ("Trending Now\nMayor's race tightens in final week\nSchool board weighs a longer year\n"
     "The Old Bus-Route Canard\nUpdated 2 hours ago", "The Old Bus-Route Canard"),
    # a menu-like short headline, the author's name alone between it and the date
    ("The Transit Letter\nSubscribe\nSign in\nBuses vs. Trains\nAna Ruiz\nMar 3, 2025\n44\n4\nShare", "Buses vs. Trains"),
    # a headline a rule calls a promo, right above its byline
    ("World Wire\nWorld\nBREAKING NEWS: Council opens bus lanes to bikes\nBy Ana Ruiz\nMarch 3, 2025",
     "BREAKING NEWS: Council opens bus lanes to bikes"),
    # a headline written as a long sentence, its date stamp right under it
    ("Listen\nDownload\n" + LONG_HEADLINE + "\nMarch 3, 2025 5:00 AM ET\nHeard on Morning Edition", LONG_HEADLINE),
])
def test_headline_is_the_line_its_stamp_marks(head: str, title: str) -> None:
    art = parse_scraped_text(head + "\n\n" + BODY)
    assert art["title"] == title and art["text"] == BODY


def test_short_sentence_after_the_body_stays_a_headline_list_goes() -> None:
    art = parse_scraped_text("City council expands the bus network\n\n" + BODY + "\n\nCan we have a vote on that?\n\n"
                             "Mayor's race tightens in final week\n\nStay safe out there!")
    assert art["text"] == BODY + "\n\nCan we have a vote on that?"


def test_stamps_fill_byline_and_date_with_their_origin(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_bytes(("Home › Politics\r\nSenate passes the budget bill\r\nBy Jane Doe | March 3, 2025\r\n\r\n"
                      + BODY.replace("\n", "\r\n")).encode("utf-8"))
    pages = PageContext()
    art, _ = load_text(page, hints={}, pages=pages)
    assert (art["title"], art["byline"], art["raw_date"], art["section"]) == (
        "Senate passes the budget bill", "Jane Doe", "March 3, 2025", "Politics")
    assert art["text"] == BODY
    assert pages.stats.fields == {"title:page": 1, "byline:page": 1, "date:page": 1}
    assert pages.stats.removed["breadcrumb"] == 1


def test_ambiguous_date_stamp_is_not_used() -> None:
    art = parse_scraped_text("Senate passes the budget bill\nPublished 03/04/2025\n\n" + BODY)
    assert art["raw_date"] is None and art["title"] == "Senate passes the budget bill" and art["text"] == BODY


def test_manifest_title_wins_and_its_repeats_go(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The Transit Letter\nA teaser that is not the title\nCity council expands the bus network\n\n"
                                    + BODY + "\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("path,title,byline\na.txt,City council expands the bus network,Ana Ruiz\n",
                                           encoding="utf-8")
    df, skipped = read_articles([tmp_path])
    assert skipped == [] and df.loc[0, "title"] == "City council expands the bus network"
    assert df.loc[0, "text"] == BODY and df.loc[0, "byline"] == "Ana Ruiz"


def test_page_without_body_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "nav.txt").write_text("Home\nNews\nSports\nWeather\nSubscribe\n© 2025 Transit Media\n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("City council expands the bus network\n\n" + BODY + "\n", encoding="utf-8")
    df, skipped = read_articles([tmp_path])
    assert len(df) == 1 and [(Path(s["origin"]).name, s["reason"]) for s in skipped] == [("nav.txt", "no article text found")]


def test_lead_in_headline_form_is_text() -> None:
    art = parse_scraped_text("Ideas\nMemo gave a green light to the inquiry\nBy Ana Ruiz\n4 min read\n\n"
                             "Deputy attorney general okayed the inquiry in a memo in August\n\n" + BODY)
    assert art["title"] == "Memo gave a green light to the inquiry"
    assert art["text"].startswith("Deputy attorney general okayed the inquiry in a memo in August\n\nThe council")


def test_template_lines_are_dropped_and_counted() -> None:
    removed: Counter[str] = Counter()
    art = parse_scraped_text("Gazette Plus\nCity council expands the bus network\n\n" + BODY + "\n\nThe Gazette, since 1901",
                             template=frozenset({"gazette plus", "the gazette, since 1901"}), removed=removed)
    assert art["title"] == "City council expands the bus network" and art["text"] == BODY
    assert removed["template"] == 2


def test_short_repeated_headline_is_not_a_menu() -> None:
    art = parse_scraped_text("Headline\nWorld\n\nHeadline\n\nBody text.\n\nLeave a Reply")
    assert (art["title"], art["section"], art["text"]) == ("Headline", "World", "Body text.")
