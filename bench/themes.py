"""Benchmark theme scoring: MB/s and articles/s of score_themes against two baselines.

Corpus: >= 20,000 articles and >= 100 MB, resampled (with replacement, fixed seed) from the shared
AllSides and NYT dev sets, each copy with its own id. Measured in the same run:

- ``score_themes`` with 1 and 2 worker processes (results must be identical), and ``analyze``
  (= score_themes + the theme_hits evidence table in one pass) with 1 process;
- rates on the wall clock and on the process's CPU clock (the comparable figure on a shared,
  loaded machine);
- the compiled kernel alone (``Matcher.scan_docs`` on the Arrow text columns, no DataFrames built):
  the rest of ``score_themes`` is building the result table;
- baseline (a): a naive loop calling ``str.count`` for every lexicon term variant on each
  lowercased article -- timed on a subsample and extrapolated per MB (it is very slow);
- baseline (b): lowercasing plus a regex word tokenization (``\\w+``) of every text.

Peak memory is the process's maximum RSS (children reported separately). Results go to
bench/results/themes.json.  Run: ``.venv/bin/python bench/themes.py [--articles N] [--mb MB]``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import time

import pandas as pd
import pyarrow as pa

from analysis import config
from analysis.text.sentences import document_text
from analysis.themes.lexicon import load_lexicons, variants
from analysis.themes.matcher import compile_matcher
from analysis.themes.scoring import BATCH_ARTICLES, analyze, score_themes


def build_corpus(n_min: int, mb_min: float, seed: int = 20240601) -> pd.DataFrame:
    """Resample the shared dev sets until both the article and the size minimum are reached."""
    pools: list[list[dict]] = []
    for path in (config.ALLSIDES_JSONL, config.NYT_JSONL):
        with open(path, encoding="utf-8") as fh:
            pools.append([json.loads(line) for line in fh if line.strip()])
    rng = random.Random(seed)
    rows, size = [], 0
    while len(rows) < n_min or size < mb_min * 1e6:
        pool = pools[0] if rng.random() < 0.85 else pools[1]
        r = rng.choice(pool)
        title, text = r.get("title") or "", r.get("text") or ""
        rows.append((f"b{len(rows):06d}", title, text))
        size += len(document_text(title, text))
    return pd.DataFrame(rows, columns=["article_id", "title", "text"])


CPU: dict[str, float] = {}


def timed(fn, *args, **kw):
    """Return (result, wall seconds); the CPU seconds of this process go to ``CPU[fn name]``.

    On a shared machine wall time depends on the load, so MB/s are reported on both clocks.
    """
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kw)
    CPU[getattr(fn, "__name__", "fn")] = time.process_time() - c
    return out, time.perf_counter() - t


def _rate(mb: float, n: int | None, wall: float, cpu: float | None = None) -> dict:
    """MB/s and articles/s on the wall clock and (when given) on this process's CPU clock."""
    out = {"seconds": round(wall, 2), "mb_per_s": round(mb / wall, 2)}
    if n:
        out["articles_per_s"] = round(n / wall, 1)
    if cpu:
        out.update(cpu_seconds=round(cpu, 2), mb_per_cpu_s=round(mb / cpu, 2))
        if n:
            out["articles_per_cpu_s"] = round(n / cpu, 1)
    return out


def naive_count(texts: list[str], terms: list[str]) -> int:
    """Baseline (a): str.count of every term on every lowercased text."""
    total = 0
    for t in texts:
        low = t.lower()
        for term in terms:
            total += low.count(term)
    return total


_WORD = re.compile(r"\w+")


def tokenize_all(texts: list[str]) -> int:
    """Baseline (b): lowercase and regex-tokenize every text."""
    return sum(len(_WORD.findall(t.lower())) for t in texts)


