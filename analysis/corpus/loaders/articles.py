"""Read article files of every supported shape into one clean article table.

``read_articles(paths)`` walks folders recursively, recognizes each file by extension and content
(scraped text, saved HTML, JSONL/JSON, CSV/TSV, Parquet), attaches metadata from ``manifest.csv``
and ``NAME.meta.json`` sidecars, applies defaults, cleans, and assigns stable ``article_id``\\s.
One bad file or record never stops the rest: it is returned in the skipped list with a reason.

    >>> from analysis import config
    >>> df, skipped = read_articles([config.SEED_ARTICLE])   # doctest: +SKIP
    >>> df.loc[0, "section"]                                  # doctest: +SKIP
    'World'
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from analysis.corpus.clean import InputError, clean_articles, decode_bytes, stable_id
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
Skip = dict[str, str]


def is_auxiliary(path: Path) -> bool:
    """True for files a folder walk ignores: manifests, sidecars, READMEs, hidden files, stores."""
    name = path.name.lower()
    return (name.startswith((".", "_", "readme", "license")) or name == "manifest.csv"
            or name.endswith(".meta.json") or name == "ingest_report.json")


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """List input files: given files as-is, folders walked recursively (sorted, auxiliaries skipped)."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
        if path.is_file():
            out.append(path)
            continue
        for root, dirs, files in os.walk(path):
            rootp = Path(root)
            if (rootp / "ingest_report.json").exists() or (rootp / ".ingest.lock").exists():
                dirs[:] = []      # an article store: never re-read our own output
                continue
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
            out.extend(rootp / f for f in sorted(files) if not is_auxiliary(rootp / f))
    return out


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


def _read_one(path: Path, fmt: str, meta: MetadataIndex, data: bytes) -> tuple[pd.DataFrame | dict[str, Any], list[Skip], list[Skip]]:
    """Read one file's bytes; return (frame or record, skipped items, warnings). Raises InputError."""
    warnings: list[Skip] = []
    if fmt in ("text", "html"):
        rec, encoding = (load_text if fmt == "text" else load_html)(path, data)
        if encoding not in ("utf-8",):
            warnings.append({"origin": str(path), "reason": f"decoded as {encoding}"})
        rec = {**rec, **{k: v for k, v in meta.lookup(path).items() if v not in (None, "")}}
        rec["origin"] = str(path)
        return rec, [], warnings
    if not data.strip():
        raise InputError("empty file")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and fmt != "parquet":
        decode_bytes(data[:65536])   # raises "binary file" unless it is UTF-16
    frame, skipped = tabular.READERS[fmt](path, data)
    if frame.empty or len(frame.columns) <= 1:
        raise InputError(f"no records found ({fmt})" + (f"; {len(skipped)} bad lines" if skipped else ""))
    return frame, skipped, warnings


