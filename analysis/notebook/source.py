"""Where the report notebooks take their counts from: the article table, or a Dask run's count tables.

:func:`report_data` returns either :class:`ArticleData` (the pandas path: the selected articles in
memory, counted on demand) or :class:`AggregateData` (``use_aggregates=True``: only the count
tables of a Dask run are read, never the article text; see :mod:`analysis.cluster.report_counts`).
Both give the same count tables, so the same finalize functions (``theme_share``,
``cooccurrence_matrix``, ...) give the same chart numbers. Stored periods are days, so
:func:`rollup` re-buckets them exactly to any coarser ``freq``.

    >>> t = pd.DataFrame({"period": pd.to_datetime(["2025-01-06", "2025-01-08"]),
    ...                   "source": ["X", "Y"], "n_articles": [1, 2]})
    >>> rollup(t, ["period"], freq="W").values.tolist()
    [[Timestamp('2025-01-06 00:00:00'), 3]]
"""
from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.aggregate import counts, evidence_counts, selection, text_counts
from analysis.aggregate.count_files import read_aggregates, read_params
from analysis.aggregate.report_counts import (
    KIND,
    KWIC_ROWS,
    KWIC_WINDOW,
    OPTIONAL_TABLES,
    REPORT_TABLES,
    TEXT_ROWS,
    selection_params,
)
from analysis.corpus import quality
from analysis.corpus.store import (
    REPORTS_DIR,
    VERSION_REPORT,
    corpus_fingerprint,
    load_corpus,
    read_manifest,
    version_dir,
)
from analysis.errors import UsageError
from analysis.evidence.actors import actors
from analysis.evidence.amounts import amounts
from analysis.evidence.places import place_mentions, places, theme_country_table
from analysis.evidence.quotes import quotes
from analysis.evidence.tone import tone
from analysis.notebook import findings, tables, text_samples
from analysis.notebook.helpers import Corpus, check_version, prepare
from analysis.notebook.model_themes import with_model
from analysis.periods import periods
from analysis.text.concordance import (
    COLLOCATION_COLUMNS,
    KWIC_READER_COLUMNS,
    collocation_thresholds,
    collocations,
    kwic,
    kwic_sample,
)

log = logging.getLogger(__name__)

MENTION_KINDS: tuple[str, ...] = ("places", "actors")
TEXT_NOTE: str = ("{what}: this section needs the article text, which was not counted on the cluster "
                  "for this report; it appears when the report is run again.")


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


