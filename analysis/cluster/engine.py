"""The Dask engine: the package's per-partition functions run as tasks on a Dask cluster.

Nothing here re-implements a rule. Every task calls the same pure DataFrame -> DataFrame function
the pandas path calls (``themes.analyze``, ``quotes.quotes``, ``aggregate.count_*`` ...) on one
partition of the article table; aggregations are ``count per partition -> group-by sum on the
cluster -> finalize`` with :mod:`analysis.aggregate.counts`, so only count tables reach the client.

    >>> from analysis.cluster import engine as dx
    >>> from analysis.cluster.session import client
    >>> c = client("local", n_workers=2)                          # doctest: +SKIP
    >>> arts = dx.read_store("data/processed")                     # doctest: +SKIP
    >>> counts = dx.aggregates(arts)                               # doctest: +SKIP
    >>> from analysis.aggregate.count_files import write_aggregates
    >>> write_aggregates(counts, "data/processed")                 # doctest: +SKIP

``--dask local`` starts a ``LocalCluster`` on 127.0.0.1; ``--dask tcp://HOST:PORT`` connects to a
running scheduler (workers must see the store path: a shared file system or the same machine).
Ingest on the cluster lives in :mod:`analysis.cluster.ingest`.

The workers read the part files of one store version; the client pins it with a reader lease
(:func:`analysis.corpus.store.reader_lease`) so commits meanwhile cannot remove it. The frame of
:func:`read_store` holds its lease for as long as it, or any frame or graph built on it, is alive;
:func:`pinned_store` pins a version for a block (several reads, one version)::

    with dx.pinned_store("data/processed") as version:             # doctest: +SKIP
        counts = dx.aggregates(dx.read_store("data/processed", version=version))
"""
from __future__ import annotations

import logging
import operator
import os
import shutil
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from analysis import config
from analysis.aggregate import counts as aggregate
from analysis.aggregate import evidence_counts
from analysis.aggregate.grouping import combine_counts
from analysis.cluster.session import progress
from analysis.corpus.store import current_version, read_manifest, reader_lease, version_dir
from analysis.errors import UsageError
from analysis.evidence.actors import actors, clear_name_cache
from analysis.evidence.amounts import amounts
from analysis.evidence.places import places
from analysis.evidence.quotes import quotes
from analysis.evidence.tone import tone
from analysis.evidence.vader import clear_tone_cache
from analysis.schema import ARTICLE_COLUMNS, ARTICLE_DTYPES
from analysis.text.sentences import clear_document_caches
from analysis.text.words import term_counts_table
from analysis.themes import scoring as themes

log = logging.getLogger(__name__)

PARTITION_ROWS: int = 10_000          # articles per Dask partition when reading the store
TREE_FANIN: int = 8
EXTRACTORS: tuple[str, ...] = ("quotes", "amounts", "places", "actors", "tone")
EXTRACTOR_FUNCTIONS: dict[str, Callable[..., pd.DataFrame]] = {
    "quotes": quotes, "amounts": amounts, "places": places, "actors": actors,
}


# ---------------------------------------------------------------------------- the store as Dask
def no_store(store: str | os.PathLike[str] | None) -> UsageError:
    """The usage error for a store folder without articles."""
    return UsageError(f"no article store at {config.store_dir(store)} (run: python -m analysis ingest PATH)")


def store_files(store: str | os.PathLike[str] | None = None, version: str | None = None
                ) -> tuple[Path, list[dict[str, Any]], pa.Schema]:
    """Return (version dir, committed files with row counts, schema) of the current version or ``version``.

    A ``version`` that is gone is a StoreError (see :func:`analysis.corpus.store.version_dir`).
    """
    vdir = current_version(store) if version is None else version_dir(store, version)
    if vdir is None:
        raise no_store(store)
    manifest = read_manifest(vdir)
    files = manifest["files"]
    sch = pq.read_schema(vdir / files[0]["path"]) if files else pa.schema(
        [pa.field(c, pa.timestamp("ns") if c == "date" else pa.int64() if c == "n_words" else pa.string())
         for c in ARTICLE_COLUMNS])
    return vdir, files, sch


def lease_version(store: str | os.PathLike[str] | None, version: str | None = None) -> tuple[str, ExitStack]:
    """Take a reader lease on the current version (or ``version``); return its name and the lease to close."""
    lease = ExitStack()
    try:
        vdir = lease.enter_context(reader_lease(store, version))
    except FileNotFoundError:
        raise no_store(store) from None
    return vdir.name, lease


