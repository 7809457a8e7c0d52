"""JSONL / JSON / CSV / TSV / Parquet corpora with a column mapping.

Input columns are matched to article columns by a mapping (article column -> input column, e.g.
``{"text": "content", "date": "published"}``); unmapped article columns fall back to common
names (:data:`ALIASES`), so the shared AllSides and NYT files load with no mapping at all. Every
other input column is carried as an extra column (labels such as ``topic`` or ``cap_major``).

    >>> resolve_mapping(["id", "headline", "body", "authors", "topic"], {"text": "body"})
    {'text': 'body', 'title': 'headline', 'byline': 'authors', 'id': 'id'}
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq

from analysis.corpus.clean import InputError, decode_bytes
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
RESERVED: frozenset[str] = frozenset({"year", "month"})
Skip = dict[str, str]


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


def _flatten(v: Any) -> Any:
    """Lists of strings become comma-joined text; other nested values become JSON text."""
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)) and getattr(v, "ndim", 0) == 1:
        v = v.tolist()
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return ", ".join(v)
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


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
    fast = _read_jsonl_fast(path, data)
    if fast is not None:
        return fast, []
    lines = data.split(b"\n")
    records: list[dict[str, Any]] = []
    origins: list[str] = []
    skipped: list[Skip] = []
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    loads = json.loads
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            rec = loads(line)
        except ValueError as exc:
            try:
                rec = loads(line.decode("cp1252", errors="cp1252_latin1"))
            except ValueError:
                why = "truncated last line" if i == last else "invalid JSON"
                skipped.append({"origin": f"{path}:{i + 1}", "reason": f"{why}: {exc}"})
                continue
        if not isinstance(rec, dict):
            skipped.append({"origin": f"{path}:{i + 1}", "reason": "not a JSON object"})
            continue
        records.append(rec)
        origins.append(f"{path}:{i + 1}")
    df = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    df["_origin"] = origins
    return df, skipped


def _read_jsonl_fast(path: Path, data: bytes) -> pd.DataFrame | None:
    """Parse clean JSON Lines with Arrow in one go; None when any line needs the careful path."""
    body = data.rstrip()
    n_lines = body.count(b"\n") + 1
    if not body or b"\n\n" in body or b"\r" in body:
        return None
    try:
        table = pj.read_json(io.BytesIO(body), read_options=pj.ReadOptions(
            use_threads=False, block_size=max(len(body) + 1, 1 << 20)))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return None
    if table.num_rows != n_lines:
        return None
    cols = []
    for col in table.columns:
        if pa.types.is_timestamp(col.type):   # Arrow guessed a timestamp: give back text, like json.loads
            col = pc.strftime(col, format="%Y-%m-%dT%H:%M:%S" if _has_time(col) else "%Y-%m-%d")
        cols.append(col)
    table = pa.Table.from_arrays(cols, names=table.column_names)
    df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)
    df["_origin"] = [f"{path}:{i}" for i in range(1, n_lines + 1)]
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
        except ValueError:
            return read_jsonl(path, text.encode("utf-8"))
        if isinstance(whole, dict):
            if not any(k in whole for k in ALIASES["text"] + ALIASES["title"]):
                raise InputError("JSON object without article fields (not a list of records)")
            df = pd.DataFrame.from_records([whole])      # one article as one (pretty-printed) object
            df["_origin"] = [f"{path}#0"]
            return df, []
        return read_jsonl(path, text.encode("utf-8"))
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise InputError(f"invalid JSON: {exc}") from None
    keep = [(i, r) for i, r in enumerate(items) if isinstance(r, dict)]
    skipped = [{"origin": f"{path}#{i}", "reason": "not a JSON object"}
               for i, r in enumerate(items) if not isinstance(r, dict)]
    df = pd.DataFrame.from_records([r for _, r in keep]) if keep else pd.DataFrame()
    df["_origin"] = [f"{path}#{i}" for i, _ in keep]
    return df, skipped


def read_csv(path: Path, data: bytes | None = None) -> tuple[pd.DataFrame, list[Skip]]:
    """Read CSV/TSV (any encoding); rows with the wrong number of fields are reported."""
    text = decode_bytes(path.read_bytes() if data is None else data)[0]
    delim = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError("empty file") from None
    rows, origins, skipped = [], [], []
    for row in reader:
        if not any(x.strip() for x in row):
            continue
        if len(row) != len(header):
            skipped.append({"origin": f"{path}:{reader.line_num}",
                            "reason": f"CSV row has {len(row)} fields, header has {len(header)}"})
            continue
        rows.append(row)
        origins.append(f"{path}:{reader.line_num}")
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df["_origin"] = origins
    return df, skipped


def read_parquet(path: Path, data: bytes | None = None) -> tuple[pd.DataFrame, list[Skip]]:
    """Read a Parquet file (``#N`` origins)."""
    try:
        df = pq.read_table(path if data is None else io.BytesIO(data)).to_pandas()
    except Exception as exc:  # noqa: BLE001 - any pyarrow error is a per-file problem
        raise InputError(f"unreadable Parquet: {exc}") from None
    df["_origin"] = [f"{path}#{i}" for i in range(len(df))]
    return df, []


READERS = {"jsonl": read_jsonl, "json": read_json, "csv": read_csv, "parquet": read_parquet}
