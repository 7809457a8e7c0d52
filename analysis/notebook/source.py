"""Where the report notebooks take their counts from: the article table, or a Dask run's count tables.

``python -m analysis report --dask ...`` computes the count tables the corpus-overview and theme
notebooks chart on the cluster (:func:`compute_report_aggregates`: one pass over the store; each
partition is filtered with ``selection.select_articles``, theme-coded with ``themes.analyze`` and
counted with the ``analysis.aggregate`` / ``evidence_stats`` count functions, then the counts are
summed in a tree on the cluster) and writes them with ``distributed.write_aggregates``. Periods are
days, so any coarser ``freq`` (W, MS, QS, YS) is an exact re-bucketing sum in the notebook.

The notebooks then call :func:`report_data`, which returns either :class:`ArticleData` (the
pandas path: the article table in memory) or :class:`AggregateData` (``use_aggregates=True``: only
the count tables are read, never the article text). Both give the same count tables, so the same
finalize functions (``theme_share``, ``cooccurrence_matrix``, ...) give the same chart numbers.

    >>> t = pd.DataFrame({"period": pd.to_datetime(["2025-01-06", "2025-01-08"]),
    ...                   "source": ["X", "Y"], "n_articles": [1, 2]})
    >>> rollup(t, ["period"], freq="W").values.tolist()
    [[Timestamp('2025-01-06 00:00:00'), 3]]
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from analysis import config
from analysis.periods import periods
from analysis.aggregate import counts as aggregate
from analysis.aggregate import evidence_counts as evidence_stats
from analysis.corpus import quality
from analysis.aggregate import selection
from analysis.themes import scoring as themes
from analysis.errors import UsageError

log = logging.getLogger(__name__)

REPORT_FREQ: str = "D"          # finest period of the stored tables (re-bucketed in the notebooks)
REPORT_BY: tuple[str, ...] = ("source",)
KIND: str = "report"            # ``params["kind"]`` of aggregates written for the report notebooks
MENTION_KINDS: tuple[str, ...] = ("places", "actors")
TEXT_NOTE: str = ("{what}: needs the article text, which a report from aggregates (use_aggregates) "
                  "does not load; run the report without --dask for this section.")


# ---------------------------------------------------------------------------- selection
def selection_params(start: str | None = "", end: str | None = "", outlets: Sequence[str] | str | None = "",
                     exclude_duplicates: bool = True) -> dict[str, Any]:
    """The normalized article selection a count table was made for.

    >>> selection_params("2025-01-01", "", "B, A")
    {'start': '2025-01-01', 'end': None, 'outlets': ['A', 'B'], 'exclude_duplicates': True}
    """
    return {"start": start or None, "end": end or None, "outlets": sorted(selection.parse_list(outlets)),
            "exclude_duplicates": bool(exclude_duplicates)}


# ---------------------------------------------------------------------------- per-partition counts
def _theme_mentions(mentions: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Mention counts per theme, each over the articles where that theme is present."""
    frames = []
    for theme, ids in pairs.groupby("theme")["article_id"]:
        on = mentions[mentions["article_id"].astype("string").isin(set(ids))]
        c = evidence_stats.count_mentions(on, theme=str(theme))
        frames.append(c.assign(theme=str(theme)))
    empty = evidence_stats.count_mentions(mentions.iloc[:0]).assign(theme=pd.Series(dtype="string"))
    out = pd.concat(frames, ignore_index=True) if frames else empty
    return out[["theme", "kind", "name", "n_mentions", "n_articles"]].astype({"theme": "string"})


def report_counts(part: pd.DataFrame, sel: dict[str, Any], lexicons: Any = None,
                  freq: str = REPORT_FREQ, by: Sequence[str] = REPORT_BY) -> dict[str, pd.DataFrame]:
    """The additive count tables of one partition of the store for the report notebooks.

    ``quality`` counts the whole partition (the notebooks' data-quality panel covers the store);
    every other table counts the articles ``selection.select_articles`` keeps.
    """
    from analysis.evidence.places import actors, places
    from analysis.evidence.tone import tone

    out = {"quality": quality.count_quality(part)}
    arts = selection.select_articles(part, sel["start"], sel["end"], sel["outlets"], sel["exclude_duplicates"])
    scores, hits = themes.analyze(arts.reset_index(drop=True), lexicons)
    pairs = aggregate.presence(scores)
    by = tuple(by)
    out["articles"] = aggregate.count_articles(arts, freq=freq, by=by)
    out["theme_periods"] = aggregate.count_theme_periods(arts, scores, freq=freq, by=by)
    out["themes_by_source"] = aggregate.count_themes(arts, scores, by=("source",))
    out["cooccurrence"] = aggregate.count_cooccurrence(scores)
    out["matched_terms"] = aggregate.count_terms(hits, present=scores)
    out["subthemes"] = aggregate.count_subthemes(hits, present=scores)
    tt = tone(arts, by="theme", hits=hits)
    tt = tt.astype({"article_id": "string", "theme": "string"}).merge(pairs, on=["article_id", "theme"])
    out["tone_theme"] = evidence_stats.count_tone(arts, tt, freq=freq, by=by)
    out["places_theme"] = _theme_mentions(places(arts, hits=hits), pairs)
    out["actors_theme"] = _theme_mentions(actors(arts, hits=hits), pairs)
    return out