@contextmanager
def pinned_store(store: str | os.PathLike[str] | None = None, version: str | None = None) -> Iterator[str]:
    """Pin the store's current version (or ``version``) for the block; yield its name for ``read_store``.

    Commits during the block cannot remove the version (a reader lease held by this process).
    """
    name, lease = lease_version(store, version)
    with lease:
        yield name


def _to_frame(table: pa.Table, columns: Sequence[str] | None) -> pd.DataFrame:
    """Arrow table -> article frame with the same dtypes as ``store.load_corpus``."""
    df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
    order = [c for c in ARTICLE_COLUMNS if c in df.columns] + [c for c in df.columns if c not in ARTICLE_COLUMNS]
    df = df[list(columns) if columns is not None else order]
    return df.astype({c: t for c, t in ARTICLE_DTYPES.items() if c in df.columns}).reset_index(drop=True)


def read_files(paths: Sequence[str], schema_: pa.Schema, columns: Sequence[str] | None = None,
               drop_duplicates: bool = False) -> pd.DataFrame:
    """Read store part files into one article frame (the per-partition reader of :func:`read_store`)."""
    flt = ds.field("dup_of").is_null() if drop_duplicates else None
    cols = list(columns) if columns is not None else None
    table = ds.dataset(list(paths), schema=schema_, format="parquet").to_table(columns=cols, filter=flt) \
        if paths else schema_.empty_table().select(cols or schema_.names)
    return _to_frame(table, columns)


def _groups(files: list[dict[str, Any]], base: Path, rows: int) -> list[list[str]]:
    """Pack consecutive part files into partitions of about ``rows`` articles."""
    out: list[list[str]] = []
    cur: list[str] = []
    n = 0
    for f in files:
        cur.append(str(base / f["path"]))
        n += int(f["rows"])
        if n >= rows:
            out.append(cur)
            cur, n = [], 0
    if cur or not out:
        out.append(cur)
    return out


def read_store(store: str | os.PathLike[str] | None = None, columns: Sequence[str] | None = None,
               partition_rows: int = PARTITION_ROWS, drop_duplicates: bool = False,
               version: str | None = None) -> Any:
    """The committed article table as a Dask DataFrame (files from the manifest; load_corpus dtypes).

    Reads the current version, or ``version`` (e.g. from :func:`pinned_store`). The version is pinned
    by a reader lease of this process for as long as the frame, or anything built on it, is alive,
    so the workers still find its part files after later commits.

    >>> arts = read_store("data/processed")              # doctest: +SKIP
    >>> arts.npartitions, list(arts.columns[:3])         # doctest: +SKIP
    (3, ['article_id', 'source', 'date'])
    """
    import dask.dataframe as dd  # deferred on purpose: dask loads only for a cluster run

    name, lease = lease_version(store, version)
    try:
        vdir, files, sch = store_files(store, name)
        meta = read_files([], sch, columns)
        groups = _groups(files, vdir, partition_rows)
        frame = dd.from_map(read_files, groups, schema_=sch, columns=columns, drop_duplicates=drop_duplicates,
                            meta=meta, enforce_metadata=False, label="read-store")
    except BaseException:
        lease.close()
        raise
    weakref.finalize(frame.expr, lease.close)   # the expression lives on in every frame built on it
    return frame


# ---------------------------------------------------------------------------- per-partition steps
def _empty_articles() -> pd.DataFrame:
    """A zero-row article frame with the core columns (to derive ``meta``)."""
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in ARTICLE_DTYPES.items()})


def _scores_part(part: pd.DataFrame, lexicons: Any = None) -> pd.DataFrame:
    """Theme scores of one partition."""
    return themes.score_themes(part, lexicons)


def _hits_part(part: pd.DataFrame, lexicons: Any = None) -> pd.DataFrame:
    """Theme hits of one partition."""
    return themes.theme_hits(part, lexicons)


def score_themes(articles: Any, lexicons: Any = None) -> Any:
    """``themes.score_themes`` over a Dask article frame (map_partitions, typed meta).

    >>> score_themes(read_store("data/processed")).compute()   # doctest: +SKIP
    """
    return articles.map_partitions(_scores_part, lexicons, meta=_scores_part(_empty_articles(), lexicons))


