"""Charts: house style, PNG + SVG + CSV of exactly the plotted numbers."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.aggregate import counts as aggregate
from analysis.notebook import (
    charts,
    plotting,
)
from analysis.themes.lexicon import theme_labels


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture()
def counts() -> pd.DataFrame:
    """Theme counts per month and outlet for 10 outlets."""
    rng = np.random.default_rng(3)
    rows = []
    for p in pd.date_range("2025-01-01", periods=6, freq="MS"):
        for s in [f"Outlet {i}" for i in range(10)]:
            n = int(rng.integers(5, 30))
            for t in ("trade", "migration", "economy", "other"):
                rows.append((p, s, t, int(rng.integers(0, n + 1)), n))
    return pd.DataFrame(rows, columns=["period", "source", "theme", "n_articles_with_theme", "n_articles"])


def _read(stem):
    """Return the CSV saved beside a chart, after checking all three files exist and are non-empty."""
    for ext in ("png", "svg", "csv"):
        f = stem.with_name(stem.name + "." + ext)
        assert f.exists() and f.stat().st_size > 0, f
    return pd.read_csv(stem.with_name(stem.name + ".csv"))


def test_save_chart_writes_png_svg_and_exact_csv(tmp_path):
    data = pd.DataFrame({"term": ["tariff", "border"], "n": [3, 1]})
    c = plotting.bar(data, "term", "n", title="Terms", xlabel="hits (count)", stem=tmp_path / "sub" / "terms")
    back = _read(tmp_path / "sub" / "terms")
    assert back.values.tolist() == [["tariff", 3], ["border", 1]]
    assert (tmp_path / "sub" / "terms.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "sub" / "terms.svg").read_text()
    assert "<svg" in svg and "Terms" in svg
    ax = c.fig.axes[0]
    assert ax.get_xlabel() == "hits (count)" and [p.get_width() for p in ax.patches] == [3, 1]


def test_theme_mix_plots_exactly_the_csv(counts, tmp_path):
    shares = aggregate.theme_share(counts, by=())
    c = charts.theme_mix(shares, freq="MS", top=2, stem=tmp_path / "mix", source="Source: test")
    back = _read(tmp_path / "mix")
    assert "other" not in set(back["theme"]) and back["theme"].nunique() == 2
    # one panel per theme (small multiples), each line = that theme's CSV rows, with its interval
    panels = [ax for ax in c.fig.axes if ax.get_visible() and ax.get_lines()]
    shipped = theme_labels()  # the lexicons' own label lines ("Security and crime")
    assert [ax.get_title(loc="left") for ax in panels] == [shipped[t] for t in dict.fromkeys(back["theme"])]
    for ax, (_theme, rows) in zip(panels, back.groupby("theme", sort=False)):
        assert np.allclose(ax.get_lines()[-1].get_ydata(), rows["share"].to_numpy())
    assert (back["ci_low"] <= back["share"]).all() and (back["share"] <= back["ci_high"]).all()
    assert "month" in c.fig._suptitle.get_text() and c.fig.texts[-1].get_text() == "Source: test"
    # the CSV numbers equal the finalize function's numbers for those themes
    ref = shares[shares["theme"].isin(back["theme"])].sort_values(["theme", "period"])
    assert np.allclose(np.sort(back["share"]), np.sort(ref["share"]))


def test_theme_mix_hides_thin_periods_and_can_coarsen(counts, tmp_path):
    thin = counts.assign(n_articles=counts["n_articles"].where(counts["period"] != "2025-02-01", 1),
                         n_articles_with_theme=counts["n_articles_with_theme"].where(counts["period"] != "2025-02-01", 0))
    shares = aggregate.theme_share(thin, by=())
    c = charts.theme_mix(shares, top=2, min_articles=20, stem=tmp_path / "mix")
    back = _read(tmp_path / "mix")
    assert "2025-02-01" not in set(back["period"]) and back["period"].nunique() == 5
    assert "1 month with fewer than 20 articles is not shown" in c.fig.get_supxlabel()
    q = charts.theme_mix(shares, top=2, min_median=300, stem=tmp_path / "mixq")
    back = _read(tmp_path / "mixq")
    assert set(back["period"]) == {"2025-01-01", "2025-04-01"} and "quarter" in q.fig._suptitle.get_text()
    ref = aggregate.theme_share(aggregate.rebucket(thin, "QS", ["theme"]), by=())
    ref = ref[ref["theme"].isin(back["theme"])]
    assert sorted(back["n_articles_with_theme"]) == sorted(ref["n_articles_with_theme"])


def test_attention_by_outlet_coarsens_hides_and_notes(tmp_path):
    """Six outlets with 0-5 articles a month: the chart moves to a period where the median outlet
    has enough articles, hides the thin points, says so, and its CSV is exactly what is drawn."""
    rng = np.random.default_rng(7)
    rows = []
    for p in pd.date_range("2019-01-01", "2020-12-01", freq="MS"):
        for k, s in enumerate(["Big", "Mid", "Small", "Tiny", "Rare", "Sparse", "Seventh"]):
            n = 1 if s == "Seventh" else int(rng.integers(2, 6)) if k else int(rng.integers(20, 30))
            rows.append((p, s, "trade", int(rng.integers(0, n + 1)), n))
    counts = pd.DataFrame(rows, columns=["period", "source", "theme", "n_articles_with_theme", "n_articles"])
    c = charts.attention_by_outlet(aggregate.theme_share(counts), "trade", freq="MS", top=6, min_articles=10,
                                   min_median=20, stem=tmp_path / "abo")
    back = _read(tmp_path / "abo")
    assert set(back["period_length"]) == {"year"}  # quarters of 0-5 a month stay under 20
    assert set(back["source"]) <= {"Big", "Mid", "Small", "Tiny", "Rare", "Sparse", charts.ALL_OUTLETS}
    assert "Seventh" not in set(back["source"]) and (back["n_articles"] >= 10).all()
    assert ((back["ci_low"] <= back["share"]) & (back["share"] <= back["ci_high"])).all()
    yearly = aggregate.theme_share(aggregate.rebucket(counts, "YS", ["source", "theme"]))
    mine = yearly[yearly["source"] == "Big"]
    assert back.loc[back["source"] == "Big", "n_articles"].tolist() == mine["n_articles"].tolist()
    assert np.allclose(back.loc[back["source"] == "Big", "share"], mine["share"])
    every = back[back["source"] == charts.ALL_OUTLETS]
    assert every["n_articles"].sum() == counts["n_articles"].sum()
    note = c.fig.get_supxlabel()
    assert "Shown per year" in note and "All outlets" in note
    panels = [ax for ax in c.fig.axes if ax.get_visible()]
    assert len(panels) == 6 and panels[0].get_title(loc="left").startswith("Big (")
    drawn = panels[0].get_lines()[-1].get_ydata()
    assert np.allclose(np.asarray(drawn, dtype=float)[~np.isnan(np.asarray(drawn, dtype=float))],
                       back.loc[back["source"] == "Big", "share"].to_numpy())
    # monthly stays monthly when every outlet-month is large enough; nothing hidden, no note about it
    big = counts.assign(n_articles=counts["n_articles"] + 40)
    c2 = charts.attention_by_outlet(aggregate.theme_share(big), "trade", freq="MS", stem=tmp_path / "abo2")
    back2 = _read(tmp_path / "abo2")
    assert set(back2["period_length"]) == {"month"} and "not shown" not in c2.fig.get_supxlabel()


def test_quality_panel_shows_problems_as_shares(tmp_path):
    clean = pd.DataFrame({"check": ["articles in store", "articles without a date", "duplicates flagged (dup_of set)"],
                          "n": [2724, 0, 0], "share_of_articles": [1.0, 0.0, 0.0]})
    c = charts.quality_panel(clean, stem=tmp_path / "q0")
    back = _read(tmp_path / "q0")
    assert dict(back[["check", "n"]].values) == {"articles in store": 2724, "articles without a date": 0,
                                                 "duplicates flagged (dup_of set)": 0}
    assert not c.fig.axes[0].patches and "2,724" in c.fig._suptitle.get_text()  # no bar of 2,724 beside zeros
    assert "articles without a date" in c.fig.get_supxlabel()
    found = pd.concat([clean.assign(n=[2724, 12, 240]),
                       pd.DataFrame({"check": ["ingest skipped: empty file"], "n": [3], "share_of_articles": [np.nan]})])
    c = charts.quality_panel(found, stem=tmp_path / "q1")
    back = _read(tmp_path / "q1")
    widths = [p.get_width() for p in c.fig.axes[0].patches]
    assert np.allclose(widths, [240 / 2724, 12 / 2724, 3 / 2724])  # shares, largest first; no total bar
    assert back["n"].tolist() == [2724, 240, 12, 3]
    labels = [t.get_text() for t in c.fig.axes[0].texts]
    assert "240 (8.8%)" in labels and "12 (0.44%)" in labels  # the percent rule of the finding sentences


def test_collocations_chart_shows_counts(tmp_path):
    t = pd.DataFrame({"ngram": ["trade war", "white house"], "freq": [144, 202], "n_articles": [63, 82],
                      "score": [1133.2, 980.1]})
    c = charts.collocations(t, "trade", stem=tmp_path / "col")
    assert _read(tmp_path / "col")["ngram"].tolist() == ["trade war", "white house"]
    ax = c.fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [144, 202]
    assert [x.get_text() for x in ax.texts] == ["144 in 63 articles", "202 in 82 articles"]


def test_tone_coarsens_and_hides_thin_periods(tmp_path):
    t = pd.DataFrame({"period": pd.date_range("2020-01-01", periods=24, freq="MS"), "theme": "trade",
                      "compound_sum": np.linspace(-2, 2, 24), "n_articles": [3] * 12 + [1] * 12})
    t["mean_compound"] = t["compound_sum"] / t["n_articles"]
    c = charts.tone_over_time(t, freq="MS", min_median=20, min_articles=20, stem=tmp_path / "tone")
    back = _read(tmp_path / "tone")
    assert back["period"].tolist() == ["2020-01-01"] and back["n_articles"].tolist() == [36]
    assert np.isclose(back["mean_compound"].iloc[0], t["compound_sum"].iloc[:12].sum() / 36)
    note = c.fig.get_supxlabel()
    assert "Shown per year" in note and "1 year with fewer than 20 articles is not shown" in note
    lo, hi = c.fig.axes[0].get_ylim()
    assert lo <= -0.25 and hi >= 0.25  # a small tone difference is not blown up to the full height


def test_articles_per_period_moves_to_months_when_weeks_are_too_many(tmp_path):
    weeks = pd.date_range("2015-01-05", periods=200, freq="W-MON")
    per = pd.DataFrame({"period": np.repeat(weeks, 2), "source": ["A", "B"] * 200, "n_articles": 1})
    c = charts.articles_per_period(per, freq="W", top=3, stem=tmp_path / "apw")
    back = _read(tmp_path / "apw")
    assert back["n_articles"].sum() == 400 and back["period"].nunique() <= 80
    assert "per month" in c.fig._suptitle.get_text() and "weeks" in c.fig.get_supxlabel()
    few = per[per["period"] < weeks[10]]
    charts.articles_per_period(few, freq="W", stem=tmp_path / "few")
    assert _read(tmp_path / "few")["period"].nunique() == 10


def test_heatmaps_are_not_saturated_by_a_few_cells(tmp_path):
    mat = pd.DataFrame([[600, 5, 2], [5, 90, 1], [2, 1, 40]], index=["a", "b", "c"], columns=["a", "b", "c"])
    mat.index.name, mat.columns.name = "theme", "co_theme"
    c = charts.cooccurrence_heatmap(mat, stem=tmp_path / "co")
    assert _read(tmp_path / "co")["value"].sum() == mat.values.sum()  # the CSV keeps every cell
    shown = c.fig.axes[0].images[0].get_array()
    assert np.ma.getmaskarray(shown).diagonal().all() and shown.max() == 5  # the diagonal is out of the scale
    assert {t.get_text() for t in c.fig.axes[0].texts} >= {"600", "90", "40"}  # but still written
    countries = pd.DataFrame({"trade": [150, 3], "energy": [2, 1], "housing": [0, 0]}, index=["United States", "Chile"])
    countries.index.name, countries.columns.name = "country", "theme"
    c = charts.theme_country(countries, "Countries", stem=tmp_path / "cc")
    assert set(_read(tmp_path / "cc")["theme"]) == {"trade", "energy"}  # an empty theme column is left out
    assert isinstance(c.fig.axes[0].images[0].norm, matplotlib.colors.PowerNorm)


def test_articles_per_period_lumps_outlets(counts, tmp_path):
    per = counts[counts["theme"] == "trade"][["period", "source", "n_articles"]]
    charts.articles_per_period(per, freq="MS", top=3, stem=tmp_path / "apw")
    back = _read(tmp_path / "apw")
    assert back["source"].nunique() == 4 and aggregate.OTHER_GROUP in set(back["source"])
    assert back["n_articles"].sum() == per["n_articles"].sum()


def test_heatmaps_and_interval_chart(counts, tmp_path):
    by_src = aggregate.theme_share(counts.groupby(["source", "theme"], as_index=False)[
        ["n_articles_with_theme", "n_articles"]].sum())
    chart = charts.outlet_themes(by_src, top=4, stem=tmp_path / "ot")
    back = _read(tmp_path / "ot")
    assert back["source"].nunique() == 4 and "other" not in set(back["theme"])
    cells = [t.get_text() for t in chart.fig.axes[0].texts]  # written by the one percent rule
    assert cells and all(c.endswith("%") for c in cells), cells
    assert np.allclose(back["share"], back["n_articles_with_theme"] / back["n_articles"])
    mat = pd.DataFrame([[3, 1], [1, 2]], index=["trade", "migration"], columns=["trade", "migration"])
    mat.index.name, mat.columns.name = "theme", "co_theme"
    charts.cooccurrence_heatmap(mat, stem=tmp_path / "co")
    assert _read(tmp_path / "co")["value"].tolist() == [3, 1, 1, 2]
    ci = aggregate.share_with_ci(counts.rename(columns={"source": "group"}).query("group in ['Outlet 0', 'Outlet 1']"),
                                 by=("group",))
    c = charts.compare_shares(ci, "outlet", stem=tmp_path / "cmp")
    back = _read(tmp_path / "cmp")
    assert set(back["outlet"]) == {"Outlet 0", "Outlet 1"} and (back["ci_low"] <= back["share"]).all()
    assert "Wilson" in c.fig.texts[0].get_text()


def test_attention_chart_two_panels(counts, tmp_path):
    shares = aggregate.share_with_ci(counts, by=())
    c = charts.theme_attention(shares, "trade", freq="MS", stem=tmp_path / "att")
    back = _read(tmp_path / "att")
    assert len(c.fig.axes) == 2 and len(back) == 6
    assert back["n_articles"].sum() == counts.query("theme == 'trade'")["n_articles"].sum()
    assert "%" in c.fig.axes[0].get_yticklabels()[-1].get_text() or c.fig.axes[0].get_ylabel().startswith("share")


def test_keyness_and_strip(tmp_path):
    k = pd.DataFrame({"term": ["tariff", "border", "rain"], "count_a": [5, 1, 0], "count_b": [0, 4, 3],
                      "log_odds": [2.0, -1.0, -1.5], "z": [3.1, -1.2, -2.0], "group": ["trade", "other", "other"]})
    charts.keyness(k, stem=tmp_path / "key")
    assert _read(tmp_path / "key")["term"].tolist() == ["tariff", "border", "rain"]
    strip = pd.DataFrame({"paragraph": [0, 0, 1, 1], "theme": ["trade", "migration"] * 2, "hits": [1, 0, 2, 3]})
    c = charts.theme_strip(strip, stem=tmp_path / "strip")
    assert _read(tmp_path / "strip")["hits"].tolist() == [1, 0, 2, 3]
    assert c.fig.axes[0].get_ylabel().startswith("paragraph")


def test_source_note_describes_corpus():
    arts = pd.DataFrame({"source": ["A", "B", "A"], "date": pd.to_datetime(["2025-01-02", None, "2025-03-01"])})
    assert charts.source_note(arts, "Source: sample") == "Source: sample · 3 articles, 2 outlets, 2025-01-02 to 2025-03-01"


def test_style_keeps_interactive_mode_set_inside():
    """The notebook's inline backend turns interactive mode on while the first figure is made;
    leaving the style block must not turn it off (or later figures would not be shown)."""
    was = matplotlib.is_interactive()
    try:
        matplotlib.interactive(False)
        with plotting._style():
            matplotlib.interactive(True)  # what loading the inline backend does
        assert matplotlib.is_interactive()
    finally:
        matplotlib.interactive(was)


def test_chart_csv_neutralizes_formula_cells(tmp_path):
    """A chart's CSV is for readers: formula-like labels get an apostrophe, numbers stay numbers."""
    import csv

    k = pd.DataFrame({"term": ['=HYPERLINK("http://evil","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "+tariff", "rain"],
                      "z": [3.1, -1.2, -2.0, 0.5], "log_odds": [2.0, -1.0, -1.5, 0.1],
                      "group": ["trade", "other", "-other", "other"]})
    c = charts.keyness(k, stem=tmp_path / "key")
    with (tmp_path / "key.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    assert [r[header.index("term")] for r in body] == [  # sorted by z
        '\'=HYPERLINK("http://evil","x")', "rain", "'@SUM(1+1)*cmd|' /C calc'!A0", "'+tariff"]
    assert [r[header.index("z")] for r in body] == ["3.1", "0.5", "-1.2", "-2.0"]
    assert {r[header.index("group")] for r in body} == {"trade", "other", "'-other"}
    assert c.data["term"].iloc[0] == '=HYPERLINK("http://evil","x")'  # the chart's own data stays raw


def test_theme_ids_are_lexicon_labels_on_the_axes_but_ids_in_the_data() -> None:
    """A reader sees the lexicon's label ("Security and crime") on the chart; the CSV keeps the theme id."""
    strip = pd.DataFrame({"paragraph": [0, 1, 1], "theme": ["foreign_affairs", "trade", "security_crime"],
                          "hits": [2, 1, 1]})
    c = charts.theme_strip(strip)
    assert [t.get_text() for t in c.fig.axes[0].get_xticklabels()] == ["Foreign affairs", "Security and crime", "Trade"]
    assert set(c.data["theme"]) == {"foreign_affairs", "trade", "security_crime"}
    subs = pd.DataFrame({"theme": ["security_crime"] * 2, "subtheme": ["drugs_fentanyl", "border_security"],
                         "n_articles": [5, 3], "n_hits": [9, 4]})
    c = charts.subthemes(subs, "security_crime")
    assert {t.get_text() for t in c.fig.axes[0].get_yticklabels()} == {"Border security", "Drugs and fentanyl"}
    assert c.fig._suptitle.get_text() == "Sub-themes of security and crime"  # inside a title: as in a sentence
    co = pd.DataFrame({"co_theme": ["other", "civil_rights"], "n_articles": [4, 2],
                       "share_of_theme_articles": [0.5, 0.05]})
    c = charts.cooccurring(co, "trade")
    assert {t.get_text() for t in c.fig.axes[0].get_yticklabels()} == {"Civil rights and liberties", "No policy theme"}
    assert [t.get_text() for t in c.fig.axes[0].texts] == ["50%", "5%"]  # the one percent rule
