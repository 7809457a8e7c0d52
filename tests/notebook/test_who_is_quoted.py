"""Who is quoted (analysis.notebook.tables.who_is_quoted and its chart): canonical speakers, types, outlets."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from analysis.evidence.places import place_mentions, theme_country_table
from analysis.evidence.quotes import quotes
from analysis.notebook import charts, tables


def test_who_is_quoted_merges_variants_and_keeps_types(tmp_path) -> None:
    arts = pd.DataFrame({
        "article_id": ["a", "b", "c"], "source": ["Reuters", "Fox News", "Reuters"], "title": ["", "", ""],
        "date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
        "text": ["President Donald Trump spoke. “We will put tariffs on everything,” Trump said.",
                 "“The tariffs will hurt our farmers badly,” Mr. Trump said.",
                 "“Prices for consumers will rise this year,” the White House said in a statement. "
                 "“That is a lie and everybody knows it,” a bystander said."]})
    hits = pd.DataFrame({"article_id": ["a", "b", "c", "c"], "theme": ["trade"] * 4, "sentence_id": [1, 0, 0, 1]})
    q = quotes(arts, hits=hits)
    got = tables.who_is_quoted(q, arts, "trade")
    assert got[["speaker", "speaker_type", "quotes", "articles", "outlets"]].values.tolist() == [
        ["Donald Trump", "person", 2, 2, 2], ["White House", "org", 1, 1, 1]]
    assert got["top_outlets"].iloc[0] in ("Fox News (1), Reuters (1)", "Reuters (1), Fox News (1)")
    assert abs(got["share"].sum() - 1.0) < 1e-9
    stem = tmp_path / "who"
    charts.who_is_quoted(got, "Who is quoted", stem=stem)
    plt.close("all")
    saved = pd.read_csv(tmp_path / "who.csv")
    assert saved["label"].tolist() == ["Donald Trump (person)", "White House (org)"]
    assert (tmp_path / "who.png").stat().st_size > 0
    assert tables.who_is_quoted(q.iloc[0:0], arts, "trade").empty


def test_theme_country_chart(tmp_path) -> None:
    arts = pd.DataFrame({"article_id": ["a"], "title": [""], "text": ["Texas and Mexico trade. Chicago voted."]})
    hits = pd.DataFrame({"article_id": ["a", "a"], "theme": ["trade", "politics_elections"], "sentence_id": [0, 1]})
    table = theme_country_table(place_mentions(arts, hits=hits))
    charts.theme_country(table, "Countries", stem=tmp_path / "countries")
    plt.close("all")
    assert (tmp_path / "countries.png").stat().st_size > 0
    assert table.loc["United States"].tolist() == [1, 1]