def read_articles(
    paths: Iterable[str | os.PathLike[str]],
    mapping: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    progress: bool = False,
) -> tuple[pd.DataFrame, list[Skip]]:
    r"""Load every article under ``paths``; return (article table, skipped items with reasons).

    ``mapping`` maps article columns to input columns of tables (``{"text": "content"}``);
    ``defaults`` fills ``source``/``date`` where the input has none. Warnings about kept items
    (unparseable dates, fallback encodings, title-only records) are in ``table.attrs["warnings"]``.

    >>> import pathlib, tempfile
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = page.write_text("Headline\nWorld\n\nHeadline\n\nBody text.\n\nLeave a Reply\n")
    >>> df, skipped = read_articles([page], defaults={"source": "The Outlet"})
    >>> df.loc[0, ["title", "section", "text", "source"]].tolist(), skipped
    (['Headline', 'World', 'Body text.', 'The Outlet'], [])
    """
    mapping = validate_mapping(mapping)
    files = iter_files(paths)
    meta = MetadataIndex()
    records: list[dict[str, Any]] = []
    tables: list[pd.DataFrame] = []
    skipped: list[Skip] = []
    warnings: list[Skip] = []
    bar = None
    n_read = n_bytes = 0
    t0, c0 = time.perf_counter(), time.process_time()
    if progress:
        bar = tqdm(total=len(files), unit="file", desc="read", leave=False)
    for path in files:
        try:
            if EXTENSIONS.get(path.suffix.lower()) is None and path.suffix:
                with path.open("rb") as fh:
                    if sniff_format(path, fh.read(4096)) is None:
                        raise InputError(f"unsupported file type {path.suffix}")
            data = path.read_bytes()
            fmt = sniff_format(path, data[:4096])
            if fmt is None:
                raise InputError(f"unsupported file type {path.suffix or '(none)'}")
            got, skip, warn = _read_one(path, fmt, meta, data)
            n_read += 1
            n_bytes += len(data)
            (records.append if isinstance(got, dict) else tables.append)(got)  # type: ignore[operator]
            skipped += skip
            warnings += warn
        except InputError as exc:
            skipped.append({"origin": str(path), "reason": str(exc)})
        except (OSError, UnicodeError, ValueError) as exc:
            skipped.append({"origin": str(path), "reason": f"{type(exc).__name__}: {exc}"})
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    skipped += meta.problems
    if mapping:
        seen = set().union(*(set(t.columns) for t in tables)) if tables else set()
        missing = sorted({v for v in mapping.values() if v not in seen})
        if missing:
            raise UsageError(f"--map: column(s) {', '.join(missing)} not found in any table input"
                             + (f" (columns: {', '.join(sorted(c for c in seen if not c.startswith('_')))})" if seen else ""))
    frames = [tabular.to_articles(t, mapping) for t in tables]
    if records:
        frames.insert(0, pd.DataFrame.from_records(records))
    t1, c1 = time.perf_counter(), time.process_time()
    df, skipped = assemble(frames, skipped, warnings, defaults)
    df.attrs.update(files_read=n_read, bytes_read=n_bytes,
                    timings={"read": t1 - t0, "clean": time.perf_counter() - t1},
                    cpu_timings={"read": c1 - c0, "clean": time.process_time() - c1})
    return df, skipped


def assemble(frames: list[pd.DataFrame], skipped: list[Skip], warnings: list[Skip],
             defaults: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[Skip]]:
    """Concatenate raw frames, apply defaults, clean, drop unusable rows, assign ``article_id``."""
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
    df, date_problems = clean_articles(raw)
    warnings = warnings + date_problems.to_dict("records")
    no_text = (df["text"].fillna("") == "")
    no_title = df["title"].isna()
    for origin in df.loc[no_text & no_title, "origin"]:
        skipped.append({"origin": origin, "reason": "missing text (no text and no title)"})
    for origin in df.loc[no_text & ~no_title, "origin"]:
        warnings.append({"origin": origin, "reason": "no text (kept with title only)"})
    keep = ~(no_text & no_title)
    df, input_id = df[keep], input_id[keep]
    src = df["source"].fillna("").to_numpy(dtype=object)
    ids = [stable_id("id", s, i) if isinstance(i, str) and i else stable_id("content", s, t, x)
           for s, i, t, x in zip(src, input_id.to_numpy(dtype=object, na_value=None),
                                 df["title"].fillna("").to_numpy(dtype=object),
                                 df["text"].to_numpy(dtype=object))]
    df = df.assign(article_id=pd.array(ids, dtype="string"))
    dup = df["article_id"].duplicated(keep="first")
    if dup.any():
        first = dict(zip(df.loc[~dup, "article_id"], df.loc[~dup, "origin"]))
        for aid, origin, iid in zip(df.loc[dup, "article_id"], df.loc[dup, "origin"],
                                    input_id[dup].to_numpy(dtype=object, na_value=None)):
            what = f"duplicate id {iid!r} in input" if iid else "same source, title and text"
            skipped.append({"origin": origin, "reason": f"{what} (first at {first[aid]}); later copy skipped"})
        df = df[~dup]
    df = df.reset_index(drop=True)
    df = df[ARTICLE_COLUMNS + [c for c in df.columns if c not in ARTICLE_COLUMNS]]
    df.attrs["warnings"] = warnings
    return df, skipped
