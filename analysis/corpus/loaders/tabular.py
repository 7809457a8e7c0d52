"""JSONL / JSON / CSV / TSV / Parquet corpora with a column mapping.

Input columns are matched to article columns by a mapping (article column -> input column, e.g.
``{"text": "content", "date": "published"}``); unmapped article columns fall back to common
names (:data:`ALIASES`), so the shared AllSides and NYT files load with no mapping at all. Every
other input column is carried as an extra column (labels such as ``topic`` or ``cap_major``).

    >>> resolve_mapping(["id", "headline", "body", "authors", "topic"], {"text": "body"})
    {'text': 'body', 'title': 'headline', 'byline': 'authors', 'id': 'id'}
"""
from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq

from analysis.corpus.clean import InputError, decode_bytes, no_surrogates
from analysis.schema import ARTICLE_COLUMNS

# article column -> input names tried in order when the mapping does not say
ALIASES: dict[str, list[str]] = {
    "text": ["text", "content", "body", "article", "article_text", "full_text", "content_original"],
    "title": ["title", "headline", "heading"],
    "date": ["date", "published", "publish_date", "pub_date", "published_at", "datetime", "timestamp"],
    "source": ["source", "outlet", "publisher", "sitename", "site_name", "publication"],
    "url": ["url", "link", "source_url"],
    "section": ["section", "category", "desk"],
    "byline": ["byline", "authors", "author", "by"],
    "id": ["id", "article_id", "doc_id", "guid", "uid"],
}
# names the store uses for partitions; carried input columns with these names (or an article
# column's name) get a src_ prefix
RESERVED: frozenset[str] = frozenset({"year", "month", "origin_key"})
Skip = dict[str, str]
CHUNK_BYTES: int = 4 << 20       # large JSONL files are read in pieces of about this size
CHUNK_ROWS: int = 5_000          # ... CSV and Parquet files in pieces of at most this many records
MAX_NESTING: int = 64            # deeper JSON records are skipped; lines with more brackets never reach Arrow
CSV_FIELD_LIMIT: int = 1 << 28   # one CSV field may hold up to 256 MB (the csv module's default is 128 kB)


