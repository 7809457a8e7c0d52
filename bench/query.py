"""Benchmark the query engine: seconds per query over 100,000 articles, MB/s per core, against naive pandas.

Corpus: N articles (default 100,000) resampled with replacement (fixed seed) from the union of the
shared AllSides and NYT dev sets, each copy with its own id and a date; title and text are Arrow
strings, as ``load_corpus`` returns them. Timing starts after the table is in memory. Measured in
the same run, for each query of 3-6 terms:

- ``analysis.search.engine.match`` (1 thread, and 2 threads) and ``query_share(by=["month"])``;
  ``scanned`` is the number of articles the needle prefilter leaves to the matcher scan;
- baseline: a naive pandas evaluation -- ``Series.str.contains`` with one regex per term
  (``\\btariff\\w*``, ``\\bfree\\W+trades?\\b``, case-insensitive unless the term is in capitals) on the
  documents, combined with ``& | ~`` -- on the same articles;
- MB/s per core = document MB / wall seconds / threads used; the ratio is engine vs baseline; the
  same on the process's CPU clock (1 thread), the comparable figure on a shared, loaded machine.

- with ``--dask-articles 1000000``: share by month over 1M articles on a 2-worker LocalCluster,
  after checking that the cluster's share table and top list equal pandas' on the 100,000.

Results go to bench/results/query.json.
Run: ``.venv/bin/python bench/query.py [--articles N] [--dask-articles 1000000]``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import time

import numpy as np
import pandas as pd

from analysis import config
from analysis.aggregate.query_counts import query_share
from analysis.search.engine import match, text_column
from analysis.search.parser import And, Not, Or, Term, parse_query
from analysis.search.prefilter import candidate_rows
from analysis.text.sentences import document_text
from analysis.themes.lexicon import plural

QUERIES = [
    "tariff* AND (Mexico OR Canada)",
    "deport* NOT (court* OR judge*)",
    '(immigra* OR migrant*) AND (border OR wall) NOT "Supreme Court"',
    '"health care" OR Obamacare OR Medicaid OR insur*',
    "ICE OR (police AND shoot*) OR (gun NOT hunting)",
    '"climate change" AND (EPA OR emission* OR carbon) AND NOT hoax',
]


def build_corpus(n: int, seed: int = 16, arrow: bool = True) -> pd.DataFrame:
    """Resample the shared dev sets (uniformly over their union) to ``n`` articles.

    ``arrow=False`` keeps the texts as Python objects shared with the pool (a 1M-article frame in
    little memory, for the Dask run whose partitions are copied to the workers anyway).
    """
    pool: list[dict] = []
    for path in (config.ALLSIDES_JSONL, config.NYT_JSONL):
        with open(path, encoding="utf-8") as fh:
            pool.extend(json.loads(line) for line in fh if line.strip())
    rng = random.Random(seed)
    rows = [pool[rng.randrange(len(pool))] for _ in range(n)]
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta([rng.randrange(1461) for _ in range(n)], unit="D")
    return pd.DataFrame({
        "article_id": [f"q{i:07d}" for i in range(n)],
        "source": pd.array([r.get("source") or "NYT" for r in rows], dtype="string"),
        "date": days,
        "title": pd.array([r.get("title") or "" for r in rows], dtype="string[pyarrow]" if arrow else object),
        "text": pd.array([r.get("text") or "" for r in rows], dtype="string[pyarrow]" if arrow else object),
    })


def term_regex(t: Term) -> str:
    """The naive regex of a term: words joined by non-word runs, optional plural, glob as \\w*."""
    words = re.findall(r"[^\W_]+", t.text.rstrip("*"))
    body = r"\W+".join(re.escape(w) for w in words)
    if t.glob:
        return rf"\b{body}\w*"
    last = words[-1]
    if not t.case:
        body = body[: -len(re.escape(last))] + f"(?:{re.escape(last)}|{re.escape(plural(last.lower()))})"
    return rf"\b{body}\b"


def naive(node, docs: pd.Series) -> pd.Series:
    """Evaluate a term/AND/OR/NOT query with ``str.contains`` per term."""
    if isinstance(node, Term):
        return docs.str.contains(term_regex(node), case=node.case, regex=True)
    if isinstance(node, And):
        out = naive(node.items[0], docs)
        for x in node.items[1:]:
            out = out & naive(x, docs)
        return out
    if isinstance(node, Or):
        out = naive(node.items[0], docs)
        for x in node.items[1:]:
            out = out | naive(x, docs)
        return out
    if isinstance(node, Not):
        return ~naive(node.item, docs)
    raise TypeError(node)


CPU: dict[int, float] = {}


def best_of(fn, repeat: int = 2) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs and the last result (the best CPU time goes to ``CPU[id(fn)]``)."""
    best, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)
    CPU[id(fn)] = cpu
    return best, out


