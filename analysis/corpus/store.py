"""The article store: a partitioned Parquet dataset with atomic, locked, append-only commits.

Layout (``STORE`` = ``config.store_dir(store)``, default ``data/processed``)::

    STORE/articles -> .versions/v000003          symlink, swapped atomically on every commit
    STORE/.versions/v000003/year=2019/month=03/part-<txid>-00000.parquet
    STORE/.versions/v000003/year=undated/month=undated/part-...parquet    rows without a date
    STORE/.versions/v000003/_manifest.json       files, row counts, columns of this version
    STORE/.versions/v000003/_dedupe.npz          exact keys + MinHash signatures of every article
    STORE/.ingest.lock                            fcntl lock held by a writer
    STORE/ingest_report.json                      report of the last ingest

Read it with anything that reads hive-partitioned Parquet (files starting with ``_`` are metadata
and are ignored by these readers); every file in a version has the same schema::

    pyarrow.dataset.dataset("STORE/articles", partitioning="hive")
    dask.dataframe.read_parquet("STORE/articles")
    duckdb.sql("select * from read_parquet('STORE/articles/**/*.parquet', hive_partitioning=true)")

A commit writes a complete new version directory (unchanged part files are hard links, so a commit
costs only the new rows), then swaps the ``articles`` symlink atomically
(:func:`analysis.files.swap_symlink`): readers see the old version or the new one, never a mix,
and a run killed at any point leaves the previous version in place. Writers hold an exclusive
``fcntl`` lock on ``.ingest.lock`` for the whole read-dedupe-write cycle, so concurrent ingests
queue instead of corrupting the store. The current and previous versions are kept; older ones
are removed after a commit.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from analysis import config
from analysis.corpus.dedupe import DedupeIndex
from analysis.files import files_fingerprint, swap_symlink, text_fingerprint, write_json_atomic
from analysis.schema import ARTICLE_COLUMNS, ARTICLE_DTYPES

log = logging.getLogger(__name__)

VERSIONS_DIR = ".versions"
LOCK_FILE = ".ingest.lock"
MANIFEST = "_manifest.json"
DEDUPE_INDEX = "_dedupe.npz"
UNDATED = "undated"
PARTITIONS = ("year", "month")
LOCK_TIMEOUT_S = 600.0
CORE_ARROW: dict[str, pa.DataType] = {
    c: (pa.timestamp("ns") if c == "date" else pa.int64() if c == "n_words" else pa.string())
    for c in ARTICLE_COLUMNS
}


def articles_path(store: str | os.PathLike[str] | None = None) -> Path:
    """The ``articles`` dataset path of a store (a symlink to the current version).

    >>> articles_path("/tmp/s").name
    'articles'
    """
    return config.store_dir(store) / config.ARTICLES_DATASET


def current_version(store: str | os.PathLike[str] | None = None) -> Path | None:
    """Resolved directory of the current version, or None for an empty store."""
    link = articles_path(store)
    if not link.is_symlink():
        return None
    return (link.parent / os.readlink(link)).resolve()


def corpus_fingerprint(store: str | os.PathLike[str] | None = None) -> str:
    """Short hash of the store's current version manifest (of its Parquet files' names, sizes and
    times when it has none): it changes with every commit, so caches built on the store can tell.

    >>> len(corpus_fingerprint("/no/such/store"))
    16
    """
    version = current_version(store)
    if version is not None and (version / MANIFEST).is_file():
        return text_fingerprint([(version / MANIFEST).read_text(encoding="utf-8")])
    folder = articles_path(store)
    return files_fingerprint(folder.rglob("*.parquet"), folder, content=False)


def read_manifest(version: Path | None) -> dict[str, Any]:
    """The manifest of a version directory (an empty manifest for None)."""
    if version is None:
        return {"version": 0, "files": [], "columns": {}, "rows": 0}
    return json.loads((version / MANIFEST).read_text(encoding="utf-8"))


@contextmanager
def store_lock(store: str | os.PathLike[str] | None = None, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the store's exclusive writer lock (waits up to ``timeout`` seconds)."""
    root = config.store_dir(store)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"store {root} is locked by another ingest") from None
                log.info("waiting for the store lock held by another ingest ...")
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def partition_of(dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Hive partition values (year, month) as strings; ``undated`` for NaT."""
    year = dates.dt.strftime("%Y").fillna(UNDATED)
    month = dates.dt.strftime("%m").fillna(UNDATED)
    return year, month


def to_arrow(df: pd.DataFrame) -> pa.Table:
    """Convert an article frame to Arrow with the store's types (core columns fixed, strings as utf8)."""
    cols, arrays = [], []
    for col in df.columns:
        s = df[col]
        if col in CORE_ARROW:
            typ = CORE_ARROW[col]
            if col == "date":
                s = pd.to_datetime(s).astype("datetime64[ns]")
            if typ == pa.string():
                try:
                    arr = pa.array(s, from_pandas=True)
                    arr = arr.cast(pa.string()) if arr.type != pa.string() else arr
                except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                    arr = pa.array(s.astype("object").where(s.notna(), None), type=typ, from_pandas=True)
            else:
                arr = pa.array(s, type=typ, from_pandas=True)
        else:
            try:
                arr = pa.array(s, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arr = pa.array(s.astype("string"), from_pandas=True)
            if pa.types.is_large_string(arr.type) or pa.types.is_string_view(arr.type):
                arr = arr.cast(pa.string())
            if pa.types.is_null(arr.type):
                arr = arr.cast(pa.string())
        cols.append(col)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=cols)


def unify_schemas(schemas: Sequence[pa.Schema]) -> pa.Schema:
    """Union of columns: core columns first with fixed types; conflicting extra types become strings."""
    fields: dict[str, pa.DataType] = dict(CORE_ARROW)
    for sch in schemas:
        for f in sch:
            if f.name in CORE_ARROW:
                continue
            old = fields.get(f.name)
            if old is None or pa.types.is_null(old):
                fields[f.name] = f.type
            elif old != f.type and not pa.types.is_null(f.type):
                fields[f.name] = pa.string()
    return pa.schema([pa.field(k, v) for k, v in fields.items()])


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Add missing columns as nulls, cast, and order columns like ``schema``."""
    arrays = []
    for f in schema:
        if f.name in table.column_names:
            col = table[f.name]
            if col.type != f.type:
                col = col.cast(f.type) if f.type != pa.string() else pa.array(
                    [None if v is None else str(v) for v in col.to_pylist()], type=pa.string())
            arrays.append(col)
        else:
            arrays.append(pa.nulls(len(table), type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


class Transaction:
    """Staged writes to a new store version; committed atomically by :func:`transaction`."""

    def __init__(self, root: Path) -> None:
        """Open a transaction on the store at ``root`` (the caller holds the lock)."""
        self.root = root
        self.base = current_version(root)
        self.manifest = read_manifest(self.base)
        self.txid = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        self.version = int(self.manifest["version"]) + 1
        self.stage = root / VERSIONS_DIR / f"v{self.version:06d}.tmp-{self.txid}"
        self.stage.mkdir(parents=True)
        self.new_files: list[dict[str, Any]] = []
        self._index: DedupeIndex | None = None

    @property
    def index(self) -> DedupeIndex:
        """The dedupe index of the current version (loaded on first use)."""
        if self._index is None:
            self._index = DedupeIndex.load(self.base / DEDUPE_INDEX) if self.base else DedupeIndex.empty()
        return self._index

    @index.setter
    def index(self, value: DedupeIndex) -> None:
        """Replace the index to be written with this version."""
        self._index = value

    def existing_ids(self) -> set[str]:
        """Article ids already in the store."""
        return set(self.index.ids.tolist())

    def append(self, df: pd.DataFrame) -> int:
        """Stage article rows (one part file per year/month); return rows staged."""
        if df.empty:
            return 0
        year, month = partition_of(pd.to_datetime(df["date"]))
        table = to_arrow(df.reset_index(drop=True))
        keys = (year + "/" + month).to_numpy(dtype=object)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        bounds = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1], True])
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            y, m = sorted_keys[lo].split("/")
            rel = f"year={y}/month={m}/part-{self.txid}-{len(self.new_files):05d}.parquet"
            dest = self.stage / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table.take(order[lo:hi]), dest, compression="zstd")
            self.new_files.append({"path": rel, "rows": int(hi - lo)})
        return len(df)

    def commit(self) -> Path:
        """Finish the new version (hard links + schema alignment + manifest) and swap it in."""
        old_files = list(self.manifest["files"])
        base_schema = pq.read_schema(self.base / old_files[0]["path"]) if old_files else None
        new_schemas = [pq.read_schema(self.stage / f["path"]) for f in self.new_files]
        schema = unify_schemas(([base_schema] if base_schema else []) + new_schemas)
        for f in old_files:
            src, dest = self.base / f["path"], self.stage / f["path"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            if base_schema is not None and base_schema.equals(schema):
                try:
                    os.link(src, dest)
                except OSError:          # no hard links on this filesystem: copy
                    shutil.copy2(src, dest)
            else:
                pq.write_table(conform(pq.read_table(src), schema), dest, compression="zstd")
        for f, sch in zip(self.new_files, new_schemas):
            if not sch.equals(schema):
                p = self.stage / f["path"]
                pq.write_table(conform(pq.read_table(p), schema), p, compression="zstd")
        files = old_files + self.new_files
        self.index.save(self.stage / DEDUPE_INDEX)
        manifest = {
            "version": self.version, "txid": self.txid, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "rows": sum(f["rows"] for f in files), "files": files,
            "columns": {f.name: str(f.type) for f in schema}, "partitioning": list(PARTITIONS),
        }
        write_json_atomic(self.stage / MANIFEST, manifest)
        final = self.root / VERSIONS_DIR / f"v{self.version:06d}"
        os.replace(self.stage, final)
        swap_symlink(articles_path(self.root), final)     # the commit point
        _prune_versions(self.root, keep={final.name} | ({self.base.name} if self.base else set()))
        return final

    def abort(self) -> None:
        """Remove the staged files; the store is unchanged."""
        shutil.rmtree(self.stage, ignore_errors=True)


@contextmanager
def transaction(store: str | os.PathLike[str] | None = None) -> Iterator[Transaction]:
    """Lock the store, yield a :class:`Transaction`, commit on success, roll back on error."""
    root = config.store_dir(store)
    with store_lock(root):
        _prune_versions(root, keep=None)
        tx = Transaction(root)
        try:
            yield tx
        except BaseException:
            tx.abort()
            raise
        if tx.new_files or tx.base is None:
            tx.commit()
        else:
            tx.abort()


def write_report(store: str | os.PathLike[str] | None, report: dict[str, Any]) -> Path:
    """Write ``ingest_report.json`` into the store folder atomically."""
    path = config.store_dir(store) / config.INGEST_REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_json_atomic(path, report)


def _prune_versions(root: Path, keep: set[str] | None) -> None:
    """Remove leftovers of killed runs and, when ``keep`` is given, versions not in it."""
    vdir = root / VERSIONS_DIR
    if not vdir.is_dir():
        return
    current = current_version(root)
    for p in vdir.iterdir():
        stale = ".tmp-" in p.name or (keep is not None and p.name not in keep)
        if stale and (current is None or p.resolve() != current):
            shutil.rmtree(p, ignore_errors=True)
    for p in root.glob(".articles.tmp-*"):
        p.unlink(missing_ok=True)


def load_corpus(
    store: str | os.PathLike[str] | None = None,
    columns: Sequence[str] | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    sources: Sequence[str] | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Read the article table (core columns first, schema dtypes, then extras).

    ``start``/``end`` are inclusive dates (undated rows are excluded when either is given);
    ``sources`` keeps those outlets; ``drop_duplicates=True`` drops rows with ``dup_of`` set.

    >>> load_corpus("/no/such/store")   # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: no article store at /no/such/store
    """
    version = current_version(store)
    if version is None:
        raise FileNotFoundError(f"no article store at {config.store_dir(store)} "
                                "(run: python -m analysis ingest PATH --store DIR)")
    manifest = read_manifest(version)
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    files = []
    for f in manifest["files"]:
        y, m = (part.split("=", 1)[1] for part in f["path"].split("/")[:2])
        if (lo is not None or hi is not None) and y == UNDATED:
            continue
        if y != UNDATED:
            first = pd.Timestamp(int(y), int(m), 1)
            if (hi is not None and first > hi) or (lo is not None and first + pd.offsets.MonthEnd(0) < lo.normalize()):
                continue
        files.append(str(version / f["path"]))
    schema = pq.read_schema(version / manifest["files"][0]["path"]) if manifest["files"] else None
    want = list(columns) if columns is not None else None
    known = set(schema.names) if schema is not None else set(CORE_ARROW)
    unknown = [c for c in (want or []) if c not in known]
    if unknown:
        raise KeyError(f"unknown column(s) {', '.join(unknown)}; the store has {', '.join(sorted(known))}")
    read_cols = None if want is None else list(dict.fromkeys(want + (["dup_of"] if drop_duplicates else [])))
    flt = None
    if lo is not None:
        flt = ds.field("date") >= pa.scalar(lo.normalize(), pa.timestamp("ns"))
    if hi is not None:
        e = ds.field("date") <= pa.scalar(hi.normalize(), pa.timestamp("ns"))
        flt = e if flt is None else flt & e
    if sources is not None:
        e = ds.field("source").isin(list(sources))
        flt = e if flt is None else flt & e
    if drop_duplicates:
        e = ds.field("dup_of").is_null()
        flt = e if flt is None else flt & e
    if files:
        table = ds.dataset(files, schema=schema, format="parquet").to_table(columns=read_cols, filter=flt)
    else:
        table = (schema or pa.schema(list(CORE_ARROW.items()))).empty_table()
        if read_cols:
            table = table.select(read_cols)
    df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
    order = [c for c in ARTICLE_COLUMNS if c in df.columns] + [c for c in df.columns if c not in ARTICLE_COLUMNS]
    df = df[want if want is not None else order]
    return df.astype({c: t for c, t in ARTICLE_DTYPES.items() if c in df.columns}).reset_index(drop=True)
