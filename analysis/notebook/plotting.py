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

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import matplotlib
import matplotlib.colors
import matplotlib.dates as mdates
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from analysis.notebook.findings import percent as percentage
from analysis.spreadsheet import write_reader_csv
from analysis.themes.lexicon import default_label

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


def tick_label(value: object, names: Mapping[str, str] | None = None) -> str:
    """A category as readers see it on an axis: its entry in ``names`` (the charts pass theme labels,
    e.g. "Foreign affairs"), else the value with underscores as spaces; the chart's CSV keeps the value."""
    return (names or {}).get(str(value)) or default_label(value)


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


def png_bytes(fig: plt.Figure) -> bytes:
    """The figure as PNG bytes in the house style (what a report page shows).

    >>> fig, ax = plt.subplots()
    >>> png_bytes(fig)[:4]
    b'\\x89PNG'
    >>> plt.close(fig)
    """
    buf = io.BytesIO()
    with _style():
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def alt_text(fig: plt.Figure) -> str:
    """Alt text naming what a chart shows: its title and the measure on its axes.

    >>> fig, ax = plt.subplots()
    >>> _ = fig.suptitle("Attention to trade"), ax.set_ylabel("share of articles"), ax.set_xlabel("")
    >>> alt_text(fig)
    'Chart: Attention to trade. Measure: share of articles.'
    >>> plt.close(fig)
    """
    title = fig._suptitle.get_text() if fig._suptitle is not None else ""
    title = title or next((ax.get_title() for ax in fig.axes if ax.get_title()), "") or "chart"
    measures = []
    for ax in fig.axes:
        for text in (ax.get_ylabel(), ax.get_xlabel()):
            if text and text not in measures and ax.get_label() != "<colorbar>":
                measures.append(text)
    return f"Chart: {title}." + (f" Measure: {'; '.join(measures[:3])}." if measures else "")


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
          stem: str | Path | None = None, markers: bool = True, note: str = "", every: str | None = None,
          span: tuple[float, float] | None = None) -> Chart:
    """Line chart over dates (one line per ``group``); ``percent`` formats a 0..1 axis as %; ``note``
    is printed under the plot; ``every`` (a period alias such as ``"QS"``): a missing period breaks
    the line instead of being bridged; ``span``: the y range shown at least (a line at 0 when it is inside)."""
    fig, ax = _new(title, size=(9, 4.8 + (0.3 if note else 0)))
    groups = list(dict.fromkeys(data[group])) if group else [None]
    for g, col in zip(groups, _colors(len(groups), groups)):
        d = data if g is None else data[data[group] == g]
        d = d.sort_values(x)
        if every and len(d):
            step = {"W": "W-MON", "D": "D"}.get(every.upper(), every)
            d = d.set_index(x).reindex(pd.date_range(d[x].min(), d[x].max(), freq=step)).rename_axis(x).reset_index()
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
    if span is not None:
        lo, hi = ax.get_ylim()
        ax.set_ylim(min(lo, span[0]), max(hi, span[1]))
        if span[0] < 0 < span[1]:
            ax.axhline(0, color="#333333", lw=0.8)
    if group:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _note(fig, note)
    cols = [c for c in (x, group, y) if c] + [c for c in data.columns if c not in (x, group, y)]
    return _finish(fig, source, stem, data[cols])


def stacked_bars(data: pd.DataFrame, x: str, y: str, group: str, *, title: str, ylabel: str,
                 xlabel: str = "", source: str = DEFAULT_SOURCE, stem: str | Path | None = None,
                 note: str = "") -> Chart:
    """Stacked bars per date (e.g. articles per week by outlet); ``note`` is printed under the plot."""
    fig, ax = _new(title, size=(9, 4.8 + (0.3 if note else 0)))
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
    _note(fig, note)
    return _finish(fig, source, stem, data[[x, group, y]].sort_values([x, group]))


