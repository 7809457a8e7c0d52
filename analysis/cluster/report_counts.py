"""Report count tables on a Dask cluster: one pass over the store, summed in a tree, kept with their params.

``python -m analysis report --dask ...`` calls :func:`stale_params` and, when the stored tables are
missing or out of date, :func:`compute_report_aggregates`, then writes them with
:func:`analysis.aggregate.count_files.write_aggregates`; the notebooks read them back. Each
partition gives the count tables (:func:`analysis.aggregate.report_counts.selected_counts`) and the
text sections' bounded pieces (:func:`analysis.cluster.report_text.text_pieces`) in one pass.
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


def partition_tables(part: pd.DataFrame, sel: dict[str, Any], lexicons: Any = None,
                     part_no: int = 0) -> dict[str, pd.DataFrame]:
    """Every report table of one partition: ``quality``, the count tables and the text pieces."""
    arts, scores, hits = select_and_score(part, sel, lexicons)
    return {"quality": quality.count_quality(part), **selected_counts(arts, scores, hits),
            **text_pieces(arts, scores, hits, part_no)}


def _combine(name: str) -> Any:
    """The reduction step of table ``name``: a group-by sum, or the text piece's own step."""
    return combine_counts if name in REPORT_TABLES else partial(combine_piece, name)


def compute_report_aggregates(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                              show_progress: bool = True, version: str | None = None,
                              partition_rows: int = engine.PARTITION_ROWS) -> dict[str, pd.DataFrame]:
    """Reduce :func:`partition_tables` over store version ``version`` (None: the current one) on the
    current Dask client (tree reduction; ``partition_rows`` articles per task at most), then fetch
    the chosen KWIC lines in a second pass over the partitions that hold them; the version is leased
    until the results are back."""
    import dask  # deferred: dask is imported only when a cluster run starts

    arts = engine.read_store(store, version=version, partition_rows=partition_rows)
    parts = arts.to_delayed()
    counted = [dask.delayed(partition_tables)(p, sel, lexicons, i) for i, p in enumerate(parts)]
    final = {}
    for name in REPORT_TABLES + TEXT_TABLES:
        if name == "kwic_rows":
            continue
        level = [dask.delayed(operator.getitem)(c, name) for c in counted]
        step = _combine(name)
        while len(level) > 1:
            level = [dask.delayed(step)(level[i:i + engine.TREE_FANIN])
                     for i in range(0, len(level), engine.TREE_FANIN)]
        final[name] = level[0]
    candidates = [dask.delayed(operator.getitem)(c, "kwic_candidates") for c in counted]
    results = progress(*final.values(), *candidates, enabled=show_progress)   # candidates: straight to the client
    out = dict(zip(final, results[:len(final)]))
    chosen = choose_kwic(results[len(final):])      # on the client: what kwic_sample shows, per theme
    lines = [dask.delayed(kwic_pass)(p, sel, lexicons, chosen) for p in parts]
    out["kwic_rows"] = pd.concat(progress(*lines, enabled=show_progress), ignore_index=True)
    return out


def aggregate_params(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                     version: str | None = None) -> dict[str, Any]:
    """The manifest ``params`` of report aggregates: selection, period, store (version) and lexicon fingerprints."""
    folder = config.store_dir(store)
    return {"kind": KIND, "freq": REPORT_FREQ, "by": list(REPORT_BY), "selection": sel,
            "lexicons": str(lexicons) if lexicons else None, "corpus_fingerprint": corpus_fingerprint(folder, version=version),
            "lexicon_fingerprint": lexicon_fingerprint(lexicons),
            "text": {"rows": TEXT_ROWS, "kwic_rows": KWIC_ROWS, "kwic_window": KWIC_WINDOW}}


def stale_params(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                 force: bool = False, version: str | None = None) -> dict[str, Any] | None:
    """The params to compute report aggregates with, or None when the stored ones are current."""
    want = aggregate_params(store, sel, lexicons, version)
    return None if not force and read_params(store) == want else want
