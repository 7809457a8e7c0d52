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
from analysis.notebook.findings import chart_label, label, labels_in_use, percent
from analysis.notebook.plotting import DEFAULT_SOURCE, OKABE_ITO, Chart, save_chart, source_note
from analysis.periods import FREQ_LABELS, period_freq, periods

__all__ = [
    "Chart", "save_chart", "source_note", "articles_per_period", "theme_mix", "cooccurrence_heatmap",
    "outlet_themes", "quality_panel", "theme_attention", "attention_by_outlet", "subthemes",
    "matched_terms", "keyness", "collocations", "tone_over_time", "mentions", "cooccurring", "theme_strip",
    "compare_shares", "distinctive_terms",
]
Stem = str | Path | None
ALL_OUTLETS = "All outlets"


def _names(values: object) -> dict[str, str]:
    """Theme and sub-theme ids among ``values`` -> their labels as a chart shows them ("security_crime" ->
    "Security and crime"); anything else (an outlet, a group) is left to the axis's own rule."""
    known = labels_in_use()
    return {str(v): chart_label(v) for v in dict.fromkeys(values) if str(v) in known}


def _unit(freq: str) -> str:
    """Readable period name for a freq alias ("W" -> "week")."""
    return FREQ_LABELS[period_freq(freq)]


def articles_per_period(counts: pd.DataFrame, freq: str = "W", top: int = 7, *,
                        source: str = DEFAULT_SOURCE, stem: Stem = None, max_periods: int = 80) -> Chart:
    """Stacked bars: articles per period by outlet (top outlets, the rest lumped as 'Other outlets').

    With more than ``max_periods`` periods (hundreds of thin weekly bars) the first coarser period
    with at most that many is used, and a note says so; the CSV holds the plotted periods.
    """
    use = aggregate.auto_freq(counts, freq, min_median=0, max_periods=max_periods) if len(counts) else freq
    per = aggregate.rebucket(counts, use, ["source"], ["n_articles"]) if use != freq else counts
    data = aggregate.lump_groups(per[["period", "source", "n_articles"]], "source", n=top)
    note = ""
    if _unit(use) != _unit(freq):
        n_fine = periods(counts["period"], freq).nunique()
        note = f"Shown per {_unit(use)}: {n_fine:,} {_unit(freq)}s would be too many bars to read."
    return plotting.stacked_bars(data, "period", "n_articles", "source",
                                 title=f"Articles per {_unit(use)} by outlet",
                                 ylabel=f"articles per {_unit(use)}", source=source, stem=stem, note=note)


def theme_mix(shares: pd.DataFrame, freq: str = "MS", top: int = 6, *, source: str = DEFAULT_SOURCE,
              stem: Stem = None, min_articles: int = 5, min_median: int = 0) -> Chart:
    """Small multiples: share of all articles per period that carry each of the ``top`` most frequent
    themes (``other`` = no policy theme is left out), with 95% Wilson intervals.

    Periods with fewer than ``min_articles`` articles are hidden (a note says how many);
    ``min_median`` > 0 moves to a coarser period while the median period has fewer articles.
    """
    totals = shares.groupby("theme")["n_articles_with_theme"].sum()
    totals = totals.drop(index=[t for t in totals.index if t == "other"]).sort_values(ascending=False, kind="stable")
    keep = [t for t in totals.index[:top] if totals[t] > 0]
    d = shares[shares["theme"].isin(keep)]
    use = freq
    if min_median and len(d):
        use = aggregate.auto_freq(d[d["theme"] == keep[0]], freq, min_median=min_median)
    values = ["n_articles_with_theme", "n_articles"]
    d = _shares(aggregate.rebucket(d, use, ["theme"], values) if use != freq else d[["period", "theme", *values]])
    d = d[d["n_articles"] > 0]
    shown = d[d["n_articles"] >= min_articles].copy()
    n_hidden = d.loc[d["n_articles"] < min_articles, "period"].nunique()
    shown["theme"] = pd.Categorical(shown["theme"], categories=keep)
    shown = shown.sort_values(["theme", "period"])
    shown["theme"] = shown["theme"].astype(str)
    cols = ["period", "theme", "share", "ci_low", "ci_high", "n_articles_with_theme", "n_articles"]
    notes = [f"Shown per {_unit(use)}: per {_unit(freq)} the median period had fewer than {min_median:,} articles."
             if _unit(use) != _unit(freq) else "", _hidden_note(n_hidden, min_articles, _unit(use))]
    return plotting.small_multiples(shown[cols], "period", "share", "theme", percent=True,
                                    title=f"Theme mix: share of articles that carry each theme, per {_unit(use)}",
                                    ylabel=f"share of all articles per {_unit(use)}",
                                    note=" ".join(n for n in notes if n), source=source, stem=stem,
                                    panel_titles=_names(keep))


