"""Aggregations the charts plot: additive per-partition counts, then finalize into shares.

Every ``count_*`` function is pure (DataFrame(s) -> DataFrame of counts) and **additive**: run it
on any partition of the articles (all rows of one article in the same partition), concatenate the
results, and a group-by sum over the key columns gives the counts of the whole corpus. The
``finalize`` functions (``theme_share``, ``share_with_ci``, ``cooccurrence_matrix``, ...) do that
sum themselves, so the Dask engine can run ``map_partitions(count_fn) -> groupby-sum -> finalize``
with the same code as pandas.

Shares follow GDELT / Media Cloud normalization: the share of a theme in a period is the number
of articles that *carry the theme* (``present``: the theme is a substantial topic of the article,
:mod:`analysis.themes.scoring`) divided by all articles of that period (articles with no policy
theme included). Pass :func:`mentions` of the scores instead to count the articles that merely
*mention the theme* (any lexicon hit).

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "X"],
    ...                      "date": pd.to_datetime(["2025-01-06", "2025-01-07"])})
    >>> pres = pd.DataFrame({"article_id": ["a"], "theme": ["trade"], "present": [True]})
    >>> c = count_theme_periods(arts, pres, freq="W", by=(), theme_list=["trade"])
    >>> theme_share(c)[["theme", "n_articles_with_theme", "n_articles", "share"]].values.tolist()
    [['trade', 1, 2, 0.5]]
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis import schema
from analysis.aggregate.grouping import group_columns, group_frame, sum_counts
from analysis.frames import isin
from analysis.periods import period_freq, periods

OTHER_GROUP = "Other outlets"
# calendar periods from fine to coarse, as the aliases the charts and ``periods`` take
PERIOD_LADDER: tuple[str, ...] = ("D", "W", "MS", "QS", "YS")


def presence(themes: pd.DataFrame) -> pd.DataFrame:
    """Return (article_id, theme) pairs of present themes from scores or an article_themes table.

    Accepts the long theme-score table (uses ``present``) or ``article_themes`` (explodes
    ``themes``). Articles with no present theme get theme ``"other"`` only in the latter case.

    >>> presence(pd.DataFrame({"article_id": ["a"], "themes": [["trade", "energy"]]})).theme.tolist()
    ['trade', 'energy']
    """
    if "present" in themes.columns and "theme" in themes.columns:
        pairs = themes.loc[themes["present"].astype(bool), ["article_id", "theme"]]
    elif "themes" in themes.columns:
        ex = themes[["article_id", "themes"]].explode("themes")
        pairs = ex.dropna(subset=["themes"]).rename(columns={"themes": "theme"})
    else:
        raise ValueError("expected a theme-score table (theme, present) or article_themes (themes)")
    return pairs.astype({"article_id": "string", "theme": "string"}).drop_duplicates()


def mentions(scores: pd.DataFrame) -> pd.DataFrame:
    """Return the score table with ``present`` set on every row with a hit: counts of it are mentions.

    >>> s = pd.DataFrame({"article_id": ["a", "a"], "theme": ["trade", "energy"], "hits": [3, 1],
    ...                   "present": [True, False]})
    >>> presence(mentions(s)).theme.tolist()
    ['trade', 'energy']
    """
    return scores.assign(present=scores["hits"].to_numpy() > 0)


def count_articles(articles: pd.DataFrame, freq: str | None = "W",
                   by: Iterable[str] | str | None = ("source",)) -> pd.DataFrame:
    """Count dated articles per period (and group): columns (period, *by, n_articles). Additive.

    >>> a = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "X"],
    ...                   "date": pd.to_datetime(["2025-01-06", None])})
    >>> count_articles(a).n_articles.tolist()
    [1]
    """
    base, keys = group_frame(articles, group_columns(by), freq)
    if not keys:
        return pd.DataFrame({"n_articles": [len(base)]}, dtype="int64")
    out = base.groupby(keys, dropna=False).size().rename("n_articles").reset_index()
    return out.astype({"n_articles": "int64"})


def count_themes(articles: pd.DataFrame, themes: pd.DataFrame, by: Iterable[str] | str | None = (),
                 freq: str | None = None, theme_list: Sequence[str] | None = None) -> pd.DataFrame:
    """Count articles with each theme per group: (*keys, theme, n_articles_with_theme, n_articles).

    The grid is complete (every group present in ``articles`` x every theme, zeros included), so
    the counts of partitions can be summed. ``theme_list`` defaults to all shipped themes, then any
    other theme named in ``themes`` (a user lexicon's, even with no article carrying it), plus
    ``"other"`` (articles with no present theme). With ``freq`` undated articles are left out.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "Y"],
    ...                      "date": pd.to_datetime(["2025-01-06", "2025-01-07"])})
    >>> pres = pd.DataFrame({"article_id": ["a"], "theme": ["trade"], "present": [True]})
    >>> count_themes(arts, pres, by="source", theme_list=["trade"]).values.tolist()
    [['X', 'trade', 1, 1], ['Y', 'trade', 0, 1]]
    """
    pairs = presence(themes)
    if theme_list is None:
        named = themes["theme"] if "theme" in themes.columns else pairs["theme"]
        extra = sorted(set(named.dropna().astype(str)) - set(schema.ALL_THEMES) - {schema.NO_THEME})
        theme_list = schema.ALL_THEMES + extra + [schema.NO_THEME]
    theme_list = list(theme_list)
    base, keys = group_frame(articles, group_columns(by), freq)
    pairs = pairs[isin(pairs["article_id"], base["article_id"])]
    if schema.NO_THEME in theme_list:
        themed = set(pairs.loc[pairs["theme"] != schema.NO_THEME, "article_id"])
        none = base.loc[~isin(base["article_id"], themed), ["article_id"]].assign(theme=schema.NO_THEME)
        pairs = pd.concat([pairs[pairs["theme"] != schema.NO_THEME], none.astype({"theme": "string"})])
    pairs = pairs[isin(pairs["theme"], theme_list)]
    totals = (base.groupby(keys, dropna=False).size().rename("n_articles").reset_index() if keys
              else pd.DataFrame({"n_articles": [len(base)]}))
    grid = totals.merge(pd.DataFrame({"theme": pd.Series(theme_list, dtype="string")}), how="cross")
    hits = pairs.merge(base, on="article_id")
    with_theme = hits.groupby(keys + ["theme"], dropna=False).size().rename("n_articles_with_theme")
    out = grid.merge(with_theme.reset_index(), on=keys + ["theme"], how="left")
    out["n_articles_with_theme"] = out["n_articles_with_theme"].fillna(0).astype("int64")
    out["n_articles"] = out["n_articles"].astype("int64")
    return out[keys + ["theme", "n_articles_with_theme", "n_articles"]]


def count_theme_periods(articles: pd.DataFrame, themes: pd.DataFrame, freq: str = "W",
                        by: Iterable[str] | str | None = ("source",),
                        theme_list: Sequence[str] | None = None) -> pd.DataFrame:
    """Count articles with each theme per period and group (see ``count_themes``). Additive.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "Y"],
    ...                      "date": pd.to_datetime(["2025-01-06", "2025-01-07"])})
    >>> pres = pd.DataFrame({"article_id": ["a"], "theme": ["trade"], "present": [True]})
    >>> count_theme_periods(arts, pres, "W", by=(), theme_list=["trade"]).values.tolist()
    [[Timestamp('2025-01-06 00:00:00'), 'trade', 1, 2]]
    """
    return count_themes(articles, themes, by=by, freq=freq, theme_list=theme_list)


def theme_share(counts: pd.DataFrame, by: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Sum theme counts over the keys kept (``by``, default: all keys) and add ``share``.

    ``by`` names the group columns to keep besides ``period`` (if present) and ``theme``;
    ``by=()`` collapses outlets into one series per period. share = n_articles_with_theme /
    n_articles (NaN when a group has no articles).

    >>> c = pd.DataFrame({"source": ["X", "Y"], "theme": ["trade"] * 2,
    ...                   "n_articles_with_theme": [1, 0], "n_articles": [1, 3]})
    >>> theme_share(c, by=()).values.tolist()
    [['trade', 1, 4, 0.25]]
    """
    values = ["n_articles_with_theme", "n_articles"]
    if by is None:
        keys = [c for c in counts.columns if c not in values]
    else:
        keys = (["period"] if "period" in counts.columns else []) + group_columns(by) + ["theme"]
    out = sum_counts(counts, keys, values)
    out["share"] = out["n_articles_with_theme"] / out["n_articles"].where(out["n_articles"] > 0)
    return out


