"""Run the parameterized notebooks with papermill and render self-contained HTML reports.

Default set: the corpus overview, one theme report and one article brief (the most on-theme
article of the selection) per --themes entry, and the outlet comparison. Every parameter is checked before a kernel starts
(exit 2 on a mistake); a failed notebook gives exit 1 and leaves reports/latest where it was.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from analysis import config
from analysis.aggregate.count_files import AGGREGATES_DIR, write_aggregates
from analysis.aggregate.selection import did_you_mean
from analysis.cluster.options import add_dask_argument, session
from analysis.errors import LexiconError, ModelMismatchError, UsageError
from analysis.report import checks
from analysis.report import fingerprints as fp
from analysis.report import plan as reports
from analysis.report.archive import write_archive
from analysis.report.execute import KernelStartError, check_loopback
from analysis.report.run import check_out_dir, pin_store, prune_runs, run_report
from analysis.search.saved import resolve_query
from analysis.themes.lexicon import with_user_lexicons


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``python -m analysis report``."""
    parser.add_argument("--themes", default=",".join(reports.DEFAULT_THEMES),
                        help="comma-separated theme ids, one theme report each "
                             "(default: %(default)s)")
    parser.add_argument("--corpus", "--store", dest="store", type=Path, default=None,
                        help="article store folder (default: the configured store)")
    parser.add_argument("--start", help="first day, YYYY-MM-DD")
    parser.add_argument("--end", help="last day, YYYY-MM-DD")
    parser.add_argument("--outlets", help="comma-separated outlet names (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel notebooks (default: 2)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds allowed per notebook (default: 600)")
    parser.add_argument("--out", type=Path, default=None,
                        help="reports folder (default: the configured reports folder)")
    parser.add_argument("--show-code", action="store_true", help="show code cells in the HTML")
    parser.add_argument("--force", action="store_true",
                        help="run even if nothing changed since reports/latest")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="[NB:]NAME=VALUE",
                        help="set a notebook parameter (optionally only for notebook NB)")
    parser.add_argument("--notebooks", type=Path, default=None,
                        help="folder with the notebook templates (default: notebooks/)")
    parser.add_argument("--keep", type=int, default=0, metavar="N",
                        help="after the run, delete all but the N newest runs (default: keep all)")
    parser.add_argument("--only", metavar="NAMES",
                        help="run only these notebooks (comma-separated, e.g. 02-theme-report)")
    parser.add_argument("--query", action="append", default=[], metavar="NAME=QUERY",
                        help="also render the theme report for a query (NAME=QUERY, or a saved query's name); "
                             "repeatable")
    parser.add_argument("--lexicons", metavar="DIR",
                        help="folder of theme YAML files added to the shipped themes (a file whose id is a shipped "
                             "theme replaces it); its themes can be reported with --themes")
    parser.add_argument("--model", metavar="FILE",
                        help="trained model file (python -m analysis train): which themes an article carries "
                             "comes from the model instead of the lexicons")
    parser.add_argument("--no-progress", action="store_true", help="no Dask progress bar (with --dask)")
    parser.add_argument("--dry-run", action="store_true",
                        help="validate and print the plan without running anything")
    parser.add_argument("--zip", action="store_true",
                        help="also write the run as one archive, reports/<run-id>.zip (index, pages, charts, "
                             "CSVs; opens offline after unzip), and print its path")
    add_dask_argument(parser)