def bar(data: pd.DataFrame, label: str, value: str, *, title: str, xlabel: str,
        source: str = DEFAULT_SOURCE, stem: str | Path | None = None, color: str = OKABE_ITO[0],
        err_low: str | None = None, err_high: str | None = None, percent: bool = False,
        labels: list[str] | None = None, note: str = "", csv: pd.DataFrame | None = None,
        empty: str = "nothing to show", names: Mapping[str, str] | None = None) -> Chart:
    """Horizontal bars, largest on top, optional error bars from ``err_low``/``err_high`` columns.

    ``labels``: the text at each bar's end (default: the value); ``note``: a line under the plot;
    ``csv``: the table saved instead of ``data`` (e.g. with the rows a note lists); ``empty``: the
    text shown when there are no rows; ``names``: how the categories read on the axis (:func:`tick_label`).
    """
    d = data.reset_index(drop=True)
    fig, ax = _new(title, size=(9, (max(2.5, 0.35 * len(d) + 1.4) if len(d) else 2.0) + (0.3 if note else 0)))
    ypos = np.arange(len(d))[::-1]
    xerr = None
    if err_low and err_high:
        xerr = np.vstack([(d[value] - d[err_low]).clip(lower=0), (d[err_high] - d[value]).clip(lower=0)])
    bars = ax.barh(ypos, d[value], color=color, xerr=xerr, capsize=3 if xerr is not None else 0,
                   error_kw={"ecolor": "#333333", "lw": 1})
    if xerr is None and len(d):
        fmt = "{:,.0f}" if np.allclose(d[value].fillna(0) % 1, 0) else "{:.3g}"
        text = labels if labels is not None else [
            "" if pd.isna(v) else percentage(v) if percent else fmt.format(v) for v in d[value]]
        ax.bar_label(bars, labels=text, padding=3, fontsize=9)
    ax.set_yticks(ypos, [tick_label(v, names) for v in d[label]])
    _style_ax(ax)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    if percent:
        small = len(d) and float(d[value].max()) < 0.1
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=1 if small else 0))
    if not len(d):
        ax.set_axis_off()
        ax.text(0.5, 0.5, empty, transform=ax.transAxes, ha="center", va="center", fontsize=12)
    elif np.isfinite(d[value].to_numpy(dtype=float)).any():
        ax.set_xlim(0, float(np.nanmax(d[value].to_numpy(dtype=float))) * 1.15 or 1)
    _note(fig, note)
    return _finish(fig, source, stem, d if csv is None else csv)


def diverging_bar(data: pd.DataFrame, label: str, value: str, side: str, *, title: str,
                  xlabel: str, source: str = DEFAULT_SOURCE, stem: str | Path | None = None,
                  names: Mapping[str, str] | None = None) -> Chart:
    """Horizontal bars coloured by ``side`` (e.g. keyness: theme vs other coverage); ``names``: how the
    sides read in the legend (:func:`tick_label`)."""
    d = data.reset_index(drop=True)
    fig, ax = _new(title, size=(9, max(2.5, 0.32 * len(d) + 1.4)))
    sides = list(dict.fromkeys(d[side]))
    cmap = dict(zip(sides, _colors(len(sides), sides)))
    ypos = np.arange(len(d))[::-1]
    ax.barh(ypos, d[value], color=[cmap[s] for s in d[side]])
    ax.set_yticks(ypos, [tick_label(v) for v in d[label]])
    ax.axvline(0, color="#333333", lw=0.8)
    handles = [matplotlib.patches.Patch(color=cmap[s], label=tick_label(s, names)) for s in sides]
    ax.legend(handles=handles, loc="lower right")
    _style_ax(ax)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    return _finish(fig, source, stem, d)


def heatmap(matrix: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, value_label: str,
            source: str = DEFAULT_SOURCE, stem: str | Path | None = None, fmt: str = "{:.0f}",
            percent: bool = False, data: pd.DataFrame | None = None, scale: str = "linear",
            diagonal: bool = True, note: str = "", names: Mapping[str, str] | None = None) -> Chart:
    """Annotated heatmap of a matrix (index = rows); CSV: ``data`` or the long (row, column, value).

    ``scale="sqrt"`` spreads the colours of a matrix that one or two large cells would saturate;
    ``diagonal=False`` leaves the diagonal out of the colour scale (grey cells, values written), as
    for a co-occurrence matrix whose diagonal is each theme's own total. ``percent``: a 0..1 matrix shown in
    percent (cells written by the one percent rule, ``fmt`` then unused). ``note``: a line under the plot;
    ``names``: how rows and columns read on the axes (:func:`tick_label`).
    """
    m = matrix.astype(float)
    fig, ax = _new(title, size=(max(6.0, 0.55 * m.shape[1] + 3.5),
                                max(3.0, 0.42 * m.shape[0] + 2.2) + (0.3 if note else 0)))
    vals = m.values * (100 if percent else 1)
    shown = vals.copy()
    square = m.shape[0] == m.shape[1] and list(m.index) == list(m.columns)
    if not diagonal and square:
        np.fill_diagonal(shown, np.nan)
    finite = shown[np.isfinite(shown)]
    hi = float(finite.max()) if finite.size else 1.0
    norm = (matplotlib.colors.PowerNorm(0.5, vmin=0, vmax=hi or 1.0) if scale == "sqrt"
            else matplotlib.colors.Normalize(vmin=min(0.0, float(finite.min())) if finite.size else 0, vmax=hi or 1.0))
    cmap = matplotlib.colormaps[HEATMAP_CMAP].with_extremes(bad="#E8E8E8")
    im = ax.imshow(np.ma.masked_invalid(shown), cmap=cmap, norm=norm, aspect="auto")
    ax.set_xticks(range(m.shape[1]), [tick_label(c, names) for c in m.columns], rotation=45, ha="right")
    ax.set_yticks(range(m.shape[0]), [tick_label(i, names) for i in m.index])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    if m.size <= 400:  # annotate all but large matrices (text rendering is slow)
        size = 8 if m.size <= 150 else 7
        for (i, j), v in np.ndenumerate(vals):
            if np.isfinite(v):
                light = np.isfinite(shown[i, j]) and float(norm(shown[i, j])) > 0.6
                dark = not np.isfinite(shown[i, j]) or light
                text = percentage(m.values[i, j]) if percent else fmt.format(v)
                ax.text(j, i, text, ha="center", va="center", fontsize=size,
                        color="black" if dark else "white")
    cbar = fig.colorbar(im, ax=ax)
    cbar.set_label(value_label + (" (square-root colour scale)" if scale == "sqrt" else ""))
    _note(fig, note)
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


