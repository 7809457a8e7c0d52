"""The article store: a partitioned Parquet dataset with atomic, locked, recoverable commits.

Layout (``STORE`` = ``config.store_dir(store)``, default ``data/processed``)::

    STORE/articles -> .versions/v000003          symlink, swapped atomically on every commit
    STORE/.versions/v000003/year=2019/month=03/part-<txid>-00000.parquet
    STORE/.versions/v000003/year=undated/month=undated/part-...parquet    rows without a date
    STORE/.versions/v000003/_manifest.json       files, row counts, columns, dedupe index segments
    STORE/.versions/v000003/_dedupe-v000003.npz  dedupe index segments: exact keys + MinHash signatures
    STORE/.versions/v000003/_ingest_report.json  report of the ingest that made this version
    STORE/.versions/v000003/_templates.json      sidecar: site templates learned at ingest (carried to later versions)
    STORE/.versions/_NOT-A-DATASET_...parquet    tripwire: a naive ``STORE/**/*.parquet`` glob fails on it
    STORE/.leases/v000002.lease                  reader leases (shared flock) pinning a version
    STORE/.ingest.lock                           fcntl lock held by a writer
    STORE/ingest_reports/<txid>.json             every ingest's report; the latest also as
    STORE/ingest_report.json

Read it through ``STORE/articles`` (never ``STORE/**``) with anything that reads hive-partitioned
Parquet (files starting with ``_`` are metadata); every file in a version has the same schema::

    pyarrow.dataset.dataset("STORE/articles", partitioning="hive")
    dask.dataframe.read_parquet("STORE/articles")
    duckdb.sql("select * from read_parquet('STORE/articles/**/*.parquet', hive_partitioning=true)")

A commit writes a complete new version directory (unchanged part files and index segments are
hard links, so a commit costs only the new rows), then swaps the ``articles`` symlink atomically
(:func:`analysis.files.swap_symlink`): readers see the old version or the new one, never a mix.
Writers hold an exclusive ``fcntl`` lock on ``.ingest.lock`` for the whole read-dedupe-write
cycle, so concurrent ingests queue. Every step of a commit is recoverable: a failure inside the
process rolls back at once, and the next writer (under the lock) removes whatever a killed one
left -- staged folders and versions newer than the one ``articles`` points to, which no reader
ever saw -- and publishes the ingest report of a commit that died before publishing it. After a
commit the current and previous versions are kept, and every version a reader holds a lease on
(:func:`reader_lease`, :mod:`analysis.corpus.leases`); the others are removed.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from analysis import config
from analysis.corpus import leases
from analysis.corpus.dedupe import DedupeIndex
from analysis.errors import StoreError
from analysis.files import files_fingerprint, swap_symlink, text_fingerprint, write_json_atomic
from analysis.schema import ARTICLE_COLUMNS, ARTICLE_DTYPES

log = logging.getLogger(__name__)

VERSIONS_DIR = ".versions"
LOCK_FILE = ".ingest.lock"
MANIFEST = "_manifest.json"
DEDUPE_INDEX = "_dedupe.npz"            # the single-file index of stores written before segments
DEDUPE_SEGMENT = "_dedupe-{version}.npz"
VERSION_REPORT = "_ingest_report.json"
REPORTS_DIR = "ingest_reports"
GLOB_GUARD = "_NOT-A-DATASET_read-STORE-articles-instead.parquet"
GLOB_GUARD_TEXT = ("This folder holds every kept version of the article store; it is not one dataset.\n"
                   "Read the current version through STORE/articles, e.g. DuckDB\n"
                   "read_parquet('STORE/articles/**/*.parquet', hive_partitioning=true).\n")
UNDATED = "undated"
PARTITIONS = ("year", "month")
LOCK_TIMEOUT_S = 600.0
LOCK_NOTE_EVERY_S = 60.0
MAX_SEGMENTS = 8
PENDING_BYTES = 32 << 20               # staged rows held in memory (Arrow bytes) before they are written out
VERSION_NAME = re.compile(r"v(\d{6})")
CORE_ARROW: dict[str, pa.DataType] = {
    c: (pa.timestamp("ns") if c == "date" else pa.int64() if c == "n_words" else pa.string())
    for c in ARTICLE_COLUMNS
}
COMMIT_STEPS: tuple[str, ...] = ("stage-written", "linked", "index-saved", "manifest-written", "renamed",
                                 "swapped", "report-written", "pruned")
commit_hook: Callable[[str], None] | None = None     # called with each of COMMIT_STEPS (fault-injection tests)


def commit_step(step: str) -> None:
    """Mark a step of a commit: call :data:`commit_hook` with its name, when one is set."""
    if commit_hook is not None:
        commit_hook(step)


def articles_path(store: str | os.PathLike[str] | None = None) -> Path:
    """The ``articles`` dataset path of a store (a symlink to the current version).

    >>> articles_path("/tmp/s").name
    'articles'
    """
    return config.store_dir(store) / config.ARTICLES_DATASET


def version_name(number: int) -> str:
    """The folder name of version ``number``.

    >>> version_name(12)
    'v000012'
    """
    return f"v{number:06d}"


def version_number(name: str) -> int | None:
    """The number of a version folder name, None for any other name.

    >>> version_number("v000012"), version_number("v000012.tmp-x")
    (12, None)
    """
    m = VERSION_NAME.fullmatch(name)
    return int(m.group(1)) if m else None


def current_version(store: str | os.PathLike[str] | None = None) -> Path | None:
    """Resolved directory of the current version, or None for an empty store."""
    link = articles_path(store)
    if not link.is_symlink():
        return None
    return (link.parent / os.readlink(link)).resolve()


def kept_versions(store: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the committed versions still on disk (oldest first; none newer than the current one)."""
    root = config.store_dir(store)
    current = current_version(root)
    top = version_number(current.name) if current is not None else None
    vroot = root / VERSIONS_DIR
    if top is None or not vroot.is_dir():
        return []
    numbers = (version_number(p.name) for p in vroot.iterdir())
    return [version_name(n) for n in sorted(n for n in numbers if n is not None and n <= top)
            if (vroot / version_name(n) / MANIFEST).is_file()]


