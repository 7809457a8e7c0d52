"""Read article files of every supported shape into one clean article table.

``read_articles(paths)`` walks folders recursively, recognizes each file by extension and content
(scraped text, saved HTML, JSONL/JSON, CSV/TSV, Parquet), attaches metadata from ``manifest.csv``
and ``NAME.meta.json`` sidecars, applies defaults, cleans, and assigns stable ``article_id``\\s.
One bad file or record never stops the rest: it is returned in the skipped list with a reason
(so are FIFOs and other non-regular files, names that are not valid UTF-8 and folders that cannot
be listed). ``iter_batches`` does the same in bounded batches (large JSONL/CSV/Parquet files are
read in pieces), which is how ``ingest`` keeps its memory flat whatever the input size.

    >>> from analysis import config
    >>> df, skipped = read_articles([config.SEED_ARTICLE])   # doctest: +SKIP
    >>> df.loc[0, "section"]                                  # doctest: +SKIP
    'World'
"""
from __future__ import annotations

import io
import logging
import os
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analysis.corpus.clean import InputError, clean_articles, decode_bytes, stable_id
from analysis.corpus.lines import PageContext
from analysis.corpus.loaders import tabular
from analysis.corpus.loaders.html import load_html
from analysis.corpus.loaders.metadata import MetadataIndex
from analysis.corpus.loaders.text import load_text
from analysis.errors import UsageError
from analysis.schema import ARTICLE_COLUMNS

log = logging.getLogger(__name__)

EXTENSIONS: dict[str, str] = {
    ".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "csv",
    ".tab": "csv", ".parquet": "parquet", ".pq": "parquet",
}
MAPPABLE: tuple[str, ...] = ("text", "title", "date", "source", "url", "section", "byline", "id")
ORIGIN_KEY: str = "origin_key"   # the column naming where an article came from, for updates in place
STORE_MARKERS: tuple[str, ...] = ("ingest_report.json", ".ingest.lock")
BATCH_ROWS: int = 5_000          # iter_batches yields after about this many articles ...
BATCH_BYTES: int = 8 << 20        # ... or this many characters of text, whichever comes first
Skip = dict[str, str]


def is_auxiliary(path: Path) -> bool:
    """True for files a folder walk ignores: manifests, sidecars, READMEs, hidden files, stores."""
    name = path.name.lower()
    return (name.startswith((".", "_", "readme", "license")) or name == "manifest.csv"
            or name.endswith(".meta.json") or name == "ingest_report.json")


def printable(path: str | os.PathLike[str]) -> str:
    """A path as text that can always be written: bytes that are not UTF-8 shown as ``\\xNN``.

    >>> printable(os.fsdecode(b"bad\\xff.txt"))
    'bad\\\\xff.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _utf8(name: str) -> bool:
    """True when a (file system) name is valid UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(mode: int) -> str:
    """What a non-regular file is, for the skip reason."""
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder")):
        if test(mode):
            return name
    return "special file"


def _skip(path: str | os.PathLike[str], reason: str) -> Skip:
    """One skipped item."""
    return {"origin": printable(path), "reason": reason}


def iter_files(paths: Iterable[str | os.PathLike[str]], problems: list[Skip] | None = None) -> list[Path]:
    """List input files: given files as-is, folders walked recursively (sorted, auxiliaries skipped).

    What cannot be read as a file is never returned; it is appended to ``problems`` (when given)
    with its reason: FIFOs, sockets and devices, broken links, names that are not valid UTF-8,
    folders that cannot be listed. A folder holding an article store is not read.
    """
    out: list[Path] = []
    problems = [] if problems is None else problems
    for p in paths:
        path = Path(p)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise UsageError(f"no such file or folder: {printable(path)}") from None
        except OSError as exc:
            problems.append(_skip(path, f"unreadable: {type(exc).__name__}: {exc.strerror or exc}"))
            continue
        if not _utf8(str(path)):
            problems.append(_skip(path, "name is not valid UTF-8"))
        elif stat.S_ISDIR(st.st_mode):
            _walk(path, out, problems)
        elif stat.S_ISREG(st.st_mode):
            out.append(path)
        else:
            problems.append(_skip(path, f"not a regular file ({_kind(st.st_mode)})"))
    return out