REPORT_TABLES: tuple[str, ...] = ("quality", "articles", "theme_periods", "themes_by_source", "cooccurrence",
                                  "matched_terms", "subthemes", "tone_theme", "places_theme", "actors_theme")


def compute_report_aggregates(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                              show_progress: bool = True) -> dict[str, pd.DataFrame]:
    """Sum :func:`report_counts` over the store on the current Dask client (tree reduction)."""
    import dask

    from analysis.cluster import engine as dx

    arts = dx.read_store(store)
    counted = [dask.delayed(report_counts)(p, sel, lexicons) for p in arts.to_delayed()]
    final = {}
    for name in REPORT_TABLES:
        level = [dask.delayed(dx._pick)(c, name) for c in counted]
        while len(level) > 1:
            level = [dask.delayed(dx.combine_counts)(level[i:i + dx.TREE_FANIN])
                     for i in range(0, len(level), dx.TREE_FANIN)]
        final[name] = level[0]
    return dict(zip(final, dx.progress(*final.values(), enabled=show_progress)))


def aggregate_params(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None
                     ) -> dict[str, Any]:
    """The manifest ``params`` of report aggregates: selection, period, store and lexicon fingerprints."""
    from analysis.report import fingerprints as fp

    folder = config.store_dir(store)
    return {"kind": KIND, "freq": REPORT_FREQ, "by": list(REPORT_BY), "selection": sel,
            "lexicons": str(lexicons) if lexicons else None, "corpus_fingerprint": fp.corpus_fingerprint(folder),
            "lexicon_fingerprint": fp.lexicon_fingerprint()}


def read_params(store: str | os.PathLike[str] | None) -> dict[str, Any] | None:
    """The ``params`` of the aggregates in ``store`` (None when there are none)."""
    import json

    from analysis.cluster.engine import AGGREGATES_DIR

    path = config.store_dir(store) / AGGREGATES_DIR / "_manifest.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("params") or {}


def stale_params(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                 force: bool = False) -> dict[str, Any] | None:
    """The params to compute report aggregates with, or None when the stored ones are current."""
    want = aggregate_params(store, sel, lexicons)
    return None if not force and read_params(store) == want else want


# ---------------------------------------------------------------------------- finalize helpers
def rollup(table: pd.DataFrame, keys: Sequence[str], freq: str | None = None) -> pd.DataFrame:
    """Sum a count table over every key not in ``keys`` (``period`` re-bucketed to ``freq`` first)."""
    t = table
    if freq is not None and "period" in t.columns:
        t = t.assign(period=periods(t["period"], freq))
    values = [c for c in t.columns if c not in keys and pd.api.types.is_numeric_dtype(t[c]) and c != "period"]
    if not len(t):
        return t[list(keys) + values].reset_index(drop=True)
    out = t.groupby(list(keys), dropna=False, sort=True)[values].sum().reset_index()
    return out.astype({v: t[v].dtype for v in values})