def version_dir(store: str | os.PathLike[str] | None, version: str) -> Path:
    """The directory of the committed version named ``version`` (e.g. ``"v000012"``).

    Raises :class:`StoreError` when it is not a version name or the version is gone (removed
    after newer commits, or never committed).
    """
    root = config.store_dir(store)
    number = version_number(str(version))
    if number is None:
        raise StoreError(f"{version!r} is not a store version name (like v000012)")
    if str(version) not in kept_versions(root):
        kept = ", ".join(kept_versions(root)) or "none"
        raise StoreError(f"store {root} has no version {version} (versions kept: {kept})")
    return root / VERSIONS_DIR / str(version)


def read_manifest(version: Path | None) -> dict[str, Any]:
    """The manifest of a version directory (an empty manifest for None)."""
    if version is None:
        return {"version": 0, "files": [], "columns": {}, "rows": 0}
    try:
        return json.loads((version / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"store version {version} has no readable manifest ({one_line(exc)}); "
                         f"restore the store from a backup or re-ingest its inputs into a new store") from None


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none).

    >>> one_line(ValueError("bad footer\\nmore detail"))
    'bad footer'
    """
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def corpus_fingerprint(store: str | os.PathLike[str] | None = None, version: str | None = None) -> str:
    """Short hash of a version's manifest (the current one by default; of the Parquet files' names,
    sizes and times when there is none): it changes with every commit, so caches can tell.

    >>> len(corpus_fingerprint("/no/such/store"))
    16
    """
    vdir = version_dir(store, version) if version is not None else current_version(store)
    if vdir is not None and (vdir / MANIFEST).is_file():
        return text_fingerprint([(vdir / MANIFEST).read_text(encoding="utf-8")])
    folder = articles_path(store)
    return files_fingerprint(folder.rglob("*.parquet"), folder, content=False)


# ---------------------------------------------------------------------------- writer lock
def lock_holder(fh: IO[str]) -> str:
    """What the lock file says about its holder ("pid N since TIME"), or "another writer"."""
    try:
        fh.seek(0)
        text = fh.read().strip()
    except OSError:
        text = ""
    return text.splitlines()[0] if text else "another writer"


def wait_for_lock(fh: IO[str], root: Path, timeout: float) -> None:
    """Take the exclusive lock on ``fh``: say once that we wait (then once a minute), StoreError at ``timeout``."""
    start = time.monotonic()
    next_note: float | None = None
    while True:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            waited = time.monotonic() - start
            if waited >= timeout:
                raise StoreError(f"store {root} is still locked by {lock_holder(fh)} after {timeout:.0f} s; "
                                 f"run again when that ingest has finished (lock: {root / LOCK_FILE})") from None
            if next_note is None:
                log.info("store %s is locked by %s; waiting up to %.0f s ...", root, lock_holder(fh), timeout)
                next_note = waited + LOCK_NOTE_EVERY_S
            elif waited >= next_note:
                log.info("still waiting for the store lock (%.0f s left)", timeout - waited)
                next_note += LOCK_NOTE_EVERY_S
            time.sleep(min(0.2, max(timeout - waited, 0.01)))


@contextmanager
def store_lock(store: str | os.PathLike[str] | None = None, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the store's exclusive writer lock (waits up to ``timeout`` seconds, then StoreError)."""
    root = config.store_dir(store)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a+", encoding="utf-8") as fh:
        wait_for_lock(fh, root, timeout)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}\n")
            fh.flush()
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------------------- readers
@contextmanager
def reader_lease(store: str | os.PathLike[str] | None = None, version: str | None = None) -> Iterator[Path]:
    """Pin a version (the current one when None) so no commit removes it while the block runs.

    Yields the version directory. Works across processes (a shared ``flock`` on
    ``STORE/.leases/<version>.lease``, see :mod:`analysis.corpus.leases`). The current version is
    resolved once, and once more if it vanished between resolving and leasing.

    >>> with reader_lease("/no/such/store"):   # doctest: +IGNORE_EXCEPTION_DETAIL
    ...     pass
    Traceback (most recent call last):
    FileNotFoundError: no article store at /no/such/store
    """
    root = config.store_dir(store)
    for _ in range(2 if version is None else 1):
        vdir = current_version(root) if version is None else version_dir(root, version)
        if vdir is None:
            raise FileNotFoundError(f"no article store at {root} (run: python -m analysis ingest PATH --store DIR)")
        held, fh = leases.acquire(root, vdir.name, (vdir / MANIFEST).is_file)
        if held:
            break
    else:
        raise StoreError(f"store {root}: version {vdir.name} is missing (removed while it was being opened, "
                         f"or {articles_path(root)} points at a deleted folder); run again, or see kept versions "
                         f"with analysis.corpus.store.kept_versions")
    try:
        yield vdir
    finally:
        leases.release(fh)


