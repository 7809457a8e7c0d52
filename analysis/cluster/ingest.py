"""Ingest of tabular corpora on a Dask cluster, with the same rows and flags as ``analysis.corpus.ingest``.

Steps (each block is a task; only ids, hashes and counts reach the client, never text):

1. The client cuts JSONL files into blocks of lines (a streaming newline scan); CSV/JSON/Parquet
   files are one block each; scraped text/HTML files form one block read by ``read_articles``.
2. Per block: the loaders' own reader + ``tabular.to_articles`` + ``loaders.assemble`` (clean,
   ids), then ``dedupe.exact_keys`` / ``dedupe.signatures``; the clean block is staged as Parquet.
3. Duplicate ids across blocks (input order: first wins) and ids already stored are dropped; exact
   duplicates: a shuffle on the text hash (earliest position wins). Near duplicates: MinHash band
   hashes per block, a shuffle on the band keys, candidate pairs inside each bucket exactly as
   ``dedupe.candidate_pairs`` forms them, resemblance checked on the signatures; roots resolved in
   input order like ``dedupe.flag_duplicates``.
4. Blocks are written into the store's year/month layout inside one store transaction (lock,
   atomic commit, the store's dedupe index extended like the pandas path does).

The store and inputs must be on a file system every worker sees (always true for ``--dask local``).

    >>> from analysis.cluster.session import client
    >>> report = ingest(["corpus.jsonl"], store="/tmp/s", client=client("local"))   # doctest: +SKIP
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import config
from analysis.cluster.ingest_blocks import (
    BLOCK_LINES,
    SHIFT,
    band_frame,
    block_bands,
    client_part,
    first_of_key,
    key_frame,
    origins_at,
    pairs_in_buckets,
    plan_blocks,
    read_block,
    sigs_at,
    split_positions,
    write_block,
)
from analysis.corpus import dedupe
from analysis.corpus import templates as site_templates
from analysis.corpus.ingest import reason_category
from analysis.corpus.loaders.articles import validate_mapping
from analysis.corpus.store import to_arrow, transaction, unify_schemas
from analysis.errors import UsageError
from analysis.schema import ARTICLE_COLUMNS

log = logging.getLogger(__name__)


def ingest(paths: Iterable[str | os.PathLike[str]], store: str | os.PathLike[str] | None = None,
           mapping: dict[str, str] | None = None, defaults: dict[str, str] | None = None,
           client: Any = None, block_lines: int = BLOCK_LINES, progress: bool = True,
           shuffle_method: str = "tasks") -> dict[str, Any]:
    """Distributed ``analysis.corpus.ingest.ingest``: same store rows, flags and report (+ ``engine``).

    ``shuffle_method``: "tasks" (fast for up to a few million articles) or "p2p" (disk-backed,
    bounded worker memory for larger inputs).

    >>> ingest(["feeds/"], store="data/processed", client=client("local"))["articles_new"]   # doctest: +SKIP
    26000
    """
    import dask  # deferred on purpose: dask and distributed load only for a cluster ingest
    import dask.dataframe as dd
    from distributed import get_client
    from distributed import progress as show_progress

    c = client or get_client()
    mapping = validate_mapping(mapping)
    paths = [str(p) for p in paths]
    started = time.time()
    t0 = time.perf_counter()
    blocks, plan_skips = plan_blocks(paths, block_lines)
    timings: dict[str, float] = {}
    with transaction(store) as tx:
        stage = str(tx.stage)
        os.makedirs(f"{stage}/_blocks", exist_ok=True)
        # site templates: learned on the client from the run's text files, merged with the stored ones
        sites = site_templates.stored(version=tx.base).merged(site_templates.learn(paths))
        body = sites.to_json() if sites.sites else None
        futs = [c.submit(read_block, b, i, mapping, defaults, stage, body, pure=False) for i, b in enumerate(blocks)]
        if progress and futs:
            show_progress(futs, notebook=False, interval="1s")
            print(flush=True)
        infos = c.gather([c.submit(client_part, f) for f in futs])
        timings["read+clean"] = time.perf_counter() - t0
        t = time.perf_counter()
        # --- reports of the read step (file-level "no records" like the pandas loader)
        read_skips, asm_skips, warnings = list(plan_skips), [], []
        by_file: dict[str, list[int]] = {}
        for i, b in enumerate(blocks):
            if b["kind"] != "records":
                by_file.setdefault(b["path"], []).append(i)
        files_read = bytes_read = 0
        for i, (b, info) in enumerate(zip(blocks, infos)):
            if b["kind"] == "records":
                read_skips += info["read_skips"]
                files_read += info["files"]
                bytes_read += info["bytes"]
                continue
            idx = by_file[b["path"]]
            if i != idx[0]:
                continue
            fi = [infos[k] for k in idx]
            lines = [s for x in fi for s in x["read_skips"]]
            if b["kind"] == "jsonl" and sum(x["records"] for x in fi) == 0 and all(
                    s["origin"] != b["path"] for s in lines):
                lines = [{"origin": b["path"], "reason": "no records found (jsonl)" + (f"; {len(lines)} bad lines" if lines else "")}]
            elif not any(s["origin"] == b["path"] for s in lines):
                files_read += 1
                bytes_read += Path(b["path"]).stat().st_size
            read_skips += lines
        for info in infos:
            asm_skips += info["asm_skips"]
            warnings += info["warnings"]
        if mapping:
            seen = {col for info in infos for col in info["columns"]}
            missing = sorted({v for v in mapping.values() if v not in seen})
            if missing and any(b["kind"] != "records" for b in blocks):
                raise UsageError(f"--map: column(s) {', '.join(missing)} not found in any table input")
        # --- duplicate ids across blocks (first in input order wins) and ids already stored
        ns = [info["n"] for info in infos]
        ids = np.concatenate([info["ids"] for info in infos]) if infos else np.zeros(0, object)
        starts = np.r_[0, np.cumsum(ns)].astype(np.int64)
        dup_id = pd.Series(ids, dtype=object).duplicated(keep="first").to_numpy()
        existing = tx.existing_ids()
        is_new = ~dup_id & (~pd.Series(ids, dtype=object).isin(existing).to_numpy() if existing else True)
        if dup_id.any():
            dpos = np.flatnonzero(dup_id)
            first_row = pd.Series(np.arange(len(ids))).groupby(ids).transform("min").to_numpy()
            need: dict[int, set[int]] = {}
            for g in np.r_[dpos, first_row[dpos]]:
                b = int(np.searchsorted(starts, g, side="right") - 1)
                need.setdefault(b, set()).add(int(g - starts[b]))
            got = {b: dict(zip(sorted(r), c.submit(origins_at, stage, b, sorted(r)).result())) for b, r in need.items()}
            look = lambda g: got[int(np.searchsorted(starts, g, side="right") - 1)][int(g - starts[np.searchsorted(starts, g, side="right") - 1])]  # noqa: E731
            for g in dpos:
                origin, iid = look(g)
                what = f"duplicate id {iid!r} in input" if iid else "same source, title and text"
                asm_skips.append({"origin": origin, "reason": f"{what} (first at {look(first_row[g])[0]}); later copy skipped"})
        keep_b = [is_new[starts[i]:starts[i + 1]] for i in range(len(infos))]
        # --- exact duplicates: shuffle on the text hash
        index = tx.index
        n_old = len(index)
        old = pd.DataFrame({"key": index.keys.view(np.int64), "pos": np.arange(n_old, dtype=np.int64)})
        kparts = [dd.from_pandas(old, npartitions=max(1, n_old // 200_000 + 1))] if n_old else []
        kparts += [dd.from_delayed([dask.delayed(key_frame)(f, i, k) for i, (f, k) in enumerate(zip(futs, keep_b))],
                                   meta=pd.DataFrame({"key": np.zeros(0, np.int64), "pos": np.zeros(0, np.int64)}))]
        kd = dd.concat(kparts) if len(kparts) > 1 else kparts[0]
        nparts = max(1, len(futs) // 2)
        exact = kd.shuffle("key", npartitions=nparts, shuffle_method=shuffle_method).map_partitions(
            first_of_key, meta=pd.DataFrame({"pos": np.zeros(0, np.int64), "first": np.zeros(0, np.int64)}))
        # --- near duplicates: shuffle on the band keys, pairs per bucket
        bparts = []
        if n_old and index.valid.any():
            ov = np.flatnonzero(index.valid)
            bparts.append(dd.from_pandas(band_frame(ov.astype(np.int64), dedupe.band_hashes(index.sigs[ov]), False),
                                         npartitions=max(1, len(ov) // 100_000 + 1)))
        bmeta = band_frame(np.zeros(0, np.int64), np.zeros((0, dedupe.BANDS), np.uint64), True)
        bparts.append(dd.from_delayed([dask.delayed(block_bands)(f, i, k) for i, (f, k) in enumerate(zip(futs, keep_b))],
                                      meta=bmeta))
        bd = dd.concat(bparts) if len(bparts) > 1 else bparts[0]
        pairs = bd.shuffle(["band", "bh"], npartitions=nparts, shuffle_method=shuffle_method).map_partitions(
            pairs_in_buckets, meta=pd.DataFrame({"i": np.zeros(0, np.int64), "j": np.zeros(0, np.int64)}))
        exact_df, pairs_df = c.compute([exact, pairs], sync=True)
        pairs_df = pairs_df.drop_duplicates()
        # --- verify candidate pairs on the signatures
        best: dict[int, tuple[int, str]] = {int(p): (int(f), "exact") for p, f in zip(exact_df["pos"], exact_df["first"])}
        if len(pairs_df):
            pi, pj = pairs_df["i"].to_numpy(), pairs_df["j"].to_numpy()
            inv = np.unique(np.r_[pi, pj])
            sig_inv = np.zeros((len(inv), dedupe.NUM_BINS), np.uint32)
            is_old = inv < n_old
            sig_inv[is_old] = index.sigs[inv[is_old]]
            blk, row = split_positions(inv[~is_old])
            where = np.flatnonzero(~is_old)
            got = {int(b): c.submit(sigs_at, stage, int(b), row[blk == b]) for b in np.unique(blk)}
            for b, fut in got.items():
                sig_inv[where[blk == b]] = fut.result()
            ia, ja = np.searchsorted(inv, pi), np.searchsorted(inv, pj)
            sim = np.concatenate([dedupe.resemblance(sig_inv[ia[k:k + 100_000]], sig_inv[ja[k:k + 100_000]])
                                  for k in range(0, len(ia), 100_000)])
            ok = pairs_df[sim >= dedupe.THRESHOLD]
            for j, i in ok.groupby("j")["i"].min().items():
                best.setdefault(int(j), (int(i), "near"))
        # --- roots in input order (an earlier copy's root is final before a later copy uses it)
        root: dict[int, str] = {}
        for j in sorted(best):
            i = best[j][0]
            if i < n_old:
                root[j] = index.roots[i] or index.ids[i]
            else:
                bi, ri = split_positions(np.array([i]))
                root[j] = root.get(i) or infos[int(bi[0])]["ids"][int(ri[0])]
        dup_b: list[dict[int, str]] = [{} for _ in infos]
        for j, r in root.items():
            bi, ri = split_positions(np.array([j]))
            dup_b[int(bi[0])][int(ri[0])] = r
        kinds = Counter(k for _, k in best.values())
        timings["dedupe"] = time.perf_counter() - t
        t = time.perf_counter()
        # --- one schema for every block (pandas concat promotion of extra columns), then write
        samples = [info["sample"] for info in infos if len(info["sample"])]
        both = pd.concat(samples, ignore_index=True, sort=False) if samples else pd.DataFrame()
        extra = [col for col in both.columns if col not in ARTICLE_COLUMNS]
        target = {col: str(both[col].dtype) for col in extra}
        sch = unify_schemas([to_arrow(both.astype(target)).schema]) if len(both) else unify_schemas([])
        wf = [c.submit(write_block, stage, i, tx.txid, keep_b[i], dup_b[i], target, sch, pure=False)
              for i in range(len(infos))]
        if progress and wf:
            show_progress(wf, notebook=False, interval="1s")
            print(flush=True)
        for files in c.gather(wf):
            tx.new_files += files
        # --- the dedupe index of the new version (the store keeps every signature)
        sig_new = [np.load(f"{stage}/_blocks/b{i:06d}.npz")["sig"][keep_b[i]] for i in range(len(infos))]
        keys = np.concatenate([info["keys"][k] for info, k in zip(infos, keep_b)]) if infos else np.zeros(0, np.uint64)
        valid = np.concatenate([info["valid"][k] for info, k in zip(infos, keep_b)]) if infos else np.zeros(0, bool)
        pos_new = np.concatenate([(np.int64(i + 1) << SHIFT) | np.flatnonzero(k) for i, k in enumerate(keep_b)]) \
            if infos else np.zeros(0, np.int64)
        new_roots = np.array([root.get(int(p), "") for p in pos_new], dtype=object)
        tx.index = index.extend(dedupe.DedupeIndex(
            ids[is_new].astype(object) if len(ids) else np.zeros(0, object), keys,
            np.concatenate(sig_new) if sig_new else np.zeros((0, dedupe.NUM_BINS), np.uint32), valid, new_roots))
        shutil.rmtree(f"{stage}/_blocks", ignore_errors=True)
        n_new = int(is_new.sum())
        store_rows = int(tx.manifest["rows"]) + n_new
        undated = np.zeros(len(ids), bool)
        for i, info in enumerate(infos):
            undated[starts[i] + info["undated_pos"]] = True
        timings["write"] = time.perf_counter() - t
        skipped = read_skips + asm_skips
        report: dict[str, Any] = {
            "store": str(config.store_dir(store)), "inputs": paths, "engine": "dask",
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
            "seconds": round(time.time() - started, 3), "files_read": files_read, "bytes_read": bytes_read,
            "articles_loaded": int((~dup_id).sum()), "articles_new": n_new,
            "already_in_store": int((~dup_id & ~is_new).sum()),
            "duplicates": {"exact": kinds.get("exact", 0), "near": kinds.get("near", 0)},
            "without_date": int((undated & ~dup_id).sum()), "new_without_date": int((undated & is_new).sum()),
            "store_rows": store_rows, "skipped_count": len(skipped),
            "skipped_by_reason": dict(Counter(reason_category(s["reason"]) for s in skipped).most_common()),
            "skipped": skipped,
            "warnings_by_reason": dict(Counter(reason_category(w["reason"]) for w in warnings).most_common()),
            "warnings": warnings, "blocks": len(blocks),
            "timings": {k: round(v, 4) for k, v in timings.items()},
        }
        if body is not None:
            tx.sidecars[site_templates.FILE_NAME] = body
            report["templates"] = sites.summary()
        tx.report = report           # published with the commit, under the lock
    log.info("dask ingest: %d loaded, %d new, %d skipped", report["articles_loaded"], n_new, len(skipped))
    return report