def _split(text: str | None) -> list[str]:
    """Split a comma-separated option."""
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def plan_from_args(args: argparse.Namespace,
                   version: str | None = None) -> tuple[list[reports.Job], dict[str, Any]]:
    """Validate the command line against store ``version`` (None: the current one) and the
    notebooks; return jobs and context."""
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    problems: list[str] = []

    def check(fn, *a):
        try:
            return fn(*a)
        except UsageError as exc:
            problems.append(str(exc))
            return None

    lexicons, model = check(user_inputs, args) or (None, None)
    valid = reports.valid_themes(lexicons)
    themes = _split(args.themes)
    bad = [t for t in themes if t not in valid]
    if bad:
        hints = "; ".join(f"{t!r}{did_you_mean(t, valid)}" for t in bad)
        problems.append(f"unknown theme(s): {hints}. Valid themes: {', '.join(valid)}")
    start = check(reports.parse_date, args.start, "--start")
    end = check(reports.parse_date, args.end, "--end")
    outlets = _split(args.outlets)
    store = config.store_dir(args.store)
    index = fp.read_corpus_index(store, version)
    if index.empty:
        raise UsageError("\n".join(problems + [
            f"no articles in the store {store}; "
            f"run `python -m analysis ingest data/sample` first or pass --corpus"]))
    corpus = fp.corpus_summary(index)
    check(reports.check_dates, start, end, corpus)
    outlets = check(reports.check_outlets, outlets, corpus) or outlets  # the corpus's spelling
    window = fp.corpus_summary(index, start, end, outlets)
    if (start is not None or end is not None or outlets) and window["n_articles"] == 0 \
            and not problems:
        problems.append(f"empty selection: no articles between {args.start or 'the start'} and "
                        f"{args.end or 'the end'}"
                        f"{' for ' + ', '.join(outlets) if outlets else ''}")
    common = {"store": str(store), "out_dir": ".",
              "start": start.date().isoformat() if start is not None else None,
              "end": end.date().isoformat() if end is not None else None,
              "outlets": outlets or None,
              "use_aggregates": True if getattr(args, "dask", None) else None,
              "store_version": version, "lexicons": lexicons, "model": model}
    plan = [t for t in themes if t in valid]
    queries = check(query_jobs, args.query, valid, getattr(args, "dask", None)) or []
    overrides = check(reports.parse_assignments, args.param) or []
    planned = reports.plan_jobs(plan, args.notebooks, queries,
                                brief_per_theme=not reports.names_the_article(overrides))
    jobs = check(reports.select_jobs, planned, _split(args.only))
    if jobs is not None:
        jobs = check(reports.resolve_jobs, jobs, common, overrides, valid)
    if jobs is not None:
        jobs = check(reports.check_file_parameters, jobs, store)
    if jobs is not None:  # every declared value against the pinned corpus (analysis.report.declarations)
        jobs = check(checks.check_values, jobs, checks.Corpus(store, version, valid, index))
    check(check_out_dir, (args.out or config.REPORTS_DIR).resolve())
    if problems:
        raise UsageError("\n".join(problems))
    assert jobs is not None
    context = {"store": store, "version": version, "index": index, "corpus": corpus, "window": window,
               "options": {"themes": themes, "queries": [f"{n}={q}" for n, q in queries],
                           "store": str(store), "start": common["start"],
                           "end": common["end"], "outlets": outlets, "jobs": args.jobs,
                           "timeout": args.timeout, "show_code": args.show_code,
                           "params": args.param, "only": args.only, "force": args.force,
                           "keep": args.keep, "dask": getattr(args, "dask", None),
                           "zip": getattr(args, "zip", False),
                           "lexicons": lexicons, "model": model,
                           "notebooks": str(args.notebooks or config.NOTEBOOKS_DIR)}}
    return jobs, context


