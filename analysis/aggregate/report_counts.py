"""The report's count tables of one partition of the store: what a Dask report run sums.

:func:`report_counts` filters a partition with ``selection.select_articles``, theme-codes it and
counts it with the additive ``count_*`` functions of :mod:`analysis.aggregate.counts` and
:mod:`analysis.aggregate.evidence_counts`. Periods are days (:data:`REPORT_FREQ`), so any coarser
``freq`` (W, MS, QS, YS) is an exact re-bucketing sum in the notebook.

    >>> selection_params("2025-01-01", "", "B, A")
    {'start': '2025-01-01', 'end': None, 'outlets': ['A', 'B'], 'exclude_duplicates': True}
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis.aggregate import counts, evidence_counts, selection
from analysis.corpus import quality
from analysis.evidence.actors import actors
from analysis.evidence.places import places
from analysis.evidence.tone import tone
from analysis.themes import scoring

REPORT_FREQ: str = "D"          # finest period of the stored tables (re-bucketed in the notebooks)
REPORT_BY: tuple[str, ...] = ("source",)
KIND: str = "report"            # ``params["kind"]`` of aggregates written for the report notebooks
REPORT_TABLES: tuple[str, ...] = ("quality", "articles", "theme_periods", "themes_by_source", "cooccurrence",
                                  "matched_terms", "subthemes", "tone_theme", "places_theme", "actors_theme",
                                  "mention_periods")
OPTIONAL_TABLES: tuple[str, ...] = ("mention_periods",)  # aggregates written before it still load (no mentions line)
# the text sections' pieces (analysis.cluster.report_text): O(TEXT_ROWS x themes) samples and
# O(vocabulary) counts; aggregates written without them still load (their sections show a note)
TEXT_TABLES: tuple[str, ...] = ("top_articles", "quote_rows", "amount_rows", "kwic_rows", "keyness_terms",
                                "collocation_words", "collocation_pairs", "speakers", "speaker_articles",
                                "shared_speakers", "countries_theme")
TEXT_ROWS: int = 50             # rows kept per theme of each sample (top articles, quotes, amounts)
KWIC_ROWS: int = 25             # KWIC lines per theme (the largest sample kwic_order prepares)
KWIC_WINDOW: int = 8            # words of context either side of a stored KWIC line


def selection_params(start: str | None = "", end: str | None = "", outlets: Sequence[str] | str | None = "",
                     exclude_duplicates: bool = True) -> dict[str, Any]:
    """The normalized article selection a count table was made for.

    >>> selection_params("2025-01-01", "", "B, A")
    {'start': '2025-01-01', 'end': None, 'outlets': ['A', 'B'], 'exclude_duplicates': True}
    """
    return {"start": start or None, "end": end or None, "outlets": sorted(selection.parse_list(outlets)),
            "exclude_duplicates": bool(exclude_duplicates)}


def theme_mentions(mentions: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Mention counts per theme, each over the articles where that theme is present."""
    frames = []
    for theme, ids in pairs.groupby("theme")["article_id"]:
        on = mentions[mentions["article_id"].astype("string").isin(set(ids))]
        c = evidence_counts.count_mentions(on, theme=str(theme))
        frames.append(c.assign(theme=str(theme)))
    empty = evidence_counts.count_mentions(mentions.iloc[:0]).assign(theme=pd.Series(dtype="string"))
    out = pd.concat(frames, ignore_index=True) if frames else empty
    return out[["theme", "kind", "name", "n_mentions", "n_articles"]].astype({"theme": "string"})


def select_and_score(part: pd.DataFrame, sel: dict[str, Any],
                     lexicons: Any = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(articles, scores, hits) of the articles of ``part`` that ``selection.select_articles`` keeps."""
    arts = selection.select_articles(part, sel["start"], sel["end"], sel["outlets"], sel["exclude_duplicates"])
    arts = arts.reset_index(drop=True)
    scores, hits = scoring.analyze(arts, lexicons)
    return arts, scores, hits


def selected_counts(arts: pd.DataFrame, scores: pd.DataFrame, hits: pd.DataFrame, freq: str = REPORT_FREQ,
                    by: Sequence[str] = REPORT_BY) -> dict[str, pd.DataFrame]:
    """The additive count tables (all but ``quality``) of selected, scored articles."""
    pairs = counts.presence(scores)
    by = tuple(by)
    out = {"articles": counts.count_articles(arts, freq=freq, by=by)}
    out["theme_periods"] = counts.count_theme_periods(arts, scores, freq=freq, by=by)
    out["mention_periods"] = counts.count_theme_periods(arts, counts.mentions(scores), freq=freq, by=())
    out["themes_by_source"] = counts.count_themes(arts, scores, by=("source",))
    out["cooccurrence"] = counts.count_cooccurrence(scores)
    out["matched_terms"] = counts.count_matched_terms(hits, present=scores)
    out["subthemes"] = counts.count_subthemes(hits, present=scores)
    tt = tone(arts, by="theme", hits=hits)
    tt = tt.astype({"article_id": "string", "theme": "string"}).merge(pairs, on=["article_id", "theme"])
    out["tone_theme"] = evidence_counts.count_tone(arts, tt, freq=freq, by=by)
    out["places_theme"] = theme_mentions(places(arts, hits=hits), pairs)
    out["actors_theme"] = theme_mentions(actors(arts, hits=hits), pairs)
    return out


def report_counts(part: pd.DataFrame, sel: dict[str, Any], lexicons: Any = None,
                  freq: str = REPORT_FREQ, by: Sequence[str] = REPORT_BY) -> dict[str, pd.DataFrame]:
    """The additive count tables of one partition of the store for the report notebooks.

    ``quality`` counts the whole partition (the notebooks' data-quality panel covers the store);
    every other table counts the articles ``selection.select_articles`` keeps.
    """
    arts, scores, hits = select_and_score(part, sel, lexicons)
    return {"quality": quality.count_quality(part), **selected_counts(arts, scores, hits, freq, by)}
