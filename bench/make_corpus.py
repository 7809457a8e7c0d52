"""Build synthetic-scale corpora (100k, 300k, 1M articles) by resampling the shared corpora.

Each synthetic article keeps the outlet (``source``) of the article it is drawn from, gets a new
id and a date spread evenly over ``--years`` (chronological, like a real feed), and a new body:
the first half of one real article's paragraphs followed by the second half of another article of
the same corpus (short NYT summaries: one headline with another summary). So the text statistics
are real, while exact and near duplicates stay rare (as in a deduplicated feed) instead of every
article having ~40 copies.

Written in chunks (never the whole corpus in memory) straight into a partitioned article store
(``OUT/N/store``, one store transaction, ``dup_of`` empty) and, with ``--jsonl``, as JSONL shards
(``OUT/N/jsonl/part-NNNN.jsonl``) that ``bench/scale.py`` ingests::

    python bench/make_corpus.py --sizes 100000 300000 1000000 --jsonl
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.corpus.clean import word_count
from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.store import transaction

DEFAULT_OUT = Path(tempfile.gettempdir()) / "policy-news-bench"
CHUNK = 50_000
SHARD = 50_000


def pool() -> pd.DataFrame:
    """The shared corpora as one clean article table (the resampling pool)."""
    df, _ = read_articles([config.ALLSIDES_JSONL, config.NYT_JSONL])
    df = df[df["text"].fillna("").str.len() > 0].reset_index(drop=True)
    return df[["source", "title", "text", "section", "byline", "url"]]


def _splice(a: str, b: str) -> str:
    """First half of ``a``'s paragraphs + second half of ``b``'s (one paragraph each: ``b``)."""
    pa_, pb = a.split("\n\n"), b.split("\n\n")
    if len(pa_) < 2 or len(pb) < 2:
        return b
    return "\n\n".join(pa_[: len(pa_) // 2] + pb[len(pb) // 2:])


def chunk(src: pd.DataFrame, groups: dict[str, np.ndarray], start: int, n: int, total: int,
          rng: np.random.Generator, first: pd.Timestamp, days: int, tag: str) -> pd.DataFrame:
    """Rows ``start .. start+n`` of a synthetic corpus of ``total`` articles."""
    ia = rng.integers(0, len(src), size=n)
    srcs = src["source"].to_numpy(dtype=object)[ia]
    ib = np.array([groups[s][rng.integers(0, len(groups[s]))] for s in srcs])
    texts = src["text"].to_numpy(dtype=object)
    body = [_splice(texts[a], texts[b]) for a, b in zip(ia, ib)]
    pos = np.arange(start, start + n)
    date = first + pd.to_timedelta((pos * days) // total, unit="D")
    return pd.DataFrame({
        "article_id": [f"syn{tag}-{k:07d}" for k in pos],
        "source": srcs, "date": date.astype("datetime64[ns]"),
        "title": src["title"].to_numpy(dtype=object)[ia], "section": src["section"].to_numpy(dtype=object)[ia],
        "byline": src["byline"].to_numpy(dtype=object)[ia], "url": None, "text": body,
        "n_words": np.fromiter((word_count(t) for t in body), dtype=np.int64, count=n),
        "origin": [f"synthetic:{tag}:{k}" for k in pos], "dup_of": None,
    })


def build(total: int, out: Path, jsonl: bool = True, seed: int = 7, years: int = 20,
          src: pd.DataFrame | None = None) -> dict[str, object]:
    """Write one synthetic corpus of ``total`` articles; return a summary."""
    t0 = time.perf_counter()
    src = pool() if src is None else src
    src = pd.DataFrame({c: [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v
                            for v in src[c].to_numpy(dtype=object)] for c in src.columns}, dtype=object)
    groups = {s: np.flatnonzero(src["source"].to_numpy(dtype=object) == s) for s in src["source"].unique()}
    rng = np.random.default_rng(seed + total)
    first = pd.Timestamp("2005-01-01")
    days = int(365.25 * years)
    base = out / str(total)
    store = base / "store"
    shard_dir = base / "jsonl"
    if jsonl:
        shard_dir.mkdir(parents=True, exist_ok=True)
    n_bytes = 0
    with transaction(store) as tx:
        for start in range(0, total, CHUNK):
            df = chunk(src, groups, start, min(CHUNK, total - start), total, rng, first, days, str(total))
            tx.append(df)
            if jsonl:
                with open(shard_dir / f"part-{start // SHARD:04d}.jsonl", "a", encoding="utf-8") as fh:
                    for r in zip(df["article_id"], df["source"], df["date"].dt.strftime("%Y-%m-%d"),
                                 df["title"], df["section"], df["byline"], df["text"]):
                        r = [None if isinstance(v, float) else v for v in r]
                        fh.write(json.dumps({"id": r[0], "source": r[1], "date": r[2], "title": r[3],
                                             "section": r[4], "byline": r[5], "text": r[6]},
                                            ensure_ascii=False) + "\n")
            n_bytes += int(df["text"].str.len().sum())
    return {"articles": total, "store": str(store), "jsonl": str(shard_dir) if jsonl else None,
            "text_chars": n_bytes, "seconds": round(time.perf_counter() - t0, 1)}


def main() -> None:
    """Command line: build the requested sizes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    ap.add_argument("--jsonl", action="store_true", help="also write JSONL shards (ingest benchmark input)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    src = pool()
    for n in args.sizes:
        if (args.out / str(n) / "store" / "articles").exists():
            print(f"{n}: exists, skipped")
            continue
        print(json.dumps(build(n, args.out, args.jsonl, args.seed, src=src)), flush=True)


if __name__ == "__main__":
    main()