def cooccurrence_heatmap(matrix: pd.DataFrame, *, normalized: bool = False, source: str = DEFAULT_SOURCE,
                         stem: Stem = None) -> Chart:
    """Heatmap: articles carrying both themes; the diagonal (articles with the theme) is written in grey
    cells outside the colour scale, which it would otherwise saturate."""
    note = "" if normalized else "Grey diagonal: the articles that carry the theme (left out of the colour scale)."
    return plotting.heatmap(matrix, title="Theme co-occurrence", xlabel="theme", ylabel="theme",
                            value_label="Jaccard index" if normalized else "articles that carry both themes",
                            fmt="{:.2f}" if normalized else "{:.0f}", source=source, stem=stem,
                            diagonal=normalized, note=note, names=_names([*matrix.index, *matrix.columns]))


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
    matrix.index = [f"{o} ({int(size[o]):,})" for o in outlets]  # each share's denominator
    matrix.index.name, matrix.columns.name = "source", "theme"
    return plotting.heatmap(matrix, title="Outlets × themes: share of each outlet's articles that carry the theme",
                            xlabel="theme", ylabel="outlet (articles)", value_label="share of outlet's articles (%)",
                            percent=True, source=source, stem=stem, names=_names(themes),
                            data=data.sort_values(["source", "theme"]))


def quality_panel(quality: pd.DataFrame, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: each data-quality problem as a share of the articles in the store, labelled with its count.

    The store size is the title's denominator, not a bar (one bar of thousands beside zeros says
    nothing); checks with no problem are listed in a note. Ingest skips are items that never
    became articles, drawn relative to the store size. The CSV keeps every check with its count.
    """
    q = quality.reset_index(drop=True)
    is_total = q["check"].astype(str) == "articles in store"
    total = int(q.loc[is_total, "n"].sum()) if is_total.any() else 0
    problems = q[~is_total].copy()
    problems["share_of_articles"] = problems["n"] / total if total else float("nan")
    found = problems[problems["n"] > 0].sort_values("n", ascending=False, kind="stable")
    clean = problems.loc[problems["n"] == 0, "check"].astype(str).tolist()
    title = f"Data quality: problems among the {total:,} articles in the store"
    if clean:
        note = "Checked, none found: " + "; ".join(clean) + "."
    else:
        note = ""
    labels = [f"{int(n):,} ({percent(sh)})" if pd.notna(sh) else f"{int(n):,}" for n, sh in
              zip(found["n"], found["share_of_articles"])]
    data = pd.concat([q[is_total].assign(share_of_articles=1.0 if total else float("nan")), found,
                      problems[problems["n"] == 0]], ignore_index=True)
    return plotting.bar(found, "check", "share_of_articles", title=title, percent=True, labels=labels,
                        xlabel="share of the articles in the store", note=note, source=source, stem=stem,
                        color=OKABE_ITO[3], csv=data[["check", "n", "share_of_articles"]],
                        empty=f"No problems found among the {total:,} articles.")


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
    return plotting.share_with_counts(d, title=f"Attention to {label(theme)}: share of articles that carry the theme",
                                      freq_label=_unit(freq), source=source, stem=stem)


def _shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Add ``share`` and its 95% Wilson interval to counts already summed per row (no regrouping,
    unlike ``aggregate.share_with_ci``: the rows keep their order)."""
    out = counts.copy()
    out["share"] = out["n_articles_with_theme"] / out["n_articles"].where(out["n_articles"] > 0)
    out["ci_low"], out["ci_high"] = aggregate.wilson_interval(out["n_articles_with_theme"], out["n_articles"])
    return out


def _hidden_note(n_hidden: int, min_articles: int, cell: str) -> str:
    """'5 outlet-quarters with fewer than 10 articles are not shown.' (empty when none)."""
    if not n_hidden:
        return ""
    return (f"{n_hidden:,} {cell}{'s' if n_hidden != 1 else ''} with fewer than {min_articles:,} articles "
            f"{'are' if n_hidden != 1 else 'is'} not shown.")


