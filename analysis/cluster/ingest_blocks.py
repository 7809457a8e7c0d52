"""Block-level tasks of the distributed ingest (see :mod:`analysis.cluster.ingest`).

Each function runs on a worker (or plans work on the client) over one block of input lines and
calls the loaders', cleaners' and dedupe module's own functions; positions are global input
order: ``(block + 1) << SHIFT | row`` (rows of the store's existing dedupe index are ``< 2**32``).

    >>> split_positions(np.array([(3 << SHIFT) | 5]))[0].tolist(), split_positions(np.array([(3 << SHIFT) | 5]))[1].tolist()
    ([2], [5])
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.corpus import dedupe
from analysis.corpus.clean import InputError, decode_bytes
from analysis.corpus.loaders import tabular
from analysis.corpus.loaders.articles import assemble, iter_files, read_articles, sniff_format
from analysis.corpus.store import conform, partition_of, to_arrow
from analysis.corpus.templates import SiteTemplates

BLOCK_LINES: int = 20_000
SHIFT: int = 32                       # global position = (block + 1) << SHIFT | row; old index rows < 2**32
SCAN_CHUNK: int = 1 << 24


def plan_blocks(paths: Iterable[str | os.PathLike[str]], block_lines: int = BLOCK_LINES
                ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Cut inputs into read blocks (in the pandas path's row order); return (blocks, skipped files)."""
    records, blocks, skipped = [], [], []
    for path in iter_files(paths):
        try:
            with open(path, "rb") as fh:
                head = fh.read(4096)
            fmt = sniff_format(path, head)
        except OSError as exc:
            skipped.append({"origin": str(path), "reason": f"{type(exc).__name__}: {exc}"})
            continue
        if fmt is None:
            skipped.append({"origin": str(path), "reason": f"unsupported file type {path.suffix or '(none)'}"})
        elif fmt in ("text", "html"):
            records.append(str(path))
        elif fmt == "jsonl" and b"\x00" not in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            blocks += _jsonl_blocks(path, block_lines)
        else:
            blocks.append({"kind": fmt, "path": str(path), "start": 0, "end": -1, "line0": 0, "last": True})
    if records:
        blocks.insert(0, {"kind": "records", "paths": records})
    return blocks, skipped


def _jsonl_blocks(path: Path, block_lines: int) -> list[dict[str, Any]]:
    """Byte ranges of ``block_lines`` lines each (streaming newline scan, constant memory)."""
    cuts, lines, pos = [0], 0, 0
    line_at = [0]
    with open(path, "rb") as fh:
        while chunk := fh.read(SCAN_CHUNK):
            nl = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
            for off in nl:
                lines += 1
                if lines % block_lines == 0:
                    cuts.append(pos + int(off) + 1)
                    line_at.append(lines)
            pos += len(chunk)
    if cuts[-1] < pos:
        cuts.append(pos)
        line_at.append(lines)
    out = []
    for i in range(len(cuts) - 1):
        out.append({"kind": "jsonl", "path": str(path), "start": cuts[i], "end": cuts[i + 1],
                    "line0": line_at[i], "last": i == len(cuts) - 2})
    return out or [{"kind": "jsonl", "path": str(path), "start": 0, "end": 0, "line0": 0, "last": True}]


def _shift_origin(origin: str, path: str, line0: int) -> str:
    """``path:N`` of a block -> ``path:N+line0`` of the file."""
    return f"{path}:{int(origin[len(path) + 1:]) + line0}" if line0 and origin.startswith(path + ":") else origin


