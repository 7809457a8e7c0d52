"""Benchmark the report runner: `make report` on the sample and the default report on 100k articles.

Measured in one run, each against the floor of one trivial notebook through papermill (kernel
start + one cell + immediate shutdown):

1. ``floor``: a one-cell notebook executed by papermill.
2. ``sample``: ``python -m analysis ingest data/sample`` + ``python -m analysis report`` (what
   ``make report`` runs after set-up) in a fresh temporary data/reports folder.
3. ``100k`` (cold, then warm): the default report over a 100,000-article store resampled from the
   shared corpora by ``bench/make_corpus.py`` (reused from its output folder when present, hard-
   linked into a scratch folder). Cold includes computing the theme-score cache; warm (``--force``)
   reuses it.

Wall time and peak memory (sum of RSS over the whole process tree: runner, workers, kernels,
sampled every 0.1 s) go to ``bench/results/report.json`` and ``.csv``. Targets (2 cores): sample
< 60 s; 100k < 180 s and < 4 GB::

    python bench/report.py            # all
    python bench/report.py --no-100k  # floor + sample only
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

from analysis import config

TARGETS = {"sample": 60.0, "100k_cold": 180.0, "100k_warm": 180.0}
MEM_TARGET_GB = 4.0


def tree_rss(proc: psutil.Process) -> int:
    """RSS of a process and all its descendants, in bytes."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def timed(cmd: list[str], env: dict[str, str], cwd: Path = config.ROOT) -> dict[str, float]:
    """Run a command; return wall seconds, peak tree RSS (GB) and exit code."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    ps, peak, stop = psutil.Process(proc.pid), [0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], tree_rss(ps))
            except psutil.NoSuchProcess:
                return
            time.sleep(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, _ = proc.communicate()
    stop.set()
    th.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(out[-3000:], file=sys.stderr)
    return {"seconds": round(wall, 2), "peak_gb": round(peak[0] / 1e9, 3), "rc": proc.returncode}


def notebook_rows(reports: Path, case: str) -> list[dict]:
    """Per-notebook execution seconds from the newest run's manifest (slowest cell noted)."""
    runs = sorted(p for p in reports.glob("2*") if (p / "manifest.json").exists())
    if not runs:
        return []
    manifest = json.loads((runs[-1] / "manifest.json").read_text())
    return [{"case": f"{case}: {e['key']}", "seconds": e.get("duration_s"), "peak_gb": None,
             "rc": 0 if e.get("status") == "ok" else 1,
             "slowest_cell": "; ".join(f"{c['first_line']} ({c['seconds']} s)"
                                       for c in e.get("slowest_cells", [])[:1])}
            for e in manifest.get("notebooks", [])]


def floor(work: Path, env: dict[str, str]) -> dict[str, float]:
    """One trivial notebook through papermill (the fixed cost of any report)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path = work / "trivial.ipynb"
    nbformat.write(nb, str(path))
    code = ("import papermill as pm, sys; pm.execute_notebook(sys.argv[1], sys.argv[2], "
            "kernel_name='python3', progress_bar=False, shutdown_kernel='immediate')")
    return timed([sys.executable, "-c", code, str(path), str(work / "trivial.out.ipynb")], env)


def bench_store(work: Path, n: int) -> Path:
    """A store of ``n`` resampled articles (bench/make_corpus.py's, hard-linked into ``work``)."""
    import make_corpus  # bench/ is on sys.path when this file runs as a script

    src = make_corpus.DEFAULT_OUT / str(n) / "store"
    if not (src / "articles").exists():
        make_corpus.build(n, make_corpus.DEFAULT_OUT, jsonl=False)
    dest = work / f"store{n}"
    shutil.copytree(src, dest, symlinks=True, copy_function=os.link,
                    ignore=shutil.ignore_patterns("*.lock", "theme_*.parquet", "article_themes*"))
    return dest


def main() -> int:
    """Run the benchmark and write bench/results/report.{json,csv}."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-100k", action="store_true", help="skip the 100,000-article report")
    ap.add_argument("--size", type=int, default=100_000, help="articles in the large corpus")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, POLICY_NEWS_DATA=str(work / "data"),
                   POLICY_NEWS_REPORTS=str(work / "reports"), MPLBACKEND="Agg")
        py = [sys.executable, "-m", "analysis"]
        base = floor(work, env)
        rows.append({"case": "floor: trivial notebook", **base})
        ingest = timed([*py, "ingest", str(config.SAMPLE_DIR)], env)
        report = timed([*py, "report", "--jobs", str(args.jobs)], env)
        rows.append({"case": "sample: ingest", **ingest})
        rows.append({"case": "sample: report", **report})
        rows += notebook_rows(work / "reports", "sample")
        rows.append({"case": "sample", "seconds": round(ingest["seconds"] + report["seconds"], 2),
                     "peak_gb": max(ingest["peak_gb"], report["peak_gb"]),
                     "rc": ingest["rc"] or report["rc"]})
        n_reports = len(list((work / "reports" / "latest").glob("*/*.html")))
        if not args.no_100k:
            store = bench_store(work, args.size)
            for case, extra in (("100k_cold", []), ("100k_warm", ["--force"])):
                res = timed([*py, "report", "--corpus", str(store), "--jobs", str(args.jobs),
                             "--timeout", "1800", "--out", str(work / "reports100k"), *extra], env)
                rows.append({"case": case, **res})
                rows += notebook_rows(work / "reports100k", case)
    df = pd.DataFrame(rows)
    df["x_floor"] = (df["seconds"] / base["seconds"]).round(1)
    df["target_s"] = df["case"].map(TARGETS)
    df["ok"] = (df["rc"] == 0) & (df["target_s"].isna() | (df["seconds"] < df["target_s"])) & (
        df["peak_gb"].isna() | (df["peak_gb"] < MEM_TARGET_GB))
    out = config.BENCH_RESULTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    meta = {"cpus": os.cpu_count(), "jobs": args.jobs, "size": args.size,
            "sample_reports": n_reports, "load_avg_1m": round(os.getloadavg()[0], 2),
            "date_utc": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")}
    (out / "report.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    df.to_csv(out / "report.csv", index=False)
    print(df.to_string(index=False))
    print(json.dumps(meta))
    return 0 if df["ok"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