def dask_share(n: int, subset: pd.DataFrame, q: str) -> dict:
    """Share by month of ``q`` over ``n`` articles on a 2-worker LocalCluster; the cluster's numbers on
    ``subset`` must equal pandas'."""
    import dask.dataframe as dd

    from analysis.aggregate.query_counts import share_of_matches
    from analysis.cluster.query import query_store
    from analysis.cluster.session import client
    from analysis.search.engine import query

    c = client("local", n_workers=2, processes=True, quiet=True)
    try:
        sub = dd.from_pandas(subset, npartitions=8)
        got = query_store(sub, q, by=("month",), show=10, show_progress=False)
        local = query(subset, q)
        want = share_of_matches(subset, local.articles["article_id"], by=["month"])
        pd.testing.assert_frame_equal(got.share.reset_index(drop=True), want.reset_index(drop=True))
        assert got.top.articles["article_id"].tolist() == local.articles["article_id"].head(10).tolist()
        big = build_corpus(n, seed=17, arrow=False)
        mb = float((big["title"].str.len() + big["text"].str.len() + 2).sum()) / 1e6
        frame = dd.from_pandas(big, npartitions=max(2, n // 25_000))
        t = time.perf_counter()
        res = query_store(frame, q, by=("month",), show=10, show_progress=False)
        wall = time.perf_counter() - t
    finally:
        cluster = c.cluster
        c.close()
        cluster.close()
    print(f"dask (2-worker LocalCluster): {n:,} articles ({mb:.0f} MB), share by month of {q!r} in {wall:.1f} s "
          f"({mb / wall / 2:.1f} MB/s per worker), {res.n_matching:,} matching in {len(res.share)} months; "
          f"on {len(subset):,} articles the cluster's share table and top list equal pandas'")
    return {"articles": n, "mb": round(mb, 1), "query": q, "seconds": round(wall, 2), "matching": res.n_matching,
            "months": len(res.share), "mb_per_s_per_worker": round(mb / wall / 2, 1),
            "equal_to_pandas_on_subset_articles": len(subset)}


def main() -> None:
    """Run the benchmark and write bench/results/query.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--naive-articles", type=int, default=20_000,
                    help="articles for the naive baseline (timed per MB; it is slow)")
    ap.add_argument("--dask-articles", type=int, default=0,
                    help="also time share-by-month over this many articles on a 2-worker LocalCluster (e.g. 1000000)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    arts = build_corpus(args.articles)
    mb = float((arts["title"].str.len() + arts["text"].str.len() + 2).sum()) / 1e6
    print(f"corpus: {len(arts):,} articles, {mb:.1f} MB of documents (built in {time.perf_counter() - t0:.1f} s)")
    for q in QUERIES:  # load the compiled kernel and the matchers once (rows with a hit of every query)
        match(arts.iloc[:5000], q)
    sub = arts.iloc[: args.naive_articles]
    docs = pd.Series([document_text(a, b) for a, b in zip(sub["title"].tolist(), sub["text"].tolist())],
                     dtype=object)
    sub_mb = float(docs.str.len().sum()) / 1e6
    results = []
    for q in QUERIES:
        node = parse_query(q)
        one = lambda q=q: match(arts, q)  # noqa: E731
        t1, m1 = best_of(one)
        t2, m2 = best_of(lambda q=q: match(arts, q, workers=2))
        ts, share = best_of(lambda q=q: query_share(arts, q, by=["month"], workers=2), repeat=1)
        assert np.array_equal(m1.matched, m2.matched)
        base = lambda node=node: naive(node, docs)  # noqa: E731
        tn, nv = best_of(base, repeat=1)
        c1, cn = CPU[id(one)], CPU[id(base)]
        agree = float((nv.to_numpy() == m1.matched[: len(sub)]).mean())
        cand = candidate_rows(node, text_column(arts, "title"), text_column(arts, "text"))
        row = {"query": q, "terms": len(re.findall(r"[^\s()]+", q)) - len(re.findall(r"\b(AND|OR|NOT)\b", q)),
               "matching": int(m1.matched.sum()), "scanned": len(arts) if cand is None else len(cand),
               "seconds_1_thread": round(t1, 3), "seconds_2_threads": round(t2, 3),
               "seconds_share_by_month_2_threads": round(ts, 3), "periods": int(len(share)),
               "mb_per_s_per_core_engine": round(mb / t2 / 2, 1), "mb_per_s_per_core_engine_1_thread": round(mb / t1, 1),
               "mb_per_s_per_core_naive": round(sub_mb / tn, 2),
               "ratio_engine_vs_naive_per_core": round((mb / t2 / 2) / (sub_mb / tn), 1),
               "cpu_mb_per_s_engine_1_thread": round(mb / c1, 1), "cpu_mb_per_s_naive": round(sub_mb / cn, 2),
               "ratio_engine_vs_naive_cpu": round((mb / c1) / (sub_mb / cn), 1),
               "naive_agreement_on_subset": round(agree, 4)}
        results.append(row)
        print(f"{q}\n  {row['matching']:,} matching; engine {t1:.2f} s (1 thread), {t2:.2f} s (2 threads), "
              f"share by month {ts:.2f} s; {row['mb_per_s_per_core_engine']} MB/s/core vs naive "
              f"{row['mb_per_s_per_core_naive']} MB/s/core ({row['ratio_engine_vs_naive_per_core']}x); "
              f"naive agrees on {100 * agree:.2f}% of the subset; on the CPU clock {row['cpu_mb_per_s_engine_1_thread']} "
              f"vs {row['cpu_mb_per_s_naive']} MB/s ({row['ratio_engine_vs_naive_cpu']}x)")
    out = {"articles": len(arts), "mb": round(mb, 1), "naive_articles": len(sub), "naive_mb": round(sub_mb, 1),
           "cpu_count": os.cpu_count(), "load_average": os.getloadavg()[0], "python": platform.python_version(),
           "queries": results}
    if args.dask_articles:
        out["dask"] = dask_share(args.dask_articles, arts, QUERIES[0])
    path = config.ROOT / "bench" / "results" / "query.json"
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