def partition_files(manifest: dict[str, Any], lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> list[str]:
    """The manifest's part files whose year/month partition can hold rows between ``lo`` and ``hi``."""
    out = []
    for f in manifest["files"]:
        y, m = (part.split("=", 1)[1] for part in f["path"].split("/")[:2])
        if (lo is not None or hi is not None) and y == UNDATED:
            continue
        if y != UNDATED:
            first = pd.Timestamp(int(y), int(m), 1)
            if (hi is not None and first > hi) or (lo is not None and first + pd.offsets.MonthEnd(0) < lo.normalize()):
                continue
        out.append(f["path"])
    return out


def row_filter(lo: pd.Timestamp | None, hi: pd.Timestamp | None, sources: Sequence[str] | None,
               drop_duplicates: bool, article_ids: Iterable[str] | None) -> ds.Expression | None:
    """The Arrow filter for a date range, outlets, originals only and article ids (None: every row)."""
    parts = []
    if lo is not None:
        parts.append(ds.field("date") >= pa.scalar(lo.normalize(), pa.timestamp("ns")))
    if hi is not None:
        parts.append(ds.field("date") <= pa.scalar(hi.normalize(), pa.timestamp("ns")))
    if sources is not None:
        parts.append(ds.field("source").isin(list(sources)))
    if drop_duplicates:
        parts.append(ds.field("dup_of").is_null())
    if article_ids is not None:
        parts.append(ds.field("article_id").isin([str(a) for a in article_ids]))
    flt = None
    for e in parts:
        flt = e if flt is None else flt & e
    return flt


def find_damaged(vdir: Path, paths: Sequence[str]) -> str | None:
    """The first part file of ``vdir`` that cannot be read (footer first, then whole files), or None."""
    for rel in paths:
        try:
            pq.read_metadata(vdir / rel)
        except (pa.ArrowException, OSError):
            return rel
    for rel in paths:
        try:
            pq.read_table(vdir / rel)
        except (pa.ArrowException, OSError):
            return rel
    return None


def damaged_store(vdir: Path, manifest: dict[str, Any], exc: BaseException) -> StoreError:
    """A one-line StoreError naming the unreadable part file of ``vdir`` and how to recover."""
    root = vdir.parent.parent
    bad = find_damaged(vdir, [f["path"] for f in manifest["files"]])
    what = f"part file {bad} of version {vdir.name}" if bad else f"version {vdir.name}"
    older = [v for v in kept_versions(root) if (version_number(v) or 0) < (version_number(vdir.name) or 0)]
    if bad and older and bad not in {f["path"] for f in read_manifest(root / VERSIONS_DIR / older[-1])["files"]}:
        fix = (f"the previous version {older[-1]} does not contain it: read that one with "
               f"load_corpus(version={older[-1]!r}), or make it current with "
               f"`ln -sfn {VERSIONS_DIR}/{older[-1]} {articles_path(root)}` and re-ingest the inputs added since")
    else:
        fix = (f"every kept version shares it: restore {root} from a backup, or re-ingest all inputs "
               "into a new store (python -m analysis ingest PATH --store NEWDIR)")
    return StoreError(f"store {root}: {what} cannot be read ({one_line(exc)}); {fix}")


def to_frame(table: pa.Table, columns: Sequence[str] | None) -> pd.DataFrame:
    """Arrow table -> article frame: core columns first (or ``columns`` in order), schema dtypes."""
    df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
    order = [c for c in ARTICLE_COLUMNS if c in df.columns] + [c for c in df.columns if c not in ARTICLE_COLUMNS]
    df = df[list(columns) if columns is not None else order]
    return df.astype({c: t for c, t in ARTICLE_DTYPES.items() if c in df.columns}).reset_index(drop=True)


def read_version(
    vdir: Path | None, manifest: dict[str, Any], columns: Sequence[str] | None = None,
    start: str | pd.Timestamp | None = None, end: str | pd.Timestamp | None = None,
    sources: Sequence[str] | None = None, drop_duplicates: bool = False, article_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Read rows of one version directory (see :func:`load_corpus`; ``article_ids`` keeps those ids)."""
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    files = [str(vdir / rel) for rel in partition_files(manifest, lo, hi)] if vdir is not None else []
    try:
        schema = pq.read_schema(vdir / manifest["files"][0]["path"]) if vdir is not None and manifest["files"] else None
    except (pa.ArrowException, OSError) as exc:
        raise damaged_store(vdir, manifest, exc) from None
    want = list(columns) if columns is not None else None
    known = set(schema.names) if schema is not None else set(CORE_ARROW)
    unknown = [c for c in (want or []) if c not in known]
    if unknown:
        raise KeyError(f"unknown column(s) {', '.join(unknown)}; the store has {', '.join(sorted(known))}")
    read_cols = None if want is None else list(dict.fromkeys(want + (["dup_of"] if drop_duplicates else [])))
    flt = row_filter(lo, hi, sources, drop_duplicates, article_ids)
    if files:
        try:
            table = ds.dataset(files, schema=schema, format="parquet").to_table(columns=read_cols, filter=flt)
        except (pa.ArrowException, OSError) as exc:
            raise damaged_store(vdir, manifest, exc) from None
    else:
        table = (schema or pa.schema(list(CORE_ARROW.items()))).empty_table()
        if read_cols:
            table = table.select(read_cols)
    return to_frame(table, want)


def load_corpus(
    store: str | os.PathLike[str] | None = None,
    columns: Sequence[str] | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    sources: Sequence[str] | None = None,
    drop_duplicates: bool = False,
    version: str | None = None,
) -> pd.DataFrame:
    """Read the article table (core columns first, schema dtypes, then extras).

    ``start``/``end`` are inclusive dates (undated rows are excluded when either is given);
    ``sources`` keeps those outlets; ``drop_duplicates=True`` drops rows with ``dup_of`` set;
    ``version`` reads a named version (e.g. ``"v000012"``) instead of the current one. The version
    is pinned by a reader lease while it is read, so commits meanwhile cannot remove it. A damaged
    part file is a one-line :class:`StoreError` naming it and saying how to recover.

    >>> load_corpus("/no/such/store")   # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: no article store at /no/such/store
    """
    with reader_lease(store, version) as vdir:
        return read_version(vdir, read_manifest(vdir), columns, start, end, sources, drop_duplicates)


# ---------------------------------------------------------------------------- Arrow helpers
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




# ---------------------------------------------------------------------------- writers
def link_or_copy(src: Path, dest: Path) -> None:
    """Hard-link ``src`` as ``dest`` (copy where the file system has no hard links)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def index_segments(manifest: dict[str, Any], vdir: Path | None) -> list[str]:
    """The dedupe index segment files of a version, in order (the single legacy file for old stores)."""
    if vdir is None:
        return []
    if "dedupe" in manifest:
        return list(manifest["dedupe"])
    return [DEDUPE_INDEX] if (vdir / DEDUPE_INDEX).is_file() else []


def write_report_files(root: Path, txid: str, body: dict[str, Any]) -> Path:
    """Write an ingest report as ``ingest_reports/<txid>.json`` and as the latest ``ingest_report.json``."""
    (root / REPORTS_DIR).mkdir(parents=True, exist_ok=True)
    write_json_atomic(root / REPORTS_DIR / f"{txid}.json", body)
    return write_json_atomic(root / config.INGEST_REPORT, body)


def publish_report(root: Path, vdir: Path) -> Path | None:
    """Copy the report a version carries (``_ingest_report.json``) into the store's report files."""
    src = vdir / VERSION_REPORT
    if not src.is_file():
        return None
    body = json.loads(src.read_text(encoding="utf-8"))
    return write_report_files(root, str(body.get("txid") or read_manifest(vdir)["txid"]), body)


def hide_and_remove(path: Path) -> None:
    """Take a version folder out of sight with one rename, then delete it."""
    trash = path.with_name(f".trash-{path.name}-{uuid.uuid4().hex[:8]}")
    os.rename(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def prune_versions(root: Path) -> list[str]:
    """Remove committed versions older than the previous one that no reader holds a lease on."""
    current = current_version(root)
    top = version_number(current.name) if current is not None else None
    vroot = root / VERSIONS_DIR
    if top is None or not vroot.is_dir():
        return []
    older = sorted(n for n in (version_number(p.name) for p in vroot.iterdir()) if n is not None and n < top)
    removed = []
    for n in older[:-1]:                      # older[-1] is the previous version: always kept
        name = version_name(n)
        if leases.retire(root, name, lambda p=vroot / name: hide_and_remove(p)):
            removed.append(name)
        else:
            log.info("keeping store version %s: a reader holds a lease on it", name)
    leases.clean(root, [p.name for p in vroot.iterdir()])
    return removed


def recover(root: Path) -> None:
    """Under the writer lock: remove what dead writers left and publish a report they did not.

    Leftovers are staged folders (``vN.tmp-*``), folders being deleted (``.trash-*``), temporary
    ``articles`` links, and *uncommitted versions*: a ``vN`` newer than the version ``articles``
    points to (a writer died between renaming its stage and swapping the link). No reader ever saw
    one, so removing it is safe. With no ``articles`` link only a first version can be uncommitted;
    other versions without a link are a damaged store (StoreError naming the fix).
    """
    vroot = root / VERSIONS_DIR
    current = current_version(root)
    top = version_number(current.name) if current is not None else None
    for p in (vroot.iterdir() if vroot.is_dir() else ()):
        n = version_number(p.name)
        if ".tmp-" in p.name or p.name.startswith(".trash-"):
            shutil.rmtree(p, ignore_errors=True)
        elif n is not None and top is None and n != 1:
            raise StoreError(f"store {root} has versions but no {config.ARTICLES_DATASET} link; make the newest "
                             f"complete one current: ln -s {VERSIONS_DIR}/<vNNNNNN> {articles_path(root)}")
        elif n is not None and (top is None or n > top):
            log.warning("store %s: removing %s, left uncommitted by a writer that stopped mid-commit", root, p.name)
            leases.retire(root, p.name, lambda p=p: hide_and_remove(p))
    for p in root.glob(f".{config.ARTICLES_DATASET}.tmp-*"):
        p.unlink(missing_ok=True)
    if current is not None and (current / VERSION_REPORT).is_file():
        txid = read_manifest(current).get("txid", "")
        if not (root / REPORTS_DIR / f"{txid}.json").is_file():
            log.info("store %s: publishing the ingest report of %s", root, current.name)
            publish_report(root, current)
    prune_versions(root)


def new_txid() -> str:
    """A transaction id that sorts by time (to the microsecond), then a random part.

    >>> len(new_txid())
    31
    """
    now = time.time()
    return f"{time.strftime('%Y%m%dT%H%M%S', time.localtime(now))}.{int(now % 1 * 1e6):06d}-{uuid.uuid4().hex[:8]}"


class Transaction:
    """Staged writes to a new store version; committed atomically by :func:`transaction`.

    ``append`` stages new rows, ``remove`` drops rows of the base version, ``read`` reads the base
    version, ``index`` is the dedupe index of every stored article (assign the extended index to
    it), ``report`` (when set) is published with the commit. Appended rows are held in memory per
    partition (up to :data:`PENDING_BYTES`) and written as one part file per partition, so an
    ingest of many small batches writes few files. ``sidecars`` maps a file name
    (starting with ``_``) to a JSON body written into the new version (e.g. the learned site
    templates); the base version's sidecars that are not replaced are carried over (hard links).
    """

    def __init__(self, root: Path) -> None:
        """Open a transaction on the store at ``root`` (the caller holds the lock)."""
        self.root = root
        self.base = current_version(root)
        self.manifest = read_manifest(self.base)
        self.txid = new_txid()
        self.version = int(self.manifest["version"]) + 1
        self.final = root / VERSIONS_DIR / version_name(self.version)
        self.stage = root / VERSIONS_DIR / f"{self.final.name}.tmp-{self.txid}"
        self.stage.mkdir(parents=True)
        if not (root / VERSIONS_DIR / GLOB_GUARD).exists():
            (root / VERSIONS_DIR / GLOB_GUARD).write_text(GLOB_GUARD_TEXT, encoding="utf-8")
        self.new_files: list[dict[str, Any]] = []
        self.removed: set[str] = set()
        self._pending: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[pa.Table]] = {}   # not yet written
        self._pending_bytes = 0
        self._pending_rows = 0
        self.report: dict[str, Any] | None = None
        self.sidecars: dict[str, dict[str, Any]] = {}    # small JSON files (name "_...json") for the new version
        self._index: DedupeIndex | None = None
        self._base_ids: np.ndarray = np.zeros(0, object)     # ids of the base rows still in the index

    @property
    def index(self) -> DedupeIndex:
        """The dedupe index of every stored article (loaded from its segments on first use)."""
        if self._index is None:
            self._index = DedupeIndex.load_segments([self.base / s for s in index_segments(self.manifest, self.base)])
            self._base_ids = self._index.ids
        return self._index

    @index.setter
    def index(self, value: DedupeIndex) -> None:
        """Replace the index to be written with this version (normally the current one, extended)."""
        self._index = value

    def existing_ids(self) -> set[str]:
        """Article ids in the store (without those removed in this transaction)."""
        return set(self.index.ids.tolist())

    def read(self, columns: Sequence[str] | None = None, article_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Rows of the base (current) version, typed like :func:`load_corpus` (``article_ids``: only those)."""
        return read_version(self.base, self.manifest, columns, article_ids=article_ids)

    def remove(self, article_ids: Iterable[str]) -> int:
        """Drop rows of the base version (and their index rows) from the version being built.

        Rows appended in this transaction are never removed, so remove-then-append replaces an
        article in place. Returns how many stored articles will be dropped.
        """
        index = self.index
        base = self._base_ids
        hit = np.isin(base, np.asarray(sorted({str(a) for a in article_ids} - self.removed), dtype=object))
        if not hit.any():
            return 0
        self.removed |= set(base[hit].tolist())
        if len(index) >= len(base) and np.array_equal(index.ids[:len(base)], base):
            index = index.select(np.concatenate([~hit, np.ones(len(index) - len(base), bool)]))
        else:                                  # the caller rebuilt the index: drop those ids anywhere
            index = index.select(~np.isin(index.ids, base[hit]))
        self._index, self._base_ids = index, base[~hit]
        return int(hit.sum())

    def append(self, df: pd.DataFrame) -> int:
        """Stage article rows (one part file per year/month, written by :meth:`flush`); return rows staged."""
        if df.empty:
            return 0
        year, month = partition_of(pd.to_datetime(df["date"]))
        table = to_arrow(df.reset_index(drop=True))
        shape = tuple((f.name, str(f.type)) for f in table.schema)     # only same-typed pieces share a file
        keys = (year + "/" + month).to_numpy(dtype=object)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        bounds = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1], True])
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            y, m = sorted_keys[lo].split("/")
            self._pending.setdefault((y, m, shape), []).append(table.take(order[lo:hi]))
        self._pending_bytes += table.nbytes
        self._pending_rows += len(df)
        if self._pending_bytes >= PENDING_BYTES:
            self.flush()
        return len(df)

    def flush(self) -> None:
        """Write the appended rows held in memory: one part file per partition (and column types)."""
        for (y, m, _), tables in self._pending.items():
            table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
            rel = f"year={y}/month={m}/part-{self.txid}-{len(self.new_files):05d}.parquet"
            dest = self.stage / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, dest, compression="zstd")
            self.new_files.append({"path": rel, "rows": table.num_rows})
        self._pending.clear()
        self._pending_bytes = self._pending_rows = 0

    def staged_rows(self) -> int:
        """Rows appended in this transaction (written or still held in memory)."""
        return sum(f["rows"] for f in self.new_files) + self._pending_rows

    def carry_base_files(self, schema: pa.Schema, base_schema: pa.Schema | None) -> list[dict[str, Any]]:
        """Put the base version's part files into the stage: hard links, or rewritten when the
        schema changed or rows were removed from them. Returns their manifest entries."""
        out = []
        gone = pa.array(sorted(self.removed), type=pa.string())
        for k, f in enumerate(self.manifest["files"]):
            src = self.base / f["path"]
            hit = bool(self.removed) and pc.any(pc.is_in(pq.read_table(src, columns=["article_id"])["article_id"],
                                                          value_set=gone)).as_py()
            if hit:
                table = pq.read_table(src)
                table = table.filter(pc.invert(pc.is_in(table["article_id"], value_set=gone)))
                if table.num_rows:
                    rel = f"{f['path'].rsplit('/', 1)[0]}/part-{self.txid}-r{k:05d}.parquet"
                    pq.write_table(conform(table, schema), self.stage / rel, compression="zstd")
                    out.append({"path": rel, "rows": table.num_rows})
                continue
            dest = self.stage / f["path"]
            if base_schema is not None and base_schema.equals(schema):
                link_or_copy(src, dest)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(conform(pq.read_table(src), schema), dest, compression="zstd")
            out.append(f)
        return out

    def save_index(self) -> list[str]:
        """Write the dedupe index into the stage as segments; return their names in order.

        The base's segments are hard-linked and only the rows added by this transaction go to a
        new segment; everything is merged into one segment after a removal, when the index was
        rebuilt, or when there would be more than :data:`MAX_SEGMENTS`.
        """
        base_segments = index_segments(self.manifest, self.base)
        new_name = DEDUPE_SEGMENT.format(version=self.final.name)
        index, n_base = self._index, len(self._base_ids)
        if index is None or (not self.removed and len(index) == n_base):
            appended = None
        elif (not self.removed and len(index) > n_base and len(base_segments) < MAX_SEGMENTS
              and np.array_equal(index.ids[:n_base], self._base_ids)):
            appended = index.select(slice(n_base, None))
        else:
            index.rerooted().save(self.stage / new_name)
            return [new_name]
        for name in base_segments:
            link_or_copy(self.base / name, self.stage / name)
        if appended is None:
            return base_segments
        appended.save(self.stage / new_name)
        return base_segments + [new_name]

    def report_body(self, version: str | None, committed: bool) -> dict[str, Any]:
        """The ingest report with the transaction id, the store version and whether it committed."""
        body = dict(self.report or {})
        body.setdefault("txid", self.txid)
        body.setdefault("version", version)
        body.setdefault("committed", committed)
        return body

    def commit(self) -> Path:
        """Finish the new version (links, schema alignment, index, report, manifest) and swap it in.

        Each step is marked with :func:`commit_step`; a failure at any of them leaves the previous
        version current (before ``swapped``) or the new one (from ``swapped`` on), and the next
        writer cleans up either way.
        """
        self.flush()
        commit_step("stage-written")
        old_files = list(self.manifest["files"])
        base_schema = pq.read_schema(self.base / old_files[0]["path"]) if old_files else None
        new_schemas = [pq.read_schema(self.stage / f["path"]) for f in self.new_files]
        schema = unify_schemas(([base_schema] if base_schema else []) + new_schemas)
        files = self.carry_base_files(schema, base_schema)
        for f, sch in zip(self.new_files, new_schemas):
            if not sch.equals(schema):
                p = self.stage / f["path"]
                pq.write_table(conform(pq.read_table(p), schema), p, compression="zstd")
        files += self.new_files
        commit_step("linked")
        segments = self.save_index()
        commit_step("index-saved")
        sidecars = self.write_sidecars()
        if self.report is not None:
            write_json_atomic(self.stage / VERSION_REPORT, self.report_body(self.final.name, True))
        write_json_atomic(self.stage / MANIFEST, {
            "version": self.version, "txid": self.txid, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "rows": sum(f["rows"] for f in files), "files": files, "removed": len(self.removed),
            "columns": {f.name: str(f.type) for f in schema}, "partitioning": list(PARTITIONS),
            "dedupe": segments, **({"sidecars": sidecars} if sidecars else {}),
        })
        commit_step("manifest-written")
        os.replace(self.stage, self.final)
        commit_step("renamed")
        swap_symlink(articles_path(self.root), self.final)     # the commit point
        commit_step("swapped")
        publish_report(self.root, self.final)
        commit_step("report-written")
        prune_versions(self.root)
        commit_step("pruned")
        return self.final

    def write_sidecars(self) -> list[str]:
        """Write this version's sidecar JSON files into the stage (carrying the base's); return their names."""
        names = []
        for name in self.manifest.get("sidecars", []):
            if name not in self.sidecars and self.base is not None and (self.base / name).is_file():
                link_or_copy(self.base / name, self.stage / name)
                names.append(name)
        for name, body in self.sidecars.items():
            write_json_atomic(self.stage / name, body)
            names.append(name)
        return sorted(names)

    def sidecars_changed(self) -> bool:
        """True when a sidecar to write differs from the one the base version carries."""
        for name, body in self.sidecars.items():
            path = None if self.base is None else self.base / name
            try:
                if path is None or json.loads(path.read_text(encoding="utf-8")) != json.loads(json.dumps(body)):
                    return True
            except (OSError, ValueError):
                return True
        return False

    def finish(self) -> Path | None:
        """Commit when there is anything to commit (or the store is new); else publish the report only."""
        self.flush()
        if self.new_files or self.removed or self.base is None or self.sidecars_changed():
            return self.commit()
        shutil.rmtree(self.stage, ignore_errors=True)
        if self.report is not None:
            write_report_files(self.root, self.txid, self.report_body(self.base.name, False))
        return None

    def abort(self) -> None:
        """Remove the staged files and an uncommitted version; the store stays as it was."""
        shutil.rmtree(self.stage, ignore_errors=True)
        if self.final.exists() and current_version(self.root) != self.final.resolve():
            hide_and_remove(self.final)


@contextmanager
def transaction(store: str | os.PathLike[str] | None = None, timeout: float = LOCK_TIMEOUT_S) -> Iterator[Transaction]:
    """Lock the store, recover from dead writers, yield a :class:`Transaction`, commit on success.

    Any exception in the block or in the commit rolls back (the new version is never visible unless
    the failure came after the ``articles`` swap). A lock wait longer than ``timeout`` seconds is a
    one-line :class:`StoreError`.
    """
    root = config.store_dir(store)
    with store_lock(root, timeout):
        recover(root)
        tx = Transaction(root)
        try:
            yield tx
            tx.finish()
        except BaseException:
            tx.abort()
            raise