def _walk(folder: Path, out: list[Path], problems: list[Skip]) -> None:
    """Append the article files under ``folder`` (its own files first, then sub-folders, sorted)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        problems.append(_skip(folder, f"unreadable folder: {type(exc).__name__}: {exc.strerror or exc}"))
        return
    if any(e.name in STORE_MARKERS for e in entries):
        return                                   # an article store: never re-read our own output
    dirs: list[Path] = []
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                if e.name.startswith((".", "_")):
                    continue
                if not _utf8(e.name):
                    problems.append(_skip(e.path, "folder name is not valid UTF-8 (its files are not read)"))
                else:
                    dirs.append(Path(e.path))
                continue
            if is_auxiliary(Path(e.name)):
                continue
            if not _utf8(e.name):
                problems.append(_skip(e.path, "file name is not valid UTF-8"))
            elif e.is_file():
                out.append(Path(e.path))
            elif e.is_symlink():
                if not os.path.exists(e.path):
                    problems.append(_skip(e.path, "broken symbolic link"))
                # a link to a folder is not followed (like os.walk)
            else:
                problems.append(_skip(e.path, f"not a regular file ({_kind(e.stat(follow_symlinks=False).st_mode)})"))
        except OSError as exc:
            problems.append(_skip(e.path, f"unreadable: {type(exc).__name__}: {exc.strerror or exc}"))
    for d in dirs:
        _walk(d, out, problems)


@contextmanager
def open_regular(path: Path) -> Iterator[io.BufferedReader]:
    """Open a file for reading; InputError unless it is a regular file (never blocks on a FIFO)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"not a regular file ({_kind(mode)})")
        os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh


def sniff_format(path: Path, head: bytes) -> str | None:
    """Recognize a file's format from its first bytes, falling back to its extension.

    >>> sniff_format(Path("page.txt"), b"<!DOCTYPE html><html><body>")
    'html'
    """
    ext = EXTENSIONS.get(path.suffix.lower())
    if head.startswith(b"PAR1"):
        return "parquet"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if ext not in ("jsonl", "json", "csv") and probe[:1] == b"<" and any(
            t in probe[:2048] for t in (b"<html", b"<!doctype html", b"<body", b"<head", b"<article")):
        return "html"
    if ext is None and not path.suffix:
        if probe[:1] == b"{":
            return "jsonl"
        if probe[:1] == b"[":
            return "json"
        return "text"
    return ext


def validate_mapping(mapping: dict[str, str] | None) -> dict[str, str]:
    """Return ``mapping`` as a dict after checking its keys are article columns (UsageError if not)."""
    mapping = dict(mapping or {})
    bad = [k for k in mapping if k not in MAPPABLE]
    if bad:
        raise UsageError(f"--map: unknown article column(s) {', '.join(bad)}; use {', '.join(MAPPABLE)}")
    return mapping


Piece = tuple[pd.DataFrame | dict[str, Any], list[Skip], list[Skip]]


def _read_file(path: Path, meta: MetadataIndex, info: dict[str, int], pages: PageContext | None = None) -> Iterator[Piece]:
    """Read one file: yields (record or raw table piece, skipped items, warnings). Raises InputError.

    Text and HTML files give one record; tables give pieces of bounded size. ``info["bytes"]``
    is set to the file's size.
    """
    with open_regular(path) as fh:
        info["bytes"] = os.fstat(fh.fileno()).st_size
        head = fh.read(4096)
        fmt = sniff_format(path, head)
        if fmt is None:
            raise InputError(f"unsupported file type {path.suffix or '(none)'}")
        if fmt in ("text", "html"):
            yield _read_record(path, fmt, meta, head + fh.read(), pages)
            return
        if len(head) < 4096 and not head.strip():
            raise InputError("empty file")
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and fmt != "parquet":
            decode_bytes(head + fh.read(65536 - len(head)))   # raises "binary file" unless it is UTF-16
        fh.seek(0)
        held: list[Skip] = []         # bad lines before the first record: a file without any is one item
        n = 0
        for frame, skipped in tabular.iter_table(path, fmt, fh):
            if len(frame) and any(not c.startswith("_") for c in frame.columns):
                n += len(frame)
                yield frame, held + skipped, []
                held = []
            elif n:
                yield frame.iloc[:0], skipped, []
            else:
                held += skipped
        if not n:
            raise InputError(f"no records found ({fmt})" + (f"; {len(held)} bad lines" if held else ""))


