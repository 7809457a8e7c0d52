"""Report count tables on a Dask cluster: one pass over the store, summed in a tree, kept with their params.

``python -m analysis report --dask ...`` calls :func:`stale_params` and, when the stored tables are
missing or out of date, :func:`compute_report_aggregates`, then writes them with
:func:`analysis.aggregate.count_files.write_aggregates`; the notebooks read them back. Each
partition gives the count tables (:func:`analysis.aggregate.report_counts.selected_counts`) and the
text sections' bounded pieces (:func:`analysis.cluster.report_text.text_pieces`) in one pass.
The vocabulary-sized pieces (keyness, collocations) are counted only for the run's ``text_themes``
(recorded in the params: a report for another theme recomputes, or says it was not computed).
"""
from __future__ import annotations

import operator
import os
from functools import partial
from typing import Any

import pandas as pd

from analysis import config
from analysis.aggregate.count_files import read_params
from analysis.aggregate.grouping import combine_counts
from analysis.aggregate.report_counts import (
    KIND,
    KWIC_ROWS,
    KWIC_WINDOW,
    REPORT_BY,
    REPORT_FREQ,
    REPORT_TABLES,
    TEXT_ROWS,
    TEXT_TABLES,
    select_and_score,
    selected_counts,
)
from analysis.cluster import engine
from analysis.cluster.report_text import choose_kwic, combine_piece, kwic_pass, text_pieces
from analysis.cluster.session import progress
from analysis.corpus import quality
from analysis.corpus.store import corpus_fingerprint
from analysis.themes.lexicon import lexicon_fingerprint

REPORT_FANIN: int = 4      # partitions' (or reduced) table sets per reduction step: a worker holds at most this many


def partition_tables(part: pd.DataFrame, sel: dict[str, Any], lexicons: Any = None,
                     part_no: int = 0, text_themes: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every report table of one partition: ``quality``, the count tables and the text pieces.

    The sentence-span cache (shared by the extractors of one partition, up to
    ``sentences.SPAN_CACHE_CHARS`` characters of documents) is emptied afterwards: the next
    partition holds other documents, and a worker's memory must not grow with the articles it has seen.
    """
    try:
        arts, scores, hits = select_and_score(part, sel, lexicons)
        return {"quality": quality.count_quality(part), **selected_counts(arts, scores, hits),
                **text_pieces(arts, scores, hits, part_no, text_themes=text_themes)}
    finally:
        engine.clear_worker_caches()


def _combine(name: str) -> Any:
    """The reduction step of table ``name``: a group-by sum, or the text piece's own step."""
    return combine_counts if name in REPORT_TABLES else partial(combine_piece, name)


def combine_tables(sets: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """One reduction step of whole table sets: every table of :func:`partition_tables` (but the KWIC
    candidates, which go to the client) reduced with its own step."""
    names = [n for n in REPORT_TABLES + TEXT_TABLES if n != "kwic_rows"]
    return {name: _combine(name)([s[name] for s in sets]) for name in names}


def compute_report_aggregates(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                              show_progress: bool = True, version: str | None = None,
                              partition_rows: int = engine.PARTITION_ROWS,
                              text_themes: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Reduce :func:`partition_tables` over store version ``version`` (None: the current one) on the
    current Dask client (tree reduction; ``partition_rows`` articles per task at most), then fetch
    the chosen KWIC lines in a second pass over the partitions that hold them; the version is leased
    until the results are back. ``text_themes`` (None: every theme) limits keyness and collocations."""
    import dask  # deferred: dask is imported only when a cluster run starts

    arts = engine.read_store(store, version=version, partition_rows=partition_rows)
    parts = arts.to_delayed()
    themes = None if text_themes is None else sorted(text_themes)
    counted = [dask.delayed(partition_tables)(p, sel, lexicons, i, themes) for i, p in enumerate(parts)]
    # one tree of whole table sets (not one per table): each partition's tables are released as soon as
    # its reduction step ran, so a worker holds at most REPORT_FANIN sets, whatever the number of partitions
    level = counted
    while len(level) > 1:
        level = [dask.delayed(combine_tables)(level[i:i + REPORT_FANIN]) for i in range(0, len(level), REPORT_FANIN)]
    candidates = [dask.delayed(operator.getitem)(c, "kwic_candidates") for c in counted]
    results = progress(level[0], *candidates, enabled=show_progress)   # candidates: straight to the client
    out = {name: table for name, table in results[0].items() if name != "kwic_candidates"}
    chosen = choose_kwic(results[1:])               # on the client: what kwic_sample shows, per theme
    lines = [dask.delayed(kwic_pass)(p, sel, lexicons, chosen) for p in parts]
    out["kwic_rows"] = pd.concat(progress(*lines, enabled=show_progress), ignore_index=True)
    return out


def aggregate_params(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                     version: str | None = None, text_themes: list[str] | None = None) -> dict[str, Any]:
    """The manifest ``params`` of report aggregates: selection, period, store (version) and lexicon
    fingerprints, and the themes keyness and collocations were counted for (None: all)."""
    folder = config.store_dir(store)
    return {"kind": KIND, "freq": REPORT_FREQ, "by": list(REPORT_BY), "selection": sel,
            "lexicons": str(lexicons) if lexicons else None, "corpus_fingerprint": corpus_fingerprint(folder, version=version),
            "lexicon_fingerprint": lexicon_fingerprint(lexicons),
            "text": {"rows": TEXT_ROWS, "kwic_rows": KWIC_ROWS, "kwic_window": KWIC_WINDOW,
                     "pair_keys": "hash64", "themes": None if text_themes is None else sorted(text_themes)}}


def stale_params(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                 force: bool = False, version: str | None = None,
                 text_themes: list[str] | None = None) -> dict[str, Any] | None:
    """The params to compute report aggregates with, or None when the stored ones are current (and
    hold keyness and collocations of every theme of ``text_themes``; None: of all themes)."""
    want = aggregate_params(store, sel, lexicons, version, text_themes)
    have = read_params(store)
    if force or not isinstance(have, dict) or not isinstance(have.get("text"), dict):
        return want
    stored = have["text"].get("themes")
    covered = stored is None or (text_themes is not None and set(text_themes) <= set(stored))
    same = {**have, "text": {**have["text"], "themes": None}} == {**want, "text": {**want["text"], "themes": None}}
    if same and covered:
        return None
    if same and stored is not None and text_themes is not None:       # keep the themes counted before
        want["text"]["themes"] = sorted({*stored, *text_themes})
    return want