def theme_hits(articles: Any, lexicons: Any = None) -> Any:
    """``themes.theme_hits`` over a Dask article frame (map_partitions, typed meta).

    >>> theme_hits(read_store("data/processed")).to_parquet("hits/")   # doctest: +SKIP
    """
    return articles.map_partitions(_hits_part, lexicons, meta=_hits_part(_empty_articles(), lexicons))


def _article_themes_part(part: pd.DataFrame, lexicons: Any = None) -> pd.DataFrame:
    """``themes.article_themes`` of one partition (every article, "other" when no theme)."""
    return themes.article_themes(themes.score_themes(part, lexicons), part)


def article_themes(articles: Any, lexicons: Any = None) -> Any:
    """Primary theme and present themes of every article (map_partitions)."""
    meta = _article_themes_part(_empty_articles(), lexicons)
    return articles.map_partitions(_article_themes_part, lexicons, meta=meta)


def clear_worker_caches() -> None:
    """Empty the per-process caches the extractors fill (per-document caches: sentences, place scans,
    speaker look-ups; names; tone): a worker calls it after each partition, so its memory stays flat."""
    clear_document_caches()
    clear_name_cache()
    clear_tone_cache()


def extract_partition(part: pd.DataFrame, kind: str, lexicons: Any = None,
                      hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run one text extractor (quotes, amounts, places, actors, tone[:level]) on one partition."""
    if hits is None:
        hits = themes.theme_hits(part, lexicons)
    name, _, level = kind.partition(":")
    if name == "tone":
        return tone(part, by=level or "article", hits=hits)
    if name in EXTRACTOR_FUNCTIONS:
        return EXTRACTOR_FUNCTIONS[name](part, hits=hits)
    raise UsageError(f"unknown extractor {kind!r}; use one of {', '.join(EXTRACTORS)} (tone:sentence|article|theme)")


def extract(articles: Any, kind: str, lexicons: Any = None) -> Any:
    """A text extractor over a Dask article frame (map_partitions with the extractor's own meta).

    >>> extract(read_store("data/processed"), "quotes").to_parquet("quotes/")   # doctest: +SKIP
    """
    sample = articles._meta.head(0)
    meta = extract_partition(sample, kind, lexicons)
    return articles.map_partitions(extract_and_clear, kind, lexicons, meta=meta, enforce_metadata=False)


def extract_and_clear(part: pd.DataFrame, kind: str, lexicons: Any = None) -> pd.DataFrame:
    """:func:`extract_partition` of one partition, then :func:`clear_worker_caches` (also on errors)."""
    try:
        return extract_partition(part, kind, lexicons)
    finally:
        clear_worker_caches()


# ---------------------------------------------------------------------------- aggregates
THEME_TABLES: tuple[str, ...] = ("articles", "theme_periods", "themes_by_source", "cooccurrence",
                                 "matched_terms", "subthemes")
TERM_TABLES: tuple[str, ...] = ("top_terms_source", "top_terms_theme")
EVIDENCE_TABLES: tuple[str, ...] = ("tone", "tone_theme", "places", "actors")
ALL_TABLES: tuple[str, ...] = THEME_TABLES + TERM_TABLES + EVIDENCE_TABLES


def partition_counts(part: pd.DataFrame, freq: str = "W", by: Sequence[str] = ("source",),
                     lexicons: Any = None, tables: Sequence[str] = THEME_TABLES + TERM_TABLES
                     ) -> dict[str, pd.DataFrame]:
    """The additive count tables of one partition (names in :data:`ALL_TABLES`)."""
    unknown = sorted(set(tables) - set(ALL_TABLES))
    if unknown:
        raise UsageError(f"unknown aggregate table(s) {', '.join(unknown)}; use {', '.join(ALL_TABLES)}")
    scores, hits = themes.analyze(part, lexicons)
    by = tuple(by)
    make: dict[str, Callable[[], pd.DataFrame]] = {
        "articles": lambda: aggregate.count_articles(part, freq=freq, by=by),
        "theme_periods": lambda: aggregate.count_theme_periods(part, scores, freq=freq, by=by),
        "themes_by_source": lambda: aggregate.count_themes(part, scores, by=("source",)),
        "cooccurrence": lambda: aggregate.count_cooccurrence(scores),
        "matched_terms": lambda: aggregate.count_matched_terms(hits, present=scores),
        "subthemes": lambda: aggregate.count_subthemes(hits, present=scores),
        "top_terms_source": lambda: term_counts_table(part, by="source"),
        "top_terms_theme": lambda: term_counts_table(part, by="theme", hits=hits),
        "tone": lambda: evidence_counts.count_tone(part, extract_partition(part, "tone:article", hits=hits),
                                             freq=freq, by=by),
        "tone_theme": lambda: evidence_counts.count_tone(part, extract_partition(part, "tone:theme", hits=hits),
                                                   freq=freq, by=by),
        "places": lambda: evidence_counts.count_mentions(extract_partition(part, "places", hits=hits)),
        "actors": lambda: evidence_counts.count_mentions(extract_partition(part, "actors", hits=hits)),
    }
    try:
        return {name: make[name]() for name in tables}
    finally:
        clear_worker_caches()  # the extractors' per-document caches: a worker's memory stays flat


def aggregates(articles: Any, freq: str = "W", by: Sequence[str] = ("source",), lexicons: Any = None,
               tables: Sequence[str] = THEME_TABLES + TERM_TABLES, show_progress: bool = True
               ) -> dict[str, pd.DataFrame]:
    """Summed count tables of the whole corpus, computed on the cluster (tree reduction).

    >>> counts = aggregates(read_store("data/processed"), freq="W")        # doctest: +SKIP
    >>> aggregate.theme_share(counts["theme_periods"]).head()              # doctest: +SKIP

    Finalize with :mod:`analysis.aggregate`: ``theme_share(out["theme_periods"])``,
    ``cooccurrence_matrix(out["cooccurrence"])``, ``top_matched_terms(out["matched_terms"])``,
    ``top_terms_from_counts(out["top_terms_source"])``, ``tone_mean(out["tone"])``,
    ``top_mentions(out["places"])``. ``tables`` picks names from :data:`ALL_TABLES`.
    """
    import dask  # deferred on purpose: dask loads only for a cluster run

    parts = articles.to_delayed()
    names = list(partition_counts(_empty_articles(), freq, by, lexicons, tuple(tables)))
    counted = [dask.delayed(partition_counts)(p, freq, tuple(by), lexicons, tuple(names)) for p in parts]
    final = {}
    for name in names:
        level = [dask.delayed(operator.getitem)(c, name) for c in counted]
        while len(level) > 1:
            level = [dask.delayed(combine_counts)(level[i:i + TREE_FANIN]) for i in range(0, len(level), TREE_FANIN)]
        final[name] = level[0] if len(level) == 1 else dask.delayed(combine_counts)([])
    results = progress(*final.values(), enabled=show_progress)
    return dict(zip(final, results))


SCORES_DIR: str = "themes_dask"     # <store>/themes_dask/{scores,hits,article_themes}/part-N.parquet


def _score_part_to_files(part: pd.DataFrame, lexicons: Any, root: str, i: int) -> tuple[int, int, int]:
    """Score one partition and write its scores, hits and article themes; return the row counts."""
    scores, hits = themes.analyze(part, lexicons)
    at = themes.article_themes(scores, part)
    for name, df in (("scores", scores), ("hits", hits), ("article_themes", at)):
        df.to_parquet(f"{root}/{name}/part-{i:05d}.parquet", index=False)
    return len(scores), len(hits), len(at)


def write_scores(articles: Any, store: str | os.PathLike[str] | None = None, lexicons: Any = None,
                 show_progress: bool = True) -> dict[str, int]:
    """Theme-code every partition on the cluster; write ``<store>/themes_dask/<table>/part-N.parquet``.

    Read back with ``dask.dataframe.read_parquet(<store>/themes_dask/scores)`` (or pandas/DuckDB).
    """
    import dask  # deferred on purpose: dask loads only for a cluster run

    root = config.store_dir(store) / SCORES_DIR
    shutil.rmtree(root, ignore_errors=True)
    for name in ("scores", "hits", "article_themes"):
        (root / name).mkdir(parents=True)
    tasks = [dask.delayed(_score_part_to_files)(p, lexicons, str(root), i)
             for i, p in enumerate(articles.to_delayed())]
    counts = progress(*tasks, enabled=show_progress)
    return {"scores": sum(c[0] for c in counts), "hits": sum(c[1] for c in counts),
            "article_themes": sum(c[2] for c in counts)}