def _note(fig: plt.Figure, note: str) -> None:
    """A reader note under the plot, above the source line (what was hidden or regrouped, and why)."""
    if note:
        fig.supxlabel(note, x=0.01, y=0.01 + 0.2 / fig.get_figheight(), ha="left", va="bottom", fontsize=9,
                      color="#333333", wrap=True)


def small_multiples(data: pd.DataFrame, x: str, y: str, panel: str, *, title: str, ylabel: str,
                    note: str = "", reference: str | None = None, band: tuple[str, str] | None = ("ci_low", "ci_high"),
                    percent: bool = False, ncols: int = 3, panel_titles: dict | None = None,
                    source: str = DEFAULT_SOURCE, stem: str | Path | None = None,
                    empty: str = "Too few articles to show.") -> Chart:
    """One small panel per ``panel`` value on shared axes: ``y`` over ``x`` with its interval ``band``.

    Rows whose ``panel`` is ``reference`` are drawn in grey in every panel (e.g. all outlets); a
    missing ``x`` of a panel breaks its line (hidden points are not bridged). ``note`` is printed
    under the plot; ``empty`` is shown when no panel has a point. ``data`` (all rows, reference
    included) is the CSV.
    """
    d = data.reset_index(drop=True)
    names = [p for p in dict.fromkeys(d[panel]) if p != reference]
    ncols = max(1, min(ncols, len(names)))
    nrows = max(1, -(-len(names) // ncols))
    with _style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(9, 1.2 + 2.3 * nrows + (0.3 if note else 0)),
                                 sharex=True, sharey=True, squeeze=False)
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    grid = pd.Index(sorted(d[x].dropna().unique()))
    has_band = band is not None and set(band) <= set(d.columns)
    ref = d[d[panel] == reference].set_index(x).reindex(grid) if reference is not None else None
    for k, ax in enumerate(axes.flat):
        if k >= len(names):
            ax.set_visible(False)
            continue
        name, col = names[k], OKABE_ITO[k % len(OKABE_ITO)]
        s = d[d[panel] == name].set_index(x).reindex(grid)
        if ref is not None and ref[y].notna().any():
            ax.plot(grid, ref[y], color=GREY, lw=1.2, ls="--", label=str(reference))
        if has_band:
            ax.fill_between(grid, s[band[0]], s[band[1]], color=col, alpha=0.18, lw=0, label="95% interval")
            alone = s[y].notna() & s[y].shift(1).isna() & s[y].shift(-1).isna()  # no band without neighbours
            ax.vlines(grid[alone.to_numpy()], s.loc[alone, band[0]], s.loc[alone, band[1]], color=col, alpha=0.5, lw=1)
        ax.plot(grid, s[y], marker="o", ms=3, lw=1.6, color=col, label=str(name))
        ax.set_title((panel_titles or {}).get(name, str(name)), loc="left", fontsize=10)
        _style_ax(ax)
        if k % ncols == 0:
            ax.set_ylabel(ylabel if nrows == 1 else "")
    if nrows > 1:
        fig.supylabel(ylabel, fontsize=11)
    top = axes.flat[0]
    if not names:
        top.set_visible(True)
        top.set_axis_off()
        top.text(0.5, 0.5, empty, transform=top.transAxes, ha="center", va="center", fontsize=12)
    if percent:
        top.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    hi = d[band[1]] if has_band else d[y]
    top.set_ylim(0 if d[y].min() >= 0 else None, (min(1.0, float(hi.max()) * 1.08) if percent and len(d) else None))
    if pd.api.types.is_datetime64_any_dtype(d[x]):
        for ax in axes.flat:
            _dates(ax)
    key = ([f"Dashed grey line: {reference}."] if names and ref is not None and ref[y].notna().any() else []) + (
        ["Shaded: 95% interval."] if names and has_band else [])
    _note(fig, " ".join([*key, note]).strip())
    return _finish(fig, source, stem, d)


def interval_dots(data: pd.DataFrame, label: str, group: str, *, title: str, xlabel: str,
                  source: str = DEFAULT_SOURCE, stem: str | Path | None = None,
                  names: Mapping[str, str] | None = None) -> Chart:
    """Dot-and-whisker plot of ``share`` with ``ci_low``/``ci_high`` per label, one colour per group;
    ``names``: how the labels read on the axis (:func:`tick_label`)."""
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
    ax.set_yticks(np.arange(len(labels))[::-1], [tick_label(v, names) for v in labels])
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(xlabel)
    ax.set_xlim(left=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title=group)
    _style_ax(ax)
    ax.grid(axis="y", visible=False)
    return _finish(fig, source, stem, d)