def attention_by_outlet(shares: pd.DataFrame, theme: str, freq: str = "MS", top: int = 6, *,
                        source: str = DEFAULT_SOURCE, stem: Stem = None, min_articles: int = 10,
                        min_median: int = 20) -> Chart:
    """Small multiples: share of each of the ``top`` largest outlets' articles carrying ``theme``, with
    95% Wilson intervals and all outlets as a grey reference line.

    The period is ``freq`` or, when that leaves the median outlet-period under ``min_median``
    articles, the first coarser one that does not (month -> quarter -> year); points from fewer
    than ``min_articles`` articles are hidden and a note on the chart says how many. The CSV
    holds exactly the plotted points and the period used (``period_length``).
    """
    d = shares[shares["theme"] == theme]
    size = d.groupby("source")["n_articles"].sum().sort_values(ascending=False, kind="stable")
    outlets = [s for s in size.index[:top] if size[s] > 0]
    mine = d[d["source"].isin(outlets)]
    use = aggregate.auto_freq(mine, freq, keys=("source",), min_median=min_median) if len(mine) else freq
    values = ["n_articles_with_theme", "n_articles"]
    per = _shares(aggregate.rebucket(mine, use, ["source"], values))
    per = per[per["n_articles"] > 0]
    every = _shares(aggregate.rebucket(d, use, values=values)).assign(source=ALL_OUTLETS)
    shown = per[per["n_articles"] >= min_articles]
    every = every[every["n_articles"] >= min_articles]
    rank = {s: i for i, s in enumerate(outlets)}
    shown = shown.assign(_r=shown["source"].map(rank)).sort_values(["_r", "period"]).drop(columns="_r")
    unit = _unit(use)
    data = pd.concat([shown, every], ignore_index=True)
    data = data[["period", "source", "share", "ci_low", "ci_high", "n_articles_with_theme", "n_articles"]]
    data = data.assign(period_length=unit)
    notes = []
    if _unit(use) != _unit(freq):
        notes.append(f"Shown per {unit}: per {_unit(freq)} most outlets had fewer than {min_median:,} articles.")
    notes.append(_hidden_note(len(per) - len(shown), min_articles, f"outlet-{unit}"))
    titles = {s: f"{s} ({int(size[s]):,} articles)" for s in outlets}
    return plotting.small_multiples(data, "period", "share", "source", reference=ALL_OUTLETS, percent=True,
                                    title=f"Attention to {label(theme)} by outlet: share of each outlet's articles per {unit}",
                                    ylabel=f"share of outlet's articles per {unit}", note=" ".join(n for n in notes if n),
                                    panel_titles=titles, source=source, stem=stem)