def _read_record(path: Path, fmt: str, meta: MetadataIndex, data: bytes, pages: PageContext | None = None) -> Piece:
    """One text/HTML file as one record with its manifest/sidecar metadata (``pages``: site templates, counts)."""
    hints = meta.lookup(path)
    rec, encoding = load_text(path, data, hints, pages) if fmt == "text" else load_html(path, data)
    warnings = [{"origin": str(path), "reason": w} for w in rec.pop("_warnings", [])]
    if encoding not in ("utf-8",):
        warnings.append({"origin": str(path), "reason": f"decoded as {encoding}"})
    rec = {**rec, **{k: v for k, v in hints.items() if v not in (None, "")}}
    rec["origin"] = rec["_file"] = str(path)
    return rec, [], warnings


@dataclass
class Seen:
    """What earlier batches of one run loaded: article ids (-> first origin) and record origin keys."""

    ids: dict[str, str] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)


@dataclass
class _Batch:
    """Raw pieces waiting to be assembled into one batch."""

    records: list[dict[str, Any]] = field(default_factory=list)
    frames: list[pd.DataFrame] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[Skip] = field(default_factory=list)
    rows: int = 0
    text_bytes: int = 0
    files: int = 0
    bytes: int = 0
    read_s: float = 0.0
    read_cpu: float = 0.0

    def add(self, piece: Piece, mapping: dict[str, str], columns: set[str]) -> None:
        """Take one piece of a file (a record or a raw table) with its skipped items and warnings."""
        got, skipped, warnings = piece
        if isinstance(got, dict):
            self.records.append(got)
            self.rows += 1
            self.text_bytes += len(got.get("text") or "")
        elif len(got):
            columns.update(got.columns)
            art = tabular.to_articles(got, mapping)
            self.frames.append(art)
            self.rows += len(art)
            self.text_bytes += sum(len(t) for t in art["text"] if isinstance(t, str))
        self.skipped += skipped
        self.warnings += warnings

    def full(self, rows: int | None, nbytes: int | None) -> bool:
        """True when the batch has reached either bound."""
        return (rows is not None and self.rows >= rows) or (nbytes is not None and self.text_bytes >= nbytes)


def iter_batches(
    paths: Iterable[str | os.PathLike[str]],
    mapping: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    progress: bool = False,
    batch_rows: int | None = BATCH_ROWS,
    batch_bytes: int | None = BATCH_BYTES,
    seen: Seen | None = None,
    pages: PageContext | None = None,
    meta: MetadataIndex | None = None,
) -> Iterator[tuple[pd.DataFrame, list[Skip]]]:
    """Load every article under ``paths`` in batches: yields (clean article table, skipped items).

    A batch closes after ``batch_rows`` articles or ``batch_bytes`` characters of text (None: no
    bound, one batch); at least one batch is yielded. Each table's ``attrs`` hold its ``warnings``,
    ``files_read``, ``bytes_read`` and per-stage ``timings``/``cpu_timings``. An article id or
    record origin seen in an earlier batch (``seen``) counts as a duplicate in the input. ``pages``
    gives the text loader the learned site templates and collects its counts (lines removed, field origins);
    ``meta`` is a manifest/sidecar index already used in this run (template learning), else a new one.
    """
    mapping = validate_mapping(mapping)
    seen = Seen() if seen is None else seen
    acc = _Batch()
    files = iter_files(paths, acc.skipped)
    meta = MetadataIndex() if meta is None else meta
    columns: set[str] = set()
    bar = tqdm(total=len(files), unit="file", desc="read", leave=False) if progress else None
    t, c = time.perf_counter(), time.process_time()
    for path in files:
        info = {"bytes": 0}
        try:
            for piece in _read_file(path, meta, info, pages):
                acc.add(piece, mapping, columns)
                if acc.full(batch_rows, batch_bytes):
                    acc.read_s, acc.read_cpu = time.perf_counter() - t, time.process_time() - c
                    yield _flush(acc, meta, defaults, seen)
                    acc = _Batch()
                    t, c = time.perf_counter(), time.process_time()
            acc.files += 1
            acc.bytes += info["bytes"]
        except InputError as exc:
            acc.skipped.append({"origin": str(path), "reason": str(exc)})
        except Exception as exc:
            log.debug("reading %s failed", printable(path), exc_info=True)
            acc.skipped.append({"origin": str(path), "reason": f"{type(exc).__name__}: {exc}"})
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    if mapping:
        seen_cols = {c for c in columns if not c.startswith("_")}
        missing = sorted({v for v in mapping.values() if v not in seen_cols})
        if missing:
            raise UsageError(f"--map: column(s) {', '.join(missing)} not found in any table input"
                             + (f" (columns: {', '.join(sorted(seen_cols))})" if seen_cols else ""))
    acc.read_s, acc.read_cpu = time.perf_counter() - t, time.process_time() - c
    yield _flush(acc, meta, defaults, seen)