def resolve_mapping(columns: list[str], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Return article column -> input column for the columns present (explicit mapping first)."""
    mapping = dict(mapping or {})
    cols = set(columns)
    out: dict[str, str] = {k: v for k, v in mapping.items() if v in cols}
    used = set(out.values())
    for target, names in ALIASES.items():
        if target in out:
            continue
        for name in names:
            if name in cols and name not in used:
                out[target] = name
                used.add(name)
                break
    return out


def _plain(v: Any, depth: int = 0) -> Any:
    """Nested arrays, tuples and dicts (as Arrow and pandas give them) as plain lists and dicts."""
    if depth > MAX_NESTING:
        raise InputError(f"value nested more than {MAX_NESTING} deep")
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x, depth + 1) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x, depth + 1) for k, x in v.items()}
    return v


def _flatten(v: Any) -> Any:
    """Lists of strings become comma-joined text; other nested values become JSON text.

    >>> _flatten(["a", "b"]), _flatten(np.array([np.array([1, 2]), np.array([3])], dtype=object))
    ('a, b', '[[1, 2], [3]]')
    """
    if isinstance(v, str):
        return no_surrogates(v)
    if not isinstance(v, (list, tuple, dict, np.ndarray)):
        return v
    v = _plain(v)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return no_surrogates(", ".join(v))
    return no_surrogates(json.dumps(v, ensure_ascii=False, sort_keys=True, default=str))


def _flat_col(s: pd.Series) -> pd.Series:
    """Flatten nested values of an object column (other dtypes are returned as they are)."""
    return s.map(_flatten) if s.dtype == object else s


def to_articles(raw: pd.DataFrame, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Rename input columns to article columns (pure): ``raw_date``, ``_input_id`` and extras."""
    m = resolve_mapping([c for c in raw.columns if not c.startswith("_")], mapping)
    out = pd.DataFrame(index=raw.index)
    for target in ("title", "text", "source", "url", "section", "byline"):
        out[target] = _flat_col(raw[m[target]]) if target in m else None
    out["raw_date"] = raw[m["date"]] if "date" in m else None
    out["_input_id"] = raw[m["id"]].astype("string") if "id" in m else pd.NA
    out["origin"] = raw["_origin"]
    if "_file" in raw.columns:
        out["_file"] = raw["_file"]
    used = set(m.values())
    for col in raw.columns:
        if col in used or col.startswith("_"):
            continue
        name = col
        while name in out.columns or name in RESERVED or name in ARTICLE_COLUMNS:
            name = "src_" + name
        out[name] = _flat_col(raw[col])
    return out


def read_jsonl(path: Path, data: bytes | None = None) -> tuple[pd.DataFrame, list[Skip]]:
    """Read JSON Lines (one object per line); bad lines are reported, good ones kept."""
    data = path.read_bytes() if data is None else data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif b"\x00" in data[:4096] or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        data = decode_bytes(data)[0].encode("utf-8")
    return parse_jsonl(path, data)


def iter_jsonl(path: Path, fh: io.BufferedIOBase, chunk_bytes: int = CHUNK_BYTES) -> Iterator[tuple[pd.DataFrame, list[Skip]]]:
    """Read JSON Lines from an open file in pieces of about ``chunk_bytes`` (whole lines each)."""
    head = fh.read(4096)
    if b"\x00" in head or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        yield read_jsonl(path, head + fh.read())      # UTF-16: decoded whole (rare)
        return
    rest, line0 = head[3:] if head.startswith(b"\xef\xbb\xbf") else head, 0
    pending: tuple[bytes, int] | None = None      # held back until we know whether it is the last
    while True:
        block = fh.read(chunk_bytes)
        data = rest + block
        cut = data.rfind(b"\n") + 1 if block else len(data)
        if cut == 0 and block:       # one line longer than a chunk: keep reading
            rest = data
            continue
        piece, rest = data[:cut], data[cut:]
        if piece.strip():
            if pending is not None:
                yield parse_jsonl(path, pending[0], pending[1], final=False)
            pending = (piece, line0)
        line0 += piece.count(b"\n")
        if not block:
            break
    if pending is not None:
        yield parse_jsonl(path, pending[0], pending[1], final=True)


def parse_jsonl(path: Path, data: bytes, line0: int = 0, final: bool = True) -> tuple[pd.DataFrame, list[Skip]]:
    """Parse whole JSON lines (UTF-8); origins are ``path:N`` counted from line ``line0 + 1``."""
    fast = _read_jsonl_fast(path, data, line0)
    if fast is not None:
        return fast, []
    lines = data.split(b"\n")
    records: list[dict[str, Any]] = []
    origins: list[str] = []
    skipped: list[Skip] = []
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        where = f"{path}:{line0 + i + 1}"
        try:
            rec = _load_line(line)
        except InputError as exc:
            reason = str(exc)
            if i == last and final and reason.startswith("invalid JSON"):
                reason = "truncated last line" + reason[len("invalid JSON"):]
            skipped.append({"origin": where, "reason": reason})
            continue
        if not isinstance(rec, dict):
            skipped.append({"origin": where, "reason": "not a JSON object"})
            continue
        records.append(rec)
        origins.append(where)
    df = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    df["_origin"] = origins
    df["_file"] = str(path)
    return df, skipped


def _load_line(line: bytes) -> Any:
    """One JSON value from one line (cp1252 retried); InputError for bad or too deeply nested JSON."""
    try:
        try:
            rec = json.loads(line)
        except ValueError as exc:
            try:
                rec = json.loads(line.decode("cp1252", errors="cp1252_latin1"))
            except ValueError:
                raise InputError(f"invalid JSON: {exc}") from None
    except RecursionError:      # CPython's parser stops at the recursion limit (no crash)
        raise InputError(f"JSON nested too deeply (more than {MAX_NESTING} levels)") from None
    if line.count(b"[") + line.count(b"{") > MAX_NESTING and nesting_depth(rec) > MAX_NESTING:
        raise InputError(f"JSON nested too deeply (more than {MAX_NESTING} levels)")
    if b"\\ud" in line or b"\\uD" in line:       # escaped lone surrogates cannot be stored as UTF-8
        rec = _without_surrogates(rec)
    return rec


def _without_surrogates(v: Any) -> Any:
    """A parsed JSON value with lone surrogates in its strings (and keys) replaced by U+FFFD."""
    if isinstance(v, str):
        return no_surrogates(v)
    if isinstance(v, list):
        return [_without_surrogates(x) for x in v]
    if isinstance(v, dict):
        return {no_surrogates(k): _without_surrogates(x) for k, x in v.items()}
    return v


def nesting_depth(value: Any) -> int:
    """Depth of nested lists/dicts of a parsed JSON value (iterative: no recursion limit).

    >>> nesting_depth({"a": [[1], "]]]"], "b": {"c": "[{"}})
    3
    """
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, dict)):
            deepest = max(deepest, d + 1)
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def _read_jsonl_fast(path: Path, data: bytes, line0: int = 0) -> pd.DataFrame | None:
    """Parse clean JSON Lines with Arrow in one go; None when any line needs the careful path.

    Lines with more than :data:`MAX_NESTING` brackets never reach Arrow's parser (deep nesting
    crashes it); any Arrow error sends the piece to the careful path.
    """
    body = data.rstrip()
    n_lines = body.count(b"\n") + 1
    if not body or b"\n\n" in body or b"\r" in body:
        return None
    if body.count(b"[") + body.count(b"{") > MAX_NESTING and max(
            ln.count(b"[") + ln.count(b"{") for ln in body.split(b"\n")) > MAX_NESTING:
        return None
    try:
        table = pj.read_json(io.BytesIO(body), read_options=pj.ReadOptions(
            use_threads=False, block_size=max(len(body) + 1, 1 << 20)))
        if table.num_rows != n_lines:
            return None
        cols = []
        for col in table.columns:
            if pa.types.is_timestamp(col.type):   # Arrow guessed a timestamp: give back text, like json.loads
                col = pc.strftime(col, format="%Y-%m-%dT%H:%M:%S" if _has_time(col) else "%Y-%m-%d")
            cols.append(col)
        table = pa.Table.from_arrays(cols, names=table.column_names)
        df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    df["_origin"] = [f"{path}:{i}" for i in range(line0 + 1, line0 + n_lines + 1)]
    df["_file"] = str(path)
    return df


