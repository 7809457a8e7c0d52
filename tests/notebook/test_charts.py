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
    assert set(back["theme"]) == {"trade", "migration"} or set(back["theme"]) <= {"trade", "migration", "economy"}
    assert "other" not in set(back["theme"]) and back["theme"].nunique() == 2
    ax = c.fig.axes[0]
    plotted = np.concatenate([ln.get_ydata() for ln in ax.get_lines()])
    assert np.allclose(np.sort(plotted), np.sort(back["share"].to_numpy()))
    assert "share" in ax.get_ylabel() and "month" in ax.get_ylabel()
    assert c.fig.texts[-1].get_text() == "Source: test"
    assert [ln.get_color() for ln in ax.get_lines()] == plotting.OKABE_ITO[:2]
    # the CSV numbers equal the finalize function's numbers for those themes
    ref = shares[shares["theme"].isin(back["theme"])].sort_values(["theme", "period"])
    assert np.allclose(np.sort(back["share"]), np.sort(ref["share"]))


def test_articles_per_period_lumps_outlets(counts, tmp_path):
    per = counts[counts["theme"] == "trade"][["period", "source", "n_articles"]]
    charts.articles_per_period(per, freq="MS", top=3, stem=tmp_path / "apw")
    back = _read(tmp_path / "apw")
    assert back["source"].nunique() == 4 and aggregate.OTHER_GROUP in set(back["source"])
    assert back["n_articles"].sum() == per["n_articles"].sum()


def test_heatmaps_and_interval_chart(counts, tmp_path):
    by_src = aggregate.theme_share(counts.groupby(["source", "theme"], as_index=False)[
        ["n_articles_with_theme", "n_articles"]].sum())
    charts.outlet_themes(by_src, top=4, stem=tmp_path / "ot")
    back = _read(tmp_path / "ot")
    assert back["source"].nunique() == 4 and "other" not in set(back["theme"])
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