def wilson_interval(k: np.ndarray | pd.Series | int, n: np.ndarray | pd.Series | int,
                    z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """Return the Wilson score interval (low, high) for k successes out of n trials.

    >>> lo, hi = wilson_interval(5, 10)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.237, 0.763)
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def share_with_ci(counts: pd.DataFrame, by: Iterable[str] | str | None = None,
                  z: float = 1.96) -> pd.DataFrame:
    """Like ``theme_share`` plus the Wilson interval (``ci_low``, ``ci_high``) of each share.

    >>> c = pd.DataFrame({"theme": ["trade"], "n_articles_with_theme": [5], "n_articles": [10]})
    >>> share_with_ci(c)[["share", "ci_low", "ci_high"]].round(3).values.tolist()
    [[0.5, 0.237, 0.763]]
    """
    out = theme_share(counts, by=by)
    out["ci_low"], out["ci_high"] = wilson_interval(out["n_articles_with_theme"], out["n_articles"], z)
    return out


def count_cooccurrence(themes: pd.DataFrame, theme_list: Sequence[str] | None = None) -> pd.DataFrame:
    """Count articles per pair of present themes (both orders, diagonal = articles with the theme).

    Columns (theme_a, theme_b, n_articles). Additive.

    >>> t = pd.DataFrame({"article_id": ["a", "a"], "theme": ["trade", "energy"], "present": [True, True]})
    >>> count_cooccurrence(t).query("theme_a == 'trade'").n_articles.tolist()
    [1, 1]
    """
    pairs = presence(themes)
    pairs = pairs[pairs["theme"] != schema.NO_THEME]
    if theme_list is not None:
        pairs = pairs[isin(pairs["theme"], list(theme_list))]
    m = pairs.merge(pairs, on="article_id", suffixes=("_a", "_b"))
    out = m.groupby(["theme_a", "theme_b"]).size().rename("n_articles").reset_index()
    return out.astype({"n_articles": "int64"})


def cooccurrence_matrix(counts: pd.DataFrame, theme_list: Sequence[str] | None = None,
                        normalize: str | None = None) -> pd.DataFrame:
    """Pivot summed co-occurrence counts into a theme x theme matrix.

    ``normalize="jaccard"`` gives |A and B| / |A or B|; ``"row"`` the share of row-theme
    articles that also carry the column theme; None the article counts.

    >>> t = pd.DataFrame({"article_id": ["a", "a", "b"], "theme": ["trade", "energy", "trade"],
    ...                   "present": [True, True, True]})
    >>> cooccurrence_matrix(count_cooccurrence(t)).values.tolist()
    [[2, 1], [1, 1]]
    """
    summed = sum_counts(counts, ["theme_a", "theme_b"], ["n_articles"])
    seen = set(summed["theme_a"].astype(str))
    order = list(theme_list) if theme_list is not None else [
        t for t in schema.ALL_THEMES if t in seen] + sorted(seen - set(schema.ALL_THEMES) - {schema.NO_THEME})
    mat = summed.pivot(index="theme_a", columns="theme_b", values="n_articles")
    mat = mat.reindex(index=order, columns=order).fillna(0).astype("int64")
    mat.index.name, mat.columns.name = "theme", "co_theme"
    if normalize is None:
        return mat
    diag = pd.Series(np.diag(mat.values), index=order, dtype=float)
    if normalize == "row":
        return mat.div(diag.where(diag > 0), axis=0)
    if normalize == "jaccard":
        union = diag.values[:, None] + diag.values[None, :] - mat.values
        return pd.DataFrame(np.where(union > 0, mat.values / np.where(union > 0, union, 1), np.nan),
                            index=mat.index, columns=mat.columns)
    raise ValueError(f"unknown normalize {normalize!r}; use None, 'row' or 'jaccard'")


def cooccurring_themes(counts: pd.DataFrame, theme: str) -> pd.DataFrame:
    """For one theme: other themes with n_articles together and share of the theme's articles.

    >>> t = pd.DataFrame({"article_id": ["a", "a", "b"], "theme": ["trade", "energy", "trade"],
    ...                   "present": [True, True, True]})
    >>> cooccurring_themes(count_cooccurrence(t), "trade").values.tolist()
    [['energy', 1, 0.5]]
    """
    summed = sum_counts(counts, ["theme_a", "theme_b"], ["n_articles"])
    rows = summed[summed["theme_a"] == theme]
    total = rows.loc[rows["theme_b"] == theme, "n_articles"].sum()
    out = rows[rows["theme_b"] != theme][["theme_b", "n_articles"]].rename(columns={"theme_b": "co_theme"})
    out["share_of_theme_articles"] = out["n_articles"] / total if total else np.nan
    return out.sort_values(["n_articles", "co_theme"], ascending=[False, True]).reset_index(drop=True)


def _present_hits(hits: pd.DataFrame, theme: str | None, present: pd.DataFrame | None) -> pd.DataFrame:
    """Hits of ``theme`` (all if None), restricted to (article, theme) pairs present in ``present``."""
    h = hits if theme is None else hits[hits["theme"] == theme]
    if present is not None:
        pairs = presence(present)
        keys = pd.MultiIndex.from_frame(pairs[["article_id", "theme"]].astype(str))
        mine = pd.MultiIndex.from_frame(h[["article_id", "theme"]].astype(str))
        h = h[mine.isin(keys)]
    return h


def count_subthemes(hits: pd.DataFrame, theme: str | None = None,
                    present: pd.DataFrame | None = None) -> pd.DataFrame:
    """Count hits and articles per (theme, subtheme) from a theme_hits table. Additive.

    Hits without a sub-theme are counted under ``"(general)"``. With ``present`` (scores or
    article_themes) only articles where the theme is present count.

    >>> hits = pd.DataFrame({"article_id": ["a", "a", "b"], "theme": ["trade"] * 3,
    ...                      "subtheme": ["tariffs", "tariffs", None], "term": ["tariff*", "tariff*", "trade"]})
    >>> count_subthemes(hits).values.tolist()
    [['trade', '(general)', 1, 1], ['trade', 'tariffs', 2, 1]]
    """
    h = _present_hits(hits, theme, present)
    h = h.assign(subtheme=h["subtheme"].astype("string").replace("", pd.NA).fillna("(general)"))
    g = h.groupby(["theme", "subtheme"])
    out = pd.DataFrame({"n_hits": g.size(), "n_articles": g["article_id"].nunique()}).reset_index()
    return out.astype({"n_hits": "int64", "n_articles": "int64"})


def subtheme_share(counts: pd.DataFrame, n_theme_articles: pd.Series | dict | pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """Sum sub-theme counts; add the share of the theme's articles that mention each sub-theme.

    ``n_theme_articles``: {theme: articles with the theme present}, or a ``theme_share`` table.

    >>> hits = pd.DataFrame({"article_id": ["a", "a", "b"], "theme": ["trade"] * 3,
    ...                      "subtheme": ["tariffs", "tariffs", None], "term": ["tariff*", "tariff*", "trade"]})
    >>> subtheme_share(count_subthemes(hits), {"trade": 2})["share_of_theme_articles"].tolist()
    [0.5, 0.5]
    """
    out = sum_counts(counts, ["theme", "subtheme"], ["n_hits", "n_articles"])
    if isinstance(n_theme_articles, pd.DataFrame):
        n_theme_articles = n_theme_articles.groupby("theme")["n_articles_with_theme"].sum()
    if n_theme_articles is not None:
        total = out["theme"].map(pd.Series(n_theme_articles, dtype=float)).astype("float64")
        out["share_of_theme_articles"] = out["n_articles"] / total.where(total > 0)
    return out.sort_values(["theme", "n_articles", "n_hits", "subtheme"],
                           ascending=[True, False, False, True]).reset_index(drop=True)


def count_matched_terms(hits: pd.DataFrame, theme: str | None = None,
                        present: pd.DataFrame | None = None) -> pd.DataFrame:
    """Count matched terms per theme: (theme, term, n_hits, n_articles). Additive.

    >>> hits = pd.DataFrame({"article_id": ["a", "a", "b"], "theme": ["trade"] * 3,
    ...                      "subtheme": ["tariffs", "tariffs", None], "term": ["tariff*", "tariff*", "trade"]})
    >>> count_matched_terms(hits).values.tolist()
    [['trade', 'tariff*', 2, 1], ['trade', 'trade', 1, 1]]
    """
    h = _present_hits(hits, theme, present)
    h = h.assign(term=h["term"].astype("string").str.lower())
    g = h.groupby(["theme", "term"])
    out = pd.DataFrame({"n_hits": g.size(), "n_articles": g["article_id"].nunique()}).reset_index()
    return out.astype({"n_hits": "int64", "n_articles": "int64"})


def top_matched_terms(counts: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    """Sum term counts and keep the ``top`` terms per theme by hits (ties by articles, term).

    >>> hits = pd.DataFrame({"article_id": ["a", "a", "b"], "theme": ["trade"] * 3,
    ...                      "subtheme": ["tariffs", "tariffs", None], "term": ["tariff*", "tariff*", "trade"]})
    >>> top_matched_terms(count_matched_terms(hits), top=1).term.tolist()
    ['tariff*']
    """
    out = sum_counts(counts, ["theme", "term"], ["n_hits", "n_articles"])
    out = out.sort_values(["theme", "n_hits", "n_articles", "term"], ascending=[True, False, False, True])
    return out.groupby("theme", sort=False).head(top).reset_index(drop=True)


def coarser_freqs(freq: str) -> list[str]:
    """``freq`` and every coarser calendar period after it, as aliases (``"W"`` -> W, MS, QS, YS).

    >>> coarser_freqs("MS")
    ['MS', 'QS', 'YS']
    """
    steps = [period_freq(f) for f in PERIOD_LADDER]
    return list(PERIOD_LADDER[steps.index(period_freq(freq)):])


def rebucket(counts: pd.DataFrame, freq: str, keys: Sequence[str] = (),
             values: Sequence[str] = ("n_articles_with_theme", "n_articles")) -> pd.DataFrame:
    """Move ``period`` to the coarser ``freq`` and sum ``values`` over (period, *keys).

    Exact from days to any period and from months to quarters and years (counts are additive);
    a week goes to the month, quarter or year of its Monday.

    >>> c = pd.DataFrame({"period": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-04-01"]),
    ...                   "n_articles": [1, 2, 4]})
    >>> rebucket(c, "QS", values=["n_articles"]).n_articles.tolist()
    [3, 4]
    """
    t = counts.assign(period=periods(counts["period"], freq))
    out = t.groupby(["period", *keys], dropna=False, sort=True)[list(values)].sum().reset_index()
    return out.astype({v: counts[v].dtype for v in values})


def median_count(counts: pd.DataFrame, freq: str, keys: Sequence[str] = (), value: str = "n_articles") -> float:
    """Median of ``value`` over the (period, *keys) cells with any count, after re-bucketing to ``freq``.

    >>> c = pd.DataFrame({"period": pd.to_datetime(["2025-01-01", "2025-02-01"]), "n_articles": [1, 3]})
    >>> median_count(c, "MS"), median_count(c, "QS")
    (2.0, 4.0)
    """
    return _positive_median(rebucket(counts, freq, keys, [value])[value])


def _positive_median(values: pd.Series) -> float:
    """Median of the positive ``values`` (0.0 if none)."""
    values = values[values > 0]
    return float(values.median()) if len(values) else 0.0


def auto_freq(counts: pd.DataFrame, freq: str, keys: Sequence[str] = (), value: str = "n_articles",
              min_median: float = 20, max_periods: int | None = None) -> str:
    """The finest of ``freq`` and the coarser periods where the median (period, *keys) cell with any
    article counts at least ``min_median`` (and there are at most ``max_periods`` periods); else years.

    ``counts`` is a count table with a ``period`` column at ``freq`` (or finer), e.g. the
    ``count_theme_periods`` of one theme, or ``count_articles``.

    >>> c = pd.DataFrame({"period": pd.date_range("2025-01-01", periods=12, freq="MS"), "n_articles": [8] * 12})
    >>> auto_freq(c, "MS", min_median=20), auto_freq(c, "MS", min_median=5), auto_freq(c, "MS", min_median=5, max_periods=4)
    ('QS', 'MS', 'QS')
    """
    choices = coarser_freqs(freq)
    if counts.empty:
        return choices[0]
    for f in choices:
        per = rebucket(counts, f, keys, [value])  # once per candidate: the median and the number of periods
        few = max_periods is None or per["period"].nunique() <= max_periods
        if few and _positive_median(per[value]) >= min_median:
            return f
    return choices[-1]


def lump_groups(counts: pd.DataFrame, column: str, n: int = 7, value: str = "n_articles",
                other: str = OTHER_GROUP) -> pd.DataFrame:
    """Keep the ``n`` largest groups of ``column`` (by total ``value``), relabel the rest ``other``.

    >>> c = pd.DataFrame({"source": ["A", "B", "C"], "n_articles": [5, 3, 1]})
    >>> lump_groups(c, "source", n=1).values.tolist()
    [['A', 5], ['Other outlets', 4]]
    """
    totals = counts.groupby(column)[value].sum().sort_values(ascending=False, kind="stable")
    keep = list(totals.index[:n])
    out = counts.assign(**{column: counts[column].where(counts[column].isin(keep), other)})
    keys = [c for c in out.columns if not pd.api.types.is_numeric_dtype(out[c]) or c == "period"]
    nums = [c for c in out.columns if c not in keys]
    out = out.groupby(keys, sort=False, dropna=False)[nums].sum().reset_index()
    order = {k: i for i, k in enumerate(keep + [other])}
    return out.sort_values(by=[column], key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
