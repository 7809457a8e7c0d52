"""The report's text sections on a Dask cluster: bounded, additive pieces per partition, reduced in a tree.

Each partition's selected, scored articles give, per theme present in it (:func:`text_pieces`):

- k-best samples of :data:`TEXT_ROWS` rows chosen by the pandas path's own functions
  (``tables.top_articles``; the articles of ``tables.quote_table`` / ``tables.amount_table``'s
  newest rows, with all their quotes/amounts) -- the reduction (:data:`COMBINE`) applies the same
  function again to the union, so the reduced sample holds the pandas path's rows for any ``n``
  up to :data:`TEXT_ROWS`;
- the KWIC candidates (``kwic_candidates``: at most two lines per article, without context), which
  go to the client, not into the tree: it picks the lines ``concordance.kwic_sample`` shows
  (:func:`choose_kwic`) and a second pass (:func:`kwic_pass`) fetches only those lines;
- additive counts (:mod:`analysis.aggregate.text_counts`): content terms (keyness), words and word
  pairs within sentences (collocations), quotes per speaker (who is quoted), country mentions.
  The vocabulary-sized ones (keyness terms, collocation words and pairs: most of the memory) are
  counted only for ``text_themes`` when it is given (the themes a report run asks for), plus the
  keyness reference over all selected articles.

Every stored piece is O(TEXT_ROWS x themes) or O(vocabulary), never O(articles); a worker holds
one partition's tables and the reduced tables of at most ``report_counts.REPORT_FANIN`` others. The KWIC candidates are the
one exception: five small fields per theme article, held by the client only (see
``analysis.notebook.text_samples``). The notebooks finalize them in
:class:`analysis.notebook.source.AggregateData`.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial

import pandas as pd

from analysis import schema
from analysis.aggregate import text_counts
from analysis.aggregate.counts import presence
from analysis.aggregate.grouping import combine_counts
from analysis.aggregate.report_counts import KWIC_ROWS, KWIC_WINDOW, TEXT_ROWS, TEXT_TABLES, select_and_score
from analysis.cluster.engine import clear_worker_caches
from analysis.evidence.amounts import amounts
from analysis.evidence.quotes import quotes
from analysis.notebook import tables
from analysis.notebook.text_samples import (
    META,
    kwic_candidates,
    kwic_lines,
    kwic_order,
    newest_from_sample,
    newest_sample,
    top_from_sample,
    top_sample,
)

POSITION_BITS: int = 32          # first-quote positions: partition << 32 | row
VOCAB_TABLES: tuple[str, ...] = ("keyness_terms", "collocation_words", "collocation_pairs")


# ---------------------------------------------------------------------------- one partition
def _themes(scores: pd.DataFrame) -> list[str]:
    """The themes present in at least one article of ``scores``."""
    return sorted(set(presence(scores)["theme"].astype(str)))


def _cat(frames: list[pd.DataFrame], empty: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Concatenate non-empty frames (``empty()`` when there are none)."""
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty()


def text_pieces(arts: pd.DataFrame, scores: pd.DataFrame, hits: pd.DataFrame, part_no: int = 0,
                rows: int = TEXT_ROWS, window: int = KWIC_WINDOW,
                text_themes: Collection[str] | None = None) -> dict[str, pd.DataFrame]:
    """The text sections' pieces of one partition's selected, scored articles: :data:`TEXT_TABLES`
    but ``kwic_rows`` (made by :func:`kwic_pass`), plus ``kwic_candidates`` (for :func:`choose_kwic`).

    ``part_no`` orders the partitions (the first quote of a speaker decides ties between outlets);
    ``text_themes`` (None: all) limits the :data:`VOCAB_TABLES` to those themes.
    """
    q_all = quotes(arts, hits=hits)
    q_all = q_all.assign(position=(part_no << POSITION_BITS) + pd.RangeIndex(len(q_all)))
    a_all = amounts(arts, hits=hits)
    source_of = dict(zip(arts["article_id"].astype("string"), arts["source"] if "source" in arts
                         else [pd.NA] * len(arts)))
    out: dict[str, list[pd.DataFrame]] = {name: [] for name in (*TEXT_TABLES, "kwic_candidates") if name != "kwic_rows"}
    out["keyness_terms"].append(text_counts.count_terms(arts, text_counts.ALL))
    for theme in _themes(scores):
        on = tables.theme_articles(arts, scores, theme)[0]
        ids = set(on["article_id"].astype("string"))
        q_on = q_all[q_all["article_id"].astype("string").isin(ids)]
        a_on = a_all[a_all["article_id"].astype("string").isin(ids)]
        out["top_articles"].append(top_sample(arts, scores, theme, rows))
        out["quote_rows"].append(newest_sample(q_on.drop(columns="position"), arts, theme, "quotes", rows))
        out["amount_rows"].append(newest_sample(a_on, arts, theme, "amounts", rows))
        out["kwic_candidates"].append(kwic_candidates(on, hits, theme, window))
        if text_themes is None or theme in text_themes:
            out["keyness_terms"].append(text_counts.count_terms(on, theme))
            words, pairs = text_counts.count_word_pairs(on, theme)
            out["collocation_words"].append(words)
            out["collocation_pairs"].append(pairs)
        spoken = tables.with_theme(q_on, theme)
        spoken = spoken[spoken["speaker"].notna()]
        sources = spoken["article_id"].astype("string").map(source_of)
        for name, table in text_counts.count_speakers(spoken, sources, theme, spoken["position"]).items():
            out[name].append(table)
        out["countries_theme"].append(text_counts.count_countries(on, hits, theme))
    return {name: _cat(frames, partial(_empty, name, arts, hits)) for name, frames in out.items()}


