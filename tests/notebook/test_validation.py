"""The validation chart (analysis.notebook.validation): package vs human yearly attention, one panel per theme."""
from __future__ import annotations

import csv

import matplotlib.pyplot as plt
import pandas as pd

from analysis.notebook.validation import CHART_STEM, attention_vs_human, write_attention_chart


def _table(themes: list[str]) -> pd.DataFrame:
    """A yearly table like analysis.model.attention.yearly_attention's."""
    rows = [{"year": y, "theme": t, "n_items": 100, "human_share": 0.1 + i / 100, "primary_share": 0.1,
             "present_share": 0.12, "mention_share": 0.3} for i, t in enumerate(themes) for y in (2000, 2001, 2002)]
    return pd.DataFrame(rows)


def test_one_panel_per_theme_with_the_four_series():
    chart = attention_vs_human(_table(["trade", "health", "energy", "economy", "migration"]))
    visible = [ax for ax in chart.fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["trade", "health", "energy", "economy", "migration"]
    assert all(len(ax.get_lines()) == 4 for ax in visible)
    legend = [t.get_text() for t in chart.fig.legends[0].get_texts()]
    assert legend == ["human-coded share", "carry the theme (package)", "primary theme (package)",
                      "mention the theme (any hit)"]
    plt.close(chart.fig)


def test_written_as_png_svg_and_the_csv_of_its_numbers(tmp_path):
    table = _table(["trade", "health"])
    paths = write_attention_chart(table, tmp_path)
    assert sorted(p.name for p in paths.values()) == [f"{CHART_STEM}.csv", f"{CHART_STEM}.png", f"{CHART_STEM}.svg"]
    with paths["csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and rows[0]["theme"] == "trade" and float(rows[0]["present_share"]) == 0.12
    assert paths["png"].stat().st_size > 10_000
