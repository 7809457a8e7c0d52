"""The report charts, one function per chart, in the house style of ``analysis.notebook.plotting``.

Each function takes a finalized table from ``analysis.aggregate`` (or a text utility), draws it,
and returns ``Chart(fig, data)`` with ``data`` = exactly the plotted numbers; pass ``stem=`` to
write ``stem.png``, ``stem.svg`` and ``stem.csv`` via ``save_chart``.

    >>> import pandas as pd
    >>> q = pd.DataFrame({"check": ["articles without a date"], "n": [2], "share_of_articles": [0.1]})
    >>> quality_panel(q).data.n.tolist()
    [2]
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.aggregate import counts as aggregate
from analysis.notebook import plotting
from analysis.notebook.plotting import DEFAULT_SOURCE, OKABE_ITO, Chart, save_chart, source_note
from analysis.periods import FREQ_LABELS, period_freq

__all__ = [
    "Chart", "save_chart", "source_note", "articles_per_period", "theme_mix", "cooccurrence_heatmap",
    "outlet_themes", "quality_panel", "theme_attention", "attention_by_outlet", "subthemes",
    "matched_terms", "keyness", "tone_over_time", "mentions", "cooccurring", "theme_strip",
    "compare_shares", "distinctive_terms",
]
Stem = str | Path | None


def _unit(freq: str) -> str:
    """Readable period name for a freq alias ("W" -> "week")."""
    return FREQ_LABELS[period_freq(freq)]


def articles_per_period(counts: pd.DataFrame, freq: str = "W", top: int = 7, *,
                        source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Stacked bars: articles per period by outlet (top outlets, the rest lumped as 'Other outlets')."""
    data = aggregate.lump_groups(counts[["period", "source", "n_articles"]], "source", n=top)
    return plotting.stacked_bars(data, "period", "n_articles", "source",
                                 title=f"Articles per {_unit(freq)} by outlet",
                                 ylabel=f"articles per {_unit(freq)}", source=source, stem=stem)


def theme_mix(shares: pd.DataFrame, freq: str = "MS", top: int = 6, *, source: str = DEFAULT_SOURCE,
              stem: Stem = None) -> Chart:
    """Lines: share of all articles per period that carry each of the ``top`` most frequent themes
    (``other`` = no policy theme is left out)."""
    totals = shares.groupby("theme")["n_articles_with_theme"].sum()
    totals = totals.drop(index=[t for t in totals.index if t == "other"]).sort_values(ascending=False, kind="stable")
    keep = [t for t in totals.index[:top] if totals[t] > 0]
    data = shares[shares["theme"].isin(keep)].copy()
    data["theme"] = pd.Categorical(data["theme"], categories=keep)
    data = data.sort_values(["theme", "period"])
    data["theme"] = data["theme"].astype(str)
    cols = ["period", "theme", "share", "n_articles_with_theme", "n_articles"]
    return plotting.lines(data[cols], "period", "share", "theme", percent=True,
                          title=f"Theme mix: share of articles that carry each theme, per {_unit(freq)}",
                          ylabel=f"share of all articles per {_unit(freq)}", source=source, stem=stem)


def cooccurrence_heatmap(matrix: pd.DataFrame, *, normalized: bool = False, source: str = DEFAULT_SOURCE,
                         stem: Stem = None) -> Chart:
    """Heatmap: articles carrying both themes (diagonal: articles with the theme)."""
    return plotting.heatmap(matrix, title="Theme co-occurrence", xlabel="theme", ylabel="theme",
                            value_label="Jaccard index" if normalized else "articles that carry both themes",
                            fmt="{:.2f}" if normalized else "{:.0f}", source=source, stem=stem)


def outlet_themes(shares: pd.DataFrame, top: int = 12, *, source: str = DEFAULT_SOURCE,
                  stem: Stem = None) -> Chart:
    """Heatmap: share of each outlet's articles carrying each theme (largest outlets)."""
    s = shares[shares["theme"] != "other"]
    size = s.groupby("source")["n_articles"].max().sort_values(ascending=False, kind="stable")
    outlets = list(size.index[:top])
    themes = [t for t in dict.fromkeys(s["theme"]) if s.loc[s["theme"] == t, "n_articles_with_theme"].sum() > 0]
    data = s[s["source"].isin(outlets) & s["theme"].isin(themes)]
    data = data[["source", "theme", "share", "n_articles_with_theme", "n_articles"]]
    matrix = data.pivot(index="source", columns="theme", values="share").reindex(index=outlets, columns=themes)
    matrix.index.name, matrix.columns.name = "source", "theme"
    return plotting.heatmap(matrix, title="Outlets × themes: share of each outlet's articles that carry the theme",
                            xlabel="theme", ylabel="outlet", value_label="share of outlet's articles (%)",
                            percent=True, fmt="{:.0f}", source=source, stem=stem,
                            data=data.sort_values(["source", "theme"]))