def subthemes(table: pd.DataFrame, theme: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: articles mentioning each sub-theme of ``theme``."""
    d = table[table["theme"] == theme].sort_values(["n_articles", "n_hits"], ascending=False, kind="stable")
    return plotting.bar(d, "subtheme", "n_articles", title=f"Sub-themes of {label(theme)}",
                        xlabel="articles carrying the theme that mention the sub-theme", source=source, stem=stem,
                        names=_names(d["subtheme"]))


def matched_terms(table: pd.DataFrame, theme: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: the lexicon terms of ``theme`` matched most often."""
    d = table[table["theme"] == theme]
    return plotting.bar(d, "term", "n_hits", title=f"Top matched terms: {label(theme)}",
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
                                  source=source, stem=stem, names=_names(d["group"]))


def collocations(table: pd.DataFrame, theme: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: how often each word pair of ``collocations`` occurs (in how many articles), in the table's
    order (strongest association first)."""
    d = table.reset_index(drop=True)
    has_articles = "n_articles" in d.columns and d["n_articles"].notna().all()
    labels = [f"{int(f):,} in {int(a):,} articles" if has_articles else f"{int(f):,}"
              for f, a in zip(d["freq"], d["n_articles"] if has_articles else d["freq"])]
    return plotting.bar(d, "ngram", "freq", title=f"Word pairs typical of {label(theme)} coverage",
                        xlabel="times the pair occurs (count)", labels=labels, source=source, stem=stem,
                        color=OKABE_ITO[2], note="Strongest association first (log-likelihood ratio).")


def tone_over_time(table: pd.DataFrame, freq: str = "MS", *, title: str = "Tone over time",
                   source: str = DEFAULT_SOURCE, stem: Stem = None, min_articles: int = 10,
                   min_median: int = 20) -> Chart:
    """Line: mean VADER compound score per period (-1 negative .. +1 positive).

    From a ``tone_mean`` table (with ``compound_sum``) the period moves to a coarser one while the
    median period has fewer than ``min_median`` articles; periods with fewer than
    ``min_articles`` articles are hidden, and a note on the chart says what was done.
    """
    t, use, notes = table, freq, []
    if {"compound_sum", "n_articles", "period"} <= set(t.columns) and len(t):
        keys = [c for c in ("theme",) if c in t.columns]
        use = aggregate.auto_freq(t, freq, keys=keys, min_median=min_median)
        if use != freq:
            t = aggregate.rebucket(t, use, keys, ["compound_sum", "n_articles"])
            t["mean_compound"] = t["compound_sum"] / t["n_articles"].where(t["n_articles"] > 0)
            notes.append(f"Shown per {_unit(use)}: per {_unit(freq)} the median period had fewer than "
                         f"{min_median:,} articles.")
    if "n_articles" in t.columns:
        hidden = int((t["n_articles"] < min_articles).sum())
        t = t[t["n_articles"] >= min_articles]
        notes.append(_hidden_note(hidden, min_articles, _unit(use)))
    cols = [c for c in ("period", "theme", "mean_compound", "n_articles") if c in t.columns]
    return plotting.lines(t[cols], "period", "mean_compound", None, title=title, note=" ".join(n for n in notes if n),
                          every=use if "period" in t.columns and pd.api.types.is_datetime64_any_dtype(t["period"]) else None,
                          span=(-0.25, 0.25),
                          ylabel=f"mean compound tone per {_unit(use)} (−1…+1)", source=source, stem=stem)


def mentions(table: pd.DataFrame, kind: str, title: str, *, source: str = DEFAULT_SOURCE,
             stem: Stem = None) -> Chart:
    """Bars: the most mentioned places / people / organisations (articles mentioning each)."""
    kinds = [kind] if isinstance(kind, str) else list(kind)
    d = table[table["kind"].isin(kinds)].sort_values(["n_articles", "n_mentions"], ascending=False, kind="stable")
    return plotting.bar(d, "name", "n_articles", title=title, xlabel="articles mentioning (count)",
                        source=source, stem=stem, color=OKABE_ITO[4])


def theme_country(table: pd.DataFrame, title: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Heatmap: articles mentioning each country (states and cities rolled up) per theme of the sentence;
    square-root colours (a few large cells would saturate a linear scale), empty themes left out."""
    totals = table.fillna(0).sum(axis=0)
    t = table[totals[totals > 0].sort_values(ascending=False, kind="stable").index]  # largest themes first
    return plotting.heatmap(t, title=title, xlabel="theme of the sentence", ylabel="country",
                            value_label="articles mentioning", source=source, stem=stem, scale="sqrt",
                            names=_names(t.columns))


def who_is_quoted(table: pd.DataFrame, title: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: quotations per canonical speaker (``tables.who_is_quoted``), labelled with person/org."""
    d = table.assign(label=[f"{s} ({t})" for s, t in zip(table["speaker"], table["speaker_type"])])
    return plotting.bar(d, "label", "quotes", title=title, xlabel="quotations (count)", source=source, stem=stem,
                        color=OKABE_ITO[5])


def cooccurring(table: pd.DataFrame, theme: str, *, source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Bars: share of ``theme``'s articles that also carry each other theme."""
    d = table[table["n_articles"] > 0]
    return plotting.bar(d, "co_theme", "share_of_theme_articles", percent=True,
                        title=f"Themes co-occurring with {label(theme)}",
                        xlabel=f"share of {label(theme)} articles that also carry the theme", source=source,
                        stem=stem, color=OKABE_ITO[5], names=_names(d["co_theme"]))


def theme_strip(strip: pd.DataFrame, *, title: str = "Theme strip: matches per paragraph",
                source: str = DEFAULT_SOURCE, stem: Stem = None) -> Chart:
    """Heatmap: theme matches per paragraph of one article (paragraph 0 = headline)."""
    matrix = strip.pivot_table(index="paragraph", columns="theme", values="hits", aggfunc="sum", fill_value=0)
    matrix.columns.name, matrix.index.name = "theme", "paragraph"
    return plotting.heatmap(matrix, title=title, xlabel="theme", ylabel="paragraph (0 = headline)",
                            value_label="theme matches (count)", source=source, stem=stem,
                            names=_names(matrix.columns), data=strip[["paragraph", "theme", "hits"]])


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
                                  stem=stem, names=_names(order))


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