def _flush(acc: _Batch, meta: MetadataIndex, defaults: dict[str, str] | None, seen: Seen) -> tuple[pd.DataFrame, list[Skip]]:
    """Assemble a batch (falling back to one piece at a time when a piece breaks cleaning)."""
    t, c = time.perf_counter(), time.process_time()
    skipped = acc.skipped + meta.problems
    meta.problems.clear()
    frames = ([pd.DataFrame.from_records(acc.records)] if acc.records else []) + acc.frames
    try:
        df, skipped = assemble(frames, skipped, acc.warnings, defaults, seen)
    except Exception:
        log.debug("batch failed to assemble; retrying piece by piece", exc_info=True)
        pieces = [pd.DataFrame.from_records([r]) for r in acc.records] + acc.frames
        parts, warnings = [], list(acc.warnings)
        for piece in pieces:
            try:
                part, skipped = assemble([piece], skipped, [], defaults, seen)
            except Exception as exc:  # noqa: BLE001
                origins = sorted({str(o) for o in piece["_file"]})
                skipped += [{"origin": o, "reason": f"cannot be cleaned: {type(exc).__name__}: {exc}"} for o in origins]
                continue
            parts.append(part)
            warnings += part.attrs["warnings"]
        df = pd.concat(parts, ignore_index=True) if parts else assemble([], [], [], defaults)[0]
        df.attrs["warnings"] = warnings
    df.attrs.update(files_read=acc.files, bytes_read=acc.bytes,
                    timings={"read": acc.read_s, "clean": time.perf_counter() - t},
                    cpu_timings={"read": acc.read_cpu, "clean": time.process_time() - c})
    return df, skipped


def read_articles(
    paths: Iterable[str | os.PathLike[str]],
    mapping: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    progress: bool = False,
    pages: PageContext | None = None,
) -> tuple[pd.DataFrame, list[Skip]]:
    r"""Load every article under ``paths``; return (article table, skipped items with reasons).

    ``mapping`` maps article columns to input columns of tables (``{"text": "content"}``);
    ``defaults`` fills ``source``/``date`` where the input has none. Warnings about kept items
    (unparseable dates, fallback encodings, title-only records) are in ``table.attrs["warnings"]``.
    Everything is one table in memory; ``iter_batches`` reads in bounded batches. ``pages`` gives
    the site templates to remove from plain-text pages (see :mod:`analysis.corpus.templates`).

    >>> import pathlib, tempfile
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = page.write_text("Headline\nWorld\n\nHeadline\n\nBody text.\n\nLeave a Reply\n")
    >>> df, skipped = read_articles([page], defaults={"source": "The Outlet"})
    >>> df.loc[0, ["title", "section", "text", "source"]].tolist(), skipped
    (['Headline', 'World', 'Body text.', 'The Outlet'], [])
    """
    (df, skipped), = iter_batches(paths, mapping, defaults, progress, batch_rows=None, batch_bytes=None,
                                  pages=pages)
    return df, skipped


