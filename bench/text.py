"""Benchmark: text utilities' throughput (MB/s of document text) against an NLTK reference.

Not a test. Run::

    .venv/bin/python bench/text.py            # 5,000 articles, 1 and 2 worker processes
    .venv/bin/python bench/text.py --n 1000 --repeat 1   # quicker
    .venv/bin/python bench/text.py --baseline bebf616   # baseline_* extractors of another commit

Corpus: the AllSides dev sample (2,724 articles, ``config.ALLSIDES_JSONL``) resampled with
replacement (fixed seed) to ``--n`` articles, each given a unique article_id. The measured text
is the analysed document ``title + "\\n\\n" + text`` in UTF-8 bytes.

Extractors are ``name -> callable(articles) -> DataFrame`` in ``EXTRACTORS`` below; other areas
add theirs in ``bench/_text_extractors.py`` (a dict ``EXTRACTORS`` there, merged at import). That
file also loads the evidence extractors as committed at git ``HEAD`` (``baseline_evidence``,
``baseline_quotes``, ``baseline_amounts``), so the speed of today's extractor is measured in the
same run; ``evidence`` / ``baseline_evidence`` is printed as a ratio (CPU seconds and wall).
Each is timed with 1 and 2 worker processes (articles split into fixed chunks, results
concatenated in chunk order) and the outputs must be identical. The 1-worker figure is the best of
``--repeat`` runs (default 3) in this process: a first run pays one-off loading (lexicons, automata)
and the page faults that the previous worker pool's fork leaves behind (copy-on-write). The reference, measured in the
same run, is ``nltk.Text(words).concordance_list(...)`` over the same text: tokenizing, building
the Text and its concordance index, and one query; plus, for tone, ``vaderSentiment`` itself on the
first 500 articles. Wall and CPU seconds are both reported (CPU: this process + reaped workers).
Results: ``bench/results/text.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.evidence.tone import sentence_tone
from analysis.text.sentences import documents, sentence_table
from analysis.text.words import words

EXTRACTORS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "sentences": sentence_table,
    "tone": sentence_tone,
}
try:  # extractors owned by the quotes/amounts/places area
    from _text_extractors import EXTRACTORS as MORE_EXTRACTORS  # type: ignore[import-not-found]
    from _text_extractors import use_baseline  # type: ignore[import-not-found]
    EXTRACTORS.update(MORE_EXTRACTORS)
except ImportError:
    MORE_EXTRACTORS = {}

    def use_baseline(rev: str) -> bool:
        """No baseline extractors without bench/_text_extractors.py."""
        return False

CHUNK = 250  # articles per task: fixed, so outputs do not depend on the number of workers


def load_sample(n: int, seed: int = 0) -> pd.DataFrame:
    """Resample the AllSides dev corpus with replacement to ``n`` articles with unique ids."""
    rows = [json.loads(line) for line in config.ALLSIDES_JSONL.read_text(encoding="utf-8").splitlines()]
    base = pd.DataFrame(rows).rename(columns={"id": "article_id"})
    df = base.sample(n=n, replace=True, random_state=seed).reset_index(drop=True)
    df["article_id"] = [f"{a}-{i}" for i, a in enumerate(df["article_id"])]
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    return df[["article_id", "source", "date", "title", "text"]]


def _run_chunk(args: tuple[str, pd.DataFrame]) -> pd.DataFrame:
    """Run one extractor on one chunk (in a worker process)."""
    name, chunk = args
    return EXTRACTORS[name](chunk)


def _cpu() -> float:
    """CPU seconds used so far by this process and its reaped children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(name: str, articles: pd.DataFrame, workers: int) -> tuple[pd.DataFrame, float, float]:
    """Return (concatenated output, wall seconds, CPU seconds) of extractor ``name``."""
    chunks = [(name, articles.iloc[i:i + CHUNK]) for i in range(0, len(articles), CHUNK)]
    c0 = _cpu()
    t0 = time.perf_counter()
    if workers == 1:
        parts = [_run_chunk(c) for c in chunks]
    else:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(_run_chunk, chunks))
    out = pd.concat(parts, ignore_index=True)
    return out, time.perf_counter() - t0, _cpu() - c0


def reference(articles: pd.DataFrame) -> tuple[float, float]:
    """(wall, CPU) seconds of the NLTK reference: tokenize, ``nltk.Text``, concordance index + query."""
    import nltk

    c0 = _cpu()
    t0 = time.perf_counter()
    toks: list[str] = []
    for doc in documents(articles).tolist():
        toks.extend(words(doc))
    text = nltk.Text(toks)
    lines = text.concordance_list("tariffs", width=80, lines=25)
    assert lines, "reference query found nothing"
    return time.perf_counter() - t0, _cpu() - c0