def quality_panel(quality: pd.DataFrame, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: data-quality counts (articles, undated, duplicates flagged, ingest skips by reason)."""
    return plotting.bar(quality, "check", "n", title="Data quality", xlabel="count (articles or items)",
                        source=source, stem=stem, color=OKABE_ITO[3])


def theme_attention(shares: pd.DataFrame, theme: str, freq: str = "W", *, source: str = DEFAULT_SOURCE,
                    stem: Stem = None, mentions: pd.DataFrame | None = None) -> Chart:
    """Share of all articles per period carrying ``theme`` (with Wilson band) above the counts.

    ``mentions`` (``count_theme_periods`` of ``aggregate.mentions(scores)``) adds a lighter line:
    the share of articles that *mention* the theme (any lexicon hit).
    """
    d = shares[shares["theme"] == theme]
    cols = [c for c in ("period", "theme", "n_articles_with_theme", "n_articles", "share", "ci_low", "ci_high")
            if c in d.columns]
    d = d[cols]
    if mentions is not None:
        m = aggregate.theme_share(mentions[mentions["theme"] == theme], by=())
        m = m.rename(columns={"n_articles_with_theme": "n_articles_mentioning", "share": "mention_share"})
        d = d.merge(m[["period", "n_articles_mentioning", "mention_share"]], on="period", how="left")
    return plotting.share_with_counts(d, title=f"Attention to {theme}: share of articles that carry the theme",
                                      freq_label=_unit(freq), source=source, stem=stem)


def attention_by_outlet(shares: pd.DataFrame, theme: str, freq: str = "MS", top: int = 6, *,
                        source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Lines: share of each outlet's articles per period carrying ``theme`` (largest outlets)."""
    d = shares[shares["theme"] == theme]
    size = d.groupby("source")["n_articles"].sum().sort_values(ascending=False, kind="stable")
    rank = {s: i for i, s in enumerate(size.index[:top])}
    d = d[d["source"].isin(rank) & (d["n_articles"] > 0)]
    d = d[["period", "source", "share", "n_articles_with_theme", "n_articles"]]
    d = d.assign(_r=d["source"].map(rank)).sort_values(["_r", "period"]).drop(columns="_r")
    return plotting.lines(d, "period", "share", "source", percent=True,
                          title=f"Attention to {theme} by outlet",
                          ylabel=f"share of outlet's articles per {_unit(freq)}", source=source, stem=stem)


def subthemes(table: pd.DataFrame, theme: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: articles mentioning each sub-theme of ``theme``."""
    d = table[table["theme"] == theme].sort_values(["n_articles", "n_hits"], ascending=False, kind="stable")
    return plotting.bar(d, "subtheme", "n_articles", title=f"Sub-themes of {theme}",
                        xlabel="articles carrying the theme that mention the sub-theme", source=source, stem=stem)


def matched_terms(table: pd.DataFrame, theme: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: the lexicon terms of ``theme`` matched most often."""
    d = table[table["theme"] == theme]
    return plotting.bar(d, "term", "n_hits", title=f"Top matched terms: {theme}",
                        xlabel="matches (count)", source=source, stem=stem, color=OKABE_ITO[2])


def keyness(table: pd.DataFrame, *, title: str = "Distinctive terms", source: str = DEFAULT_SOURCE,
            stem: Stem = None) -> Chart:
    """Diverging bars: z-scores of the log-odds ratio of ``analysis.text.keyness`` output by group."""
    d = table.copy()
    d["z"] = d["z"].astype(float)
    d = d.sort_values("z", ascending=False, kind="stable")
    cols = ["term", "group", "z", "log_odds", "count_a", "count_b"]
    return plotting.diverging_bar(d[[c for c in cols if c in d.columns]], "term", "z", "group", title=title,
                                  xlabel="z-score of the log-odds ratio (informative Dirichlet prior)",
                                  source=source, stem=stem)


def tone_over_time(table: pd.DataFrame, freq: str = "MS", *, title: str = "Tone over time",
                   source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Line: mean VADER compound score per period (-1 negative .. +1 positive)."""
    cols = [c for c in ("period", "theme", "mean_compound", "n_articles") if c in table.columns]
    return plotting.lines(table[cols], "period", "mean_compound", None, title=title,
                          ylabel=f"mean compound tone per {_unit(freq)} (−1…+1)", source=source, stem=stem)


def mentions(table: pd.DataFrame, kind: str, title: str, *, source: str = DEFAULT_SOURCE,
             stem: Stem = None) -> Chart:
    """Bars: the most mentioned places / people / organisations (articles mentioning each)."""
    kinds = [kind] if isinstance(kind, str) else list(kind)
    d = table[table["kind"].isin(kinds)].sort_values(["n_articles", "n_mentions"], ascending=False, kind="stable")
    return plotting.bar(d, "name", "n_articles", title=title, xlabel="articles mentioning (count)",
                        source=source, stem=stem, color=OKABE_ITO[4])


def theme_country(table: pd.DataFrame, title: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Heatmap: articles mentioning each country (states and cities rolled up) per theme of the sentence."""
    return plotting.heatmap(table, title=title, xlabel="theme of the sentence", ylabel="country",
                            value_label="articles mentioning", source=source, stem=stem)


def who_is_quoted(table: pd.DataFrame, title: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: quotations per canonical speaker (``tables.who_is_quoted``), labelled with person/org."""
    d = table.assign(label=[f"{s} ({t})" for s, t in zip(table["speaker"], table["speaker_type"])])
    return plotting.bar(d, "label", "quotes", title=title, xlabel="quotations (count)", source=source, stem=stem,
                        color=OKABE_ITO[5])


def cooccurring(table: pd.DataFrame, theme: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: share of ``theme``'s articles that also carry each other theme."""
    d = table[table["n_articles"] > 0]
    return plotting.bar(d, "co_theme", "share_of_theme_articles", percent=True,
                        title=f"Themes co-occurring with {theme}",
                        xlabel=f"share of {theme} articles that also carry the theme", source=source,
                        stem=stem, color=OKABE_ITO[5])


def theme_strip(strip: pd.DataFrame, *, title: str = "Theme strip: matches per paragraph",
                source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Heatmap: theme matches per paragraph of one article (paragraph 0 = headline)."""
    matrix = strip.pivot_table(index="paragraph", columns="theme", values="hits", aggfunc="sum", fill_value=0)
    matrix.columns.name, matrix.index.name = "theme", "paragraph"
    return plotting.heatmap(matrix, title=title, xlabel="theme", ylabel="paragraph (0 = headline)",
                            value_label="theme matches (count)", source=source, stem=stem,
                            data=strip[["paragraph", "theme", "hits"]])


def compare_shares(table: pd.DataFrame, group_label: str = "group", *, source: str = DEFAULT_SOURCE,
                   stem: Stem = None) -> Chart:
    """Dots with 95% Wilson intervals: share of articles carrying each theme, per group."""
    d = table[["theme", "group", "share", "ci_low", "ci_high", "n_articles_with_theme", "n_articles"]]
    seen = d.groupby("theme")["n_articles_with_theme"].sum()
    order = [t for t in schema.ALL_THEMES + [schema.NO_THEME] if seen.get(t, 0) > 0]
    order += sorted(t for t in seen.index if t not in order and seen[t] > 0)
    d = d[d["theme"].isin(order)].copy()
    d["_order"] = d["theme"].map({t: i for i, t in enumerate(order)})
    d = d.sort_values(["_order", "group"], kind="stable").drop(columns="_order")
    return plotting.interval_dots(d.rename(columns={"group": group_label}), "theme", group_label,
                                  title=f"Theme shares by {group_label} (95% Wilson intervals)",
                                  xlabel="share of the group's articles that carry the theme", source=source,
                                  stem=stem)


def distinctive_terms(table: pd.DataFrame, top: int = 8, *, source: str = DEFAULT_SOURCE,
                      stem: Stem = None) -> Chart:
    """Bars: each group's most distinctive terms vs all other groups (log-odds, positive side)."""
    t = table[table["z"] > 0].sort_values(["group", "z"], ascending=[True, False])
    d = t.groupby("group", sort=False).head(top)
    d = d.assign(label=d["group"].astype(str) + ": " + d["term"].astype(str))
    cols = ["label", "group", "term", "z", "log_odds"] + [c for c in ("count_a", "count_b") if c in d.columns]
    return plotting.diverging_bar(d[cols], "label", "z", "group", title="Distinctive terms per group",
                                  xlabel="z-score of the log-odds ratio vs all other groups",
                                  source=source, stem=stem)