def _has_time(col: Any) -> bool:
    """True when an Arrow timestamp column has any value that is not at midnight."""
    secs = pc.cast(pc.cast(col, pa.timestamp("s")), pa.int64())
    return bool(pc.any(pc.not_equal(pc.multiply(pc.divide(secs, 86400), 86400), secs)).as_py())


def read_json(path: Path, data: bytes | None = None) -> tuple[pd.DataFrame, list[Skip]]:
    """Read a JSON array of objects (``#N`` origins) or, failing that, JSON Lines."""
    data = path.read_bytes() if data is None else data
    text = decode_bytes(data)[0]
    if not text.lstrip().startswith("["):
        try:
            whole = json.loads(text)
        except (ValueError, RecursionError):
            return read_jsonl(path, text.encode("utf-8"))
        if isinstance(whole, dict):
            if not any(k in whole for k in ALIASES["text"] + ALIASES["title"]):
                raise InputError("JSON object without article fields (not a list of records)")
            if nesting_depth(whole) > MAX_NESTING:
                raise InputError(f"JSON nested too deeply (more than {MAX_NESTING} levels)")
            df = pd.DataFrame.from_records([whole])      # one article as one (pretty-printed) object
            df["_origin"] = [f"{path}#0"]
            df["_file"] = str(path)
            return df, []
        return read_jsonl(path, text.encode("utf-8"))
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise InputError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"JSON nested too deeply (more than {MAX_NESTING} levels)") from None
    keep, skipped = [], []
    for i, r in enumerate(items):
        if not isinstance(r, dict):
            skipped.append({"origin": f"{path}#{i}", "reason": "not a JSON object"})
        elif nesting_depth(r) > MAX_NESTING:
            skipped.append({"origin": f"{path}#{i}", "reason": f"JSON nested too deeply (more than {MAX_NESTING} levels)"})
        else:
            keep.append((i, r))
    df = pd.DataFrame.from_records([r for _, r in keep]) if keep else pd.DataFrame()
    df["_origin"] = [f"{path}#{i}" for i, _ in keep]
    df["_file"] = str(path)
    return df, skipped


def _csv_reader(path: Path, stream: io.TextIOBase) -> tuple[Any, list[str]]:
    """A csv reader over ``stream`` (tab-separated for .tsv/.tab) and the header row."""
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    delim = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    reader = csv.reader(stream, delimiter=delim)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError("empty file") from None
    except csv.Error as exc:
        raise InputError(f"malformed CSV at line {reader.line_num}: {exc}") from None
    return reader, header


