"""Append benchmark: a 3-article ingest into a store of the shared corpora (26,000 articles).

Measures, in one run, the wall time of three 3-article appends and the bytes each commit writes
for the dedupe index (its new segment: the earlier ones are hard links), against the baseline of
rewriting the whole index once (``DedupeIndex.save`` of every row, what each commit did before the
index was split into segments). Results go to ``bench/results/append.json``.
Run: ``.venv/bin/python bench/append.py``.
"""
from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

from analysis import config
from analysis.corpus.dedupe import DedupeIndex
from analysis.corpus.ingest import ingest
from analysis.corpus.store import index_segments, read_manifest

log = logging.getLogger("bench.append")


def write_articles(folder: Path, tag: str, n: int = 3) -> None:
    """Write ``n`` small new plain-text articles into ``folder``."""
    folder.mkdir(parents=True)
    for i in range(n):
        body = f"A new article {tag}-{i} about tariffs on steel and trade talks with Canada and Mexico. " * 5
        (folder / f"a{i}.txt").write_text(f"Fresh headline {tag} {i}\n\n{body}\n", encoding="utf-8")


def new_index_bytes(store: Path) -> int:
    """Bytes of the current version's index files that are not hard links to an older version's."""
    vdir = (store / "articles").resolve()
    names = index_segments(read_manifest(vdir), vdir)
    return sum((vdir / n).stat().st_size for n in names if (vdir / n).stat().st_nlink == 1)


def main() -> None:
    """Build the store, time the appends and the full-index baseline, print ratios, save JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "append.json")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    root = Path(tempfile.mkdtemp(prefix="bench-append-"))
    try:
        store = root / "store"
        ingest([config.ALLSIDES_JSONL, config.NYT_JSONL], store=store, progress=False)
        rows = int(read_manifest((store / "articles").resolve())["rows"])
        appends = []
        for k in range(3):
            write_articles(root / f"new{k}", str(k))
            t = time.perf_counter()
            ingest([root / f"new{k}"], store=store, progress=False)
            appends.append({"seconds": round(time.perf_counter() - t, 3), "index_bytes_written": new_index_bytes(store)})
        vdir = (store / "articles").resolve()
        index = DedupeIndex.load_segments([vdir / n for n in index_segments(read_manifest(vdir), vdir)])
        t = time.perf_counter()
        index.save(root / "full.npz")
        full = {"seconds": round(time.perf_counter() - t, 3), "bytes": (root / "full.npz").stat().st_size}
    finally:
        shutil.rmtree(root, ignore_errors=True)
    best = min(a["seconds"] for a in appends)
    worst_bytes = max(a["index_bytes_written"] for a in appends)
    results = {"store_rows": rows, "appends": appends, "baseline_full_index_rewrite": full,
               "index_bytes_ratio_full_over_segment": round(full["bytes"] / max(worst_bytes, 1), 1)}
    log.info("store of %d articles; 3-article append: best %.2f s; index written per commit %s bytes "
             "vs %s bytes for a full rewrite (%.0fx less; the rewrite alone took %.2f s)",
             rows, best, f"{worst_bytes:,}", f"{full['bytes']:,}", results["index_bytes_ratio_full_over_segment"],
             full["seconds"])
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
