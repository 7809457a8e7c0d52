"""Chart primitives in one house style; every saved chart is PNG + SVG + the CSV of its numbers.

``analysis.notebook.charts`` builds the named report charts from these primitives. House style: readable fonts, the Okabe-Ito colour-blind-safe palette (cividis for heatmaps),
a title, labelled axes with units, concise dated x axes and a source note under the plot.
Each primitive takes a tidy table and returns a ``Chart(fig, data)`` where ``data`` holds exactly the numbers drawn; with ``stem=`` it also calls
``save_chart``.

    >>> import pandas as pd
    >>> c = bar(pd.DataFrame({"term": ["tariff"], "n": [3]}), "term", "n", title="Terms",
    ...         xlabel="hits (count)")
    >>> c.data.values.tolist()
    [['tariff', 3]]
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import matplotlib
import matplotlib.dates as mdates
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from analysis.spreadsheet import write_reader_csv

OKABE_ITO: list[str] = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7",
                        "#F0E442", "#000000"]
GREY = "#999999"
HEATMAP_CMAP = "cividis"
STYLE: dict[str, object] = {
    "font.size": 11, "axes.titlesize": 13, "axes.titleweight": "bold", "axes.labelsize": 11,
    "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 9, "legend.frameon": False,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO), "figure.dpi": 100,
    "savefig.dpi": 150, "savefig.bbox": "tight", "svg.hashsalt": "policy-news-analysis",
    "svg.fonttype": "none",
}
DEFAULT_SOURCE = "Source: policy-news-analysis article store"


@contextmanager
def _style() -> Iterator[None]:
    """The house rcParams for the block; keeps the interactive flag a backend set inside it.

    (The first figure may load the notebook's inline backend, which switches interactive mode
    on; a plain ``rc_context`` would switch it off again on exit and hide later figures.)
    """
    with plt.rc_context(STYLE):
        try:
            yield
        finally:
            interactive = matplotlib.is_interactive()
    matplotlib.interactive(interactive)


class Chart(NamedTuple):
    """A drawn figure and the exact numbers it shows."""

    fig: plt.Figure
    data: pd.DataFrame


def save_chart(fig: plt.Figure, data: pd.DataFrame, stem: str | Path) -> dict[str, Path]:
    """Write ``stem.png``, ``stem.svg`` and ``stem.csv`` (the plotted numbers); return the paths.

    The CSV is a reader CSV (:func:`analysis.spreadsheet.write_reader_csv`): a text cell that a
    spreadsheet would run as a formula gets a leading apostrophe; numbers are written unchanged.

    >>> import pathlib, tempfile
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> data = pd.DataFrame({"month": ["2025-01", "2025-02"], "share": [0.2, 0.4]})
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(data["month"], data["share"])
    >>> paths = save_chart(fig, data, pathlib.Path(tempfile.mkdtemp()) / "trade_share")
    >>> sorted(p.name for p in paths.values())
    ['trade_share.csv', 'trade_share.png', 'trade_share.svg']
    >>> plt.close(fig)
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = {ext: stem.with_name(stem.name + "." + ext) for ext in ("png", "svg", "csv")}
    with _style():
        fig.savefig(paths["png"], metadata={"Software": None})
        fig.savefig(paths["svg"], metadata={"Date": None})
    frame = data.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m-%d")
    write_reader_csv(frame, paths["csv"], index=False)
    return paths