def _csv_rows(path: Path, reader: Any, header: list[str], chunk_rows: int | None) -> Iterator[tuple[pd.DataFrame, list[Skip]]]:
    """Frames of at most ``chunk_rows`` rows (all when None); rows with the wrong field count are reported."""
    rows: list[list[str]] = []
    origins: list[str] = []
    skipped: list[Skip] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            skipped.append({"origin": f"{path}:{reader.line_num}", "reason": f"malformed CSV: {exc}"})
            break                  # the csv module cannot resynchronise after a broken quote
        if not any(x.strip() for x in row):
            continue
        if len(row) != len(header):
            skipped.append({"origin": f"{path}:{reader.line_num}",
                            "reason": f"CSV row has {len(row)} fields, header has {len(header)}"})
            continue
        rows.append(row)
        origins.append(f"{path}:{reader.line_num}")
        if chunk_rows is not None and len(rows) >= chunk_rows:
            yield _csv_frame(path, rows, origins, header), skipped
            rows, origins, skipped = [], [], []
    if rows or skipped:
        yield _csv_frame(path, rows, origins, header), skipped


def _csv_frame(path: Path, rows: list[list[str]], origins: list[str], header: list[str]) -> pd.DataFrame:
    """One frame of CSV rows with its origins."""
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df["_origin"] = origins
    df["_file"] = str(path)
    return df


def read_csv(path: Path, data: bytes | None = None) -> tuple[pd.DataFrame, list[Skip]]:
    """Read CSV/TSV (any encoding); rows with the wrong number of fields are reported."""
    text = decode_bytes(path.read_bytes() if data is None else data)[0]
    reader, header = _csv_reader(path, io.StringIO(text, newline=""))
    parts = list(_csv_rows(path, reader, header, None))
    if not parts:
        return _csv_frame(path, [], [], header), []
    return parts[0]


def iter_csv(path: Path, fh: io.BufferedIOBase, chunk_rows: int = CHUNK_ROWS) -> Iterator[tuple[pd.DataFrame, list[Skip]]]:
    """Read CSV/TSV from an open file in frames of at most ``chunk_rows`` rows (decoded as a stream).

    UTF-8 when the whole file is valid UTF-8 (checked in one streaming pass), else cp1252;
    files with a BOM or UTF-16 without one are decoded whole.
    """
    head = fh.read(65536)
    decode_bytes(head)                        # empty / binary files fail here
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4096]:
        yield read_csv(path, head + fh.read())
        return
    check = codecs.getincrementaldecoder("utf-8")()
    encoding = "utf-8"
    try:
        check.decode(head)
        while block := fh.read(CHUNK_BYTES):
            check.decode(block)
        check.decode(b"", final=True)
    except UnicodeDecodeError:
        encoding = "cp1252"
    fh.seek(0)
    stream = io.TextIOWrapper(fh, encoding=encoding, errors="cp1252_latin1" if encoding == "cp1252" else "strict",
                              newline="")
    try:
        reader, header = _csv_reader(path, stream)
        yield from _csv_rows(path, reader, header, chunk_rows)
    finally:
        stream.detach()


def read_parquet(path: Path, data: bytes | None = None) -> tuple[pd.DataFrame, list[Skip]]:
    """Read a Parquet file (``#N`` origins)."""
    try:
        df = pq.read_table(path if data is None else io.BytesIO(data)).to_pandas()
    except Exception as exc:  # noqa: BLE001 - any pyarrow error is a per-file problem
        raise InputError(f"unreadable Parquet: {exc}") from None
    df["_origin"] = [f"{path}#{i}" for i in range(len(df))]
    df["_file"] = str(path)
    return df, []


def iter_parquet(path: Path, fh: io.BufferedIOBase, chunk_rows: int = CHUNK_ROWS) -> Iterator[tuple[pd.DataFrame, list[Skip]]]:
    """Read a Parquet file in frames of at most ``chunk_rows`` rows (``#N`` origins)."""
    try:
        batches = pq.ParquetFile(fh).iter_batches(batch_size=chunk_rows)
        start = 0
        for batch in batches:
            df = batch.to_pandas()
            df["_origin"] = [f"{path}#{i}" for i in range(start, start + len(df))]
            df["_file"] = str(path)
            start += len(df)
            yield df, []
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"unreadable Parquet: {exc}") from None


def iter_table(path: Path, fmt: str, fh: io.BufferedIOBase) -> Iterator[tuple[pd.DataFrame, list[Skip]]]:
    """Frames of one table file read from ``fh`` in bounded pieces (JSON arrays are read whole)."""
    if fmt == "jsonl":
        yield from iter_jsonl(path, fh)
    elif fmt == "csv":
        yield from iter_csv(path, fh)
    elif fmt == "parquet":
        yield from iter_parquet(path, fh)
    else:
        yield READERS[fmt](path, fh.read())


READERS = {"jsonl": read_jsonl, "json": read_json, "csv": read_csv, "parquet": read_parquet}