def read_block(block: dict[str, Any], index: int, mapping: dict[str, str] | None, defaults: dict[str, str] | None,
               stage: str, templates: dict[str, Any] | None = None) -> dict[str, Any]:
    """Worker task: read + clean one block, stage it, and return its ids, hashes and reports.

    ``templates`` is the JSON body of the run's site templates (learned on the client, as the pandas
    ingest does), removed from plain-text pages."""
    read_skips: list[dict[str, str]] = []
    meta_problems: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    columns: list[str] = []
    n_records = nbytes = nfiles = 0
    if block["kind"] == "records":
        pages = SiteTemplates.from_json(templates).context() if templates else None
        df, skipped = read_articles(block["paths"], mapping=mapping, defaults=defaults, pages=pages)
        warnings = list(df.attrs.get("warnings", []))
        read_skips, asm_skips = skipped, []
        nfiles = int(df.attrs.get("files_read", 0))
        nbytes = int(df.attrs.get("bytes_read", 0))
        n_records = len(df)
    else:
        path = Path(block["path"])
        frame = None
        try:
            with open(path, "rb") as fh:
                fh.seek(block["start"])
                data = fh.read(block["end"] - block["start"]) if block["end"] >= 0 else fh.read()
            if block["start"] == 0 and block["kind"] != "parquet":
                if not data.strip():
                    raise InputError("empty file")
                if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                    decode_bytes(data[:65536])
            if block["kind"] == "jsonl":
                frame, read_skips = tabular.read_jsonl(path, data)
                line0 = block["line0"]
                frame["_origin"] = [_shift_origin(o, str(path), line0) for o in frame["_origin"]]
                for s in read_skips:
                    s["origin"] = _shift_origin(s["origin"], str(path), line0)
                    if not block["last"] and s["reason"].startswith("truncated last line"):
                        s["reason"] = "invalid JSON" + s["reason"][len("truncated last line"):]
            else:
                if not data.strip():
                    raise InputError("empty file")
                frame, read_skips = tabular.READERS[block["kind"]](path, data)
                if frame.empty or len(frame.columns) <= 1:
                    raise InputError(f"no records found ({block['kind']})"
                                     + (f"; {len(read_skips)} bad lines" if read_skips else ""))
            nbytes = len(data)
            nfiles = 1 if block["start"] == 0 else 0
        except InputError as exc:
            read_skips = [{"origin": str(path), "reason": str(exc)}]
        except (OSError, UnicodeError, ValueError) as exc:
            read_skips = [{"origin": str(path), "reason": f"{type(exc).__name__}: {exc}"}]
        frames = []
        if frame is not None and len(frame) and len(frame.columns) > 1:
            columns = [c for c in frame.columns if not c.startswith("_")]
            art = tabular.to_articles(frame, mapping)
            frames = [art.assign(_iid_copy=art["_input_id"])]
            n_records = len(frame)
        df, asm_skips = assemble(frames, [], [], defaults)
        warnings = list(df.attrs.get("warnings", []))
    iid = df.pop("_iid_copy") if "_iid_copy" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    texts = df["text"].fillna("").tolist()
    keys = dedupe.exact_keys(df["title"].fillna("").tolist(), texts)
    sig, valid = dedupe.signatures(texts)
    bh = dedupe.band_hashes(sig)
    base = f"{stage}/_blocks/b{index:06d}"
    pq.write_table(to_arrow(df), base + ".parquet")
    np.savez(base + ".npz", sig=sig)
    pq.write_table(pa.table({"origin": pa.array(df["origin"].astype(str).tolist(), type=pa.string()),
                             "iid": pa.array(iid.astype("string").tolist(), type=pa.string(), from_pandas=True)}),
                   base + ".origins.parquet")
    return {"n": len(df), "ids": df["article_id"].astype(str).to_numpy(dtype=object), "keys": keys,
            "valid": valid, "bands": bh, "read_skips": read_skips, "asm_skips": asm_skips, "warnings": warnings, "meta": meta_problems,
            "columns": columns, "sample": df.iloc[:1], "records": n_records, "bytes": nbytes, "files": nfiles,
            "undated": int(df["date"].isna().sum()), "undated_pos": np.flatnonzero(df["date"].isna().to_numpy())}


def pairs_in_buckets(df: pd.DataFrame) -> pd.DataFrame:
    """Candidate (i, j) pairs inside each (band, hash) bucket, as ``dedupe.candidate_pairs`` forms them."""
    if df.empty:
        return pd.DataFrame({"i": np.zeros(0, np.int64), "j": np.zeros(0, np.int64)})
    df = df.sort_values(["band", "bh", "pos"], kind="stable")
    grp = (df["band"].to_numpy() != np.roll(df["band"].to_numpy(), 1)) | (df["bh"].to_numpy() != np.roll(df["bh"].to_numpy(), 1))
    grp[0] = True
    start = np.flatnonzero(grp)
    size = np.diff(np.r_[start, len(df)])
    pos_all = df["pos"].to_numpy()
    gstart = np.repeat(start, size)
    idx = np.arange(len(df))
    out = []
    for off in range(1, min(int(size.max()), dedupe.MAX_GROUP_PAIRS + 1)):
        ok = idx - off >= gstart
        i, j = pos_all[idx[ok] - off], pos_all[idx[ok]]
        keep = df["new"].to_numpy()[idx[ok]]
        out.append(np.stack([i[keep], j[keep]], axis=1))
    pairs = np.unique(np.concatenate(out), axis=0) if out else np.zeros((0, 2), np.int64)
    return pd.DataFrame({"i": pairs[:, 0].astype(np.int64), "j": pairs[:, 1].astype(np.int64)})