def vader_reference(articles: pd.DataFrame) -> tuple[float, float, float]:
    """(MB, wall s, CPU s) of ``vaderSentiment`` itself on every sentence of ``articles``."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.text.sentences import sentence_spans

    analyzer = SentimentIntensityAnalyzer()
    docs = documents(articles).tolist()
    c0, t0 = _cpu(), time.perf_counter()
    for doc in docs:
        for s, e in sentence_spans(doc):
            analyzer.polarity_scores(doc[s:e])
    return sum(len(d.encode("utf-8")) for d in docs) / 1e6, time.perf_counter() - t0, _cpu() - c0


def main(argv: list[str] | None = None) -> int:
    """Time every extractor with 1 and 2 workers, check identical outputs, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="articles after resampling (default 5000)")
    ap.add_argument("--only", nargs="*", help="extractor names to run (default: all)")
    ap.add_argument("--out", type=Path, default=config.BENCH_RESULTS_DIR / "text.json")
    ap.add_argument("--repeat", type=int, default=3,
                    help="1-worker runs per extractor; the best is reported (default 3)")
    ap.add_argument("--baseline", default="HEAD",
                    help="git revision whose evidence extractors are timed as baseline_* (default HEAD)")
    args = ap.parse_args(argv)
    if not use_baseline(args.baseline) and args.baseline != "HEAD":  # no git: HEAD's baseline is left out
        ap.error(f"cannot load the evidence extractors of {args.baseline!r} (git show failed)")
    EXTRACTORS.update(MORE_EXTRACTORS)  # the baseline_* of that revision
    articles = load_sample(args.n)
    mb = sum(len(d.encode("utf-8")) for d in documents(articles).tolist()) / 1e6
    ref_s, ref_cpu = reference(articles)
    ref_mbs = mb / ref_s
    print(f"{len(articles)} articles, {mb:.1f} MB; load average {os.getloadavg()[0]:.1f}; "
          f"reference nltk.Text concordance: {ref_mbs:.2f} MB/s wall, {mb / ref_cpu:.2f} MB/s CPU")
    results: dict[str, dict[str, float | bool | int]] = {}
    for name in args.only or list(EXTRACTORS):
        out1, t1, c1 = run(name, articles, 1)
        for _ in range(args.repeat - 1):  # best of --repeat: the first run pays one-off loading and the
            _out, t, c = run(name, articles, 1)  # page faults left by the previous worker pool's fork
            t1, c1 = min(t1, t), min(c1, c)
        out2, t2, c2 = run(name, articles, 2)
        same = out1.equals(out2)
        results[name] = {"rows": len(out1), "seconds_1_worker": round(t1, 3),
                         "seconds_2_workers": round(t2, 3), "cpu_seconds_1_worker": round(c1, 3),
                         "cpu_seconds_2_workers": round(c2, 3),
                         "mb_per_s_per_core": round(mb / t1, 3),
                         "mb_per_cpu_s": round(mb / c1, 3),
                         "mb_per_s_2_workers": round(mb / t2, 3),
                         "ratio_vs_reference": round((mb / t1) / ref_mbs, 3),
                         "ratio_vs_reference_cpu": round((mb / c1) / (mb / ref_cpu), 3),
                         "identical_1_vs_2_workers": bool(same)}
        print(f"{name:>12}: {mb / t1:6.2f} MB/s per core wall ({mb / c1:6.2f} per CPU-second), "
              f"{mb / t2:6.2f} MB/s with 2 workers, {(mb / t1) / ref_mbs:5.2f}x reference, "
              f"{len(out1)} rows, identical={same}")
    baseline = {}
    for new, old in (("evidence", "baseline_evidence"), ("quotes", "baseline_quotes"), ("amounts", "baseline_amounts")):
        if new in results and old in results:
            baseline[new] = {"vs": old, "ratio_wall": round(results[old]["seconds_1_worker"] / results[new]["seconds_1_worker"], 3),
                             "ratio_cpu": round(results[old]["cpu_seconds_1_worker"] / results[new]["cpu_seconds_1_worker"], 3)}
            print(f"{new:>12}: {baseline[new]['ratio_cpu']:.2f}x the speed of the extractor committed at {args.baseline} "
                  f"({old}, same run, CPU seconds; {baseline[new]['ratio_wall']:.2f}x wall)")
    vmb, vwall, vcpu = vader_reference(articles.head(500))
    print(f"vaderSentiment itself (first 500 articles): {vmb / vwall:.2f} MB/s wall, {vmb / vcpu:.2f} MB/s CPU")
    report = {"n_articles": len(articles), "megabytes": round(mb, 3), "cpu_count": os.cpu_count(),
              "repeat_1_worker": args.repeat,
              "load_average_1min_at_end": round(os.getloadavg()[0], 2),
              "python": platform.python_version(), "chunk_articles": CHUNK,
              "reference": {"name": "nltk.Text(words).concordance_list", "seconds": round(ref_s, 3),
                            "cpu_seconds": round(ref_cpu, 3), "mb_per_s": round(ref_mbs, 3)},
              "vadersentiment_reference": {"articles": 500, "megabytes": round(vmb, 3),
                                           "mb_per_s": round(vmb / vwall, 3),
                                           "mb_per_cpu_s": round(vmb / vcpu, 3)},
              "extractors": results,
              "vs_committed_baseline": baseline, "baseline_rev": args.baseline,
              "targets": {"tone_mb_per_s_per_core": 2.0,
                          "sentences_quotes_amounts_places_mb_per_s_per_core": 5.0}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if all(r["identical_1_vs_2_workers"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
