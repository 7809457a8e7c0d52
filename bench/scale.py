"""Scale benchmark of the Dask engine: ingest, scoring and aggregation at 100k, 300k and 1M articles.

For each corpus size (built by ``bench/make_corpus.py --jsonl``) and 1 and 2 workers (LocalCluster on
127.0.0.1, one thread per worker): wall time of each phase and the peak resident memory of every
worker process (sampled every 0.25 s with psutil); plus the pandas single-process time on the
smallest size. Prints cost per article (flat = linear), the 1 -> 2 worker speed-up and the pandas
ratio; writes ``bench/results/scale.csv``, ``scale.json`` and ``scale.png`` (time vs size).

    python bench/scale.py                      # 100k, 300k, 1M; 1 and 2 workers; pandas on 100k
    python bench/scale.py --sizes 100000 --workers 2 --no-pandas
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

from analysis import config
from analysis.aggregate import count_files
from analysis.cluster import engine as dx
from analysis.cluster import ingest as di
from analysis.cluster import session

CORPORA = Path(tempfile.gettempdir()) / "policy-news-bench"
RESULTS = config.BENCH_RESULTS_DIR
TABLES = dx.THEME_TABLES + ("top_terms_source",)


class PeakRSS:
    """Sample the RSS of some processes in a thread; ``peaks`` holds the max per pid (bytes)."""

    def __init__(self, pids: list[int], interval: float = 0.25) -> None:
        """Start sampling ``pids``."""
        self.procs = {p: psutil.Process(p) for p in pids}
        self.peaks = {p: 0 for p in pids}
        self.interval = interval
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        """Sampling loop."""
        while not self._stop.is_set():
            for pid, proc in self.procs.items():
                try:
                    self.peaks[pid] = max(self.peaks[pid], proc.memory_info().rss)
                except psutil.Error:
                    pass
            self._stop.wait(self.interval)

    def cpu(self) -> float:
        """User + system CPU seconds used so far by the sampled processes."""
        total = 0.0
        for proc in self.procs.values():
            try:
                t = proc.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def stop(self) -> float:
        """Stop; return the largest per-process peak in MB."""
        self._stop.set()
        self._t.join()
        return max(self.peaks.values(), default=0) / 2**20


def _phase(client, name: str, fn, rows: list[dict], base: dict) -> object:
    """Run one phase, recording wall time and the peak worker RSS."""
    pids = list(client.run(os.getpid).values())
    mon = PeakRSS(pids + [os.getpid()])
    cpu0 = mon.cpu()
    t = time.perf_counter()
    out = fn()
    sec = time.perf_counter() - t
    cpu = mon.cpu() - cpu0
    peak = mon.stop()
    rows.append({**base, "phase": name, "seconds": round(sec, 2), "peak_worker_mb": round(peak, 1),
                 "us_per_article": round(1e6 * sec / base["articles"], 1), "cpu_seconds": round(cpu, 1),
                 "load_avg": round(os.getloadavg()[0], 1)})
    print(f"  {base['articles']:>8} articles  {base['workers']} worker(s)  {name:10s} {sec:8.1f} s  "
          f"peak/worker {peak:7.0f} MB", flush=True)
    return out


def run_dask(n: int, workers: int, work: Path, rows: list[dict], block_lines: int = 10_000) -> None:
    """Ingest + score + aggregate one corpus size on a fresh LocalCluster."""
    src = CORPORA / str(n) / "jsonl"
    store = work / f"dask-{n}-{workers}"
    shutil.rmtree(store, ignore_errors=True)
    base = {"engine": "dask", "articles": n, "workers": workers}
    c = session.client("local", n_workers=workers, memory_limit="6GiB", quiet=True)
    try:
        _phase(c, "ingest", lambda: di.ingest([src], store=store, client=c, block_lines=block_lines,
                                                     progress=False), rows, base)
        arts = dx.read_store(store)
        _phase(c, "scoring", lambda: dx.write_scores(arts, store, show_progress=False), rows, base)
        _phase(c, "aggregate", lambda: count_files.write_aggregates(
            dx.aggregates(arts, tables=TABLES, show_progress=False), store), rows, base)
    finally:
        cluster = c.cluster
        c.close()
        cluster.close()
        shutil.rmtree(store, ignore_errors=True)


def run_pandas(n: int, work: Path, rows: list[dict]) -> None:
    """The pandas path (single process) on one corpus size."""
    from analysis.aggregate import counts as aggregate
    from analysis.corpus.ingest import ingest
    from analysis.corpus.store import load_corpus
    from analysis.text.words import term_counts_table
    from analysis.themes import scoring as themes

    src = CORPORA / str(n) / "jsonl"
    store = work / f"pandas-{n}"
    shutil.rmtree(store, ignore_errors=True)
    me = psutil.Process()
    for name, fn in (
        ("ingest", lambda: ingest([src], store=store, progress=False)),
        ("scoring", lambda: themes.analyze(load_corpus(store))),
        ("aggregate", lambda: _pandas_aggregate(load_corpus(store), aggregate, themes, term_counts_table)),
    ):
        mon = PeakRSS([me.pid])
        cpu0 = mon.cpu()
        t = time.perf_counter()
        fn()
        sec = time.perf_counter() - t
        cpu = mon.cpu() - cpu0
        peak = mon.stop()
        rows.append({"engine": "pandas", "articles": n, "workers": 1, "phase": name, "seconds": round(sec, 2),
                     "peak_worker_mb": round(peak, 1), "us_per_article": round(1e6 * sec / n, 1),
                     "cpu_seconds": round(cpu, 1), "load_avg": round(os.getloadavg()[0], 1)})
        print(f"  {n:>8} articles  pandas     {name:10s} {sec:8.1f} s  peak {peak:7.0f} MB", flush=True)
    shutil.rmtree(store, ignore_errors=True)


def _pandas_aggregate(df, aggregate, themes, term_counts_table) -> None:
    """The same tables as the Dask run, computed in one process (scoring included, as in Dask)."""
    scores, hits = themes.analyze(df)
    aggregate.theme_share(aggregate.count_theme_periods(df, scores, freq="W", by=("source",)))
    aggregate.count_articles(df, freq="W", by=("source",))
    aggregate.count_themes(df, scores, by=("source",))
    aggregate.cooccurrence_matrix(aggregate.count_cooccurrence(scores))
    aggregate.top_matched_terms(aggregate.count_matched_terms(hits, present=scores))
    aggregate.count_subthemes(hits, present=scores)
    term_counts_table(df, by="source")


def summarize(df: pd.DataFrame) -> str:
    """Cost per article, speed-up and pandas ratio as text."""
    d = df[df.engine == "dask"]
    tot = d.groupby(["articles", "workers"])["seconds"].sum().unstack("workers")
    lines = ["total seconds (ingest + scoring + aggregate) by size x workers:", tot.to_string()]
    per = (1e6 * tot.div(tot.index.to_series(), axis=0)).round(1)
    lines += ["microseconds per article (flat = linear cost):", per.to_string()]
    if 1 in tot.columns and 2 in tot.columns:
        lines += ["speed-up 1 -> 2 workers:", (tot[1] / tot[2]).round(2).to_string()]
    ph = d.pivot_table(index=["articles", "workers"], columns="phase", values="seconds")
    lines += ["seconds per phase:", ph.to_string()]
    lines += ["peak RSS per worker (MB):",
              d.pivot_table(index=["articles", "workers"], columns="phase", values="peak_worker_mb").to_string()]
    p = df[df.engine == "pandas"]
    if len(p):
        n = int(p.articles.iloc[0])
        pt = p.seconds.sum()
        lines.append(f"pandas single process on {n}: {pt:.1f} s")
        for w in tot.columns:
            if n in tot.index and pd.notna(tot.loc[n, w]):
                lines.append(f"  pandas / dask({w} worker{'s' if w > 1 else ''}) = {pt / tot.loc[n, w]:.2f}x")
    return "\n".join(lines)


def chart(df: pd.DataFrame, stem: Path) -> None:
    """Time vs corpus size (one line per engine/workers), PNG + CSV of the plotted numbers."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tot = df.groupby(["engine", "workers", "articles"])["seconds"].sum().reset_index()
    tot.to_csv(stem.with_suffix(".csv"), index=False)
    fig, ax = plt.subplots(figsize=(6, 4))
    for (eng, w), g in tot.groupby(["engine", "workers"]):
        ax.plot(g.articles, g.seconds, marker="o", label=f"{eng}, {w} worker{'s' if w > 1 else ''}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("articles")
    ax.set_ylabel("seconds (ingest + scoring + aggregation)")
    ax.set_title("Time vs corpus size")
    loads = df["load_avg"].dropna() if "load_avg" in df.columns else pd.Series(dtype=float)
    note = (f"shared 2-core machine, load average {loads.min():.0f}-{loads.max():.0f}"
            if len(loads) else "shared 2-core machine: wall times include other jobs' load")
    fig.text(0.01, 0.01, note, fontsize=7, color="grey")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(stem.with_suffix(".png"), dpi=120)


def main() -> None:
    """Run the benchmark matrix, appending results as they come."""
    global CORPORA
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--no-pandas", action="store_true")
    ap.add_argument("--plan", nargs="+", metavar="N:W", help="explicit runs in order, e.g. 100000:2 100000:1")
    ap.add_argument("--work", type=Path, default=None, help="scratch stores (default CORPORA/work)")
    ap.add_argument("--out", default="scale")
    ap.add_argument("--block-lines", type=int, default=10_000, help="JSONL lines per ingest task")
    ap.add_argument("--corpora", type=Path, default=CORPORA, help="make_corpus.py output folder")
    args = ap.parse_args()
    CORPORA = args.corpora
    args.work = args.work or CORPORA / "work"
    RESULTS.mkdir(parents=True, exist_ok=True)
    csv = RESULTS / f"{args.out}.csv"
    rows: list[dict] = []
    args.work.mkdir(parents=True, exist_ok=True)
    plan = [(n, w) for n in args.sizes for w in sorted(args.workers, reverse=True)]
    if args.plan:
        plan = [(int(x.split(":")[0]), int(x.split(":")[1])) for x in args.plan]
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GB; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    for i, (n, w) in enumerate(plan):
        while not (CORPORA / str(n) / "store" / "articles").exists():   # make_corpus still writing
            time.sleep(10)
        run_dask(n, w, args.work, rows, args.block_lines)
        if i == 0 and not args.no_pandas:
            run_pandas(n, args.work, rows)
        pd.DataFrame(rows).to_csv(csv, index=False)
    df = pd.DataFrame(rows)
    chart(df, RESULTS / f"{args.out}_time_vs_size")
    text = summarize(df)
    print(text)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(
        {"rows": rows, "summary": text, "load_average_end": os.getloadavg()}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