def _empty(name: str, arts: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """An empty piece ``name`` with its columns (a partition without any theme)."""
    none = arts.iloc[:0]
    if name == "top_articles":
        return pd.DataFrame(columns=[*tables.TOP_ARTICLE_COLUMNS, "theme"])
    if name in ("quote_rows", "amount_rows"):
        columns = schema.QUOTE_COLUMNS if name == "quote_rows" else schema.AMOUNT_COLUMNS
        return pd.DataFrame(columns=[*columns, *META[1:], "theme"])
    if name == "kwic_candidates":
        return kwic_candidates(none, hits.iloc[:0], "trade").assign(theme=pd.Series(dtype="string"))
    if name == "keyness_terms":
        return text_counts.count_terms(none, "")
    if name in ("collocation_words", "collocation_pairs"):
        return text_counts.count_word_pairs(none, "")[0 if name == "collocation_words" else 1]
    if name == "countries_theme":
        return pd.DataFrame(columns=text_counts.COUNTRY_COLUMNS)
    empty_q = pd.DataFrame(columns=["article_id", "speaker", "speaker_type"])
    return text_counts.count_speakers(empty_q, pd.Series(dtype="string"), "", pd.Series(dtype="int64"))[name]


# ---------------------------------------------------------------------------- the reduction
def _per_theme(reduce: Callable[[pd.DataFrame, str], pd.DataFrame]) -> Callable[[list[pd.DataFrame]], pd.DataFrame]:
    """A combine step: concatenate pieces, then ``reduce`` the rows of each theme."""
    def combine(pieces: list[pd.DataFrame]) -> pd.DataFrame:
        """Reduce the union of ``pieces`` theme by theme."""
        df = _cat([p for p in pieces if p is not None], pieces[0] if pieces else pd.DataFrame())
        if df.empty:
            return df
        return _cat([reduce(df, t).assign(theme=t) for t in sorted(set(df["theme"].astype(str)))], df.iloc[:0])
    return combine


def _newest(kind: str) -> Callable[[pd.DataFrame, str], pd.DataFrame]:
    """The newest-rows reduction of quotes or amounts: keep every row of the chosen articles."""
    def reduce(df: pd.DataFrame, theme: str) -> pd.DataFrame:
        """The rows of ``theme``'s sample whose articles hold its newest rows."""
        r = df[df["theme"] == theme]
        ids = set(newest_from_sample(r, theme, kind)["article_id"].astype("string"))
        return r[r["article_id"].astype("string").isin(ids)].drop(columns="theme")
    return reduce


COMBINE: dict[str, Callable[[list[pd.DataFrame]], pd.DataFrame]] = {
    "top_articles": _per_theme(top_from_sample),
    "quote_rows": _per_theme(_newest("quotes")),
    "amount_rows": _per_theme(_newest("amounts")),
    "speakers": text_counts.combine_speakers,
    "collocation_pairs": text_counts.combine_pairs,
}


def combine_piece(name: str, pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """One reduction step of the text piece ``name`` (k-best, minimum or sum)."""
    return COMBINE.get(name, combine_counts)(pieces)


# ---------------------------------------------------------------------------- KWIC: choose, then fetch
def choose_kwic(candidates: list[pd.DataFrame], rows: int = KWIC_ROWS) -> dict[str, pd.DataFrame]:
    """Per theme, the lines (article_id, start, first_n) ``concordance.kwic_sample`` shows for ``n`` up
    to ``rows``, from every partition's candidates (:func:`analysis.notebook.text_samples.kwic_order`)."""
    found = [c for c in candidates if c is not None and len(c)]
    if not found:
        return {}
    allc = pd.concat(found, ignore_index=True)
    return {str(t): kwic_order(g.drop(columns="theme"), rows) for t, g in allc.groupby("theme", sort=True)}


def kwic_pass(part: pd.DataFrame, sel: dict, lexicons: object, chosen: dict[str, pd.DataFrame],
              window: int = KWIC_WINDOW) -> pd.DataFrame:
    """The chosen KWIC lines of the articles of ``part`` (only those articles are scored again; the
    sentence-span cache is emptied afterwards, as after ``report_counts.partition_tables``)."""
    ids = set().union(*(set(c["article_id"].astype(str)) for c in chosen.values())) if chosen else set()
    mine = part[part["article_id"].astype(str).isin(ids)]
    frames = []
    if len(mine):
        try:
            arts, _scores, hits = select_and_score(mine, sel, lexicons)
            frames = [kwic_lines(arts, hits, theme, c, window) for theme, c in chosen.items()]
        finally:
            clear_worker_caches()
    # the empty table: any theme name will do, without articles only its columns matter
    return _cat(frames, lambda: kwic_lines(part.iloc[:0], pd.DataFrame(columns=["article_id", "theme", "start", "end"]),
                                           "trade", pd.DataFrame(columns=["article_id", "start", "first_n"]), window))