def source_note(articles: pd.DataFrame | None = None, source: str = DEFAULT_SOURCE) -> str:
    """Return a source line: corpus label, number of articles and outlets, date range.

    >>> source_note(pd.DataFrame({"source": ["A"], "date": pd.to_datetime(["2025-01-02"])}), "Source: test")
    'Source: test · 1 article, 1 outlet, 2025-01-02 to 2025-01-02'
    """
    if articles is None or not len(articles):
        return source
    dates = pd.to_datetime(articles["date"], errors="coerce").dropna() if "date" in articles else pd.Series([])
    span = (f", {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(dates) else "")
    outlets = articles["source"].nunique() if "source" in articles else 0
    parts = [f"{len(articles):,} article{'s' if len(articles) != 1 else ''}"]
    if outlets:
        parts.append(f"{outlets:,} outlet{'s' if outlets != 1 else ''}")
    return f"{source} · {', '.join(parts)}{span}"


def _new(title: str, size: tuple[float, float] = (9, 4.8), nrows: int = 1, **kw) -> tuple:
    """Create a figure in the house style."""
    with _style():
        fig, ax = plt.subplots(nrows, 1, figsize=size, **kw)
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    return fig, ax


def _finish(fig: plt.Figure, source: str, stem: str | Path | None, data: pd.DataFrame) -> Chart:
    """Add the source note, lay out, optionally save; return the Chart."""
    with _style():
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        fig.text(0.01, 0.01, source, fontsize=8, color="#555555", ha="left", va="bottom")
    chart = Chart(fig, data.reset_index(drop=True))
    if stem is not None:
        save_chart(fig, chart.data, stem)
    return chart


def _style_ax(ax: plt.Axes) -> None:
    """Apply spines/grid settings to an axes created outside rc_context."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, alpha=0.3)
    ax.set_axisbelow(True)


def _dates(ax: plt.Axes) -> None:
    """Concise date ticks on the x axis."""
    loc = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _colors(n: int, labels: list[str] | None = None) -> list[str]:
    """Okabe-Ito colours for n series; the 'Other …' series is grey."""
    cols = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]
    for i, lab in enumerate(labels or []):
        if str(lab).lower().startswith("other"):
            cols[i] = GREY
    return cols


def lines(data: pd.DataFrame, x: str, y: str, group: str | None = None, *, title: str,
          ylabel: str, xlabel: str = "", percent: bool = False, source: str = DEFAULT_SOURCE,
          stem: str | Path | None = None, markers: bool = True) -> Chart:
    """Line chart over dates (one line per ``group``); ``percent`` formats a 0..1 axis as %."""
    fig, ax = _new(title)
    groups = list(dict.fromkeys(data[group])) if group else [None]
    for g, col in zip(groups, _colors(len(groups), groups)):
        d = data if g is None else data[data[group] == g]
        d = d.sort_values(x)
        ax.plot(d[x], d[y], marker="o" if markers else None, ms=3, lw=1.6, color=col,
                label=None if g is None else str(g))
    _style_ax(ax)
    if pd.api.types.is_datetime64_any_dtype(data[x]):
        _dates(ax)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_ylim(bottom=0 if data[y].min() >= 0 else None)
    if group:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    cols = [c for c in (x, group, y) if c] + [c for c in data.columns if c not in (x, group, y)]
    return _finish(fig, source, stem, data[cols])


def stacked_bars(data: pd.DataFrame, x: str, y: str, group: str, *, title: str, ylabel: str,
                 xlabel: str = "", source: str = DEFAULT_SOURCE, stem: str | Path | None = None) -> Chart:
    """Stacked bars per date (e.g. articles per week by outlet)."""
    fig, ax = _new(title)
    wide = data.pivot_table(index=x, columns=group, values=y, aggfunc="sum", fill_value=0, sort=False)
    wide = wide.sort_index()
    labels = list(dict.fromkeys(data[group]))
    wide = wide[labels]
    xs = wide.index
    width = 0.8 * (np.median(np.diff(mdates.date2num(xs))) if len(xs) > 1 else 5)
    bottom = np.zeros(len(xs))
    for lab, col in zip(labels, _colors(len(labels), labels)):
        ax.bar(xs, wide[lab].values, width=width, bottom=bottom, color=col, label=str(lab))
        bottom += wide[lab].values
    _style_ax(ax)
    _dates(ax)
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _finish(fig, source, stem, data[[x, group, y]].sort_values([x, group]))


def bar(data: pd.DataFrame, label: str, value: str, *, title: str, xlabel: str,
        source: str = DEFAULT_SOURCE, stem: str | Path | None = None, color: str = OKABE_ITO[0],
        err_low: str | None = None, err_high: str | None = None, percent: bool = False) -> Chart:
    """Horizontal bars, largest on top, optional error bars from ``err_low``/``err_high`` columns."""
    d = data.reset_index(drop=True)
    fig, ax = _new(title, size=(9, max(2.5, 0.35 * len(d) + 1.4)))
    ypos = np.arange(len(d))[::-1]
    xerr = None
    if err_low and err_high:
        xerr = np.vstack([(d[value] - d[err_low]).clip(lower=0), (d[err_high] - d[value]).clip(lower=0)])
    bars = ax.barh(ypos, d[value], color=color, xerr=xerr, capsize=3 if xerr is not None else 0,
                   error_kw={"ecolor": "#333333", "lw": 1})
    if xerr is None and len(d):
        fmt = "{:.0%}" if percent else ("{:,.0f}" if np.allclose(d[value].fillna(0) % 1, 0) else "{:.3g}")
        ax.bar_label(bars, labels=[fmt.format(v) if pd.notna(v) else "" for v in d[value]], padding=3, fontsize=9)
    ax.set_yticks(ypos, [str(v) for v in d[label]])
    _style_ax(ax)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    if percent:
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    return _finish(fig, source, stem, d)


def diverging_bar(data: pd.DataFrame, label: str, value: str, side: str, *, title: str,
                  xlabel: str, source: str = DEFAULT_SOURCE, stem: str | Path | None = None) -> Chart:
    """Horizontal bars coloured by ``side`` (e.g. keyness: theme vs other coverage)."""
    d = data.reset_index(drop=True)
    fig, ax = _new(title, size=(9, max(2.5, 0.32 * len(d) + 1.4)))
    sides = list(dict.fromkeys(d[side]))
    cmap = dict(zip(sides, _colors(len(sides), sides)))
    ypos = np.arange(len(d))[::-1]
    ax.barh(ypos, d[value], color=[cmap[s] for s in d[side]])
    ax.set_yticks(ypos, [str(v) for v in d[label]])
    ax.axvline(0, color="#333333", lw=0.8)
    handles = [matplotlib.patches.Patch(color=cmap[s], label=str(s)) for s in sides]
    ax.legend(handles=handles, loc="lower right")
    _style_ax(ax)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    return _finish(fig, source, stem, d)


def heatmap(matrix: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, value_label: str,
            source: str = DEFAULT_SOURCE, stem: str | Path | None = None, fmt: str = "{:.0f}",
            percent: bool = False, data: pd.DataFrame | None = None) -> Chart:
    """Annotated heatmap of a matrix (index = rows); CSV: ``data`` or the long (row, column, value)."""
    m = matrix.astype(float)
    fig, ax = _new(title, size=(max(6.0, 0.55 * m.shape[1] + 3.5), max(3.0, 0.42 * m.shape[0] + 2.2)))
    vals = m.values * (100 if percent else 1)
    im = ax.imshow(vals, cmap=HEATMAP_CMAP, aspect="auto")
    ax.set_xticks(range(m.shape[1]), [str(c) for c in m.columns], rotation=45, ha="right")
    ax.set_yticks(range(m.shape[0]), [str(i) for i in m.index])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    if m.size <= 150:  # annotate small matrices only (text rendering is slow)
        hi = np.nanmax(vals) if np.isfinite(vals).any() else 0
        for (i, j), v in np.ndenumerate(vals):
            if np.isfinite(v):
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                        color="black" if v > 0.6 * hi else "white")
    cbar = fig.colorbar(im, ax=ax)
    cbar.set_label(value_label)
    long = m.rename_axis(index=m.index.name or "row", columns=m.columns.name or "column")
    long = long.stack(future_stack=True).rename("value").reset_index()
    return _finish(fig, source, stem, long if data is None else data)


def share_with_counts(data: pd.DataFrame, *, title: str, freq_label: str, source: str = DEFAULT_SOURCE,
                      stem: str | Path | None = None) -> Chart:
    """Two panels over time: share of articles that carry the theme (line, %) above the article counts (bars).

    A ``mention_share`` column adds a lighter line: the share of articles that *mention* the theme.
    """
    d = data.sort_values("period").reset_index(drop=True)
    fig, (ax1, ax2) = _new(title, size=(9, 6), nrows=2, sharex=True, height_ratios=[2, 1])
    ax1.plot(d["period"], d["share"], marker="o", ms=3, color=OKABE_ITO[0], label="carry the theme")
    if "mention_share" in d.columns:
        ax1.plot(d["period"], d["mention_share"], ls=":", lw=1.2, color=GREY, label="mention the theme (any hit)")
    if {"ci_low", "ci_high"} <= set(d.columns):
        ax1.fill_between(d["period"], d["ci_low"], d["ci_high"], color=OKABE_ITO[0], alpha=0.15,
                         label="95% Wilson interval")
    if "mention_share" in d.columns or {"ci_low", "ci_high"} <= set(d.columns):
        ax1.legend(loc="upper left")
    ax1.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax1.set_ylabel(f"share of all articles per {freq_label}")
    ax1.set_ylim(bottom=0)
    xs = mdates.date2num(d["period"])
    width = 0.8 * (np.median(np.diff(xs)) if len(xs) > 1 else 5)
    ax2.bar(d["period"], d["n_articles"], width=width, color="#DDDDDD", label="all articles")
    ax2.bar(d["period"], d["n_articles_with_theme"], width=width, color=OKABE_ITO[1], label="carry the theme")
    ax2.set_ylabel(f"articles per {freq_label}")
    ax2.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax2.legend(loc="upper left")
    for ax in (ax1, ax2):
        _style_ax(ax)
    _dates(ax2)
    return _finish(fig, source, stem, d)


def interval_dots(data: pd.DataFrame, label: str, group: str, *, title: str, xlabel: str,
                  source: str = DEFAULT_SOURCE, stem: str | Path | None = None) -> Chart:
    """Dot-and-whisker plot of ``share`` with ``ci_low``/``ci_high`` per label, one colour per group."""
    d = data.reset_index(drop=True)
    labels = list(dict.fromkeys(d[label]))
    groups = list(dict.fromkeys(d[group]))
    fig, ax = _new(title, size=(9, max(3.0, 0.45 * len(labels) + 1.8)))
    step = 0.8 / max(1, len(groups))
    for k, (g, col) in enumerate(zip(groups, _colors(len(groups), groups))):
        s = d[d[group] == g]
        y = np.array([len(labels) - 1 - labels.index(v) for v in s[label]]) - (k - (len(groups) - 1) / 2) * step
        err = np.vstack([(s["share"] - s["ci_low"]).clip(lower=0), (s["ci_high"] - s["share"]).clip(lower=0)])
        ax.errorbar(s["share"], y, xerr=err, fmt="o", ms=5, color=col, capsize=2, lw=1.2, label=str(g))
    ax.set_yticks(np.arange(len(labels))[::-1], labels)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(xlabel)
    ax.set_xlim(left=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title=group)
    _style_ax(ax)
    ax.grid(axis="y", visible=False)
    return _finish(fig, source, stem, d)
