"""Report count tables on a Dask cluster: one pass over the store, summed in a tree, kept with their params.

``python -m analysis report --dask ...`` calls :func:`stale_params` and, when the stored tables are
missing or out of date, :func:`compute_report_aggregates`, then writes them with
:func:`analysis.aggregate.count_files.write_aggregates`; the notebooks read them back.
"""
from __future__ import annotations

import operator
import os
from typing import Any

import pandas as pd

from analysis import config
from analysis.aggregate.count_files import read_params
from analysis.aggregate.grouping import combine_counts
from analysis.aggregate.report_counts import KIND, REPORT_BY, REPORT_FREQ, REPORT_TABLES, report_counts
from analysis.cluster import engine
from analysis.cluster.session import progress
from analysis.corpus.store import corpus_fingerprint
from analysis.themes.lexicon import lexicon_fingerprint


def compute_report_aggregates(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                              show_progress: bool = True, version: str | None = None) -> dict[str, pd.DataFrame]:
    """Sum :func:`report_counts` over store version ``version`` (None: the current one) on the
    current Dask client (tree reduction); the version is leased until the sums are back."""
    import dask  # deferred: dask is imported only when a cluster run starts

    arts = engine.read_store(store, version=version)
    counted = [dask.delayed(report_counts)(p, sel, lexicons) for p in arts.to_delayed()]
    final = {}
    for name in REPORT_TABLES:
        level = [dask.delayed(operator.getitem)(c, name) for c in counted]
        while len(level) > 1:
            level = [dask.delayed(combine_counts)(level[i:i + engine.TREE_FANIN])
                     for i in range(0, len(level), engine.TREE_FANIN)]
        final[name] = level[0]
    return dict(zip(final, progress(*final.values(), enabled=show_progress)))


def aggregate_params(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                     version: str | None = None) -> dict[str, Any]:
    """The manifest ``params`` of report aggregates: selection, period, store (version) and lexicon fingerprints."""
    folder = config.store_dir(store)
    return {"kind": KIND, "freq": REPORT_FREQ, "by": list(REPORT_BY), "selection": sel,
            "lexicons": str(lexicons) if lexicons else None, "corpus_fingerprint": corpus_fingerprint(folder, version=version),
            "lexicon_fingerprint": lexicon_fingerprint(lexicons)}


def stale_params(store: str | os.PathLike[str] | None, sel: dict[str, Any], lexicons: Any = None,
                 force: bool = False, version: str | None = None) -> dict[str, Any] | None:
    """The params to compute report aggregates with, or None when the stored ones are current."""
    want = aggregate_params(store, sel, lexicons, version)
    return None if not force and read_params(store) == want else want
