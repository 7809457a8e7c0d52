"""Ingest: read article files, flag duplicates against the store, append only new articles.

    >>> report = ingest(["data/sample"], store="/tmp/example-store")   # doctest: +SKIP
    >>> report["articles_new"], report["duplicates"]                    # doctest: +SKIP
    (48, {'exact': 0, 'near': 2})

Re-running on the same inputs changes nothing (same ``article_id`` -> not new). The report is
also written to ``STORE/ingest_report.json``; it lists every skipped item with origin and reason.
"""
from __future__ import annotations

import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pandas as pd

from analysis import config
from analysis.corpus.dedupe import flag_duplicates
from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.store import transaction, write_report

log = logging.getLogger(__name__)


def reason_category(reason: str) -> str:
    """Short category of a skip reason, for counting.

    >>> reason_category("duplicate id 'a1' in input (first at x.jsonl:1); later copy skipped")
    'duplicate id in input'
    """
    head = reason.split(":")[0].split(" (")[0].split(";")[0]
    return re.sub(r"\s*'[^']*'", "", head).strip()


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    store: str | os.PathLike[str] | None = None,
    mapping: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    r"""Load ``paths`` into the store; return the ingest report (also written as JSON in the store).

    ``mapping``/``defaults`` are passed to :func:`analysis.corpus.loaders.articles.read_articles`. Articles whose
    ``article_id`` is already stored are not written again; new ones get ``dup_of`` set when they
    duplicate an earlier article (in the store or earlier in this run).

    >>> import pathlib, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.txt").write_text("Headline\nWorld\n\nBody text.\n")
    >>> ingest([tmp / "a.txt"], store=tmp / "store", progress=False)["articles_new"]
    1
    >>> ingest([tmp / "a.txt"], store=tmp / "store", progress=False)["articles_new"]
    0
    """
    paths = [str(p) for p in paths]
    started = time.time()
    df, skipped = read_articles(paths, mapping=mapping, defaults=defaults, progress=progress)
    timings = dict(df.attrs.get("timings", {}))
    cpu = dict(df.attrs.get("cpu_timings", {}))
    warnings = list(df.attrs.get("warnings", []))
    t, c = time.perf_counter(), time.process_time()
    with transaction(store) as tx:
        existing = tx.existing_ids()
        is_new = ~df["article_id"].isin(existing) if existing else pd.Series(True, index=df.index)
        new = df[is_new].reset_index(drop=True)
        dup_of, kind, tx.index = flag_duplicates(
            new["article_id"].tolist(), new["title"].fillna("").tolist(), new["text"].fillna("").tolist(), tx.index)
        new["dup_of"] = pd.array(dup_of.tolist(), dtype="string")
        timings["dedupe"], cpu["dedupe"] = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        tx.append(new)
        store_rows = int(tx.manifest["rows"]) + len(new)
    timings["write"], cpu["write"] = time.perf_counter() - t, time.process_time() - c
    kinds = Counter(k for k in kind.tolist() if k)
    report: dict[str, Any] = {
        "store": str(config.store_dir(store)),
        "inputs": paths,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 3),
        "files_read": int(df.attrs.get("files_read", 0)),
        "bytes_read": int(df.attrs.get("bytes_read", 0)),
        "articles_loaded": len(df),
        "articles_new": len(new),
        "already_in_store": int((~is_new).sum()),
        "duplicates": {"exact": kinds.get("exact", 0), "near": kinds.get("near", 0)},
        "without_date": int(df["date"].isna().sum()),
        "new_without_date": int(new["date"].isna().sum()),
        "store_rows": store_rows,
        "skipped_count": len(skipped),
        "skipped_by_reason": dict(Counter(reason_category(s["reason"]) for s in skipped).most_common()),
        "skipped": skipped,
        "warnings_by_reason": dict(Counter(reason_category(w["reason"]) for w in warnings).most_common()),
        "warnings": warnings,
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "cpu_timings": {k: round(v, 4) for k, v in cpu.items()},
    }
    write_report(store, report)
    log.info("ingest: %d loaded, %d new, %d skipped", len(df), len(new), len(skipped))
    return report
