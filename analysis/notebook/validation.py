"""Validation charts: the package's yearly attention per theme against the human-coded share.

One panel per theme: the human-coded share (black), the share of items that *carry* the theme (the
measure the reports chart), the primary-theme share (dashed) and, lighter, the share that *mention*
it (any lexicon hit). Saved as PNG + SVG + the CSV of the plotted numbers
(:func:`analysis.notebook.plotting.save_chart`).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": [2000, 2001], "theme": ["trade"] * 2, "n_items": [10, 10],
    ...                   "human_share": [0.1, 0.2], "primary_share": [0.1, 0.3],
    ...                   "present_share": [0.2, 0.3], "mention_share": [0.3, 0.4]})
    >>> attention_vs_human(t).data["present_share"].tolist()
    [0.2, 0.3]
"""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker
import pandas as pd

from analysis.notebook.plotting import GREY, OKABE_ITO, STYLE, Chart, save_chart

CHART_STEM = "attention_vs_human"
SERIES = [("human_share", "human-coded share", "#000000", "-", 2.0),
          ("present_share", "carry the theme (package)", OKABE_ITO[0], "-", 1.8),
          ("primary_share", "primary theme (package)", OKABE_ITO[1], "--", 1.4),
          ("mention_share", "mention the theme (any hit)", GREY, ":", 1.0)]


def attention_vs_human(table: pd.DataFrame, *, title: str = "Yearly attention: package vs human coding",
                       source: str = "", stem: str | Path | None = None) -> Chart:
    """Draw one panel per theme of ``table`` (``analysis.model.attention.yearly_attention``)."""
    themes = list(dict.fromkeys(table["theme"]))
    ncols = min(4, max(1, len(themes)))
    nrows = max(1, math.ceil(len(themes) / ncols))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.7 * nrows + 0.8), squeeze=False,
                                 sharex=True)
        for ax, theme in zip(axes.flat, themes):
            d = table[table["theme"] == theme].sort_values("year")
            for col, label, color, style, width in SERIES:
                if col in d:
                    ax.plot(d["year"], d[col], style, color=color, lw=width, label=label,
                            alpha=0.7 if col == "mention_share" else 1.0)
            ax.set_title(str(theme), fontsize=11)
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=None))
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=4))
            ax.set_ylim(bottom=0)
            ax.grid(True, alpha=0.3)
        for ax in list(axes.flat)[len(themes):]:
            ax.set_visible(False)
        for ax in axes[:, 0]:
            ax.set_ylabel("share of items")
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.035), ncol=len(labels), fontsize=9,
                   frameon=False)
        fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
        fig.tight_layout(rect=(0, 0.1, 1, 1))
        if source:
            fig.text(0.01, 0.005, source, fontsize=8, color="#555555", ha="left", va="bottom")
    data = table.reset_index(drop=True)
    if stem is not None:
        save_chart(fig, data, stem)
    return Chart(fig, data)


def write_attention_chart(table: pd.DataFrame, folder: Path) -> dict[str, Path]:
    """Save the chart into ``folder`` as ``attention_vs_human.png/.svg/.csv``; return the paths."""
    chart = attention_vs_human(table, source=f"Source: {int(table['n_items'].sum() / max(table['theme'].nunique(), 1)):,}"
                                              " labelled items; shares per year")
    paths = save_chart(chart.fig, chart.data, Path(folder) / CHART_STEM)
    plt.close(chart.fig)
    return paths
