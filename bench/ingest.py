"""Ingest benchmark: stage throughput against a bare ``pandas.read_json`` baseline in the same run.

Builds, in a temporary folder, a corpus from the shared data: one JSONL file (AllSides + NYT,
26,000 records, ~26 MB) and one scraped plain-text file per AllSides article (2,724 files laid
out like the user's seed, with a manifest). Then it measures

* ``pandas.read_json(lines=True)`` of the same JSONL (the baseline),
* a full ingest of the JSONL into a fresh store, per stage (read, clean, dedupe, write),
* a full ingest of the plain-text folder (files/s),
* duplicate detection alone on 10k and 20k articles (near-linear growth check),
* plain-text pages of 10 site layouts (20,000 files by default, ``bench/pages.py`` layouts filled with
  AllSides articles): the loader without template learning (rules only) next to the loader that
  first learns each site's template (``--sites-only`` runs just this, merged into ``--out``),
* peak memory (max RSS of a child process) of a full ingest of a 50 MB and a 200 MB JSONL file
  (synthetic articles drawn from AllSides sentences, in ``/tmp``): ingest reads and writes in
  bounded batches, so the peak should barely grow with the input (``--memory-only`` runs just this).

Throughput is reported per wall second and per CPU second of this process (``time.process_time``,
all threads), i.e. per core. Each figure is the best of ``--repeat`` runs. Results go to
``bench/results/ingest.json``. Run: ``.venv/bin/python bench/ingest.py``.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from pages import LAYOUTS, load_articles, write_pages  # bench/pages.py (this folder is on sys.path)

from analysis import config
from analysis.corpus.dedupe import flag_duplicates
from analysis.corpus.ingest import ingest
from analysis.corpus.loaders.articles import read_articles

TARGET_MB_PER_CORE_S = 10.0
TARGET_FILES_PER_S = 1000.0
SITE_LAYOUTS = ("news_cms", "wire", "local_paper", "tv_station", "magazine", "blog", "newsletter", "portal",
                "crlf_portal", "public_radio")


def site_pages(root: Path, n_files: int) -> int:
    """Write ``n_files`` scraped pages, spread over the 10 :data:`SITE_LAYOUTS`; return how many."""
    per = n_files // len(SITE_LAYOUTS)
    articles = load_articles(config.ALLSIDES_JSONL, 100_000, seed=5)
    chosen = {k: LAYOUTS[k] for k in SITE_LAYOUTS}
    saved = dict(LAYOUTS)
    LAYOUTS.clear()
    LAYOUTS.update(chosen)
    try:
        return len(write_pages(root, articles, per, seed=5))
    finally:
        LAYOUTS.clear()
        LAYOUTS.update(saved)


def site_ingest(work: Path, n_files: int, repeat: int) -> dict[str, Any]:
    """Files per CPU second of ingesting the site pages without and with template learning, same run."""
    root = work / "sites"
    n = site_pages(root, n_files)
    out: dict[str, Any] = {"files": n, "sites": len(SITE_LAYOUTS),
                           "mb": round(sum(p.stat().st_size for p in root.rglob("*.txt")) / 1e6, 1)}
    for label, learn in (("rules_only", False), ("with_templates", True)):
        best: dict[str, Any] | None = None
        for k in range(repeat):
            store = work / f"sites-store-{label}-{k}"
            w, c = time.perf_counter(), time.process_time()
            rep = ingest([root], store=store, progress=False, learn_templates=learn)
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            shutil.rmtree(store, ignore_errors=True)
            if best is None or cpu < best["cpu_s"]:
                best = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "files_read": rep["files_read"],
                        "articles": rep["articles_loaded"], "skipped": rep["skipped_count"],
                        "files_per_s": rate(rep["files_read"], wall), "files_per_cpu_s": rate(rep["files_read"], cpu),
                        "stage_cpu_s": rep["cpu_timings"],
                        "template_lines": sum(t["template_lines"] for t in rep["templates"].values()),
                        "lines_removed": sum(rep["lines_removed"].values())}
        out[label] = best
    out["learning_cpu_overhead"] = round(out["with_templates"]["cpu_s"] / out["rules_only"]["cpu_s"] - 1, 3)
    out["target_files_per_cpu_s"] = TARGET_FILES_PER_S
    out["met"] = out["with_templates"]["files_per_cpu_s"] >= TARGET_FILES_PER_S
    return out


def sites_text(s: dict[str, Any]) -> str:
    """Two lines: the site-page ingest without and with template learning."""
    return "\n".join(
        f"{s['files']} pages of {s['sites']} sites ({s['mb']} MB), {label}: {v['files_per_cpu_s']} files/CPU-s, "
        f"{v['files_per_s']} files/s wall ({v['cpu_s']} CPU-s; template lines {v['template_lines']}, lines removed "
        f"{v['lines_removed']})" for label, v in (("rules only", s["rules_only"]), ("with templates", s["with_templates"]))
    ) + f"\nlearning overhead: {s['learning_cpu_overhead']:+.1%} CPU (target >= {TARGET_FILES_PER_S} files/CPU-s: {s['met']})"


def build_corpus(root: Path) -> dict[str, Any]:
    """Write the benchmark inputs under ``root``; return their paths and sizes."""
    jsonl = root / "jsonl" / "combined.jsonl"
    jsonl.parent.mkdir(parents=True)
    with open(jsonl, "wb") as out:
        for src in (config.ALLSIDES_JSONL, config.NYT_JSONL):
            data = src.read_bytes()
            out.write(data if data.endswith(b"\n") else data + b"\n")
    text_dir = root / "text"
    text_dir.mkdir()
    rows = []
    with open(config.ALLSIDES_JSONL, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            rec = json.loads(line)
            title = rec["title"]
            byline = f"Staff writer {rec['authors']} contributed to this report." if rec.get("authors") else ""
            body = rec["text"].strip()
            page = (f"{title}\nPolitics\n\n{title}\n\n{title}\n\n{body}\n\n{byline}\n\nLeave a Reply\n\n"
                    "Your email address will not be published. Required fields are marked *")
            name = f"{i:05d}_{rec['id'].split('-', 1)[1]}.txt"
            (text_dir / name).write_text(page, encoding="utf-8")
            rows.append({"path": name, "date": rec["date"], "source": rec["source"], "url": rec["url"],
                         "topic": rec["topic"]})
    with open(text_dir / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    text_bytes = sum(p.stat().st_size for p in text_dir.glob("*.txt"))
    n_jsonl = sum(1 for _ in open(jsonl, "rb"))
    return {"jsonl": jsonl, "jsonl_bytes": jsonl.stat().st_size, "jsonl_articles": n_jsonl,
            "text_dir": text_dir, "text_files": len(rows), "text_bytes": text_bytes}


def synthetic_jsonl(path: Path, megabytes: int, seed: int = 11) -> int:
    """Write about ``megabytes`` MB of distinct AllSides-like JSONL articles; return how many."""
    rng = random.Random(seed)
    sources, pool = [], []
    with open(config.ALLSIDES_JSONL, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            sources.append(rec["source"])
            pool += [x for x in rec["text"].replace("\n\n", " ").split(". ") if len(x) > 40]
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        while out.tell() < megabytes * 1_000_000:
            text = ". ".join(rng.choice(pool) for _ in range(rng.randint(6, 24))) + "."
            out.write(json.dumps({"id": f"syn-{n}", "title": f"Synthetic story {n}", "text": text,
                                  "source": rng.choice(sources), "date": f"20{rng.randint(12, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                                  "topic": rng.choice(["immigration", "trade", "elections"])}) + "\n")
            n += 1
    return n


def peak_rss_mb(paths: list[Path], store: Path) -> tuple[float, float]:
    """Max RSS (MB) and wall seconds of a full ingest of ``paths`` into ``store``, in a child process."""
    code = ("import resource, sys, time; from analysis.corpus.ingest import ingest; t = time.perf_counter();"
            "ingest(sys.argv[2:], store=sys.argv[1], progress=False);"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t)")
    res = subprocess.run([sys.executable, "-c", code, str(store), *map(str, paths)], capture_output=True,
                         text=True, check=True, cwd=config.ROOT)
    rss_kb, wall = res.stdout.split()[-2:]
    return round(int(rss_kb) / 1024, 1), round(float(wall), 1)


def memory_scaling(work: Path) -> dict[str, Any]:
    """Peak RSS of ingesting a 50 MB and a 200 MB JSONL file (each into a fresh store)."""
    out: dict[str, Any] = {}
    for mb in (50, 200):
        path = work / f"synthetic-{mb}mb.jsonl"
        n = synthetic_jsonl(path, mb)
        rss, wall = peak_rss_mb([path], work / f"mem-store-{mb}")
        out[f"{mb}mb"] = {"bytes": path.stat().st_size, "articles": n, "peak_rss_mb": rss, "wall_s": wall}
        path.unlink()
        shutil.rmtree(work / f"mem-store-{mb}", ignore_errors=True)
    out["rss_ratio_200_over_50"] = round(out["200mb"]["peak_rss_mb"] / out["50mb"]["peak_rss_mb"], 2)
    return out


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best (wall, cpu) seconds over ``repeat`` runs of ``fn`` and its last result."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, result


def fresh_ingest(paths: list[Path], work: Path, repeat: int) -> tuple[dict[str, Any], Path]:
    """Ingest into a fresh store ``repeat`` times; return the least-CPU report and the last store."""
    best: dict[str, Any] | None = None
    for k in range(repeat):
        store = work / f"store-{k}"
        w, c = time.perf_counter(), time.process_time()
        rep = ingest(paths, store=store, progress=False)
        rep["total_wall"], rep["total_cpu"] = time.perf_counter() - w, time.process_time() - c
        if best is None or rep["total_cpu"] < best["total_cpu"]:
            best = rep
        if k < repeat - 1:
            shutil.rmtree(store)
    assert best is not None
    return best, store


def rate(amount: float, seconds: float) -> float:
    """amount / seconds, rounded (inf-safe)."""
    return round(amount / seconds, 1) if seconds > 0 else float("inf")


def stage_table(rep: dict[str, Any], n_bytes: int) -> dict[str, dict[str, float]]:
    """Per-stage seconds and throughput (articles/s, MB/s) by wall and by CPU."""
    out = {}
    n = rep["articles_loaded"]
    for stage in ("read", "clean", "dedupe", "write"):
        wall, cpu = rep["timings"][stage], rep["cpu_timings"][stage]
        out[stage] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                      "articles_per_s": rate(n, wall), "mb_per_s": rate(n_bytes / 1e6, wall),
                      "articles_per_cpu_s": rate(n, cpu), "mb_per_cpu_s": rate(n_bytes / 1e6, cpu)}
    return out


def dedupe_scaling(jsonl: Path, repeat: int) -> dict[str, Any]:
    """Duplicate detection CPU time on 10k and 20k random articles (real mix, and long texts)."""
    df, _ = read_articles([jsonl])
    order = list(range(len(df)))
    random.Random(20240601).shuffle(order)
    out: dict[str, Any] = {}
    texts, titles = df["text"].fillna("").tolist(), df["title"].fillna("").tolist()
    # long texts: 40 sentences drawn at random from the AllSides pool, so documents are distinct
    pool = [x for t in df.head(2724)["text"] for x in t.replace("\n\n", " ").split(". ") if len(x) > 40]
    rng = random.Random(7)
    long_texts = [". ".join(rng.choice(pool) for _ in range(40)) + "." for _ in range(20000)]
    for label, texts_all, titles_all in (
        ("real_mix", [texts[i] for i in order], [titles[i] for i in order]),
        ("long_texts", long_texts, [f"T{i}" for i in range(20000)]),
    ):
        res = {}
        for n in (10000, 20000):
            ids, texts, titles = [f"id{i}" for i in range(n)], texts_all[:n], titles_all[:n]
            wall, cpu, (dup_of, kind, _) = timed(lambda: flag_duplicates(ids, titles, texts), repeat)
            res[str(n)] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                           "mb": round(sum(len(t.encode()) for t in texts) / 1e6, 1),
                           "flagged": int(dup_of.notna().sum())}
        res["cpu_ratio_20k_over_10k"] = round(res["20000"]["cpu_s"] / res["10000"]["cpu_s"], 2)
        out[label] = res
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write bench/results/ingest.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is kept)")
    ap.add_argument("--out", type=Path, default=config.BENCH_RESULTS_DIR / "ingest.json")
    ap.add_argument("--memory-only", action="store_true",
                    help="only the peak-memory measurement; merged into an existing --out file")
    ap.add_argument("--sites-only", action="store_true",
                    help="only the site-pages measurement (with/without templates); merged into --out")
    ap.add_argument("--site-files", type=int, default=20_000, help="pages in the site-pages measurement")
    args = ap.parse_args(argv)
    for p in (config.ALLSIDES_JSONL, config.NYT_JSONL):
        if not p.exists():
            print(f"shared data not found: {p}", file=sys.stderr)
            return 1
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    if args.sites_only or args.memory_only:   # one part only: its figures replace that part of the results
        key, measure, describe = (("site_pages", lambda: site_ingest(work, args.site_files, args.repeat), sites_text)
                                  if args.sites_only else ("memory", lambda: memory_scaling(work), memory_text))
        try:
            part = measure()
        finally:
            shutil.rmtree(work, ignore_errors=True)
        results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
        results[key] = part
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(describe(part))
        return 0
    try:
        corpus = build_corpus(work)
        mb = corpus["jsonl_bytes"] / 1e6
        base_wall, base_cpu, base = timed(lambda: pd.read_json(corpus["jsonl"], lines=True), args.repeat)
        j, j_store = fresh_ingest([corpus["jsonl"]], work / "j", args.repeat)
        again_w, _, again = timed(lambda: ingest([corpus["jsonl"]], store=j_store, progress=False), 1)
        assert again["articles_new"] == 0
        t, _ = fresh_ingest([corpus["text_dir"]], work / "t", args.repeat)
        scaling = dedupe_scaling(corpus["jsonl"], args.repeat)
        sites = site_ingest(work, args.site_files, args.repeat)
        memory = memory_scaling(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_avg_1m": round(os.getloadavg()[0], 2), "pandas": pd.__version__},
        "corpus": {k: (str(v) if isinstance(v, Path) else v) for k, v in corpus.items()},
        "baseline_pandas_read_json": {"wall_s": round(base_wall, 3), "cpu_s": round(base_cpu, 3),
                                      "rows": len(base), "mb_per_s": rate(mb, base_wall),
                                      "mb_per_cpu_s": rate(mb, base_cpu)},
        "jsonl_ingest": {
            "articles": j["articles_loaded"], "new": j["articles_new"], "duplicates": j["duplicates"],
            "total_wall_s": round(j["total_wall"], 3), "total_cpu_s": round(j["total_cpu"], 3),
            "mb_per_s": rate(mb, j["total_wall"]), "mb_per_cpu_s": rate(mb, j["total_cpu"]),
            "articles_per_s": rate(j["articles_loaded"], j["total_wall"]),
            "vs_pandas_read_json_cpu": round(j["total_cpu"] / base_cpu, 2),
            "stages": stage_table(j, corpus["jsonl_bytes"]),
            "reingest_nothing_new_wall_s": round(again_w, 3),
        },
        "text_ingest": {
            "files": t["files_read"], "articles": t["articles_loaded"],
            "total_wall_s": round(t["total_wall"], 3), "total_cpu_s": round(t["total_cpu"], 3),
            "files_per_s": rate(t["files_read"], t["total_wall"]),
            "files_per_cpu_s": rate(t["files_read"], t["total_cpu"]),
            "mb_per_cpu_s": rate(corpus["text_bytes"] / 1e6, t["total_cpu"]),
            "stages": stage_table(t, corpus["text_bytes"]),
        },
        "dedupe_scaling": scaling,
        "site_pages": sites,
        "memory": memory,
        "targets": {"jsonl_mb_per_cpu_s": TARGET_MB_PER_CORE_S, "text_files_per_s": TARGET_FILES_PER_S},
    }
    results["targets"]["jsonl_met"] = results["jsonl_ingest"]["mb_per_cpu_s"] >= TARGET_MB_PER_CORE_S
    results["targets"]["text_met"] = results["text_ingest"]["files_per_cpu_s"] >= TARGET_FILES_PER_S
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report_text(results))
    print(f"\nwritten: {args.out}")
    return 0


def memory_text(m: dict[str, Any]) -> str:
    """One line on peak memory vs input size."""
    a, b = m["50mb"], m["200mb"]
    return (f"peak RSS: {a['bytes'] / 1e6:.0f} MB JSONL ({a['articles']} articles) -> {a['peak_rss_mb']:.0f} MB; "
            f"{b['bytes'] / 1e6:.0f} MB JSONL ({b['articles']} articles) -> {b['peak_rss_mb']:.0f} MB "
            f"(x{m['rss_ratio_200_over_50']} for x4 input)")


def report_text(r: dict[str, Any]) -> str:
    """Human-readable summary of the results."""
    b, j, t = r["baseline_pandas_read_json"], r["jsonl_ingest"], r["text_ingest"]
    lines = [
        f"machine: {r['machine']}",
        f"JSONL: {r['corpus']['jsonl_articles']} records, {r['corpus']['jsonl_bytes'] / 1e6:.1f} MB",
        f"  baseline pandas.read_json: {b['wall_s']:.2f} s wall, {b['cpu_s']:.2f} s CPU "
        f"({b['mb_per_cpu_s']} MB/CPU-s)",
        f"  full ingest: {j['total_wall_s']:.2f} s wall, {j['total_cpu_s']:.2f} s CPU -> "
        f"{j['mb_per_cpu_s']} MB/CPU-s, {j['mb_per_s']} MB/s wall "
        f"({j['vs_pandas_read_json_cpu']}x the CPU of bare read_json); target >= {TARGET_MB_PER_CORE_S} MB/CPU-s",
        "  stage      wall s   CPU s   articles/CPU-s   MB/CPU-s",
    ]
    for stage, v in j["stages"].items():
        lines.append(f"  {stage:8s} {v['wall_s']:7.2f} {v['cpu_s']:7.2f} {v['articles_per_cpu_s']:16,.0f} {v['mb_per_cpu_s']:10,.1f}")
    lines += [
        f"plain text: {t['files']} files -> {t['files_per_cpu_s']} files/CPU-s, {t['files_per_s']} files/s wall "
        f"(target >= {TARGET_FILES_PER_S})",
    ]
    for stage, v in t["stages"].items():
        lines.append(f"  {stage:8s} {v['wall_s']:7.2f} {v['cpu_s']:7.2f} {v['articles_per_cpu_s']:16,.0f}")
    for label, s in r["dedupe_scaling"].items():
        lines.append(f"dedupe {label}: 10k {s['10000']['cpu_s']:.2f} CPU-s ({s['10000']['mb']} MB), "
                     f"20k {s['20000']['cpu_s']:.2f} CPU-s ({s['20000']['mb']} MB) -> ratio {s['cpu_ratio_20k_over_10k']}")
    if "site_pages" in r:
        lines.append(sites_text(r["site_pages"]))
    if "memory" in r:
        lines.append(memory_text(r["memory"]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
