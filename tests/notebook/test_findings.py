"""Finding-style captions (analysis.notebook.findings): one plain sentence per section, computed from the
section's table, with readable numbers and labels and no code names; empty tables give a sentence too."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.notebook import findings

CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\d[eE][+-]\d|\{'|\bNone\b|\bnan\b")


def _years(*rows: tuple[str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "n_articles_with_theme", "n_articles"]).assign(
        period=lambda d: pd.to_datetime(d["period"]))


def test_attention_compares_the_last_year_with_the_first_and_skips_thin_years() -> None:
    t = _years(("2016-03-01", 4, 100), ("2016-09-01", 4, 100), ("2018-01-01", 16, 200), ("2019-01-01", 3, 5))
    assert findings.attention(t, "trade") == "Trade was carried by 8% of articles in 2018, up from 4% in 2016."
    falling = _years(("2016-01-01", 30, 100), ("2017-01-01", 10, 100))
    assert "down from 30% in 2016" in findings.attention(falling, "security_crime")
    assert findings.attention(falling, "security_crime").startswith("Security and crime was carried by 10%")
    one = _years(("2020-01-01", 1234, 20000))
    assert findings.attention(one, "trade") == "Trade was carried by 6.2% of articles in 2020 (1,234 of 20,000)."


def test_overview_findings() -> None:
    volume = pd.DataFrame({"period": pd.to_datetime(["2024-01-01"] * 3), "source": ["A", "B", "C"],
                           "n_articles": [1500, 300, 200]})
    assert findings.volume(volume) == ("The selection holds 2,000 dated articles from 3 outlets; A published the "
                                       "most (1,500, 75%).")
    totals = pd.DataFrame({"theme": ["trade", "migration", "other", "energy"], "n_articles_with_theme": [30, 20, 50, 0],
                           "n_articles": [100] * 4})
    assert findings.theme_totals(totals) == ("Of 100 articles, 50% carry no policy theme; the most carried themes are "
                                             "trade (30%) and migration (20%).")
    pairs = pd.DataFrame({"theme_a": ["trade", "economy", "trade", "trade"], "theme_b": ["economy", "trade", "trade", "energy"],
                          "n_articles": [12, 12, 40, 3]})
    assert findings.cooccurrence(pairs) == "Economy and trade appear together most often: 12 articles carry both."
    checks = pd.DataFrame({"check": ["articles in store", "articles without a date", "duplicates flagged (dup_of set)",
                                     "articles with empty text", "ingest skipped: empty file"], "n": [2724, 0, 12, 0, 3]})
    assert findings.quality(checks) == ("Of 2,724 articles in the store, 12 (0.44%) are flagged as duplicates and the "
                                        "last ingest skipped 3 items (empty file).")
    clean = checks.assign(n=[10, 0, 0, 0, 0])
    assert findings.quality(clean).startswith("All 10 articles in the store have a date")
    shares = pd.DataFrame({"source": ["A", "A", "B", "B", "tiny"], "theme": ["trade", "energy"] * 2 + ["trade"],
                           "n_articles_with_theme": [30, 5, 3, 6, 5], "n_articles": [100, 100, 50, 50, 5]})
    assert findings.outlet_gap(shares) == "Outlets differ most on trade: 30% of A articles carry it, against 6% of B articles."


def test_theme_report_findings() -> None:
    terms = pd.DataFrame({"theme": ["trade"] * 3, "term": ["tariff*", "steel", "export*"], "n_hits": [39, 11, 22]})
    assert findings.matched_terms(terms, "trade") == ("The most frequent term of trade is \u201ctariff*\u201d, with 39 "
                                                      "matches, followed by \u201cexport*\u201d and \u201csteel\u201d.")
    tone = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01"]), "mean_compound": [-0.3, 0.1],
                         "n_articles": [10, 30]})
    assert findings.tone(tone, "trade", "MS") == ("Sentences about trade were neutral on average (+0.00 on a scale from "
                                                   "-1 to +1), most negative in January 2024 (-0.30).")
    co = pd.DataFrame({"co_theme": ["economy", "foreign_affairs"], "n_articles": [5, 8],
                       "share_of_theme_articles": [0.25, 0.4]})
    assert findings.cooccurring(co, "trade") == ("Of the articles that carry trade, 40% also carry foreign affairs, the "
                                                 "most frequent companion theme.")
    voices = pd.DataFrame({"speaker": ["Donald Trump"], "speaker_type": ["person"], "quotes": [40], "articles": [30],
                           "outlets": [5], "share": [0.125], "top_outlets": ["A (3)"]})
    assert findings.who_is_quoted(voices, "trade") == ("Donald Trump is quoted most often in trade coverage: 40 "
                                                       "quotations (12% of attributed quotations) in 30 articles from 5 outlets.")
    top = pd.DataFrame({"title": ["Tariffs rise"], "source": ["AP"], "date": pd.to_datetime(["2024-05-03"]),
                        "hits_per_1k_words": [14.04]})
    assert findings.top_articles(top, "trade") == ("The most on-theme article is \u201cTariffs rise\u201d (AP, 2024-05-03), "
                                                   "with 14.0 trade matches per 1,000 words.")
    key = pd.DataFrame({"term": ["tariff", "rain", "steel"], "group": ["trade", "other coverage", "trade"],
                        "z": [9.0, 4.0, 5.0]})
    assert findings.keyness(key, "trade").endswith("are \u201ctariff\u201d and \u201csteel\u201d.")
    kwic = pd.DataFrame({"article_id": ["a", "a", "b"], "match": ["Tariffs", "tariffs", "steel"]})
    assert findings.kwic(kwic, "trade") == ("3 sample lines from 2 articles show how trade terms are used; the most "
                                            "frequent match is \u201ctariffs\u201d.")


def test_compare_and_brief_findings() -> None:
    shares = pd.DataFrame({"theme": ["trade", "trade", "energy", "energy"], "group": ["left", "right"] * 2,
                           "share": [0.05, 0.15, 0.1, 0.11], "ci_low": [0.03, 0.11, 0.07, 0.08],
                           "ci_high": [0.08, 0.2, 0.13, 0.14]})
    assert findings.compare(shares) == ("The groups differ most on trade: 15% of right articles carry it against 5% of "
                                        "left articles; their 95% intervals do not overlap.")
    scores = pd.DataFrame({"theme": ["trade", "migration", "health"], "hits": [12, 4, 1], "present": [True, True, False]})
    assert findings.brief(scores) == ("The article carries trade and migration; its strongest theme is trade with 12 "
                                      "matches.")
    strip = pd.DataFrame({"paragraph": [0, 1, 2, 2], "theme": ["trade", "trade", "trade", "migration"],
                          "hits": [1, 0, 4, 1]})
    assert findings.strip(strip) == "Trade first appears in the headline and peaks in paragraph 2 (4 matches)."


@pytest.mark.parametrize("fn, args", [
    (findings.volume, ()), (findings.theme_mix, ()), (findings.theme_totals, ()), (findings.cooccurrence, ()),
    (findings.outlet_gap, ()), (findings.quality, ()), (findings.attention, ("trade",)),
    (findings.outlet_attention, ("trade",)), (findings.subthemes, ("trade",)), (findings.matched_terms, ("trade",)),
    (findings.collocations, ()), (findings.keyness, ("trade",)), (findings.tone, ("trade",)),
    (findings.mentions, ("place", "trade")), (findings.countries, ("trade",)), (findings.who_is_quoted, ("trade",)),
    (findings.quotes, ("trade",)), (findings.amounts, ("trade",)), (findings.kwic, ("trade",)),
    (findings.cooccurring, ("trade",)), (findings.top_articles, ("trade",)), (findings.brief, ()),
    (findings.strip, ()), (findings.evidence, ()), (findings.compare, ()), (findings.distinctive, ()),
    (findings.groups, ()),
])
def test_empty_tables_give_a_plain_sentence(fn, args) -> None:
    text = fn(pd.DataFrame(), *args)
    assert text.endswith(".") and text[0].isupper() and not CODE.search(text), text


def test_labels_come_from_the_lexicons_lower_case_inside_sentences() -> None:
    assert findings.label("security_crime") == "security and crime"
    assert findings.chart_label("security_crime") == "Security and crime"
    assert findings.label("other") == "no policy theme" and findings.label("drugs_fentanyl") == "drugs and fentanyl"
    assert findings.label("covid") == "COVID-19 pandemic"  # an acronym keeps its capitals
    assert findings.label("New York Times") == "New York Times" and findings.label("source_bias") == "source bias"


def test_a_label_that_starts_with_a_name_keeps_its_case_inside_sentences() -> None:
    findings.use_labels({"us_trade": "U.S. trade", "eu": "EU rules", "x": "X", "flu": "Flu season",
                         "care": "Medicare and Medicaid"})
    assert [findings.label(t) for t in ("us_trade", "eu", "x", "flu", "care")] == [
        "U.S. trade", "EU rules", "X", "flu season", "Medicare and Medicaid"]
    assert findings.chart_label("flu") == "Flu season"


def test_a_user_lexicon_set_labels_findings_and_charts(tmp_path) -> None:
    """The lexicon set a report scores with (helpers.score_article / prepare) words its findings and charts."""
    import matplotlib.pyplot as plt

    from analysis.notebook import charts, helpers

    (tmp_path / "flu.yml").write_text("id: flu\nlabel: Flu season\ndescription: d\ncap_major: []\nsource: s\n"
                                      "terms: [flu]\n", encoding="utf-8")
    (tmp_path / "trade.yml").write_text("id: trade\nlabel: EU trade\ndescription: d\ncap_major: []\nsource: s\n"
                                        "terms: [tariff]\n", encoding="utf-8")
    article = pd.DataFrame({"article_id": ["a"], "title": ["Flu"], "text": ["Flu and a tariff."]})
    helpers.score_article(article, str(tmp_path))
    assert findings.label("flu") == "flu season" and findings.label("trade") == "EU trade"
    strip = pd.DataFrame({"paragraph": [0, 0], "theme": ["flu", "trade"], "hits": [1, 1]})
    assert findings.strip(strip) == "Flu season first appears in the headline and peaks in paragraph 0 (1 match)."
    chart = charts.theme_strip(strip)
    assert [t.get_text() for t in chart.fig.axes[0].get_xticklabels()] == ["Flu season", "EU trade"]
    plt.close(chart.fig)
    helpers.score_article(article)  # the shipped set again
    assert findings.label("trade") == "trade" and findings.label("flu") == "flu"


def test_one_percent_rule_for_sentences_and_tables() -> None:
    from analysis.notebook import tables

    for share, text in ((0.05, "5%"), (0.0512, "5.1%"), (0.123, "12%"), (0.0044, "0.44%"), (1e-7, "<0.01%"),
                        (0.0, "0%")):
        assert findings.percent(share) == tables.format_number(share, percent=True) == text