# ---------------------------------------------------------------------------- the two data sources
@dataclass
class AggregateData:
    """Count tables of a Dask run (``<store>/aggregates``); no article text is loaded."""

    tables: dict[str, pd.DataFrame]
    note: str
    store: Path
    params: dict = field(default_factory=dict)
    has_text: bool = False

    def article_counts(self, freq: str, by: Sequence[str] = ("source",)) -> pd.DataFrame:
        """(period, *by, n_articles): dated articles per period."""
        return rollup(self.tables["articles"], ["period", *by], freq)

    def theme_period_counts(self, freq: str, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """(period, *by, theme, n_articles_with_theme, n_articles) as ``count_theme_periods``."""
        return rollup(self.tables["theme_periods"], ["period", *selection.parse_list(by), "theme"], freq)

    def theme_counts(self, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """(*by, theme, n_articles_with_theme, n_articles) over the selection, as ``count_themes``."""
        return rollup(self.tables["themes_by_source"], [*selection.parse_list(by), "theme"])

    def cooccurrence_counts(self) -> pd.DataFrame:
        """(theme_a, theme_b, n_articles) as ``count_cooccurrence``."""
        return self.tables["cooccurrence"]

    def term_counts(self, theme: str) -> pd.DataFrame:
        """(theme, term, n_hits, n_articles) of one theme, as ``count_terms(hits, theme, present=)``."""
        t = self.tables["matched_terms"]
        return t[t["theme"] == theme].reset_index(drop=True)

    def subtheme_counts(self, theme: str) -> pd.DataFrame:
        """(theme, subtheme, n_hits, n_articles) of one theme, as ``count_subthemes``."""
        t = self.tables["subthemes"]
        return t[t["theme"] == theme].reset_index(drop=True)

    def tone_counts(self, theme: str, freq: str) -> pd.DataFrame:
        """(period, theme, compound_sum, n_articles) of the theme's sentences in its articles."""
        t = self.tables["tone_theme"]
        return rollup(t[t["theme"] == theme], ["period", "theme"], freq)

    def mention_counts(self, kind: str, theme: str) -> pd.DataFrame:
        """(kind, name, n_mentions, n_articles) of ``places``/``actors`` in the theme's articles."""
        t = self.tables[f"{kind}_theme"]
        return t[t["theme"] == theme].drop(columns="theme").reset_index(drop=True)

    def quality_counts(self) -> pd.DataFrame:
        """The store's data-quality counts (``quality.count_quality``, summed)."""
        return self.tables["quality"]

    def n_theme_articles(self, theme: str) -> tuple[int, int]:
        """(articles where ``theme`` is present, all selected articles)."""
        t = self.theme_counts()
        row = t[t["theme"] == theme]
        total = int(t["n_articles"].iloc[0]) if len(t) else 0
        return (int(row["n_articles_with_theme"].sum()) if len(row) else 0), total


@dataclass
class ArticleData:
    """The pandas path: the selected articles with their theme scores, counted on demand."""

    corpus: Any                      # notebook_helpers.Corpus
    has_text: bool = True
    _on: dict = field(default_factory=dict)

    @property
    def note(self) -> str:
        """The corpus source line."""
        return self.corpus.note

    @property
    def store(self) -> Path:
        """The store folder."""
        return self.corpus.store

    def on_theme(self, theme: str) -> pd.DataFrame:
        """The selected articles where ``theme`` is present (cached)."""
        if theme not in self._on:
            from analysis.notebook import tables

            self._on[theme] = tables.theme_articles(self.corpus.articles, self.corpus.scores, theme)[0]
        return self._on[theme]

    def article_counts(self, freq: str, by: Sequence[str] = ("source",)) -> pd.DataFrame:
        """``aggregate.count_articles`` of the selection."""
        return aggregate.count_articles(self.corpus.articles, freq=freq, by=tuple(by))

    def theme_period_counts(self, freq: str, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """``aggregate.count_theme_periods`` of the selection."""
        return aggregate.count_theme_periods(self.corpus.articles, self.corpus.scores, freq=freq, by=by)

    def theme_counts(self, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """``aggregate.count_themes`` of the selection."""
        return aggregate.count_themes(self.corpus.articles, self.corpus.scores, by=by)

    def cooccurrence_counts(self) -> pd.DataFrame:
        """``aggregate.count_cooccurrence`` of the selection."""
        return aggregate.count_cooccurrence(self.corpus.scores)

    def term_counts(self, theme: str) -> pd.DataFrame:
        """``aggregate.count_terms`` of one theme (articles where it is present)."""
        return aggregate.count_terms(self.corpus.hits, theme, present=self.corpus.scores)

    def subtheme_counts(self, theme: str) -> pd.DataFrame:
        """``aggregate.count_subthemes`` of one theme (articles where it is present)."""
        return aggregate.count_subthemes(self.corpus.hits, theme, present=self.corpus.scores)

    def tone_counts(self, theme: str, freq: str) -> pd.DataFrame:
        """``evidence_stats.count_tone`` of the theme's sentences in its articles."""
        from analysis.evidence.tone import tone

        on = self.on_theme(theme)
        return evidence_stats.count_tone(on, tone(on, by="theme", hits=self.corpus.hits), freq=freq, theme=theme)

    def mention_counts(self, kind: str, theme: str) -> pd.DataFrame:
        """``evidence_stats.count_mentions`` of ``places``/``actors`` in the theme's articles."""
        from analysis.evidence import places

        if kind not in MENTION_KINDS:
            raise UsageError(f"mention kind must be one of {', '.join(MENTION_KINDS)}, not {kind!r}")
        found = getattr(places, kind)(self.on_theme(theme), hits=self.corpus.hits)
        return evidence_stats.count_mentions(found, theme=theme)

    def quality_counts(self) -> pd.DataFrame:
        """``quality.count_quality`` of the whole store (before the selection)."""
        from analysis.corpus.store import load_corpus

        return quality.count_quality(load_corpus(store=self.store))

    def n_theme_articles(self, theme: str) -> tuple[int, int]:
        """(articles where ``theme`` is present, all selected articles)."""
        return len(self.on_theme(theme)), len(self.corpus.articles)


def aggregate_note(tables: dict[str, pd.DataFrame], label: str) -> str:
    """The source line (as ``plotting.source_note``) from the count tables: articles, outlets, days."""
    by_source = tables["themes_by_source"]
    per_source = by_source.drop_duplicates("source")[["source", "n_articles"]] if len(by_source) else by_source
    n = int(per_source["n_articles"].sum()) if len(per_source) else 0
    if not n:
        return label
    outlets = int((per_source["source"] != "(unknown)").sum())
    days = tables["articles"]["period"] if len(tables["articles"]) else pd.Series([], dtype="datetime64[ns]")
    span = f", {days.min():%Y-%m-%d} to {days.max():%Y-%m-%d}" if len(days) else ""
    parts = [f"{n:,} article{'s' if n != 1 else ''}"]
    if outlets:
        parts.append(f"{outlets:,} outlet{'s' if outlets != 1 else ''}")
    return f"{label} · {', '.join(parts)}{span}"


def load_aggregate_data(store: str | Path | None = "", start: str = "", end: str = "",
                        outlets: str | list[str] = "", exclude_duplicates: bool = True,
                        corpus_label: str = "") -> AggregateData:
    """Read the report aggregates of ``store``; UsageError when absent, stale or for another selection."""
    from analysis.cluster import engine as dx
    from analysis.report import fingerprints as fp

    folder = config.store_dir(store or None)
    sel = selection_params(start, end, outlets, exclude_duplicates)
    params = read_params(folder)
    rerun = (f"run `python -m analysis report --dask local --store {folder}` (with the same --start/--end/"
             f"--outlets) to compute them")
    if params is None or params.get("kind") != KIND:
        raise UsageError(f"no report aggregates in {folder}: {rerun}")
    if params.get("selection") != sel:
        raise UsageError(f"the aggregates in {folder} were computed for {params.get('selection')}, "
                         f"not for {sel}: {rerun}")
    if params.get("corpus_fingerprint") != fp.corpus_fingerprint(folder):
        raise UsageError(f"the aggregates in {folder} are older than its articles: {rerun}")
    tables = dx.read_aggregates(folder)
    missing = [t for t in REPORT_TABLES if t not in tables]
    if missing:
        raise UsageError(f"the aggregates in {folder} lack {', '.join(missing)}: {rerun}")
    label = (corpus_label or f"Source: article store '{folder.name}'") + " (Dask aggregates)"
    return AggregateData(tables, aggregate_note(tables, label), folder, {**sel, "store": str(folder)})


def report_data(store: str | Path | None = "", start: str = "", end: str = "", outlets: str | list[str] = "",
                exclude_duplicates: bool = True, use_aggregates: bool = False,
                corpus_label: str = "") -> AggregateData | ArticleData:
    """The notebooks' data source: the article table (default) or a Dask run's count tables."""
    if use_aggregates:
        return load_aggregate_data(store, start, end, outlets, exclude_duplicates, corpus_label)
    from analysis.notebook.helpers import prepare

    return ArticleData(prepare(store, start, end, outlets, exclude_duplicates, corpus_label))


def text_available(data: AggregateData | ArticleData, what: str) -> bool:
    """True when ``data`` has the article text; otherwise display a short note saying ``what`` is skipped."""
    if data.has_text:
        return True
    from IPython.display import Markdown, display

    display(Markdown(f"*{TEXT_NOTE.format(what=what)}*"))
    return False


__all__ = ["AggregateData", "ArticleData", "REPORT_TABLES", "aggregate_note", "aggregate_params",
           "compute_report_aggregates", "load_aggregate_data", "read_params",
           "report_counts", "report_data", "rollup", "selection_params", "stale_params", "text_available"]