def band_frame(pos: np.ndarray, bands: np.ndarray, new: bool) -> pd.DataFrame:
    """Long (band, bh, pos, new) rows of valid articles for the band-key shuffle."""
    n = len(pos)
    return pd.DataFrame({"band": np.tile(np.arange(dedupe.BANDS, dtype=np.int64), n),
                         "bh": bands.reshape(-1).view(np.int64), "pos": np.repeat(pos, dedupe.BANDS),
                         "new": np.full(n * dedupe.BANDS, new)})


def sigs_at(stage: str, index: int, rows: np.ndarray) -> np.ndarray:
    """Worker task: signatures of some rows of a staged block."""
    return np.load(f"{stage}/_blocks/b{index:06d}.npz")["sig"][rows]


def write_block(stage: str, index: int, txid: str, keep: np.ndarray, dup_of: dict[int, str],
                 target: dict[str, str], schema: pa.Schema) -> list[dict[str, Any]]:
    """Worker task: write the kept rows of a staged block into year=/month= part files."""
    df = pq.read_table(f"{stage}/_blocks/b{index:06d}.parquet").to_pandas()
    df["dup_of"] = pd.array([dup_of.get(i) for i in range(len(df))], dtype="string")
    df = df[keep].reset_index(drop=True)
    for col, dtype in target.items():
        df[col] = df[col].astype(dtype) if col in df.columns else pd.Series(np.nan, index=df.index).astype(dtype)
    out = []
    if df.empty:
        return out
    year, month = partition_of(pd.to_datetime(df["date"]))
    table = conform(to_arrow(df), schema)
    for k, ((y, m), rows) in enumerate(sorted(df.groupby([year, month], sort=True).indices.items())):
        rel = f"year={y}/month={m}/part-{txid}-b{index:06d}-{k:04d}.parquet"
        dest = Path(stage) / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.take(pa.array(rows)), dest, compression="zstd")
        out.append({"path": rel, "rows": len(rows)})
    return out


def client_part(info: dict[str, Any]) -> dict[str, Any]:
    """The part of a block's result the client needs (no band hashes)."""
    return {k: v for k, v in info.items() if k != "bands"}


def key_frame(info: dict[str, Any], index: int, keep: np.ndarray) -> pd.DataFrame:
    """(key, pos) rows of a block's articles that take part in dedupe."""
    pos = (np.int64(index + 1) << SHIFT) | np.arange(info["n"], dtype=np.int64)
    return pd.DataFrame({"key": info["keys"].view(np.int64)[keep], "pos": pos[keep]})


def block_bands(info: dict[str, Any], index: int, keep: np.ndarray) -> pd.DataFrame:
    """Band rows of a block's valid, new articles."""
    pos = (np.int64(index + 1) << SHIFT) | np.arange(info["n"], dtype=np.int64)
    m = keep & info["valid"]
    return band_frame(pos[m], info["bands"][m], True)


def first_of_key(part: pd.DataFrame) -> pd.DataFrame:
    """After the shuffle on the text hash: rows whose key occurred at an earlier position."""
    first = part.groupby("key")["pos"].transform("min")
    return pd.DataFrame({"pos": part["pos"], "first": first})[part["pos"] > first]


def origins_at(stage: str, index: int, rows: list[int]) -> list[tuple[str, Any]]:
    """Worker task: (origin, input id) of some rows of a staged block."""
    t = pq.read_table(f"{stage}/_blocks/b{index:06d}.origins.parquet").to_pandas()
    return [(t["origin"].iat[r], t["iid"].iat[r] if pd.notna(t["iid"].iat[r]) else None) for r in rows]


def split_positions(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Global positions -> (block, row)."""
    return (pos >> SHIFT) - 1, pos & ((1 << SHIFT) - 1)