def user_inputs(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """Check ``--lexicons DIR`` (its YAML loads) and ``--model FILE`` (a model file of this version); absolute paths."""
    # deferred on purpose: reading a model header pulls scikit-learn's version check
    from analysis.model.file_format import check_versions, read_header
    from analysis.model.theme_model import installed_versions  # deferred on purpose, as above

    lexicons = model = None
    if getattr(args, "dask", None) and (getattr(args, "lexicons", None) or getattr(args, "model", None)):
        raise UsageError("--lexicons and --model read the article table; they cannot be combined with --dask")
    if getattr(args, "lexicons", None):
        folder = Path(args.lexicons)
        if not folder.exists():
            raise UsageError(f"--lexicons: folder not found: {folder}")
        try:
            with_user_lexicons(folder)
        except LexiconError as exc:
            raise UsageError(f"--lexicons: {exc}") from None
        lexicons = str(folder.resolve())
    if getattr(args, "model", None):
        path = Path(args.model)
        if not path.is_file():
            raise UsageError(f"--model: model file not found: {path}")
        try:
            check_versions(path, read_header(path), installed_versions())
        except ModelMismatchError as exc:
            raise UsageError(f"--model: {exc}") from None
        model = str(path.resolve())
    return lexicons, model


def query_jobs(specs: list[str], themes: list[str], dask: str | None) -> list[tuple[str, str]]:
    """(name, query) of each ``--query`` (NAME=QUERY or a saved query's name); names unique, not theme ids."""
    out: list[tuple[str, str]] = []
    for spec in specs:
        saved = resolve_query(spec)
        if saved.name in themes or saved.name in {n for n, _ in out}:
            raise UsageError(f"--query {spec!r}: the name {saved.name!r} is already a theme or another query; "
                             f"write NAME=QUERY with a new name")
        out.append((saved.name, saved.query))
    if out and dask:
        raise UsageError("--query reads the article table; it cannot be combined with --dask")
    return out


def aggregate_selection(jobs: list[reports.Job]) -> dict[str, Any] | None:
    """The one article selection of the jobs that read aggregates (None when no job declares them)."""
    # deferred on purpose: the report counts pull numba (the compiled theme kernels)
    from analysis.aggregate.report_counts import selection_params

    sels = []
    for job in jobs:
        p = job.parameters
        if p.get("use_aggregates"):
            sel = selection_params(p.get("start", ""), p.get("end", ""), p.get("outlets", ""),
                                   p.get("exclude_duplicates", True))
            if sel not in sels:
                sels.append(sel)
    if len(sels) > 1:
        raise UsageError("with --dask every notebook must use the same --start/--end/--outlets and "
                         f"exclude_duplicates (one set of aggregates per store); got {sels}")
    return sels[0] if sels else None


def dask_aggregates(args: argparse.Namespace, jobs: list[reports.Job], store: Path,
                    version: str | None = None) -> None:
    """Compute the notebooks' count tables on the cluster into <store>/aggregates (unless current).

    They are computed on the run's pinned store ``version`` (None: the current one), which the
    cluster read holds with a lease, so a commit during the computation changes nothing."""
    # deferred on purpose: the Dask report counts pull numba (the compiled theme kernels)
    from analysis.cluster import report_counts

    sel = aggregate_selection(jobs)
    if sel is None:
        print("--dask: no notebook of this run reads aggregates; nothing computed on the cluster")
        return
    themes = sorted({str(j.parameters["theme"]) for j in jobs if j.parameters.get("use_aggregates")
                     and j.parameters.get("theme")})           # keyness and collocations: these themes only
    params = report_counts.stale_params(store, sel, force=args.force, version=version, text_themes=themes)
    if params is None:
        print(f"aggregates up to date in {store / AGGREGATES_DIR}")
        return
    with session(args):
        tables = report_counts.compute_report_aggregates(store, sel, show_progress=not args.no_progress,
                                                         version=version, text_themes=params["text"]["themes"])
    folder = write_aggregates(tables, store, params=params)
    print(f"aggregates computed on dask -> {folder}")


class Progress:
    """Per-notebook progress: tqdm bars on a terminal, plain lines otherwise."""

    def __init__(self, specs_total: int) -> None:
        self.total = specs_total
        self.tty = sys.stderr.isatty()
        self.bars: dict[str, Any] = {}
        self.started = 0

    def __call__(self, kind: str, spec: dict[str, Any], info: dict[str, Any]) -> None:
        """Handle one scheduler event (start, progress, done)."""
        key = spec["key"]
        if kind == "start":
            self.started += 1
            if self.tty:
                self.bars[key] = tqdm(total=1, desc=spec["label"], unit="cell", leave=True,
                                      position=len(self.bars), file=sys.stderr, ncols=90)
            else:
                print(f"[{self.started}/{self.total}] running {spec['label']}", file=sys.stderr)
        elif kind == "progress" and key in self.bars:
            i, n = info["cell"]
            bar = self.bars[key]
            if n and (bar.total != n or bar.n != i):
                bar.total, bar.n = n, i
                bar.refresh()
        elif kind == "done":
            line = f"{spec['label']}: {info['status']} in {info.get('duration_s') or 0:.1f} s"
            if key in self.bars:
                bar = self.bars[key]
                bar.n = bar.total
                bar.set_postfix_str(info["status"])
                bar.close()
            else:
                print(line, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Validate, then run (or skip) the report on one pinned store version; print a summary."""
    logging.getLogger("papermill").setLevel(logging.WARNING)  # "Input Notebook: ..." per inspect
    if not args.dry_run:
        try:  # a machine whose kernels cannot start fails in a second, not a minute per kernel
            check_loopback()
        except KernelStartError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    with pin_store(config.store_dir(args.store)) as version:
        jobs, ctx = plan_from_args(args, version)
        out_dir = (args.out or config.REPORTS_DIR).resolve()
        if args.dry_run:
            for job in jobs:
                print(f"{job.label}: {job.notebook} {job.parameters}")
            return 0
        if getattr(args, "dask", None):
            dask_aggregates(args, jobs, ctx["store"], version)
        try:
            result = run_report(jobs, out_dir, ctx["store"], ctx["corpus"], ctx["index"],
                                ctx["options"], n_jobs=args.jobs, timeout=args.timeout,
                                show_code=args.show_code, force=args.force,
                                on_event=Progress(len(jobs)), version=version)
        except KernelStartError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    for gone in prune_runs(out_dir, args.keep):
        print(f"removed old run {gone.name}")
    if result.status == "skipped":
        print(f"skipped: {result.message}")
    elif result.status == "ok":
        print(result.message)
        print(f"open {result.run_dir / 'index.html'}")
    else:
        print(result.message, file=sys.stderr)
    if args.zip and result.status in ("ok", "skipped"):  # a failed run is not shared
        print(f"archive: {write_archive(result.run_dir)}")
    return result.exit_code