def main() -> None:
    """Run the benchmark and write bench/results/themes.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--naive-sample", type=int, default=150)
    args = ap.parse_args()

    arts = build_corpus(args.articles, args.mb)
    mb = sum(len(document_text(a, b)) for a, b in zip(arts.title, arts.text)) / 1e6
    n = len(arts)
    print(f"corpus: {n} articles, {mb:.1f} MB (characters / 1e6)")
    lex = load_lexicons()
    matcher = compile_matcher(lex)
    terms = sorted({v.replace("  ", " ") for lx in lex.values() for t in lx.terms for v in variants(t)})

    # one-time set-up of a process (automaton from the lexicons, compiled kernels from the disk cache),
    # timed apart on a few articles; the rates below are the steady state
    _, t_first = timed(score_themes, arts.iloc[:10], None, 1)
    s1, t1 = timed(score_themes, arts, None, 1)
    c1 = CPU["score_themes"]
    rss_after_1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    s2, t2 = timed(score_themes, arts, None, 2)
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    c2 = (child1.ru_utime + child1.ru_stime) - (child0.ru_utime + child0.ru_stime) + CPU["score_themes"]
    (sa, ha), ta = timed(analyze, arts, None, 1)
    identical = s1.equals(s2) and s1.equals(sa)
    n_hits, n_scores = len(ha), len(s1)
    del s1, s2, sa, ha
    docs = [document_text(a, b) for a, b in zip(arts.title, arts.text)]
    titles, texts = pa.array(arts["title"].array), pa.array(arts["text"].array)

    def kernel_only() -> None:
        """The compiled scan alone (same batches as score_themes)."""
        step = BATCH_ARTICLES
        for i in range(0, n, step):
            matcher.scan_docs(titles[i:i + step], texts[i:i + step], with_hits=False)

    _, t_kernel = timed(kernel_only)
    _, t_tok = timed(tokenize_all, docs)
    sample = docs[: args.naive_sample]
    sample_mb = sum(len(d) for d in sample) / 1e6
    _, t_naive_sample = timed(naive_count, sample, terms)
    naive_cpu = CPU["naive_count"]
    naive_mb_s = sample_mb / naive_cpu
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    res = {
        "articles": n, "mb": round(mb, 2), "lexicon_terms": sum(len(lx.terms) for lx in lex.values()),
        "automaton_keys": matcher.n_keys, "naive_terms": len(terms),
        "note": "wall-clock rates depend on the machine's load (see machine.load_average); *_cpu_* rates "
                "use this process's CPU time (children included for 2 processes) and are the comparable figures",
        "first_call_seconds_10_articles": round(t_first, 2),
        "score_themes_1proc": _rate(mb, n, t1, c1),
        "score_themes_2proc": {**_rate(mb, n, t2), "cpu_seconds_all_processes": round(c2, 2)},
        "identical_1_vs_2_processes": bool(identical),
        "analyze_with_hits_1proc": _rate(mb, n, ta, CPU["analyze"]),
        "kernel_only": _rate(mb, None, t_kernel, CPU["kernel_only"]),
        "baseline_a_naive_str_count": {"sample_articles": len(sample), "sample_mb": round(sample_mb, 3),
                                        "sample_cpu_seconds": round(naive_cpu, 2), "mb_per_cpu_s": round(naive_mb_s, 3),
                                        "extrapolated_cpu_seconds_full": round(mb / naive_mb_s, 1)},
        "baseline_b_lower_regex_tokenize": _rate(mb, None, t_tok, CPU["tokenize_all"]),
        "speedup_vs_naive_cpu": round((mb / c1) / naive_mb_s, 1),
        "ratio_vs_tokenize_cpu": round(CPU["tokenize_all"] / c1, 2),
        "hits": n_hits, "score_rows": n_scores,
        "peak_rss_mb": {"main_after_1proc": round(rss_after_1, 1), "main": round(peak_self, 1),
                        "largest_child": round(peak_children, 1)},
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
                    "cores": os.cpu_count(), "load_average_1min_at_end": round(os.getloadavg()[0], 2)},
    }
    out = config.BENCH_RESULTS_DIR / "themes.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2), encoding="utf-8")
    print(json.dumps(res, indent=2))
    print(f"score_themes: {mb / c1:.1f} MB per CPU-second, {n / c1:.0f} articles per CPU-second (1 process; "
          f"wall {mb / t1:.1f} MB/s at load {os.getloadavg()[0]:.1f}); {res['speedup_vs_naive_cpu']}x the naive "
          f"str.count loop (extrapolated from {len(sample)} articles); {res['ratio_vs_tokenize_cpu']}x the "
          f"lower+regex tokenization; identical with 2 processes: {identical}")

if __name__ == "__main__":
    main()