def ingest_report(store: str | Path | None = "", store_version: str = "") -> dict:
    """The ingest report of the commit that made ``store_version`` ({} when it has none kept); the
    store's latest ``ingest_report.json`` when ``store_version`` is ""."""
    folder = config.store_dir(store or None)
    if not check_version(folder, store_version):
        return quality.read_ingest_report(folder)
    vdir = version_dir(folder, store_version)
    txid = str(read_manifest(vdir).get("txid") or "")
    for path in (vdir / VERSION_REPORT, folder / REPORTS_DIR / f"{txid}.json"):
        if path.is_file() and (path.parent == vdir or txid):
            return json.loads(path.read_text(encoding="utf-8"))
    return {}


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

    def mention_period_counts(self, freq: str) -> pd.DataFrame | None:
        """(period, theme, n_articles_with_theme, n_articles) of the articles that *mention* each theme (any hit);
        None for aggregates written before this table existed."""
        table = self.tables.get("mention_periods")
        return None if table is None else rollup(table, ["period", "theme"], freq)

    def theme_counts(self, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """(*by, theme, n_articles_with_theme, n_articles) over the selection, as ``count_themes``."""
        return rollup(self.tables["themes_by_source"], [*selection.parse_list(by), "theme"])

    def cooccurrence_counts(self) -> pd.DataFrame:
        """(theme_a, theme_b, n_articles) as ``count_cooccurrence``."""
        return self.tables["cooccurrence"]

    def term_counts(self, theme: str) -> pd.DataFrame:
        """(theme, term, n_hits, n_articles) of one theme, as ``count_matched_terms(hits, theme, present=)``."""
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

    def ingest_report(self) -> dict:
        """The ingest report of the store version read (:func:`ingest_report`)."""
        return ingest_report(self.store, self.params.get("store_version", ""))

    # -- text sections: finalized from the bounded pieces of the Dask run (analysis.cluster.report_text);
    #    aggregates written without them show a note instead
    def skipped(self, what: str, columns: Sequence[str]) -> pd.DataFrame:
        """Display that ``what`` needs the article text and return an empty table with ``columns``."""
        text_available(self, what)
        return pd.DataFrame(columns=list(columns))

    def has_pieces(self, *names: str) -> bool:
        """True when the text pieces ``names`` were computed by the Dask run read."""
        return all(n in self.tables for n in names)

    def not_counted(self, theme: str, what: str) -> str:
        """"" when keyness and collocations were counted for ``theme`` (the stored run's ``text.themes``;
        absent: every theme), otherwise the note saying ``what`` is missing."""
        text = self.params.get("text") or (read_params(self.store) or {}).get("text") or {}
        themes = text.get("themes")
        if themes is None or theme in themes:
            return ""
        return (f"{what}: not computed for this theme in the cluster run (it counted "
                f"{', '.join(themes) or 'no theme'}); run the report with this theme to include it.")

    def noted(self, note: str, columns: Sequence[str]) -> pd.DataFrame:
        """Display ``note`` and return an empty table with ``columns``."""
        from IPython.display import Markdown, display

        display(Markdown(f"*{note}*"))
        return pd.DataFrame(columns=list(columns))

    def sample_rows(self, n: int | None, what: str, kept: int = TEXT_ROWS) -> int:
        """``n`` capped at the ``kept`` rows per theme a stored sample holds (logged when capped)."""
        if n is None or n > kept:
            log.warning("%s: the Dask run kept %d rows per theme; showing at most %d", what, kept, kept)
            return kept
        return n

    def top_articles(self, theme: str, n: int = 10) -> pd.DataFrame:
        """The ``n`` most on-theme articles, as :func:`tables.top_articles` (a k-best sample reduced)."""
        if not self.has_pieces("top_articles"):
            return self.skipped("The most on-theme articles", tables.TOP_ARTICLE_COLUMNS)
        return text_samples.top_from_sample(self.tables["top_articles"], theme, self.sample_rows(n, "top articles"))

    def collocations(self, theme: str, top: int = 15, min_freq: int = 3) -> pd.DataFrame:
        """Word pairs of the theme's articles (ngram, freq, n_articles, score), as :meth:`ArticleData.collocations`
        (summed word and word-pair counts scored by :func:`concordance.score_collocations`)."""
        if not self.has_pieces("collocation_words", "collocation_pairs") or \
                "key_a" not in self.tables["collocation_pairs"]:       # none, or word pairs of an older run
            return self.skipped("Collocations", COLLOCATION_COLUMNS)
        if note := self.not_counted(theme, "Collocations"):
            return self.noted(note, COLLOCATION_COLUMNS)
        return text_counts.collocations_from_counts(self.tables["collocation_words"], self.tables["collocation_pairs"],
                                                    theme, self.n_theme_articles(theme)[0], min_freq=min_freq, top=top)

    def keyness(self, theme: str, top: int = 15) -> pd.DataFrame:
        """Distinctive terms of the theme's articles vs all others, as :func:`tables.theme_keyness`."""
        if not self.has_pieces("keyness_terms"):
            return self.skipped("Distinctive terms", tables.KEYNESS_COLUMNS)
        if note := self.not_counted(theme, "Distinctive terms"):
            return self.noted(note, tables.KEYNESS_COLUMNS)
        n_on, n_all = self.n_theme_articles(theme)
        return text_counts.keyness_from_counts_table(self.tables["keyness_terms"], theme, n_on, n_all, top=top)

    def quote_table(self, theme: str, n: int = 25) -> pd.DataFrame:
        """The newest ``n`` quotes of the theme's sentences, as :func:`tables.quote_table`."""
        if not self.has_pieces("quote_rows"):
            return self.skipped("Quotes", tables.QUOTE_COLUMNS)
        return text_samples.newest_from_sample(self.tables["quote_rows"], theme, "quotes", self.sample_rows(n, "quotes"))

    def who_is_quoted(self, theme: str, n: int = 15) -> pd.DataFrame:
        """Quotations per canonical speaker, as :func:`tables.who_is_quoted` (from summed speaker counts)."""
        if not self.has_pieces("speakers", "speaker_articles", "shared_speakers"):
            return self.skipped("Who is quoted", tables.WHO_IS_QUOTED_COLUMNS)
        return text_counts.who_is_quoted_from_counts(self.tables["speakers"], self.tables["speaker_articles"],
                                                     self.tables["shared_speakers"], theme, n=n)

    def amount_table(self, theme: str, n: int = 25) -> pd.DataFrame:
        """The newest ``n`` amounts of the theme's sentences, as :func:`tables.amount_table`."""
        if not self.has_pieces("amount_rows"):
            return self.skipped("Amounts", tables.AMOUNT_COLUMNS)
        return text_samples.newest_from_sample(self.tables["amount_rows"], theme, "amounts",
                                               self.sample_rows(n, "amounts"))

    def kwic(self, theme: str, n: int = 15, window: int = 8) -> pd.DataFrame:
        """A sample of ``n`` keyword-in-context lines of the theme's matches, as :meth:`ArticleData.kwic`."""
        if not self.has_pieces("kwic_rows"):
            return self.skipped("Keyword in context", KWIC_READER_COLUMNS)
        if window != KWIC_WINDOW:
            log.warning("keyword in context: the Dask run kept %d words of context, not %d", KWIC_WINDOW, window)
        return text_samples.kwic_from_sample(self.tables["kwic_rows"], theme, self.sample_rows(n, "keyword in context", KWIC_ROWS))

    def countries_by_theme(self, theme: str, top: int = 15) -> pd.DataFrame:
        """Articles mentioning each country per theme of the sentence, as :func:`places.theme_country_table`."""
        if not self.has_pieces("countries_theme"):
            return self.skipped("Places by country", ["country"])
        return text_counts.country_table_from_counts(self.tables["countries_theme"], theme, top=top)

    def n_theme_articles(self, theme: str) -> tuple[int, int]:
        """(articles where ``theme`` is present, all selected articles)."""
        t = self.theme_counts()
        row = t[t["theme"] == theme]
        total = int(t["n_articles"].iloc[0]) if len(t) else 0
        return (int(row["n_articles_with_theme"].sum()) if len(row) else 0), total


@dataclass
class ArticleData:
    """The pandas path: the selected articles with their theme scores, counted on demand."""

    corpus: Corpus
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
            self._on[theme] = tables.theme_articles(self.corpus.articles, self.corpus.scores, theme)[0]
        return self._on[theme]

    def article_counts(self, freq: str, by: Sequence[str] = ("source",)) -> pd.DataFrame:
        """``counts.count_articles`` of the selection."""
        return counts.count_articles(self.corpus.articles, freq=freq, by=tuple(by))

    def theme_period_counts(self, freq: str, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """``counts.count_theme_periods`` of the selection."""
        return counts.count_theme_periods(self.corpus.articles, self.corpus.scores, freq=freq, by=by)

    def mention_period_counts(self, freq: str) -> pd.DataFrame | None:
        """Like :meth:`theme_period_counts` (no outlet key) for the articles that *mention* each theme (any hit)."""
        return counts.count_theme_periods(self.corpus.articles, counts.mentions(self.corpus.scores), freq=freq, by=())

    def theme_counts(self, by: Sequence[str] | str = ()) -> pd.DataFrame:
        """``counts.count_themes`` of the selection."""
        return counts.count_themes(self.corpus.articles, self.corpus.scores, by=by)

    def cooccurrence_counts(self) -> pd.DataFrame:
        """``counts.count_cooccurrence`` of the selection."""
        return counts.count_cooccurrence(self.corpus.scores)

    def term_counts(self, theme: str) -> pd.DataFrame:
        """``counts.count_matched_terms`` of one theme (articles where it is present)."""
        return counts.count_matched_terms(self.corpus.hits, theme, present=self.corpus.scores)

    def subtheme_counts(self, theme: str) -> pd.DataFrame:
        """``counts.count_subthemes`` of one theme (articles where it is present)."""
        return counts.count_subthemes(self.corpus.hits, theme, present=self.corpus.scores)

    def tone_counts(self, theme: str, freq: str) -> pd.DataFrame:
        """``evidence_counts.count_tone`` of the theme's sentences in its articles."""
        on = self.on_theme(theme)
        return evidence_counts.count_tone(on, tone(on, by="theme", hits=self.corpus.hits), freq=freq, theme=theme)

    def mention_counts(self, kind: str, theme: str) -> pd.DataFrame:
        """``evidence_counts.count_mentions`` of ``places``/``actors`` in the theme's articles."""
        if kind not in MENTION_KINDS:
            raise UsageError(f"mention kind must be one of {', '.join(MENTION_KINDS)}, not {kind!r}")
        extract = places if kind == "places" else actors
        found = extract(self.on_theme(theme), hits=self.corpus.hits)
        return evidence_counts.count_mentions(found, theme=theme)

    def quality_counts(self) -> pd.DataFrame:
        """``quality.count_quality`` of the whole store version read (before the selection)."""
        return quality.count_quality(load_corpus(store=self.store, version=self.corpus.store_version or None))

    def ingest_report(self) -> dict:
        """The ingest report of the store version read (:func:`ingest_report`)."""
        return ingest_report(self.store, self.corpus.store_version)

    # -- text sections
    def top_articles(self, theme: str, n: int = 10) -> pd.DataFrame:
        """The ``n`` most on-theme articles (:func:`tables.top_articles`)."""
        return tables.top_articles(self.corpus.articles, self.corpus.scores, theme, n=n)

    def collocations(self, theme: str, top: int = 15, min_freq: int = 3) -> pd.DataFrame:
        """Word pairs of the theme's articles (ngram, freq, n_articles, score; :func:`concordance.collocations`):
        log-likelihood ratio, thresholds growing with the articles (:func:`concordance.collocation_thresholds`)."""
        on = self.on_theme(theme)
        freq, in_articles = collocation_thresholds(len(on), min_freq)
        return collocations(on, n=2, measure="likelihood", min_freq=freq, top=top, min_articles=in_articles)

    def keyness(self, theme: str, top: int = 15) -> pd.DataFrame:
        """Distinctive terms of the theme's articles vs all others (:func:`tables.theme_keyness`)."""
        return tables.theme_keyness(self.corpus.articles, self.corpus.scores, theme, top=top)

    def quotes(self, theme: str) -> pd.DataFrame:
        """Every quote in the theme's articles (:func:`quotes.quotes`, cached)."""
        key = ("quotes", theme)
        if key not in self._on:
            self._on[key] = quotes(self.on_theme(theme), hits=self.corpus.hits)
        return self._on[key]

    def quote_table(self, theme: str, n: int = 25) -> pd.DataFrame:
        """The newest ``n`` quotes of the theme's sentences (:func:`tables.quote_table`)."""
        return tables.quote_table(self.quotes(theme), self.corpus.articles, theme, n=n)

    def who_is_quoted(self, theme: str, n: int = 15) -> pd.DataFrame:
        """Quotations per canonical speaker (:func:`tables.who_is_quoted`)."""
        return tables.who_is_quoted(self.quotes(theme), self.corpus.articles, theme, n=n)

    def amount_table(self, theme: str, n: int = 25) -> pd.DataFrame:
        """The newest ``n`` amounts of the theme's sentences (:func:`tables.amount_table`)."""
        return tables.amount_table(amounts(self.on_theme(theme), hits=self.corpus.hits), self.corpus.articles,
                                   theme, n=n)

    def kwic(self, theme: str, n: int = 15, window: int = 8) -> pd.DataFrame:
        """``n`` keyword-in-context lines of the theme's matches, at most two per article, spread over
        outlets and dates (:func:`concordance.kwic_sample`): date, source, left, match, right, article_id, start, end."""
        lines = kwic_sample(kwic(self.on_theme(theme), theme, window=window, hits=self.corpus.hits), n=n)
        return lines[KWIC_READER_COLUMNS]

    def countries_by_theme(self, theme: str, top: int = 15) -> pd.DataFrame:
        """Articles mentioning each country per theme of the sentence (:func:`places.theme_country_table`)."""
        return theme_country_table(place_mentions(self.on_theme(theme), hits=self.corpus.hits), top=top)

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
                        corpus_label: str = "", store_version: str = "") -> AggregateData:
    """Read the report aggregates of ``store``; UsageError when absent, stale or for another selection.

    The aggregates must have been computed on store version ``store_version`` ("" = the current one).
    """
    folder = config.store_dir(store or None)
    store_version = check_version(folder, store_version)
    sel = selection_params(start, end, outlets, exclude_duplicates)
    params = read_params(folder)
    rerun = (f"run `python -m analysis report --dask local --store {folder}` (with the same --start/--end/"
             f"--outlets) to compute them")
    if params is None or params.get("kind") != KIND:
        raise UsageError(f"no report aggregates in {folder}: {rerun}")
    if params.get("selection") != sel:
        raise UsageError(f"the aggregates in {folder} were computed for {params.get('selection')}, "
                         f"not for {sel}: {rerun}")
    if params.get("corpus_fingerprint") != corpus_fingerprint(folder, version=store_version or None):
        what = f"version {store_version} of its articles" if store_version else "its articles"
        raise UsageError(f"the aggregates in {folder} were not computed on {what}: {rerun}")
    found = read_aggregates(folder)
    missing = [t for t in REPORT_TABLES if t not in found and t not in OPTIONAL_TABLES]
    if missing:
        raise UsageError(f"the aggregates in {folder} lack {', '.join(missing)}: {rerun}")
    label = (corpus_label or f"Source: article store '{folder.name}'") + " (Dask aggregates)"
    findings.use_labels()  # aggregates are counted with the shipped themes: word them with the shipped labels
    return AggregateData(found, aggregate_note(found, label), folder,
                         {**sel, "store": str(folder), "store_version": store_version})


def report_data(store: str | Path | None = "", start: str = "", end: str = "", outlets: str | list[str] = "",
                exclude_duplicates: bool = True, use_aggregates: bool = False,
                corpus_label: str = "", store_version: str = "", lexicons: str = "",
                model: str = "") -> AggregateData | ArticleData:
    """The notebooks' data source: the article table (default) or a Dask run's count tables.

    ``store_version`` (e.g. ``"v000012"``; "" = the current one) pins the store version that every
    read of the report makes, so all its pages count the same articles. ``lexicons``: a folder of
    user themes added to the shipped ones (same-named themes replaced); ``model``: a trained model
    file whose themes the articles carry (:mod:`analysis.notebook.model_themes`).
    """
    if use_aggregates:
        if lexicons or model:
            raise UsageError("lexicons and model need the article table; they cannot be combined with "
                             "use_aggregates (report --dask)")
        return load_aggregate_data(store, start, end, outlets, exclude_duplicates, corpus_label, store_version)
    corpus = prepare(store, start, end, outlets, exclude_duplicates, corpus_label, store_version, lexicons)
    return ArticleData(with_model(corpus, model) if model else corpus)


def text_available(data: AggregateData | ArticleData, what: str) -> bool:
    """True when ``data`` has the article text; otherwise display a short note saying ``what`` is skipped."""
    if data.has_text:
        return True
    from IPython.display import Markdown, display

    display(Markdown(f"*{TEXT_NOTE.format(what=what)}*"))
    return False