def assemble(frames: list[pd.DataFrame], skipped: list[Skip], warnings: list[Skip],
             defaults: dict[str, str] | None = None, seen: Seen | None = None) -> tuple[pd.DataFrame, list[Skip]]:
    """Concatenate raw frames, apply defaults, clean, drop unusable rows, assign ``article_id``.

    Adds the ``origin_key`` column (see :func:`origin_keys`). With ``seen``, ids and record keys
    loaded by earlier batches count as duplicates too, and this batch's are added to it.
    """
    skipped = list(skipped)
    frames = [f for f in frames if len(f)]
    raw = pd.concat(frames, ignore_index=True, sort=False) if frames else pd.DataFrame()
    for col in ("title", "text", "source", "url", "section", "byline", "raw_date", "origin", "_input_id"):
        if col not in raw.columns:
            raw[col] = None
    for key, value in (defaults or {}).items():
        col = "raw_date" if key == "date" else key
        if value not in (None, "") and col in raw.columns:
            empty = raw[col].isna() | (raw[col].astype("string").str.strip() == "")
            raw.loc[empty, col] = value
    input_id = raw.pop("_input_id").astype("string")
    files = raw.pop("_file") if "_file" in raw.columns else raw["origin"]
    df, problems = clean_articles(raw)
    warnings = warnings + problems.to_dict("records")
    no_text = (df["text"].fillna("") == "")
    no_title = df["title"].isna()
    for origin in df.loc[no_text & no_title, "origin"]:
        skipped.append({"origin": origin, "reason": "missing text (no text and no title)"})
    for origin in df.loc[no_text & ~no_title, "origin"]:
        warnings.append({"origin": origin, "reason": "no text (kept with title only)"})
    keep = ~(no_text & no_title)
    df, input_id, files = df[keep], input_id[keep], files[keep]
    iids = input_id.to_numpy(dtype=object, na_value=None)
    src = df["source"].fillna("").to_numpy(dtype=object)
    ids = [stable_id("id", s, i) if isinstance(i, str) and i else stable_id("content", s, t, x)
           for s, i, t, x in zip(src, iids, df["title"].fillna("").to_numpy(dtype=object),
                                 df["text"].to_numpy(dtype=object))]
    df = df.assign(article_id=pd.array(ids, dtype="string"))
    earlier = seen.ids if seen is not None else {}
    dup = df["article_id"].duplicated(keep="first").to_numpy() | df["article_id"].isin(earlier).to_numpy()
    if dup.any():
        first = {**dict(zip(df.loc[~dup, "article_id"], df.loc[~dup, "origin"])), **earlier}
        for aid, origin, iid in zip(df.loc[dup, "article_id"], df.loc[dup, "origin"], iids[dup]):
            what = f"duplicate id {iid!r} in input" if iid else "same source, title and text"
            skipped.append({"origin": origin, "reason": f"{what} (first at {first[aid]}); later copy skipped"})
        df, files, iids = df[~dup], files[~dup], iids[~dup]
    keys = origin_keys(files.to_numpy(dtype=object), df["origin"].to_numpy(dtype=object), iids,
                       seen.keys if seen is not None else set())
    df = df.assign(**{ORIGIN_KEY: pd.array(keys, dtype="string")}).reset_index(drop=True)
    df = df[ARTICLE_COLUMNS + [ORIGIN_KEY] + [c for c in df.columns if c not in ARTICLE_COLUMNS and c != ORIGIN_KEY]]
    if seen is not None:
        seen.ids.update(zip(df["article_id"].tolist(), df["origin"].tolist()))
    df.attrs["warnings"] = warnings
    return df, skipped


def origin_keys(files: np.ndarray, origins: np.ndarray, input_ids: np.ndarray, taken: set[str]) -> list[str]:
    """Where each article came from, independent of how its path was written: the key of updates in place.

    A text/HTML file: its absolute path. A table record: the absolute path plus ``#id=ID`` when the
    record has an id, else its line (``:N``) or position (``#N``). When a file repeats an id (for
    different outlets) the later records are keyed by position. ``taken`` holds the ``#id=`` keys
    of earlier batches and receives this batch's.

    >>> origin_keys(np.array(["/d/a.jsonl", "/d/a.jsonl", "/d/b.txt"]), np.array(["/d/a.jsonl:1", "/d/a.jsonl:2", "/d/b.txt"]),
    ...             np.array(["x", None, "m1"], dtype=object), set())
    ['/d/a.jsonl#id=x', '/d/a.jsonl:2', '/d/b.txt']
    """
    absolute: dict[str, str] = {}
    out = []
    for f, o, iid in zip(files, origins, input_ids):
        f, o = str(f), str(o)
        a = absolute.get(f)
        if a is None:
            a = absolute[f] = os.path.abspath(f)
        suffix = o[len(f):] if o.startswith(f) else ""
        key = a + suffix
        if suffix and isinstance(iid, str) and iid and (a + "#id=" + iid) not in taken:
            key = a + "#id=" + iid
            taken.add(key)
        out.append(key)
    return out
